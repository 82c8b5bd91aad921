package omr

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"intake/fixtures/device"
	"intake/fixtures/paper"
)

// signaturePage prints the two signature areas of the IMR form's editions, signed or not:
// Rev 09/25's captioned box and Rev 01/20's line with the caption beneath. It returns the
// areas (in points) a reader measures: the box below its caption, and the band over the
// line. Both hold printed lines (the box's sides and bottom, the signature line).
func signaturePage(r *rand.Rand, signed bool) (*paper.Page, [2][4]float64) {
	p := paper.NewPage()
	p.Text(paper.Sans, 9, 36, 80, "I authorize the release of my medical records to the Department.")
	bx, by := 236.0, 120.0
	p.Rect(bx, by, 220, 26, 0.6)
	p.Text(paper.Sans, 7, bx+3, by+8, "Signature")
	lx, ly := 251.0, 240.0
	p.Line(lx, ly+15, lx+206, ly+15, 0.5)
	p.Text(paper.Serif, 7, lx, ly+22.5, "Signature of Patient or Guardian")
	if signed {
		p.Signature(r, bx+10, by+2, 200, 24)
		p.Signature(r, lx+6, ly-10, 190, 26)
	}
	return p, [2][4]float64{{bx, by + 9, 220, 17}, {lx, ly - 12, 206, 29}}
}

func pxRect(s scanned, a [4]float64) image.Rectangle {
	x0, y0 := s.pt(a[0], a[1])
	x1, y1 := s.pt(a[0]+a[2], a[1]+a[3])
	return image.Rect(int(math.Round(x0)), int(math.Round(y0)), int(math.Round(x1)), int(math.Round(y1)))
}

// TestInkSignature tells a signed area from an empty one, printed lines and all, in every
// condition: the empty areas measure under 0.01, the signed ones over 0.03.
func TestInkSignature(t *testing.T) {
	for k, c := range device.Conditions {
		t.Run(string(c), func(t *testing.T) {
			t.Parallel()
			minSigned, maxEmpty := 1.0, 0.0
			for i := 0; i < 3; i++ {
				for _, signed := range []bool{false, true} {
					r := rand.New(rand.NewPCG(uint64(i), uint64(k)))
					p, areas := signaturePage(r, signed)
					e := effects(r, c)
					if i == 0 {
						e.Noise, e.Blur, e.Streak, e.Dropouts = 0.7, true, true, c.Fax()
					}
					s := scan(t, r, p, c, e)
					for _, a := range areas {
						v := Ink(s.img, pxRect(s, a))
						if signed {
							minSigned = math.Min(minSigned, v)
						} else {
							maxEmpty = math.Max(maxEmpty, v)
						}
					}
				}
			}
			t.Logf("%s: empty areas <= %.4f, signed >= %.4f", c, maxEmpty, minSigned)
			if maxEmpty >= 0.01 || minSigned <= 0.03 {
				t.Errorf("%s: empty areas up to %.4f, signed down to %.4f: not clearly apart", c, maxEmpty, minSigned)
			}
		})
	}
}

// TestInkIgnoresLines measures nothing in an area holding only a box outline and a rule,
// slightly skewed, and the stroke of a drawn line that is not straight.
func TestInkIgnoresLines(t *testing.T) {
	p := paper.NewPage()
	p.Rect(100, 100, 200, 30, 0.8)
	p.Line(100, 120, 300, 121.5, 0.6) // about 0.4° off level
	img := p.Render(300)
	r := image.Rect(100*300/72-10, 100*300/72-10, 300*300/72+10, 130*300/72+10)
	if v := Ink(img, r); v > 0.001 {
		t.Errorf("Ink of lines = %.4f, want about 0", v)
	}
	p.Stroke([]paper.Point{{X: 120, Y: 125}, {X: 160, Y: 105}, {X: 200, Y: 125}, {X: 240, Y: 105}}, 1.2, 0)
	if v := Ink(p.Render(300), r); v < 0.01 {
		t.Errorf("Ink of a zigzag = %.4f, want more", v)
	}
}

// darkPixels counts the pixels of im in a darker than mid grey.
func darkPixels(im *image.Gray, a image.Rectangle) int {
	n := 0
	for y := a.Min.Y; y < a.Max.Y; y++ {
		for x := a.Min.X; x < a.Max.X; x++ {
			if im.GrayAt(x, y).Y < 128 {
				n++
			}
		}
	}
	return n
}

