package ack_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"intake/fixtures/device"
	"intake/fixtures/scanout"
	"intake/ocr"
	"intake/ocr/ocrtest"
	"intake/ocr/raster"
	"intake/pipeline"
	"intake/pipeline/ack"
	"intake/sinks/archive"
	"intake/sinks/letters"
	"intake/sinks/store"
)

// TestMain limits Tesseract to one OpenMP thread: the round trip reads pages with it.
func TestMain(m *testing.M) { ocrtest.Main(m) }

// TestReturnSheetComesBack: the enrollee faxes back the return cover sheet of their
// acknowledgement letter (fax normal, 204 x 98 dpi, CCITT G3) with a plan letter behind it.
// The pipeline reads the fax and attaches both to the case the sheet names, although the
// plan letter alone would match no case.
func TestReturnSheetComesBack(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a faxed sheet and letter with Tesseract")
	}
	data := t.TempDir()
	st, err := store.Open(t.Context(), "", data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs := seed(t, st)
	job := &ack.Job{Store: st, Renderer: letters.Renderer{}, DataDir: data, Actor: "test", Zone: la}
	if _, err := job.Run(t.Context(), at("2026-11-03 02:00"), false); err != nil {
		t.Fatal(err)
	}
	number := cs["A"].number
	letter, err := os.ReadFile(filepath.Join(data, "cases", number, "acknowledgement-2026-11-03-enrollee.pdf"))
	if err != nil {
		t.Fatal(err)
	}

	// The fax: the cover sheet, then the two pages of a plan letter from the sample corpus.
	sheet, err := device.PrintPDFPage(letter, 2, 204, 98)
	if err != nil {
		t.Fatal(err)
	}
	pages := []scanout.TIFFPage{{Image: device.Bilevel(sheet), XRes: 204, YRes: 98}}
	behind, err := raster.OpenFile("../../fixtures/sample/fax001009.tif", raster.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range behind.NumPages() {
		p, err := behind.Page(i)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, scanout.TIFFPage{Image: p.Image, XRes: p.XDPI, YRes: p.YDPI})
	}
	behind.Close()
	var tif bytes.Buffer
	if err := scanout.WriteTIFF(&tif, pages, scanout.TIFFOptions{Compression: scanout.CompressionG3, DateTime: "2026:11:10 10:15:00"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "fax000777.tif")
	if err := os.WriteFile(path, tif.Bytes(), 0o640); err != nil {
		t.Fatal(err)
	}

	pool, err := ocr.NewPool(ocr.PoolOptions{Workers: 2, KeepImage: true})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	arc, _ := archive.New(data, la)
	p := &pipeline.Processor{Pool: pool, Store: st, Archive: arc, Actor: "test"}
	o, err := p.Process(t.Context(), pipeline.Item{Path: path, Name: "fax000777.tif", ClaimID: "fax000777", Channel: "fax",
		ReceivedAt: at("2026-11-10 10:15")})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, d := range o.Record.Documents {
		kinds = append(kinds, d.Kind)
	}
	if len(o.Record.Cases) != 1 || o.Record.Cases[0].Action != "attached" || o.Record.Cases[0].Number == nil || *o.Record.Cases[0].Number != number {
		t.Fatalf("the returned fax (documents %v): cases %+v, want attached to %s", kinds, o.Record.Cases, number)
	}
	docs, err := st.CaseDocuments(t.Context(), cs["A"].id)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, d := range docs {
		got[d.Kind]++
	}
	if got["return_sheet"] != 1 || got["denial_letter"] != 1 {
		t.Errorf("case %s holds %v, want the return sheet and the plan letter behind it", number, got)
	}
}
