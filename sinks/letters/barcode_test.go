package letters_test

import (
	"math"
	"testing"

	"github.com/boombuler/barcode/code128"

	"intake/classify/barcode"
	"intake/fixtures/device"
)

// TestCoverSheetBarcode: the project's own barcode reader finds the case number on the
// return cover sheet as a scanner sees it (200 dpi grey) and as a fax machine sends it
// (204 x 98 dpi black and white, resampled to square pixels as the OCR step does), and
// the symbol has the size the sheet promises: 1.4 pt modules, bars 54 pt tall.
func TestCoverSheetBarcode(t *testing.T) {
	for _, lang := range []string{"en", "es"} {
		a := ackEN()
		if lang == "es" {
			a = ackES()
		}
		pdf := render(t, a)
		bc, err := code128.Encode(a.CaseNumber)
		if err != nil {
			t.Fatal(err)
		}
		modules := float64(bc.Bounds().Dx())

		t.Run(lang+"/scan 200 dpi", func(t *testing.T) {
			img := rasterize(t, pdf, 2, 200, 200)
			syms := code128s(barcode.Scan(img, 200))
			if len(syms) != 1 || syms[0].Text != a.CaseNumber {
				t.Fatalf("read %+v, want one symbol %q", syms, a.CaseNumber)
			}
			px := 200.0 / 72
			box := syms[0].Box
			if w, want := float64(box.Dx()), modules*1.4*px; math.Abs(w-want) > 3 {
				t.Errorf("symbol is %.0f px wide, want %.0f (%.0f modules of 1.4 pt)", w, want, modules)
			}
			if h, want := float64(box.Dy()), 54*px; math.Abs(h-want) > 3 {
				t.Errorf("bars are %.0f px tall, want %.0f (54 pt)", h, want)
			}
			// Quiet zones: no ink within 10 modules either side of the symbol.
			quiet := int(math.Ceil(10 * 1.4 * px))
			for y := box.Min.Y; y < box.Max.Y; y++ {
				for d := 2; d <= quiet; d++ {
					for _, x := range []int{box.Min.X - d, box.Max.X - 1 + d} {
						if img.GrayAt(x, y).Y < 128 {
							t.Fatalf("ink at (%d, %d), inside the quiet zone of the symbol at %v", x, y, box)
						}
					}
				}
			}
		})
		t.Run(lang+"/fax normal", func(t *testing.T) {
			img := device.SquarePixels(bilevel(rasterize(t, pdf, 2, 204, 98)), 204, 98)
			syms := code128s(barcode.Scan(img, 204))
			if len(syms) != 1 || syms[0].Text != a.CaseNumber {
				t.Fatalf("read %+v, want one symbol %q", syms, a.CaseNumber)
			}
		})
		t.Run(lang+"/letter page has no barcode", func(t *testing.T) {
			if syms := barcode.Scan(rasterize(t, pdf, 1, 200, 200), 200); len(syms) != 0 {
				t.Errorf("page 1 has symbols %+v", syms)
			}
		})
	}
}

func code128s(syms []barcode.Symbol) []barcode.Symbol {
	var out []barcode.Symbol
	for _, s := range syms {
		if s.Kind == barcode.KindCode128 {
			out = append(out, s)
		}
	}
	return out
}
