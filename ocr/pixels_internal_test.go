package ocr

import (
	"image"
	"image/color"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"intake/fixtures/device"
	"intake/fixtures/paperwork"
	"intake/ocr/lept"
)

// TestRotateWhiteMatchesLeptonica: the Go rotation gives Leptonica's area-mapped one.
func TestRotateWhiteMatchesLeptonica(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	c := paperwork.NewCase(r, 1, paperwork.Scenario{Kind: "imr", Language: "en"})
	page := paperwork.DenialLetter(r, c, 0).Pages[0]
	for _, cond := range []device.Condition{device.MailG4300, device.MailJPEG300} {
		img := device.Scan(r, page, cond, device.Effects{Skew: 2, Noise: 0.3}, "")
		for _, deg := range []float64{-2, 0.7} {
			t0 := time.Now()
			got := rotateWhite(img, deg)
			d := time.Since(t0)
			p, _ := lept.FromGray(img)
			t0 = time.Now()
			q, _ := p.Rotate(deg)
			dl := time.Since(t0)
			want, _ := q.Gray8()
			var diff, big int
			for i := range got.Pix {
				dd := int(got.Pix[i]) - int(want.Pix[i])
				if dd < 0 {
					dd = -dd
				}
				diff += dd
				if dd > 48 {
					big++
				}
			}
			mean := float64(diff) / float64(len(got.Pix))
			t.Logf("%s %.1f°: Go %v, Leptonica %v; mean difference %.3f, %d pixels differ by more than 48", cond, deg, d, dl, mean, big)
			if mean > 0.5 || big > 10 {
				t.Errorf("%s %.1f°: mean difference %.3f grey levels, %d pixels differ by more than 48", cond, deg, mean, big)
			}
		}
	}
}

func BenchmarkRotateWhite(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	c := paperwork.NewCase(r, 1, paperwork.Scenario{Kind: "imr", Language: "en"})
	page := paperwork.DenialLetter(r, c, 0).Pages[0]
	for _, cond := range []device.Condition{device.MailG4300, device.MailJPEG300} {
		img := device.Scan(r, page, cond, device.Effects{Skew: 2, Noise: 0.3}, "")
		b.Run(string(cond), func(b *testing.B) {
			for b.Loop() {
				rotateWhite(img, 1.3)
			}
		})
	}
}

func TestRotateWhiteSmall(t *testing.T) {
	// A sub-image, turned half a turn... of a degree: corners come in white, the middle
	// keeps its value.
	img := image.NewGray(image.Rect(0, 0, 60, 40))
	for i := range img.Pix {
		img.Pix[i] = 100
	}
	sub := img.SubImage(image.Rect(10, 5, 50, 35)).(*image.Gray)
	got := rotateWhite(sub, 5)
	if got.Rect != image.Rect(0, 0, 40, 30) {
		t.Fatalf("size %v", got.Rect)
	}
	if got.GrayAt(20, 15).Y != 100 || got.GrayAt(39, 0).Y < 200 || got.GrayAt(0, 29).Y < 200 {
		t.Errorf("middle %d, corners %d %d", got.GrayAt(20, 15).Y, got.GrayAt(39, 0).Y, got.GrayAt(0, 29).Y)
	}
	if same := rotateWhite(sub, 0); same.GrayAt(0, 0).Y != 100 || same.GrayAt(39, 29).Y != 100 {
		t.Errorf("no turn changed the edges: %d %d", same.GrayAt(0, 0).Y, same.GrayAt(39, 29).Y)
	}
	fillWhite(nil)
	if !white([]byte{255, 255, 255, 255, 255, 255, 255, 255, 255}) || white([]byte{255, 255, 255, 255, 255, 255, 255, 255, 254}) {
		t.Error("white")
	}
}

