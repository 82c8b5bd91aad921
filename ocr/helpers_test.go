package ocr_test

import (
	"image"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"intake/fixtures/device"
	"intake/fixtures/paper"
	"intake/fixtures/paperwork"
	"intake/ocr"
	"intake/ocr/raster"
)

// samples are printed pages of the corpus's kinds, made once (same seed, same pages).
var samples = sync.OnceValue(func() map[string]*paper.Page {
	r := rand.New(rand.NewPCG(11, 12))
	en := paperwork.NewCase(r, 1, paperwork.Scenario{Kind: "imr", IMRType: "medical_necessity", Language: "en", Edition: "09/25"})
	es := paperwork.NewCase(r, 2, paperwork.Scenario{Kind: "consumer_complaint", Complaint: "billing_claim_copay", Language: "es", Edition: "01/20"})
	return map[string]*paper.Page{
		"form":       paperwork.IMRForm(r, en, paperwork.FormOptions{}).Pages[0],
		"form es p2": paperwork.IMRForm(r, es, paperwork.FormOptions{}).Pages[1],
		"letter":     paperwork.DenialLetter(r, en, 0).Pages[0],
		"letter 1":   paperwork.DenialLetter(r, en, 1).Pages[0],
		"letter es":  paperwork.DenialLetter(r, es, 2).Pages[0],
		"note":       paperwork.Supporting(r, en, "progress_note").Pages[0],
		"lab":        paperwork.Supporting(r, en, "lab_result").Pages[0],
		"card":       paperwork.Supporting(r, en, "insurance_card").Pages[0],
		"fax cover":  paperwork.FaxCover(r, paperwork.NewFaxCoverInfo(r, en, 3, true), 1).Pages[0],
		"return":     paperwork.ReturnSheet(r, en, "HC26-000123-5", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), 0).Pages[0],
		"separator":  paperwork.SeparatorSheet().Pages[0],
		"blank":      paperwork.BlankPage().Pages[0],
	}
})

// sample returns a printed page and what it says.
func sample(t testing.TB, name string) (*paper.Page, string) {
	t.Helper()
	p := samples()[name]
	if p == nil {
		t.Fatalf("no sample page %q", name)
	}
	return p, p.Transcript()
}

const faxHeader = "11/02/2026 10:31  FROM: 916 555 0142  P.01/03"

// scan passes a printed page through a device, as raster would hand it over. The noise is
// the same for the same seed.
func scan(p *paper.Page, c device.Condition, e device.Effects, seed uint64) *raster.Page {
	r := rand.New(rand.NewPCG(seed, 99))
	hdr := ""
	if c.Fax() {
		hdr = faxHeader
	}
	x, y := c.Resolution()
	src := "pdf/ccitt"
	if c == device.MailJPEG300 {
		src = "pdf/dct"
	}
	return &raster.Page{Image: device.Scan(r, p, c, e, hdr), XDPI: x, YDPI: y, Source: src}
}

// engine is a Tesseract engine for the test, closed at its end.
func engine(t testing.TB, langs ...string) *ocr.Tesseract {
	t.Helper()
	e, err := ocr.NewTesseract(ocr.TesseractOptions{Languages: langs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// read prepares and reads a page on e, as a pool does.
func read(t testing.TB, e *ocr.Tesseract, pg *raster.Page) *ocr.Page {
	t.Helper()
	prep, err := ocr.Prepare(pg, ocr.PrepareOptions{Orienter: e})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	p, err := e.Recognize(prep.Image, prep.DPI)
	if err != nil {
		t.Fatal(err)
	}
	p.Rotation, p.Skew, p.Info = prep.Rotation, prep.Skew, prep.Info
	p.Info.Timings.Recognize = time.Since(start)
	return p
}

func slow(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("slow: runs Tesseract")
	}
}

// blankImage is a white page.
func blankImage(w, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	return img
}
