package omr

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"intake/fixtures/device"
	"intake/fixtures/paper"
)

// drawn is a checkbox printed on a test page.
type drawn struct {
	x, y, size float64
	mark       paper.Mark
	off        paper.Point
}

var gridLabels = []string{"Yes", "No", "Male", "Female", "Other", "DOD", "OOO", "Sí", "Otro", "Denied", "0 D O Q B 8"}

// gridPage prints rows of labelled checkboxes, 6.5 to 16 points, with every kind of mark
// and none, a third of the marks up to a fifth of the box off centre (as far as the form
// fixture shifts them: partly outside the box), among text.
func gridPage(r *rand.Rand) (*paper.Page, []drawn) {
	p := paper.NewPage()
	p.Text(paper.SansBold, 14, 54, 50, "CHECKBOX TEST SHEET: BOX DOD 0 8")
	var boxes []drawn
	marks := []paper.Mark{paper.NoMark, paper.MarkX, paper.MarkCheck, paper.MarkFilled}
	i := 0
	for y := 80.0; y < 720; y += 30 {
		p.Text(paper.Serif, 9, 54, y+18, "Question text with O and D letters:")
		for col := 0; col < 3; col++ {
			size := 6.5 + r.Float64()*9.5
			x := 220 + float64(col)*120
			m := marks[i%len(marks)]
			i++
			var off paper.Point
			if r.IntN(3) == 0 {
				off = paper.Point{X: (r.Float64() - 0.5) * 0.4, Y: (r.Float64() - 0.5) * 0.4}
			}
			p.Checkbox(x, y, size, m, off)
			p.Text(paper.Sans, 9, x+size+3.5, y+size/2+3, gridLabels[r.IntN(len(gridLabels))])
			boxes = append(boxes, drawn{x, y, size, m, off})
		}
	}
	return p, boxes
}

// tally compares the boxes found on pages with the boxes drawn.
type tally struct {
	drawn, found, matched, rightChecked, extra int
	maxEdgeErr                                 float64 // pixels
	minTicked, maxEmpty                        float64 // Fill
	problems                                   []string
}

func newTally() *tally { return &tally{minTicked: 1} }

// add matches the boxes found with the boxes drawn by their centres.
func (t *tally) add(s scanned, want []drawn, got []Box) {
	t.drawn += len(want)
	t.found += len(got)
	used := make([]bool, len(got))
	for _, d := range want {
		cx, cy := s.pt(d.x+d.size/2, d.y+d.size/2)
		side := (d.size + 0.8) * s.dpi / 72
		best, bestD := -1, math.Inf(1)
		for j, b := range got {
			bx, by := float64(b.Rect.Min.X+b.Rect.Max.X)/2, float64(b.Rect.Min.Y+b.Rect.Max.Y)/2
			if dd := math.Hypot(bx-cx, by-cy); !used[j] && dd < bestD {
				best, bestD = j, dd
			}
		}
		desc := fmt.Sprintf("%s: box at (%.0f,%.0f) pt, side %.1f, mark %d, off %.2f,%.2f", s.cond, d.x, d.y, d.size, d.mark, d.off.X, d.off.Y)
		if best < 0 || bestD > side*0.3 {
			t.problems = append(t.problems, desc+": not found")
			continue
		}
		used[best] = true
		b := got[best]
		t.matched++
		x0, y0 := s.pt(d.x-0.4, d.y-0.4)
		x1, y1 := s.pt(d.x+d.size+0.4, d.y+d.size+0.4)
		e := math.Max(math.Max(math.Abs(float64(b.Rect.Min.X)-x0), math.Abs(float64(b.Rect.Max.X)-x1)),
			math.Max(math.Abs(float64(b.Rect.Min.Y)-y0), math.Abs(float64(b.Rect.Max.Y)-y1)))
		t.maxEdgeErr = math.Max(t.maxEdgeErr, e)
		if e > 3 {
			t.problems = append(t.problems, fmt.Sprintf("%s: rect %v, want (%.0f,%.0f)-(%.0f,%.0f)", desc, b.Rect, x0, y0, x1, y1))
		}
		ticked := d.mark != paper.NoMark
		if ticked {
			t.minTicked = math.Min(t.minTicked, b.Fill)
		} else {
			t.maxEmpty = math.Max(t.maxEmpty, b.Fill)
		}
		if b.Checked == ticked {
			t.rightChecked++
		} else {
			t.problems = append(t.problems, fmt.Sprintf("%s: fill %.3f, checked %v", desc, b.Fill, b.Checked))
		}
	}
	for j, u := range used {
		if !u {
			t.extra++
			t.problems = append(t.problems, fmt.Sprintf("%s: extra box %v, fill %.2f", s.cond, got[j].Rect, got[j].Fill))
		}
	}
}

// TestGridEveryCondition finds and reads every box of two grid pages per condition: one
// with the worst effects at once (heavy noise, blur, a streak, damaged fax lines), one with
// effects drawn as the device draws them.
func TestGridEveryCondition(t *testing.T) {
	for k, c := range device.Conditions {
		t.Run(string(c), func(t *testing.T) {
			t.Parallel()
			tl := newTally()
			for i := 0; i < 2; i++ {
				r := rand.New(rand.NewPCG(uint64(i+1), uint64(k)))
				p, want := gridPage(r)
				e := effects(r, c)
				if i == 0 {
					e.Noise, e.Blur, e.Streak, e.Dropouts = 0.7, true, true, c.Fax()
				}
				s := scan(t, r, p, c, e)
				tl.add(s, want, FindBoxes(s.img, s.dpi))
			}
			t.Logf("%s: drawn %d, found %d, matched %d, checked right %d, extra %d; edges within %.1f px; fill ticked >= %.3f, empty <= %.3f",
				c, tl.drawn, tl.found, tl.matched, tl.rightChecked, tl.extra, tl.maxEdgeErr, tl.minTicked, tl.maxEmpty)
			for _, pr := range tl.problems {
				t.Error(pr)
			}
		})
	}
}
