package barcode

import (
	"fmt"
	"testing"

	"intake/fixtures/device"
	"intake/fixtures/paper"
)

// Kodak's patch geometry in points: wide bars 0.20 inch, narrow bars and spaces 0.08 inch.
const (
	patchWide   = 14.4
	patchNarrow = 5.76
)

// drawBars draws parallel bars of the given thicknesses (points), separated by space
// points, length points long. Horizontal bars go down the page from (x, y); vertical
// bars (an end-fed patch) go leftwards from the right edge at x, since an end-fed patch is
// read from the page's right edge.
func drawBars(p *paper.Page, x, y float64, thick []float64, space, length float64, vertical bool) {
	for _, t := range thick {
		if vertical {
			p.FillRect(x-t, y, t, length, 0)
			x -= t + space
		} else {
			p.FillRect(x, y, length, t, 0)
			y += t + space
		}
	}
}

// patchThicknesses turns a pattern such as "NWNW" into bar thicknesses.
func patchThicknesses(pattern string) []float64 {
	var out []float64
	for _, c := range pattern {
		if c == 'W' {
			out = append(out, patchWide)
		} else {
			out = append(out, patchNarrow)
		}
	}
	return out
}

// patchPage prints a patch code to Kodak's specification, 2.5 inches long, with a line of
// text above it.
func patchPage(pattern string, endFed bool) *paper.Page {
	p := paper.NewPage()
	p.Text(paper.SansBold, 14, 72, 60, "DOCUMENT CONTROL SHEET")
	if endFed {
		drawBars(p, 500, 120, patchThicknesses(pattern), patchNarrow, 180, true)
	} else {
		drawBars(p, 200, 120, patchThicknesses(pattern), patchNarrow, 180, false)
	}
	p.Text(paper.Sans, 11, 72, 360, "Place this sheet on top of the next document.")
	return p
}

// TestPatchCodes reads all six patch codes printed to Kodak's specification, parallel to
// the top edge and end-fed, upright, with skew, each in a bilevel 200 dpi scan or a normal
// fax.
func TestPatchCodes(t *testing.T) {
	t.Parallel()
	for i, pattern := range []string{"WWNN", "WNNW", "WNWN", "NWWN", "NNWW", "NWNW"} {
		name := patchNames[pattern]
		for j, endFed := range []bool{false, true} {
			for _, c := range []device.Condition{device.MailG4200, device.FaxNormal}[(i+j)%2:][:1] {
				t.Run(fmt.Sprintf("%s/endFed=%v/%s", name, endFed, c), func(t *testing.T) {
					img, dpi := scanPage(t, patchPage(pattern, endFed), c, device.Effects{Skew: -1.5, Noise: 0.6}, 3)
					want := "patch:" + name + ":" + pattern
					if syms := Scan(img, dpi); !sameTexts(syms, want) {
						t.Errorf("found %q, want %q", texts(syms), want)
					}
				})
			}
		}
	}
}

// TestPatchOrientationWithoutCode128: with no Code 128 symbol to show which way is up,
// a page turned a quarter clockwise still reads right (an image's vertical bars are read
// from its right edge), but an upside-down page, or one turned a quarter counter-clockwise,
// reads Patch 3 as Patch T and 1 as 6, as the package documentation says. Patches 2 and 4
// read the same either way.
func TestPatchOrientationWithoutCode128(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern string
		rot     int
		want    string
	}{
		{"WNWN", 90, "patch:3:WNWN"},
		{"WWNN", 90, "patch:1:WWNN"},
		{"WNWN", 180, "patch:T:NWNW"},
		{"WNNW", 180, "patch:2:WNNW"},
		{"NWWN", 270, "patch:4:NWWN"},
		{"WWNN", 270, "patch:6:NNWW"},
	} {
		t.Run(fmt.Sprintf("%s/%d", tc.pattern, tc.rot), func(t *testing.T) {
			img, dpi := scanPage(t, patchPage(tc.pattern, false), device.MailG4200, device.Effects{Rotate: tc.rot, Noise: 0.4}, 2)
			if syms := Scan(img, dpi); !sameTexts(syms, tc.want) {
				t.Errorf("found %q, want %q", texts(syms), tc.want)
			}
		})
	}
}

// TestNotPatches draws bar groups that are not patch codes.
func TestNotPatches(t *testing.T) {
	t.Parallel()
	N, W := patchNarrow, patchWide
	for _, tc := range []struct {
		name  string
		draw  func(p *paper.Page)
		extra bool // the page has one more patch that must be found
	}{
		{"three bars", func(p *paper.Page) { drawBars(p, 150, 150, []float64{W, N, W}, N, 200, false) }, false},
		{"five bars", func(p *paper.Page) { drawBars(p, 150, 150, []float64{W, N, W, N, N}, N, 200, false) }, false},
		{"four equal bars", func(p *paper.Page) { drawBars(p, 150, 150, []float64{W, W, W, W}, N, 200, false) }, false},
		{"three wide", func(p *paper.Page) { drawBars(p, 150, 150, []float64{W, W, N, W}, N, 200, false) }, false},
		{"too short", func(p *paper.Page) { drawBars(p, 150, 150, []float64{W, N, W, N}, N, 30, false) }, false},
		{"too thin", func(p *paper.Page) { drawBars(p, 150, 150, []float64{3, 1.2, 3, 1.2}, 1.2, 200, false) }, false},
		{"lengths differ", func(p *paper.Page) {
			for i, l := range []float64{300, 300, 100, 300} {
				p.FillRect(150, 150+float64(i)*20, l, []float64{W, N, W, N}[i], 0)
			}
		}, false},
		{"text in a space", func(p *paper.Page) {
			drawBars(p, 150, 150, []float64{W, N, W, N}, 18, 300, false)
			p.Text(paper.Sans, 12, 200, 201, "ink between the bars")
		}, false},
		{"text beside", func(p *paper.Page) {
			drawBars(p, 150, 150, []float64{W, N, W, N}, N, 300, false)
			p.Text(paper.SansBold, 12, 160, 220, "TEXT HARD BELOW THE LAST BAR")
		}, false},
		{"ruled table", func(p *paper.Page) {
			for i := 0; i < 12; i++ {
				p.FillRect(72, 150+float64(i)*18, 468, []float64{1, 2, 6, 0.7}[i%4], 0)
			}
		}, false},
		{"black box", func(p *paper.Page) { p.FillRect(150, 150, 300, 80, 0) }, false},
		{"a patch and three bars", func(p *paper.Page) {
			drawBars(p, 100, 150, []float64{N, W, N, W}, N, 200, false)
			drawBars(p, 100, 400, []float64{W, N, W}, N, 200, false)
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := paper.NewPage()
			tc.draw(p)
			img, dpi := scanPage(t, p, device.MailG4200, device.Effects{Skew: 0.8, Noise: 0.5}, 4)
			syms := Scan(img, dpi)
			want := []string{}
			if tc.extra {
				want = []string{"patch:T:NWNW"}
			}
			if !sameTexts(syms, want...) {
				t.Errorf("found %q, want %q", texts(syms), want)
			}
		})
	}
}
