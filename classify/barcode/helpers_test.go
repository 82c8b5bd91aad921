package barcode

import (
	"image"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"intake/fixtures/device"
	"intake/fixtures/paper"
	"intake/fixtures/paperwork"
)

// caseNumber is a valid case number: casenum.Format(2026, 123), whose Luhn check digit is
// 5 (the "HC26-000123-4" in casenum's documentation fails its own check).
const caseNumber = "HC26-000123-5"

// pages are the fixture pages the tests scan, made once.
var pages = sync.OnceValue(func() map[string]*paper.Page {
	r := rand.New(rand.NewPCG(7, 7))
	c := paperwork.NewCase(r, 1, paperwork.Scenario{Kind: "imr", IMRType: "medical_necessity", Language: "en"})
	sent := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	return map[string]*paper.Page{
		"separator": paperwork.SeparatorSheet().Pages[0],
		"return":    paperwork.ReturnSheet(r, c, caseNumber, sent, 0).Pages[0],
		"requested": paperwork.ReturnSheet(r, c, caseNumber, sent, 1).Pages[0],
		"letter":    paperwork.DenialLetter(r, c, 0).Pages[0],
		"form":      paperwork.IMRForm(r, c, paperwork.FormOptions{}).Pages[0],
		"faxcover":  paperwork.FaxCover(r, paperwork.NewFaxCoverInfo(r, c, 3, true), 1).Pages[0],
		"blank":     paperwork.BlankPage().Pages[0],
	}
})

// page returns a fixture page by name.
func page(t testing.TB, name string) *paper.Page {
	t.Helper()
	p := pages()[name]
	if p == nil {
		t.Fatalf("no fixture page %q", name)
	}
	return p
}

// scanPage passes a printed page through a device and hands the image over as the OCR
// step would: JPEG-coded and decoded for MailJPEG300, with square pixels for faxes (rows
// interpolated linearly, as ocr.Prepare does). It returns the image and its dpi.
func scanPage(t testing.TB, p *paper.Page, c device.Condition, e device.Effects, seed uint64) (*image.Gray, float64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 11))
	hdr := ""
	if c.Fax() {
		hdr = device.FaxHeader(r, "NOV 20 2026 10:31", "9165550142", 1, 3)
	}
	img := device.Scan(r, p, c, e, hdr)
	xdpi, ydpi := c.Resolution()
	if c == device.MailJPEG300 {
		var err error
		if img, err = device.JPEGRoundTrip(r, img); err != nil {
			t.Fatal(err)
		}
	}
	return device.SquarePixels(img, xdpi, ydpi), xdpi
}

// texts lists what Scan found, as "code128:TEXT" and "patch:NAME:PATTERN".
func texts(syms []Symbol) []string {
	var out []string
	for _, s := range syms {
		if s.Kind == KindPatch {
			out = append(out, s.Kind+":"+s.Text+":"+s.Pattern)
		} else {
			out = append(out, s.Kind+":"+s.Text)
		}
	}
	return out
}

func sameTexts(got []Symbol, want ...string) bool {
	return strings.Join(texts(got), "|") == strings.Join(want, "|")
}

// drawValues prints a Code 128 symbol from its character values (start character first,
// check character included, stop character added) and returns its width in points.
func drawValues(p *paper.Page, x, y, module, h float64, vals []int) float64 {
	pos := x
	bar := func(n uint8, dark bool) {
		if dark {
			p.FillRect(pos, y, float64(n)*module, h, 0)
		}
		pos += float64(n) * module
	}
	for _, v := range append(vals, c128Stop) {
		for i, n := range code128Widths[v] {
			bar(n, i%2 == 0)
		}
	}
	bar(2, true)
	return pos - x
}

// checkValue returns the check character of a start character and data values.
func checkValue(vals []int) int {
	sum := vals[0]
	for i := 1; i < len(vals); i++ {
		sum += i * vals[i]
	}
	return sum % 103
}
