package barcode

import (
	"fmt"
	"image"
	"math/rand/v2"
	"testing"

	"intake/fixtures/device"
	"intake/pipeline/casenum"
)

// separatorWant is what the separator sheet carries: its bars, narrow-wide-narrow-wide from
// the top, are Kodak's Patch T, as the sheet prints under them.
var separatorWant = []string{"code128:SEPARATOR", "patch:T:NWNW"}

// want returns what Scan must find on a fixture page.
func want(name string) []string {
	switch name {
	case "separator":
		return separatorWant
	case "return":
		return []string{"code128:" + caseNumber}
	}
	return nil
}

// TestConditions scans the separator sheet, the return cover sheet, a letter and a blank
// page through every device condition, once with fixed mild effects and once (for the
// letter and the blank page in every other condition) with effects drawn as the corpus
// draws them (skew up to 3°, blur, streaks, fax line errors).
func TestConditions(t *testing.T) {
	t.Parallel()
	for ci, c := range device.Conditions {
		for pi, name := range []string{"separator", "return", "letter", "blank"} {
			for _, random := range []bool{false, true} {
				if random && (name == "letter" || name == "blank") && ci%2 == 1 {
					continue // enough pages without symbols: see also TestNoFalsePositives
				}
				seed := uint64(100*ci + 10*pi)
				e := device.Effects{Skew: 0.4, Noise: 0.5}
				if random {
					e = device.RandomEffects(rand.New(rand.NewPCG(seed, 1)), c)
				}
				t.Run(fmt.Sprintf("%s/%s/random=%v", c, name, random), func(t *testing.T) {
					img, dpi := scanPage(t, page(t, name), c, e, seed)
					syms := Scan(img, dpi)
					if !sameTexts(syms, want(name)...) {
						t.Errorf("effects %+v: found %q, want %q", e, texts(syms), want(name))
					}
					for _, s := range syms {
						if name == "return" && s.Kind == KindCode128 {
							if _, err := casenum.Parse(s.Text); err != nil {
								t.Errorf("the return sheet's symbol is not a case number: %v", err)
							}
						}
						if !s.Box.In(img.Bounds()) || s.Box.Dx() < 50 || s.Box.Dy() < 50 {
							t.Errorf("%s box %v: not a symbol's size inside the image %v", s.Kind, s.Box, img.Bounds())
						}
					}
				})
			}
		}
	}
}

// TestBoxes checks where the symbols are on an upright separator sheet: the Code 128 symbol
// at 230 to 340 pt from the top, centred; the patch bars from 430 to 521 pt, 72 to 540 pt
// across.
func TestBoxes(t *testing.T) {
	t.Parallel()
	img, dpi := scanPage(t, page(t, "separator"), device.MailG4300, device.Effects{Noise: 0.3}, 1)
	syms := Scan(img, dpi)
	if !sameTexts(syms, separatorWant...) {
		t.Fatalf("found %q", texts(syms))
	}
	pt := func(v float64) int { return int(v * dpi / 72) }
	near := func(got image.Rectangle, want image.Rectangle, tol int) bool {
		d := func(a, b int) bool { return a-b <= tol && b-a <= tol }
		return d(got.Min.X, want.Min.X) && d(got.Min.Y, want.Min.Y) && d(got.Max.X, want.Max.X) && d(got.Max.Y, want.Max.Y)
	}
	code := image.Rect(pt(306-134), pt(230), pt(306+134), pt(340))
	if !near(syms[0].Box, code, pt(4)) {
		t.Errorf("Code 128 box %v, want about %v", syms[0].Box, code)
	}
	patch := image.Rect(pt(72), pt(430), pt(540), pt(430+3*28+14)) // four bars 28 pt apart, the last one wide
	if !near(syms[1].Box, patch, pt(2)) {
		t.Errorf("patch box %v, want about %v", syms[1].Box, patch)
	}
}

// TestSkew reads the two sheets skewed by ±2.5° and ±3°, grey at 300 dpi and as a normal
// fax (TestConditions adds random skews up to ±3° in every condition).
func TestSkew(t *testing.T) {
	t.Parallel()
	for _, c := range []device.Condition{device.MailJPEG300, device.FaxNormal} {
		for _, name := range []string{"separator", "return"} {
			skews := []float64{-3, 2.5}
			if c.Fax() {
				skews = []float64{-2.5, 3}
			}
			for _, skew := range skews {
				t.Run(fmt.Sprintf("%s/%s/%v", c, name, skew), func(t *testing.T) {
					img, dpi := scanPage(t, page(t, name), c, device.Effects{Skew: skew, Noise: 0.6}, 5)
					if syms := Scan(img, dpi); !sameTexts(syms, want(name)...) {
						t.Errorf("found %q, want %q", texts(syms), want(name))
					}
				})
			}
		}
	}
}

