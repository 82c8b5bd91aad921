package ocr_test

import (
	"errors"
	"math"
	"testing"

	"intake/fixtures/device"
	"intake/fixtures/paper"
	"intake/ocr"
	"intake/ocr/raster"
)

func TestPrepareResolution(t *testing.T) {
	for _, tc := range []struct {
		name       string
		w, h       int
		xdpi, ydpi float64
		wantDPI    float64
		wantH      int // prepared height
		assumed    bool
		resampled  bool
	}{
		{"square 300", 2550, 3300, 300, 300, 300, 3300, false, false},
		{"fax normal", 1728, 1078, 204, 98, 204, 2244, false, true},
		{"fax fine", 1728, 2156, 204, 196, 204, 2244, false, true},
		{"taller than wide pixels", 1700, 4400, 200, 400, 200, 2200, false, true},
		{"only x declared", 1700, 2200, 200, 0, 200, 2200, false, false},
		{"none, letter", 2550, 3300, 0, 0, 300, 3300, true, false},
		{"none, letter at 200", 1700, 2200, 0, 0, 200, 2200, true, false},
		{"none, legal landscape", 4200, 2550, 0, 0, 300, 2550, true, false},
		{"none, A4", 2480, 3508, 0, 0, 300, 3508, true, false},
		{"none, odd shape", 1000, 1000, 0, 0, 300, 1000, true, false},
		{"implausible 1 dpi", 2550, 3300, 1, 1, 300, 3300, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pg := &raster.Page{Image: blankImage(tc.w, tc.h), XDPI: tc.xdpi, YDPI: tc.ydpi}
			p, err := ocr.Prepare(pg, ocr.PrepareOptions{})
			if err != nil {
				t.Fatal(err)
			}
			// Pages finer than 250 dpi are then read at 200 (TestPrepareDownscalesFineScans).
			read, f := tc.wantDPI, 1.0
			if read > 250 {
				read, f = 200, 200/read
			}
			if math.Abs(p.DPI-read) > 1 || p.Info.Downscaled != (f < 1) {
				t.Errorf("read at %.1f dpi (downscaled %v), want the page at %.0f dpi read at %.0f", p.DPI, p.Info.Downscaled, tc.wantDPI, read)
			}
			wantW, wantH := math.Round(float64(tc.w)*f), math.Round(float64(tc.wantH)*f)
			if math.Abs(float64(p.Image.Rect.Dx())-wantW) > 1 || math.Abs(float64(p.Image.Rect.Dy())-wantH) > 1 {
				t.Errorf("prepared size %v, want %.0fx%.0f", p.Image.Rect.Size(), wantW, wantH)
			}
			if p.Info.DPIAssumed != tc.assumed || p.Info.Resampled != tc.resampled {
				t.Errorf("assumed %v resampled %v, want %v %v", p.Info.DPIAssumed, p.Info.Resampled, tc.assumed, tc.resampled)
			}
			if p.Rotation != 0 || p.Info.Deskewed {
				t.Errorf("a blank page was turned %d° or deskewed (%.2f°)", p.Rotation, p.Skew)
			}
		})
	}
}

