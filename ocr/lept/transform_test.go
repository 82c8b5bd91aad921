package lept

import (
	"image"
	"math"
	"testing"
)

// lines draws horizontal black bars (text lines) on a white w x h image, turned clockwise
// by deg degrees about the centre.
func lines(w, h int, deg float64) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	a := deg * math.Pi / 180
	cx, cy := float64(w)/2, float64(h)/2
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			// Where the pixel was before the turn.
			fx, fy := float64(x)-cx, float64(y)-cy
			sx := math.Cos(a)*fx + math.Sin(a)*fy + cx
			sy := -math.Sin(a)*fx + math.Cos(a)*fy + cy
			v := uint8(255)
			if sx > 0.1*float64(w) && sx < 0.9*float64(w) && int(sy)%40 < 12 && sy > 40 && sy < float64(h)-40 {
				if int(sx)%23 < 19 { // words
					v = 0
				}
			}
			img.Pix[y*img.Stride+x] = v
		}
	}
	return img
}

func mustPix(t *testing.T, img *image.Gray) *Pix {
	t.Helper()
	p, err := FromGray(img)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

func TestGray8(t *testing.T) {
	for _, w := range []int{1, 4, 37, 40} {
		img := image.NewGray(image.Rect(0, 0, w, 3))
		for i := range img.Pix {
			img.Pix[i] = uint8(i*13 + 1)
		}
		p := mustPix(t, img)
		got, err := p.Gray8()
		if err != nil {
			t.Fatal(err)
		}
		want, _ := p.Gray()
		if got.Rect != want.Rect || string(got.Pix) != string(want.Pix) {
			t.Errorf("width %d: Gray8 differs from Gray", w)
		}
	}
	// A 1 bpp image goes through Gray: black 0, white 255.
	b, err := mustPix(t, lines(200, 200, 0)).Binarize(128)
	if err != nil {
		t.Fatal(err)
	}
	g, err := b.Gray8()
	if err != nil {
		t.Fatal(err)
	}
	if g.Pix[0] != 255 || g.GrayAt(25, 45).Y != 0 {
		t.Errorf("1 bpp to grey: %d %d", g.Pix[0], g.GrayAt(25, 45).Y)
	}
}

func TestScaleAndTurn(t *testing.T) {
	p := mustPix(t, lines(200, 100, 0))
	for _, tc := range []struct {
		name string
		f    func() (*Pix, error)
		w, h int
	}{
		{"scale 1 x 2.08", func() (*Pix, error) { return p.ScaleGray(1, 2.08) }, 200, 208},
		{"scale 0.5", func() (*Pix, error) { return p.ScaleGray(0.5, 0.5) }, 100, 50},
		{"reduce 2", p.Reduce2, 100, 50},
		{"quarter", func() (*Pix, error) { return p.RotateQuarter(1) }, 100, 200},
		{"half", func() (*Pix, error) { return p.RotateQuarter(2) }, 200, 100},
		{"three quarters", func() (*Pix, error) { return p.RotateQuarter(-1) }, 100, 200},
		{"2 degrees", func() (*Pix, error) { return p.Rotate(2) }, 200, 100},
	} {
		q, err := tc.f()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if w, h, d := q.Size(); w != tc.w || h != tc.h || d != 8 {
			t.Errorf("%s: %dx%d %d bpp, want %dx%d 8 bpp", tc.name, w, h, d, tc.w, tc.h)
		}
		q.Close()
	}
	// A quarter turn clockwise takes the top left corner to the top right.
	img := image.NewGray(image.Rect(0, 0, 4, 2))
	img.Pix[0] = 7
	q, _ := mustPix(t, img).RotateQuarter(1)
	g, _ := q.Gray8()
	if g.GrayAt(1, 0).Y != 7 {
		t.Errorf("quarter turn: top right %d, want 7", g.GrayAt(1, 0).Y)
	}
	if _, err := p.ScaleGray(0, 1); err == nil {
		t.Error("scale 0 accepted")
	}
}

// TestFindSkew: the angle that levels lines drawn turned clockwise is anticlockwise
// (negative), and turning by it makes them level.
func TestFindSkew(t *testing.T) {
	for _, deg := range []float64{-3, -0.5, 0, 1, 2.5} {
		b, err := mustPix(t, lines(800, 1000, deg)).Binarize(128)
		if err != nil {
			t.Fatal(err)
		}
		angle, conf, err := b.FindSkew(5, 2)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(angle+deg) > 0.1 || conf < 3 {
			t.Errorf("lines turned %.1f°: angle %.2f° (confidence %.1f), want %.1f°", deg, angle, conf, -deg)
		}
	}
	if _, _, err := mustPix(t, lines(80, 80, 0)).FindSkew(5, 2); err == nil {
		t.Error("skew of an 8 bpp image: no error")
	}
	blank, _ := mustPix(t, image.NewGray(image.Rect(0, 0, 100, 100))).Binarize(0)
	if _, conf, err := blank.FindSkew(5, 2); err != nil || conf != 0 {
		t.Errorf("blank page: confidence %v, err %v", conf, err)
	}
}

func TestUpDownNeedsBinary(t *testing.T) {
	if _, err := mustPix(t, lines(80, 80, 0)).UpDown(); err == nil {
		t.Error("up-down test of an 8 bpp image: no error")
	}
	b, _ := mustPix(t, lines(400, 400, 0)).Binarize(128)
	if c, err := b.UpDown(); err != nil || c != 0 {
		// Bars have neither ascenders nor descenders.
		t.Errorf("bars: confidence %v, err %v", c, err)
	}
}
