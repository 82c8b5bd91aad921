package lept

import (
	"image"
	"testing"
)

func TestGrayRoundTrip(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 37, 5))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	p, err := FromGray(img)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if w, h, d := p.Size(); w != 37 || h != 5 || d != 8 {
		t.Fatalf("size %d x %d x %d", w, h, d)
	}
	back, err := p.Gray()
	if err != nil {
		t.Fatal(err)
	}
	for i := range img.Pix {
		if back.Pix[i] != img.Pix[i] {
			t.Fatalf("pixel %d: %d, want %d", i, back.Pix[i], img.Pix[i])
		}
	}
	// A sub-image (stride wider than its width) copies only what it shows.
	sub := img.SubImage(image.Rect(3, 1, 10, 4)).(*image.Gray)
	ps, err := FromGray(sub)
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	g, _ := ps.Gray()
	if g.Rect.Dx() != 7 || g.Rect.Dy() != 3 || g.GrayAt(0, 0) != sub.GrayAt(3, 1) {
		t.Error("sub-image copied wrongly")
	}
}
