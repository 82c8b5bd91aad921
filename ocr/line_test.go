package ocr_test

import (
	"image"
	"strings"
	"testing"

	"intake/fixtures/paper"
	"intake/ocr"
	"intake/ocr/ocrtest"
)

// TestReadAreas reads parts of a page on their own, one line and a block of two, and
// finds their words where they are on the page; the page they are added to keeps what it
// had and gains one block per area.
func TestReadAreas(t *testing.T) {
	slow(t)
	p := paper.NewPage()
	p.Text(paper.Serif, 11, 80, 100, "Rosalind")
	p.Text(paper.Serif, 11, 300, 100, "Okafor-Williams")
	p.Text(paper.Serif, 11, 80, 200, "chronic hepatitis C")
	p.Text(paper.Serif, 11, 80, 216, "Epclusa for twelve weeks")
	img := p.Render(300)
	pt := func(x, y float64) image.Point { return image.Pt(int(x*300/72), int(y*300/72)) }
	line := image.Rectangle{pt(70, 85), pt(260, 106)}
	block := image.Rectangle{pt(70, 185), pt(400, 222)}
	areas := []ocr.Area{
		{Image: img.SubImage(line).(*image.Gray)},
		{Image: img.SubImage(block).(*image.Gray), Block: true},
	}
	pool := newPool(t, ocr.PoolOptions{Workers: 1})
	got, err := pool.ReadAreas(t.Context(), areas, 300)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d areas read, want 2", len(got))
	}
	text := func(ws []ocr.Word, line int) string {
		var s []string
		for _, w := range ws {
			if w.Line == line {
				s = append(s, w.Text)
			}
		}
		return strings.Join(s, " ")
	}
	if s := text(got[0], 0); s != "Rosalind" {
		t.Errorf("the line read %q, want %q (the word beside it is outside the area)", s, "Rosalind")
	}
	if s := text(got[1], 0) + " / " + text(got[1], 1); s != "chronic hepatitis C / Epclusa for twelve weeks" {
		t.Errorf("the block read %q", s)
	}
	for k, ws := range got {
		for _, w := range ws {
			if !w.Box.In(areas[k].Image.Rect) {
				t.Errorf("%q at %v, outside its area %v", w.Text, w.Box, areas[k].Image.Rect)
			}
		}
	}

	before := ocr.NewPage(img.Rect.Dx(), img.Rect.Dy(), 300, []ocr.Word{{Text: "Okafor-Williams", Box: image.Rectangle{pt(300, 90), pt(380, 102)}}})
	after := before.AddAreas(got)
	if len(after.Lines) != 4 || after.Lines[0].Text != "Okafor-Williams" || after.Lines[1].Text != "Rosalind" {
		t.Fatalf("page after adding the areas: %q", after.Text)
	}
	if after.Lines[2].Block != after.Lines[3].Block || after.Lines[1].Block == after.Lines[2].Block || after.Lines[0].Block == after.Lines[1].Block {
		t.Errorf("blocks of the lines %d %d %d %d: want the block's two lines together, each area apart",
			after.Lines[0].Block, after.Lines[1].Block, after.Lines[2].Block, after.Lines[3].Block)
	}
	if len(before.Lines) != 1 {
		t.Errorf("the page added to was changed")
	}
}

// TestReadAreasFakeEngine: engines that cannot read areas (test fakes) read nothing, and
// say no error.
func TestReadAreasFakeEngine(t *testing.T) {
	pool := newPool(t, ocr.PoolOptions{Workers: 1, NewEngine: func() (ocr.Engine, error) { return ocrtest.New(nil), nil }})
	got, err := pool.ReadAreas(t.Context(), []ocr.Area{{Image: blankImage(50, 20)}}, 300)
	if err != nil || got != nil {
		t.Errorf("ReadAreas on a fake engine = %v, %v; want nothing", got, err)
	}
}
