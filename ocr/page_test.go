package ocr

import (
	"encoding/binary"
	"image"
	"testing"
)

func TestWordAccuracy(t *testing.T) {
	for _, tc := range []struct {
		ref, hyp string
		want     float64
	}{
		{"Patient Name: Maria Lopez", "patient name maria lopez", 1},
		{"Range 4.0 - 11.0 mg/dL", "Range 4.0-11.0 mg/dL", 1},
		{"one two three four", "one two four", 0.75},
		{"the the the", "the", 1.0 / 3},
		{"", "anything", 1},
		{"Gonzalez", "", 0},
		{"reading order matters not", "not matters order reading", 1},
		{"x10^3/uL", "x1073/uL", 0.5},
	} {
		if got := WordAccuracy(tc.ref, tc.hyp); got < tc.want-1e-9 || got > tc.want+1e-9 {
			t.Errorf("WordAccuracy(%q, %q) = %v, want %v", tc.ref, tc.hyp, got, tc.want)
		}
	}
}

func TestNewPage(t *testing.T) {
	words := []Word{
		{Text: "Dear", Box: image.Rect(100, 100, 180, 130), Line: 0},
		{Text: "Member:", Box: image.Rect(190, 98, 320, 131), Line: 0},
		{Text: "Your", Box: image.Rect(100, 200, 170, 230), Line: 1},
	}
	p := NewPage(1000, 2000, 200, words)
	if p.Text != "Dear Member:\nYour" {
		t.Errorf("text %q", p.Text)
	}
	if len(p.Lines) != 2 || p.Lines[0].Text != "Dear Member:" || len(p.Lines[0].Words) != 2 || p.Lines[1].Words[0] != 2 {
		t.Fatalf("lines %+v", p.Lines)
	}
	if p.Lines[0].Box != image.Rect(100, 98, 320, 131) {
		t.Errorf("line box %v", p.Lines[0].Box)
	}
	if n := p.Words[1].Norm; n != (Box{0.19, 0.049, 0.32, 0.0655}) {
		t.Errorf("normalised box %+v", n)
	}
	if n := p.Lines[1].Norm; n.X0 != 0.1 || n.Y1 != 0.115 {
		t.Errorf("line normalised box %+v", n)
	}
	if e := NewPage(10, 10, 300, nil); e.Text != "" || len(e.Lines) != 0 {
		t.Errorf("empty page %+v", e)
	}
}

// TestSPIX: the image handed to Tesseract holds the pixels in Leptonica's layout: rows of
// 32-bit words in the machine's byte order, the leftmost pixel in the most significant
// byte, rows padded white.
func TestSPIX(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 9, 5))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	for _, sub := range []*image.Gray{img, img.SubImage(image.Rect(2, 1, 9, 4)).(*image.Gray)} {
		b := spix(sub)
		w, h := sub.Rect.Dx(), sub.Rect.Dy()
		word := func(i int) uint32 { return binary.NativeEndian.Uint32(b[4*i:]) }
		if string(b[:4]) != "spix" || word(1) != uint32(w) || word(2) != uint32(h) || word(3) != 8 || word(5) != 0 {
			t.Fatalf("header % x", b[:28])
		}
		wpl := int(word(4))
		if wpl != (w+3)/4 || int(word(6)) != 4*wpl*h || len(b) != 28+4*wpl*h {
			t.Fatalf("%d words per line, %d bytes of %d", wpl, word(6), len(b))
		}
		for y := 0; y < h; y++ {
			for x := 0; x < 4*wpl; x++ {
				v := uint8(word(7+y*wpl+x/4) >> (8 * (3 - x%4)))
				want := uint8(255)
				if x < w {
					want = sub.GrayAt(sub.Rect.Min.X+x, sub.Rect.Min.Y+y).Y
				}
				if v != want {
					t.Fatalf("%dx%d: pixel %d,%d is %d, want %d", w, h, x, y, v, want)
				}
			}
		}
	}
}