// TestPrepareDownscalesFineScans: a page scanned finer than 250 dpi is read at 200 (a
// 600 dpi tabloid page would cost a gigabyte in Tesseract); 250 dpi is left as it is.
func TestPrepareDownscalesFineScans(t *testing.T) {
	for _, tc := range []struct {
		dpi        float64
		w, h       int
		wantDPI    float64
		wantW      int
		downscaled bool
	}{
		{600, 5100, 6600, 200, 1700, true},
		{1200, 2400, 2400, 200, 400, true},
		{300, 2550, 3300, 200, 1700, true},
		{250, 2125, 2750, 250, 2125, false},
	} {
		pg := &raster.Page{Image: blankImage(tc.w, tc.h), XDPI: tc.dpi, YDPI: tc.dpi}
		p, err := ocr.Prepare(pg, ocr.PrepareOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if p.DPI != tc.wantDPI || p.Info.Downscaled != tc.downscaled || math.Abs(float64(p.Image.Rect.Dx()-tc.wantW)) > 1 {
			t.Errorf("%v dpi %dx%d: prepared at %v dpi, %v, downscaled %v; want %v dpi, %d wide, %v",
				tc.dpi, tc.w, tc.h, p.DPI, p.Image.Rect.Size(), p.Info.Downscaled, tc.wantDPI, tc.wantW, tc.downscaled)
		}
	}
}

// TestPrepareKeepsSmallPrintReadable: a 300 dpi scan is read at 200 dpi, and 7 pt text (an
// appeal-rights footer, a language tagline), the smallest a plan prints, still reads whole,
// in a sans and a serif face.
func TestPrepareKeepsSmallPrintReadable(t *testing.T) {
	slow(t)
	e := engine(t, "eng", "spa")
	const text = "If you disagree with this decision, you may file a grievance with your health plan " +
		"within 180 days. Member ID 9X4471-22B, reference UM-2026-118734, date of service " +
		"03/14/2026. Call 1-800-400-0815 (TDD 1-877-688-9891) or visit www.dmhc.ca.gov for help."
	for _, f := range []paper.Font{paper.Sans, paper.Serif} {
		page := paper.NewPage()
		y := 72.0
		for range 4 {
			y = page.Paragraph(f, 7, 54, y, 500, 8.75, text) + 7
		}
		got := read(t, e, &raster.Page{Image: page.Render(300), XDPI: 300, YDPI: 300})
		if got.DPI != 200 || !got.Info.Downscaled {
			t.Errorf("font %d: read at %v dpi (downscaled %v), want 200", f, got.DPI, got.Info.Downscaled)
		}
		if acc := ocr.WordAccuracy(page.Transcript(), got.Text); acc < 0.99 {
			t.Errorf("font %d: 7 pt text read at %.3f of its words, want at least 0.99", f, acc)
		}
	}
}

func TestPrepareRejectsNoImage(t *testing.T) {
	for _, pg := range []*raster.Page{nil, {}, {Image: blankImage(0, 0)}} {
		if _, err := ocr.Prepare(pg, ocr.PrepareOptions{}); !errors.Is(err, ocr.ErrUnreadable) {
			t.Errorf("Prepare(%v) = %v, want ErrUnreadable", pg, err)
		}
	}
}

// TestPrepareFaxNormal: a fax at 204x98 dpi comes out with square pixels, the page's
// proportions and grey edges (interpolated, not repeated rows).
func TestPrepareFaxNormal(t *testing.T) {
	page, _ := sample(t, "letter")
	pg := scan(page, device.FaxNormal, device.Effects{}, 1)
	p, err := ocr.Prepare(pg, ocr.PrepareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Info.Resampled || p.DPI != 204 {
		t.Fatalf("resampled %v at %.0f dpi", p.Info.Resampled, p.DPI)
	}
	// Letter paper is 11/8.5 times as tall as wide; the fax is 1728 pixels (8.47 in) wide.
	w, h := p.Image.Rect.Dx(), p.Image.Rect.Dy()
	if want := 11 * 204.0; math.Abs(float64(h)-want) > 0.02*want || w != 1728 {
		t.Errorf("prepared %dx%d, want 1728x%.0f", w, h, want)
	}
	grey := 0
	for _, v := range p.Image.Pix {
		if v != 0 && v != 255 {
			grey++
		}
	}
	if grey == 0 {
		t.Error("no grey pixels: the rows were repeated, not interpolated")
	}
}

// TestPrepareSkew: skew is measured on the page as the scanner fed it (positive:
// clockwise) within 0.3° and removed; a straight page is left alone.
func TestPrepareSkew(t *testing.T) {
	page, _ := sample(t, "letter")
	form, _ := sample(t, "form")
	for _, tc := range []struct {
		name string
		c    device.Condition
		skew float64
	}{
		{"straight", device.MailG4300, 0},
		{"3° clockwise", device.MailG4300, 3},
		{"3° anticlockwise", device.MailJPEG300, -3},
		{"half a degree", device.MailG4300, 0.5},
		{"fax normal 2°", device.FaxNormal, 2},
		{"fax fine -1.5°", device.FaxFine, -1.5},
		{"form 2.5°", device.MailG4200, 2.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pp := page
			if tc.c == device.MailG4200 {
				pp = form
			}
			p, err := ocr.Prepare(scan(pp, tc.c, device.Effects{Skew: tc.skew, Noise: 0.3}, 2), ocr.PrepareOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(p.Skew-tc.skew) > 0.3 {
				t.Errorf("skew measured %.2f°, truth %.2f°", p.Skew, tc.skew)
			}
			if want := math.Abs(tc.skew) > 0.2; p.Info.Deskewed != want {
				t.Errorf("deskewed %v, want %v (skew %.2f°, confidence %.1f)", p.Info.Deskewed, want, p.Skew, p.Info.SkewConfidence)
			}
			if p.Info.Deskewed {
				// The deskewed page measures straight.
				again, err := ocr.Prepare(&raster.Page{Image: p.Image, XDPI: p.DPI, YDPI: p.DPI}, ocr.PrepareOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(again.Skew) > 0.15 {
					t.Errorf("after deskewing, the page still measures %.2f°", again.Skew)
				}
			}
		})
	}
}