// TestResampleRows: rows are interpolated between the source rows around them when
// enlarging (pixel centres aligned: Leptonica's linear scaling aligns corners, and differs
// by a quarter pixel) and averaged over the rows they cover when reducing.
func TestResampleRows(t *testing.T) {
	col := func(vals ...uint8) *image.Gray {
		img := image.NewGray(image.Rect(0, 0, 3, len(vals)))
		for y, v := range vals {
			for x := 0; x < 3; x++ {
				img.SetGray(x, y, color.Gray{v})
			}
		}
		return img
	}
	rows := func(img *image.Gray) []uint8 {
		var out []uint8
		for y := 0; y < img.Rect.Dy(); y++ {
			out = append(out, img.GrayAt(1, y).Y)
		}
		return out
	}
	for _, tc := range []struct {
		src  []uint8
		n    int
		want []uint8
	}{
		{[]uint8{0, 200}, 4, []uint8{0, 50, 150, 200}},
		{[]uint8{10, 20, 30, 40}, 2, []uint8{15, 35}},
		{[]uint8{0, 90, 180}, 2, []uint8{30, 150}}, // a row and a half each
		{[]uint8{77, 77, 77}, 7, []uint8{77, 77, 77, 77, 77, 77, 77}},
	} {
		if got := rows(resampleRows(col(tc.src...), tc.n)); !slices.Equal(got, tc.want) {
			t.Errorf("%v to %d rows: %v, want %v", tc.src, tc.n, got, tc.want)
		}
	}

	r := rand.New(rand.NewPCG(3, 4))
	c := paperwork.NewCase(r, 1, paperwork.Scenario{Kind: "imr", Language: "en"})
	img := device.Scan(r, paperwork.DenialLetter(r, c, 1).Pages[0], device.FaxNormal, device.Effects{Skew: 1}, "")
	n := img.Rect.Dy() * 204 / 98
	got := resampleRows(img, n)
	p, _ := lept.FromGray(img)
	q, _ := p.ScaleGray(1, float64(n)/float64(img.Rect.Dy()))
	want, _ := q.Gray8()
	var diff, count int
	for y := 0; y < min(got.Rect.Dy(), want.Rect.Dy()); y++ {
		for x := 0; x < got.Rect.Dx(); x++ {
			diff += abs(int(got.GrayAt(x, y).Y) - int(want.GrayAt(x, y).Y))
			count++
		}
	}
	if mean := float64(diff) / float64(count); mean > 4 {
		t.Errorf("fax normal to square: mean difference from Leptonica %.2f grey levels", mean)
	}
	sub := img.SubImage(image.Rect(100, 100, 200, 150)).(*image.Gray)
	if g := resampleRows(sub, 100); g.Rect != image.Rect(0, 0, 100, 100) || g.GrayAt(5, 0) != sub.GrayAt(105, 100) {
		t.Errorf("sub-image: %v, first pixel %d want %d", g.Rect, g.GrayAt(5, 0).Y, sub.GrayAt(105, 100).Y)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestRemoveStreaks: a scanner streak down a letter is painted out, the letter's own
// lines and words stay, and a page without one is handed back as it is.
func TestRemoveStreaks(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	c := paperwork.NewCase(r, 1, paperwork.Scenario{Kind: "imr", Language: "en"})
	page := paperwork.DenialLetter(r, c, 0).Pages[0]
	clean := device.Scan(r, page, device.MailG4300, device.Effects{Noise: 0.3}, "")
	if out, n := removeStreaks(clean); n != 0 || out != clean {
		t.Errorf("a page without a streak: %d columns cleaned", n)
	}
	streaked := device.Scan(rand.New(rand.NewPCG(3, 4)), page, device.MailG4300, device.Effects{Noise: 0.3, Streak: true}, "")
	out, n := removeStreaks(streaked)
	if n < 1 || n > 3 {
		t.Fatalf("%d columns cleaned, want the streak's 1 or 2", n)
	}
	// No column of the result holds a dark run a quarter of the page long, but for the
	// letter's own rules (those the page has without the streak).
	w, h := out.Rect.Dx(), out.Rect.Dy()
	longest := func(img *image.Gray, x int) int {
		run, best := 0, 0
		for y := 0; y < h; y++ {
			if img.Pix[y*img.Stride+x] < 128 {
				run++
				best = max(best, run)
			} else {
				run = 0
			}
		}
		return best
	}
	for x := 0; x < w; x++ {
		if best := longest(out, x); best >= h/4 && longest(clean, x) < h/4 {
			t.Errorf("column %d still has a dark run of %d pixels", x, best)
		}
	}
	// What was printed is still there: the two images differ in little more than the streak.
	diff := 0
	for i := range out.Pix {
		if out.Pix[i] != streaked.Pix[i] {
			diff++
		}
	}
	if diff > 2*h {
		t.Errorf("%d pixels changed, want no more than the streak's", diff)
	}
}