// TestCleanKeepsWhatIsWrittenOnTheRule: a word typed through its rule comes out of Clean
// with the rule gone beside it and the word's strokes where the rule crossed them.
func TestCleanKeepsWhatIsWrittenOnTheRule(t *testing.T) {
	p := paper.NewPage()
	p.Text(paper.Serif, 11, 104, 120, "Rosa")
	p.Line(100, 116, 320, 116, 0.8) // through the letters' middle
	img := p.Render(300)
	px := func(v float64) int { return int(v * 300 / 72) }
	r := image.Rect(px(95), px(100), px(325), px(128))
	clean, ink, struck := Clean(img, r)
	if clean.Rect != r {
		t.Fatalf("Clean returned %v, want the area %v", clean.Rect, r)
	}
	dark := darkPixels
	// Right of the word only the rule was printed: nothing is left there.
	beside := image.Rect(px(160), px(100), px(320), px(128))
	if n := dark(clean, beside); n > 0 {
		t.Errorf("%d dark pixels of the rule left beside the word", n)
	}
	// The word's strokes across the rule are back: the band of the rule under the word
	// keeps ink.
	under := image.Rect(px(104), px(115), px(130), px(117))
	if n, was := dark(clean, under), dark(img, under); n < was/5 || n == was {
		t.Errorf("%d dark pixels where the rule crosses the word (of %d printed): want the strokes back and the rule between them gone", n, was)
	}
	if ink < 0.003 {
		t.Errorf("ink of the word = %.4f, want it counted", ink)
	}
	if !struck {
		t.Error("the rule through the word was not told")
	}
	if _, _, struck := Clean(img, beside); struck {
		t.Error("the rule alone, beside the word, was told as running through writing")
	}
}

// TestCleanKeepsDigitsTypedLowOnTheRule: a date typed so low that its rule runs through
// the digits' lower third (a birth date on Rev 01/20). The rows beside the rule that
// removeLines takes for its soft edges keep the digits' strokes, and the strokes bending
// through the rule into the digits' bottoms come back: most of the ink printed just over
// and under the rule is there after Clean.
func TestCleanKeepsDigitsTypedLowOnTheRule(t *testing.T) {
	page := func(rule bool) *image.Gray {
		p := paper.NewPage()
		p.Text(paper.Mono, 11, 40, 120, "11/08/1986")
		if rule {
			p.Line(36, 118.2, 240, 118.2, 0.8) // a line above the baseline
		}
		return p.Render(200)
	}
	px := func(v float64) int { return int(v * 200 / 72) }
	r := image.Rect(px(36), px(100), px(240), px(126))
	clean, _, struck := Clean(page(true), r)
	text := page(false)
	for _, band := range []image.Rectangle{
		image.Rect(px(38), px(116), px(120), px(117.4)), // just over the rule
		image.Rect(px(38), px(119), px(120), px(120.4)), // just under it
	} {
		if got, want := darkPixels(clean, band), darkPixels(text, band); got < want*7/10 {
			t.Errorf("rows %d-%d: %d dark pixels after Clean, %d of the digits printed there", band.Min.Y, band.Max.Y, got, want)
		}
	}
	if !struck {
		t.Error("the rule through the digits was not told")
	}
}

// TestCleanKeepsALineOfText: a line of text written on a rule, long enough that the middle
// of its letters holds as many pixels as a rule a third of the area long, keeps its
// letters; only the rule goes. (Seed 9907's problem answer came back white letters with
// dark edges: every row of the text was taken for a line.)
func TestCleanKeepsALineOfText(t *testing.T) {
	const text = "My doctor asked for ABA therapy for my daughter for my autism spectrum disorder and the plan denied it"
	page := func(rule bool) *image.Gray {
		p := paper.NewPage()
		p.Text(paper.Sans, 11, 40, 120, text)
		if rule {
			p.Line(36, 121.5, 576, 121.5, 0.8) // the rule under the letters, touching them
		}
		return p.Render(200)
	}
	px := func(v float64) int { return int(v * 200 / 72) }
	r := image.Rect(px(30), px(100), px(580), px(130))
	clean, _, _ := Clean(page(true), r)
	got, text0 := darkPixels(clean, r), darkPixels(page(false), r)
	if got < text0*8/10 || got > text0*12/10 {
		t.Errorf("%d dark pixels left of the text on its rule; the text alone has %d", got, text0)
	}
}
