package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"intake/ocr"
	"intake/ocr/ocrtest"
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

// TestOCRFilesPagesFinishingLate: pages of one file still being read when the next file
// opens, finishing in any order (engines that take a random time), are all emitted in
// order, and each file's own count of pages in flight is the one their end is counted on
// (it once was the next file's: "sync: negative WaitGroup counter", the command crashed).
func TestOCRFilesPagesFinishingLate(t *testing.T) {
	read := func(img *image.Gray, dpi float64) (string, error) {
		time.Sleep(time.Duration(rand.IntN(15)) * time.Millisecond)
		return "page", nil
	}
	pool, err := ocr.NewPool(ocr.PoolOptions{Workers: 2, NewEngine: ocrtest.Factory(read)})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	two := filepath.Join("..", "..", "fixtures", "sample", "fax001009.tif") // 2 pages
	six := filepath.Join("..", "..", "fixtures", "sample", "fax001000.tif") // 6 pages
	var paths, want []string
	for i := range 12 {
		p, n := two, 2
		if i%3 == 2 {
			p, n = six, 6
		}
		paths = append(paths, p)
		for k := 1; k <= n; k++ {
			want = append(want, fmt.Sprintf("%s#%d", filepath.Base(p), k))
		}
	}
	var got []string
	ocrFiles(t.Context(), paths, func() error { return nil }, func() *ocr.Pool { return pool }, 2,
		func(p ocrPage) {
			if p.Error != "" {
				t.Errorf("%s page %d: %s", p.File, p.Page, p.Error)
			}
			got = append(got, fmt.Sprintf("%s#%d", filepath.Base(p.File), p.Page))
		},
		func(path string, err error) bool { t.Errorf("%s: %v", path, err); return false })
	if !slices.Equal(got, want) {
		t.Errorf("pages emitted\n%v\nwant\n%v", got, want)
	}
}