// TestRotated reads sheets fed sideways and upside down. The patch code is read from the
// page's top edge, which the Code 128 symbol on the sheet shows, so it is the same at every
// rotation.
func TestRotated(t *testing.T) {
	t.Parallel()
	for _, c := range []device.Condition{device.MailG4300, device.FaxNormal} {
		for _, name := range []string{"separator", "return"} {
			for _, rot := range []int{90, 180, 270} {
				if c.Fax() && rot != 180 {
					continue // a fax machine cannot send a page sideways
				}
				t.Run(fmt.Sprintf("%s/%s/%d", c, name, rot), func(t *testing.T) {
					img, dpi := scanPage(t, page(t, name), c, device.Effects{Rotate: rot, Skew: 1.2, Noise: 0.5}, 9)
					syms := Scan(img, dpi)
					if !sameTexts(syms, want(name)...) {
						t.Fatalf("found %q, want %q", texts(syms), want(name))
					}
					// The symbols are wider than tall on the page; in the image when the
					// page is upside down, taller than wide when it is on its side.
					for _, s := range syms {
						if sideways := rot != 180; (s.Box.Dy() > s.Box.Dx()) != sideways {
							t.Errorf("%s box %v at %d°", s.Kind, s.Box, rot)
						}
					}
				})
			}
		}
	}
}

// TestNoFalsePositives scans pages with text, tables, shaded bars, check boxes and
// signatures but no barcode, in several conditions and with the corpus's random effects.
func TestNoFalsePositives(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(4, 4))
	conds := []device.Condition{device.MailG4200, device.FaxFine, device.FaxNormal}
	for j, name := range []string{"letter", "form", "faxcover", "requested"} {
		for i, c := range conds {
			if (i+j)%3 == 2 {
				continue
			}
			e := device.RandomEffects(r, c)
			t.Run(fmt.Sprintf("%s/%s", name, c), func(t *testing.T) {
				img, dpi := scanPage(t, page(t, name), c, e, uint64(i))
				if syms := Scan(img, dpi); len(syms) != 0 {
					t.Errorf("effects %+v: found %d symbols on a page without barcodes", e, len(syms))
				}
			})
		}
	}
}

// TestDegenerateImages: no panic and nothing found on images with nothing to find, and
// boxes in the coordinates of an image that does not start at 0,0.
func TestDegenerateImages(t *testing.T) {
	t.Parallel()
	solid := func(w, h int, v uint8) *image.Gray {
		img := image.NewGray(image.Rect(0, 0, w, h))
		for i := range img.Pix {
			img.Pix[i] = v
		}
		return img
	}
	for name, img := range map[string]*image.Gray{
		"nil": nil, "empty": image.NewGray(image.Rect(0, 0, 0, 0)), "tiny": solid(3, 3, 0),
		"white": solid(600, 800, 255), "black": solid(600, 800, 0), "grey": solid(600, 800, 128),
	} {
		if syms := Scan(img, 300); len(syms) != 0 {
			t.Errorf("%s image: %d symbols", name, len(syms))
		}
	}
	full, dpi := scanPage(t, page(t, "separator"), device.MailG4200, device.Effects{}, 1)
	whole := Scan(full, dpi)
	sub := full.SubImage(image.Rect(100, 400, 1600, 1700)).(*image.Gray)
	part := Scan(sub, dpi)
	if len(whole) != 2 || len(part) != 2 {
		t.Fatalf("found %q on the page, %q on part of it", texts(whole), texts(part))
	}
	for i := range whole {
		if whole[i].Box != part[i].Box {
			t.Errorf("%s box %v on the page, %v on part of it", whole[i].Kind, whole[i].Box, part[i].Box)
		}
	}
}

// BenchmarkScan times Scan on 300 dpi pages (2550x3300): the separator sheet as a grey
// JPEG scan and as a bilevel scan, and a letter without barcodes.
func BenchmarkScan(b *testing.B) {
	for _, tc := range []struct {
		name string
		c    device.Condition
	}{
		{"separator", device.MailJPEG300}, {"separator", device.MailG4300}, {"letter", device.MailG4300},
	} {
		img, dpi := scanPage(b, page(b, tc.name), tc.c, device.Effects{Skew: 1, Noise: 0.5}, 1)
		b.Run(fmt.Sprintf("%s/%s", tc.name, tc.c), func(b *testing.B) {
			for b.Loop() {
				Scan(img, dpi)
			}
		})
	}
}

// TestStreaksAndLineErrors scans the two sheets with a toner streak down the page, fax
// line errors and heavy specks: the cases (fixed seeds) where a streak through the patch
// bars or a damaged scan line in their spaces once hid the patch.
func TestStreaksAndLineErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		c    device.Condition
		seed uint64
	}{
		{device.FaxNormal, 0}, {device.FaxNormal, 1}, {device.FaxNormal, 11}, {device.FaxNormal, 19},
		{device.FaxFine, 5}, {device.FaxFine, 23}, {device.MailG4200, 1},
	} {
		for _, name := range []string{"separator", "return"} {
			t.Run(fmt.Sprintf("%s/%s/%d", tc.c, name, tc.seed), func(t *testing.T) {
				e := device.Effects{Streak: true, Noise: 0.7, Skew: 1, Blur: tc.seed%2 == 0, Dropouts: tc.c.Fax()}
				img, dpi := scanPage(t, page(t, name), tc.c, e, tc.seed)
				if syms := Scan(img, dpi); !sameTexts(syms, want(name)...) {
					t.Errorf("found %q, want %q", texts(syms), want(name))
				}
			})
		}
	}
}
