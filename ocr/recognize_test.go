package ocr_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"intake/fixtures/device"
	"intake/ocr"
)

// TestReadFaxNormal: fax pages at 204x98 dpi are resampled to square pixels and read
// at 90% of their words or better.
func TestReadFaxNormal(t *testing.T) {
	slow(t)
	e := engine(t)
	for _, name := range []string{"letter", "form"} {
		t.Run(name, func(t *testing.T) {
			page, want := sample(t, name)
			p := read(t, e, scan(page, device.FaxNormal, device.Effects{Skew: 0.8, Noise: 0.3}, 3))
			if !p.Info.Resampled || p.DPI != 204 || p.Width != 1728 || math.Abs(float64(p.Height)-11*204) > 50 {
				t.Errorf("prepared %dx%d at %.0f dpi (resampled %v), want 1728x%d at 204", p.Width, p.Height, p.DPI, p.Info.Resampled, 11*204)
			}
			acc := ocr.WordAccuracy(want, p.Text)
			t.Logf("word accuracy %.3f; prepare %v, recognise %v", acc, p.Info.Timings.Prepare, p.Info.Timings.Recognize)
			if acc < 0.90 {
				t.Errorf("word accuracy %.3f < 0.90", acc)
			}
		})
	}
}

// TestReadTurnedPages: a sheet fed upside down or sideways is found so, turned upright and
// read within a point of the same sheet fed the right way; a sheet fed crooked is
// straightened likewise.
func TestReadTurnedPages(t *testing.T) {
	slow(t)
	e := engine(t)
	refs := map[string]*ocr.Page{} // the sheets fed straight, read once
	for _, tc := range []struct {
		name     string
		page     string
		c        device.Condition
		effects  device.Effects
		rotation int // the turn that makes it upright
	}{
		{"upside down", "letter", device.MailG4300, device.Effects{Rotate: 180, Skew: 0.4, Noise: 0.3}, 180},
		{"sideways", "note", device.MailJPEG300, device.Effects{Rotate: 90, Skew: -0.3, Noise: 0.3}, 270},
		{"skewed 3°", "letter", device.MailG4300, device.Effects{Skew: 3, Noise: 0.3}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page, want := sample(t, tc.page)
			straight := tc.effects
			straight.Rotate, straight.Skew = 0, 0
			key := fmt.Sprint(tc.page, tc.c, straight)
			ref := refs[key]
			if ref == nil {
				ref = read(t, e, scan(page, tc.c, straight, 4))
				refs[key] = ref
			}
			p := read(t, e, scan(page, tc.c, tc.effects, 4))
			if p.Rotation != tc.rotation {
				t.Errorf("turned %d°, want %d° (orientation %+v)", p.Rotation, tc.rotation, p.Info.Orientation)
			}
			if math.Abs(p.Skew-tc.effects.Skew) > 0.3 {
				t.Errorf("skew measured %.2f°, truth %.2f°", p.Skew, tc.effects.Skew)
			}
			accRef, acc := ocr.WordAccuracy(want, ref.Text), ocr.WordAccuracy(want, p.Text)
			t.Logf("word accuracy %.3f, fed straight %.3f; orientation %+v, skew %.2f°; prepare %v (orientation %v), recognise %v",
				acc, accRef, p.Info.Orientation, p.Skew, p.Info.Timings.Prepare, p.Info.Timings.Orient, p.Info.Timings.Recognize)
			if acc < accRef-0.01 {
				t.Errorf("word accuracy %.3f, more than a point below %.3f for the sheet fed straight", acc, accRef)
			}
			if p.Width != ref.Width || p.Height != ref.Height {
				t.Errorf("prepared page %dx%d, fed straight %dx%d", p.Width, p.Height, ref.Width, ref.Height)
			}
		})
	}
}

// TestPageContent: lines, words and boxes agree with one another and with the page.
func TestPageContent(t *testing.T) {
	slow(t)
	e := engine(t)
	page, _ := sample(t, "letter")
	p := read(t, e, scan(page, device.MailG4300, device.Effects{}, 5))
	if len(p.Lines) < 10 || len(p.Words) < 100 {
		t.Fatalf("%d lines, %d words", len(p.Lines), len(p.Words))
	}
	var texts []string
	lastBlock, lastPara := 0, 0
	for i, l := range p.Lines {
		texts = append(texts, l.Text)
		var ws []string
		for _, wi := range l.Words {
			w := p.Words[wi]
			ws = append(ws, w.Text)
			if w.Line != i {
				t.Fatalf("word %d %q is on line %d, listed by line %d", wi, w.Text, w.Line, i)
			}
			if !w.Box.In(l.Box) {
				t.Errorf("word box %v outside its line's %v", w.Box, l.Box)
			}
			n := w.Norm
			if n.X0 < 0 || n.Y0 < 0 || n.X1 > 1 || n.Y1 > 1 || n.X0 >= n.X1 || n.Y0 >= n.Y1 ||
				math.Abs(n.X0*float64(p.Width)-float64(w.Box.Min.X)) > 0.5 || math.Abs(n.Y1*float64(p.Height)-float64(w.Box.Max.Y)) > 0.5 {
				t.Errorf("word %q: normalised box %+v does not match %v on %dx%d", w.Text, n, w.Box, p.Width, p.Height)
			}
			if w.Confidence <= 0 || w.Confidence > 1 {
				t.Errorf("word %q: confidence %v", w.Text, w.Confidence)
			}
		}
		if got := strings.Join(ws, " "); got != l.Text {
			t.Errorf("line %d text %q, its words %q", i, l.Text, got)
		}
		if l.Block < lastBlock || l.Para < lastPara {
			t.Errorf("line %d: block %d paragraph %d after %d %d", i, l.Block, l.Para, lastBlock, lastPara)
		}
		lastBlock, lastPara = l.Block, l.Para
	}
	if got := strings.Join(texts, "\n"); got != p.Text {
		t.Error("Text is not the lines joined by newlines")
	}
	if lastPara < 3 {
		t.Errorf("only %d paragraphs found on a letter", lastPara+1)
	}
	// Reading order: the letter's lines go down the page.
	down := 0
	for i := 1; i < len(p.Lines); i++ {
		if p.Lines[i].Box.Min.Y >= p.Lines[i-1].Box.Min.Y {
			down++
		}
	}
	if down < len(p.Lines)*3/4 {
		t.Errorf("only %d of %d lines follow the previous one down the page", down, len(p.Lines))
	}
}
