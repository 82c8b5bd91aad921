package ocrtest_test

import (
	"errors"
	"image"
	"testing"

	"intake/ocr"
	"intake/ocr/ocrtest"
)

func TestEngine(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 1000, 1300))
	e := ocrtest.New(ocrtest.Text("IMR Application\n\n  Member   name: Ana Ruiz\n"))
	p, err := e.Recognize(img, 120)
	if err != nil {
		t.Fatal(err)
	}
	if p.Text != "IMR Application\nMember name: Ana Ruiz" || len(p.Lines) != 2 || len(p.Words) != 6 {
		t.Fatalf("page text %q, %d lines, %d words", p.Text, len(p.Lines), len(p.Words))
	}
	if p.Width != 1000 || p.Height != 1300 || p.DPI != 120 {
		t.Errorf("page %dx%d at %v dpi", p.Width, p.Height, p.DPI)
	}
	name := p.Words[3]
	if name.Text != "name:" || name.Line != 1 || name.Confidence != 0.95 || name.Box.Min.X <= p.Words[2].Box.Max.X {
		t.Errorf("word %+v after %+v", name, p.Words[2])
	}
	if n := p.Lines[1].Norm; n.X0 != 0.1 || n.Y0 <= p.Lines[0].Norm.Y1 || n.X1 >= 1 {
		t.Errorf("second line at %+v, first %+v", n, p.Lines[0].Norm)
	}
	if ocr.WordAccuracy("Member name: Ana Ruiz", p.Text) != 1 {
		t.Error("the fake does not read what it is told")
	}
	if e.Calls() != 1 || e.MaxActive() != 1 {
		t.Errorf("calls %d, at once %d", e.Calls(), e.MaxActive())
	}
	if err := e.Close(); err != nil || !e.Closed() {
		t.Errorf("Close: %v, closed %v", err, e.Closed())
	}
}

func TestSequenceAndErrors(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 100, 100))
	read := ocrtest.Sequence("page one", "page two")
	a, b := ocrtest.New(read), ocrtest.New(read)
	for i, want := range []string{"page one", "page two", ""} {
		e := a
		if i == 1 {
			e = b // the sequence is shared
		}
		p, err := e.Recognize(img, 300)
		if err != nil || p.Text != want {
			t.Errorf("page %d: %q, %v; want %q", i, p.Text, err, want)
		}
	}
	bad := ocrtest.New(func(*image.Gray, float64) (string, error) { return "", ocr.ErrUnreadable })
	if _, err := bad.Recognize(img, 300); !errors.Is(err, ocr.ErrUnreadable) {
		t.Errorf("err = %v", err)
	}
	var zero ocrtest.Engine
	if p, err := zero.Recognize(img, 300); err != nil || p.Text != "" || len(p.Words) != 0 {
		t.Errorf("zero engine: %+v %v", p, err)
	}
	var _ ocr.Engine = &zero
}
