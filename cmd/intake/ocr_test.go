package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestOCRCommand: `intake ocr --json` over several files reads every page of each, in the
// files' order and in page order, while the pages of one file and the next are read
// together; a file that cannot be read is said on stderr by its path and does not stop the
// others.
func TestOCRCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("reads pages with Tesseract")
	}
	dir := t.TempDir()
	notPDF := filepath.Join(dir, "letter.pdf")
	if err := os.WriteFile(notPDF, []byte("Dear Member, this is plain text.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := filepath.Join("..", "..", "fixtures", "sample", "fax001009.tif") // 2 pages
	b := filepath.Join("..", "..", "fixtures", "sample", "fax001000.tif") // 6 pages
	var out, errb bytes.Buffer
	code := run([]string{"ocr", "--json", "--workers", "2", a, notPDF, b}, &out, &errb)
	if code != 1 {
		t.Errorf("exit %d, want 1 (one file could not be read); stderr %q", code, errb.String())
	}
	if !strings.Contains(errb.String(), notPDF) || strings.Count(errb.String(), "\n") != 1 {
		t.Errorf("stderr %q: want one line naming %s", errb.String(), notPDF)
	}
	type page struct {
		File        string
		Page, Pages int
		Text, Error string
		Words       []json.RawMessage
	}
	var got []string
	dec := json.NewDecoder(&out)
	for dec.More() {
		var p page
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if p.Error != "" || len(p.Words) == 0 || strings.TrimSpace(p.Text) == "" {
			t.Errorf("%s page %d: error %q, %d words", p.File, p.Page, p.Error, len(p.Words))
		}
		got = append(got, filepath.Base(p.File)+"#"+strconv.Itoa(p.Page)+"/"+strconv.Itoa(p.Pages))
	}
	want := []string{"fax001009.tif#1/2", "fax001009.tif#2/2"}
	for i := 1; i <= 6; i++ {
		want = append(want, "fax001000.tif#"+strconv.Itoa(i)+"/6")
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("pages emitted %v, want %v", got, want)
	}
}
