package omr

import (
	"image"
	"testing"

	"intake/fixtures/paper"
)

// boxesPage prints a row of empty 8.5-point boxes and one ticked with each mark.
func boxesPage() *paper.Page {
	p := paper.NewPage()
	for i, m := range []paper.Mark{paper.NoMark, paper.MarkX, paper.NoMark, paper.MarkCheck, paper.NoMark, paper.MarkFilled} {
		x := 72 + float64(i)*60
		p.Checkbox(x, 100, 8.5, m, paper.Point{})
		p.Text(paper.Sans, 9, x+12, 107.5, "Yes")
	}
	return p
}

func TestReadingOrderAndGeometry(t *testing.T) {
	img := boxesPage().Render(300)
	got := FindBoxes(img, 300)
	if len(got) != 6 {
		t.Fatalf("found %d boxes, want 6", len(got))
	}
	for i, b := range got {
		// The outline's outer edge: 0.4 pt outside the 8.5-point square.
		x0 := (72 + float64(i)*60 - 0.4) * 300 / 72
		y0 := (100 - 0.4) * 300 / 72
		side := 9.3 * 300 / 72
		if d := float64(b.Rect.Min.X) - x0; d < -1 || d > 1 {
			t.Errorf("box %d at x %d, want %.1f", i, b.Rect.Min.X, x0)
		}
		if d := float64(b.Rect.Min.Y) - y0; d < -1 || d > 1 {
			t.Errorf("box %d at y %d, want %.1f", i, b.Rect.Min.Y, y0)
		}
		if d := float64(b.Rect.Dx()) - side; d < -1.5 || d > 1.5 {
			t.Errorf("box %d is %d wide, want %.1f", i, b.Rect.Dx(), side)
		}
		if want := i%2 == 1; b.Checked != want {
			t.Errorf("box %d: checked %v (fill %.3f), want %v", i, b.Checked, b.Fill, want)
		}
		if b.Confidence < 0.8 {
			t.Errorf("box %d: confidence %.2f on a clean page", i, b.Confidence)
		}
	}
}

// TestSubImage reports boxes in the coordinates of the image it is given, a sub-image's
// included.
func TestSubImage(t *testing.T) {
	img := boxesPage().Render(300)
	all := FindBoxes(img, 300)
	sub := img.SubImage(image.Rect(500, 300, 1500, 600)).(*image.Gray)
	got := FindBoxes(sub, 300)
	var want []Box
	for _, b := range all {
		if b.Rect.In(sub.Rect) {
			want = append(want, b)
		}
	}
	if len(got) != len(want) || len(want) == 0 {
		t.Fatalf("sub-image: %d boxes, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Rect != want[i].Rect || got[i].Checked != want[i].Checked {
			t.Errorf("sub-image box %d: %v %v, want %v %v", i, got[i].Rect, got[i].Checked, want[i].Rect, want[i].Checked)
		}
	}
}

// TestLinesAcrossEmptyBoxes: a scanner streak down through a box, beside its side, and
// starting just above it, and a damaged fax line across boxes, are no ticks.
func TestLinesAcrossEmptyBoxes(t *testing.T) {
	p := paper.NewPage()
	for i := 0; i < 4; i++ {
		p.Checkbox(72+float64(i)*60, 100, 8.5, paper.NoMark, paper.Point{})
	}
	img := p.Render(300)
	set := func(x, y int, v uint8) { img.Pix[img.PixOffset(x, y)] = v }
	x0 := int(72 * 300 / 72.0)
	y0 := int((100 - 0.4) * 300 / 72)
	for y := 0; y < img.Rect.Dy(); y++ {
		set(x0+15, y, 20) // through the middle of box 0
		set(x0+16, y, 20)
		set(x0+250+5, y, 20) // inside box 1, beside its left side
		if y > y0-20 {
			set(x0+500+20, y, 20) // box 2: starts just above it
		}
	}
	for x := x0 - 100; x < x0+900; x++ {
		if x%3 == 0 {
			set(x, y0+18, 0) // a damaged line through all four
		} else {
			set(x, y0+18, 255)
		}
	}
	got := FindBoxes(img, 300)
	if len(got) != 4 {
		t.Fatalf("found %d boxes, want 4", len(got))
	}
	for i, b := range got {
		if b.Checked || b.Fill > 0.02 {
			t.Errorf("box %d: fill %.3f, checked %v; want empty", i, b.Fill, b.Checked)
		}
	}
}

func TestSizes(t *testing.T) {
	p := paper.NewPage()
	p.Checkbox(72, 100, 5, paper.NoMark, paper.Point{})   // 0.08 in with its outline
	p.Checkbox(172, 100, 12, paper.NoMark, paper.Point{}) // 0.18 in
	p.Checkbox(272, 100, 24, paper.NoMark, paper.Point{}) // 0.34 in
	img := p.Render(300)
	if got := FindBoxes(img, 300); len(got) != 2 {
		t.Errorf("default sizes: %d boxes, want 2", len(got))
	}
	if got := FindBoxesSized(img, 300, 0.1, 0.4); len(got) != 2 || got[1].Rect.Dx() < 100 {
		t.Errorf("0.1 to 0.4 in: %v, want the 12- and 24-point boxes", got)
	}
}

func TestDegenerateInputs(t *testing.T) {
	if got := FindBoxes(nil, 300); got != nil {
		t.Errorf("nil image: %v", got)
	}
	if got := FindBoxes(image.NewGray(image.Rect(0, 0, 0, 0)), 300); got != nil {
		t.Errorf("empty image: %v", got)
	}
	img := boxesPage().Render(300)
	if got := FindBoxes(img, 0); got != nil {
		t.Errorf("dpi 0: %v", got)
	}
	if v := Ink(img, image.Rect(-50, -50, -10, -10)); v != 0 {
		t.Errorf("Ink outside the image = %v", v)
	}
	if v := Ink(nil, image.Rect(0, 0, 10, 10)); v != 0 {
		t.Errorf("Ink of nil = %v", v)
	}
	blank := image.NewGray(image.Rect(0, 0, 300, 300))
	for i := range blank.Pix {
		blank.Pix[i] = 255
	}
	if got, v := FindBoxes(blank, 300), Ink(blank, blank.Rect); len(got) != 0 || v != 0 {
		t.Errorf("blank page: %v boxes, ink %v", got, v)
	}
}
