package letters_test

import (
	"bytes"
	"testing"
	"time"

	"intake/classify"
	"intake/fixtures/scanout"
	"intake/ocr"
	"intake/ocr/ocrtest"
	"intake/ocr/raster"
	"intake/sinks/letters"
)

// TestMain limits Tesseract to one OpenMP thread: TestCoverSheetComesBackByFax reads pages
// with it.
func TestMain(m *testing.M) { ocrtest.Main(m) }

// TestCoverSheetComesBackByFax sends the return cover sheet through a fax line as the
// Help Center's fax server stores it (black and white, 204 x 98 dpi "normal" resolution,
// CCITT G3 in a TIFF) and reads the file the way the pipeline does: raster, OCR with
// Tesseract, classify.Inspect and classify.Analyze. The page must be recognised as a
// return sheet naming the letter's case, the barcode and the printed number agreeing,
// for an English and a Spanish letter.
func TestCoverSheetComesBackByFax(t *testing.T) {
	if testing.Short() {
		t.Skip("reads two faxed pages with Tesseract")
	}
	pool, err := ocr.NewPool(ocr.PoolOptions{Workers: 1, KeepImage: true})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	for _, a := range []struct {
		lang string
		ack  func() letters.Ack
	}{{"en", ackEN}, {"es", ackES}} {
		t.Run(a.lang, func(t *testing.T) {
			ack := a.ack()
			sheet := bilevel(rasterize(t, render(t, ack), 2, 204, 98))
			var tif bytes.Buffer
			err := scanout.WriteTIFF(&tif, []scanout.TIFFPage{{Image: sheet, XRes: 204, YRes: 98}},
				scanout.TIFFOptions{Compression: scanout.CompressionG3, DateTime: "2026:12:04 10:15:00"})
			if err != nil {
				t.Fatal(err)
			}
			doc, err := raster.Open(bytes.NewReader(tif.Bytes()), int64(tif.Len()), raster.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			defer doc.Close()
			rp, err := doc.Page(0)
			if err != nil {
				t.Fatal(err)
			}
			if rp.Source != "tiff/g3-1d" || rp.XDPI != 204 || rp.YDPI != 98 {
				t.Fatalf("the fax page reads as %s at %v x %v dpi, want tiff/g3-1d at 204 x 98", rp.Source, rp.XDPI, rp.YDPI)
			}
			p, err := pool.Recognize(t.Context(), rp)
			if err != nil {
				t.Fatal(err)
			}
			img := p.Image
			p.Image = nil
			res := classify.Analyze([]classify.Page{classify.Inspect(p, img)}, time.Date(2026, 12, 4, 10, 15, 0, 0, time.UTC))
			if len(res.Documents) != 1 {
				t.Fatalf("Analyze found %d documents, want 1 (OCR read:\n%s)", len(res.Documents), p.Text)
			}
			d := res.Documents[0]
			f, ok := d.Fields["case.number"]
			t.Logf("kind %s (confidence %.2f), language %s, case.number %v (confidence %.2f)", d.Kind, d.Confidence, d.Language, f.Value, f.Confidence)
			if d.Kind != classify.ReturnSheet {
				t.Errorf("kind %s, want %s (OCR read:\n%s)", d.Kind, classify.ReturnSheet, p.Text)
			}
			if !ok || f.Value != ack.CaseNumber {
				t.Errorf("case.number = %v, want %s (OCR read:\n%s)", f.Value, ack.CaseNumber, p.Text)
			}
			// 0.99: the barcode and the printed number were both read and agree.
			if f.Confidence < 0.99 || f.NeedsReview {
				t.Errorf("case.number confidence %.2f, needs review %v: barcode and print did not agree (OCR read:\n%s)", f.Confidence, f.NeedsReview, p.Text)
			}
			if d.Language != ack.Language {
				t.Errorf("language %s, want %s", d.Language, ack.Language)
			}
		})
	}
}
