package omr

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"intake/fixtures/device"
	"intake/fixtures/paperwork"
)

// rowsOf groups boxes (in reading order) into rows of boxes whose vertical centres lie
// within half a box of each other.
func rowsOf(boxes []Box) [][]Box {
	var rows [][]Box
	for _, b := range boxes {
		cy := (b.Rect.Min.Y + b.Rect.Max.Y) / 2
		n := len(rows)
		if n > 0 {
			last := rows[n-1][0].Rect
			if abs(cy-(last.Min.Y+last.Max.Y)/2) <= last.Dy()/2 {
				rows[n-1] = append(rows[n-1], b)
				continue
			}
		}
		rows = append(rows, []Box{b})
	}
	for _, r := range rows {
		sort.Slice(r, func(i, j int) bool { return r[i].Rect.Min.X < r[j].Rect.Min.X })
	}
	return rows
}

// rowSpec is a row of boxes on a form page: how many, and which one the truth says is
// ticked (-1 none; -2 unknown, at most one).
type rowSpec struct {
	name    string
	n, tick int
}

// yesNoRow is the row of a yes/no question: Yes ticked when the answer is true, No when
// false, neither when the field is absent (the filer skipped it).
func yesNoRow(fields map[string]any, key string) rowSpec {
	v, ok := fields[key].(bool)
	switch {
	case !ok:
		return rowSpec{key, 2, -1}
	case v:
		return rowSpec{key, 2, 0}
	}
	return rowSpec{key, 2, 1}
}

// checkRows compares the boxes found on a page with the rows the form prints, boxes of
// size points (and a 0.8 point outline).
func checkRows(t *testing.T, what string, s scanned, got []Box, size float64, want []rowSpec) (boxes, right int) {
	t.Helper()
	n := 0
	for _, w := range want {
		n += w.n
	}
	side := size + 0.8
	for _, b := range got {
		px := side * s.dpi / 72
		if dx, dy := float64(b.Rect.Dx())-px, float64(b.Rect.Dy())-px; dx < -2 || dx > 2 || dy < -2 || dy > 5 {
			t.Errorf("%s: box %v is not %.1f px square", what, b.Rect, px)
		}
	}
	rows := rowsOf(got)
	if len(got) != n || len(rows) != len(want) {
		t.Errorf("%s: found %d boxes in %d rows, want %d in %d rows", what, len(got), len(rows), n, len(want))
		return len(got), 0
	}
	for i, w := range want {
		if len(rows[i]) != w.n {
			t.Errorf("%s: row %d (%s) has %d boxes, want %d", what, i, w.name, len(rows[i]), w.n)
			continue
		}
		ticked := 0
		for j, b := range rows[i] {
			if b.Checked {
				ticked++
			}
			if w.tick == -2 {
				right++
				continue
			}
			if b.Checked != (j == w.tick) {
				t.Errorf("%s: %s box %d: checked %v (fill %.3f), want %v", what, w.name, j, b.Checked, b.Fill, j == w.tick)
				continue
			}
			right++
		}
		if w.tick == -2 && ticked > 1 {
			t.Errorf("%s: %s: %d boxes ticked, at most one was", what, w.name, ticked)
		}
	}
	return len(got), right
}

func page1Rows(f map[string]any) []rowSpec {
	gender := rowSpec{"patient.gender", 3, -1}
	switch f["patient.gender"] {
	case "male":
		gender.tick = 0
	case "female":
		gender.tick = 1
	case "other":
		gender.tick = 2
	}
	rows := []rowSpec{gender}
	for _, k := range []string{"patient.email_ok", "wants_assistant", "medi_cal", "fair_hearing", "medicare", "grievance_filed", "wants_reimbursement", "wants_future_services"} {
		rows = append(rows, yesNoRow(f, k))
	}
	return rows
}

func page2Rows(f map[string]any) []rowSpec {
	rows := []rowSpec{yesNoRow(f, "plan_denied"), {"denial_reason 1-3", 3, -1}, {"denial_reason 4-5", 2, -1}, yesNoRow(f, "out_of_network")}
	reasons := []string{"not_medically_necessary", "experimental_investigational", "not_emergency_urgent", "not_covered_benefit", "other"}
	for i, r := range reasons {
		if f["denial_reason"] == r {
			rows[1+i/3].tick = i % 3
		}
	}
	return rows
}

func page3Rows(f map[string]any) []rowSpec {
	rows := []rowSpec{yesNoRow(f, "wants_primary_language")}
	for i := 0; i < 4; i++ {
		rows = append(rows, rowSpec{fmt.Sprintf("race row %d", i+1), 2, -2}) // ticks are not in the truth
	}
	return rows
}

// TestIMRFormPage1 reads page 1 of the IMR form, both editions in both languages, in every
// condition: 19 boxes (gender, then eight yes/no questions), ticked as the truth says.
func TestIMRFormPage1(t *testing.T) {
	for k, c := range device.Conditions {
		t.Run(string(c), func(t *testing.T) {
			t.Parallel()
			boxes, right := 0, 0
			for i, v := range []struct{ ed, lang string }{{"09/25", "en"}, {"09/25", "es"}, {"01/20", "en"}, {"01/20", "es"}} {
				r := rand.New(rand.NewPCG(uint64(10*k+i), 11))
				cs := paperwork.NewCase(r, i, paperwork.Scenario{Edition: v.ed, Language: v.lang})
				doc := paperwork.IMRForm(r, cs, paperwork.FormOptions{OmitPage3: true})
				s := scan(t, r, doc.Pages[0], c, effects(r, c))
				n, ok := checkRows(t, fmt.Sprintf("%s %s %s", c, doc.Style, "p1"), s, FindBoxes(s.img, s.dpi), 8.5, page1Rows(doc.Fields))
				boxes, right = boxes+n, right+ok
			}
			t.Logf("%s: %d boxes on 4 pages, %d of 76 read right", c, boxes, right)
		})
	}
}

// TestIMRFormPages2And3 reads pages 2 (denial, reasons, out of network) and 3 (language,
// race) of both editions in every condition.
func TestIMRFormPages2And3(t *testing.T) {
	for k, c := range device.Conditions {
		t.Run(string(c), func(t *testing.T) {
			t.Parallel()
			for i, ed := range []string{"09/25", "01/20"} {
				r := rand.New(rand.NewPCG(uint64(10*k+i), 12))
				cs := paperwork.NewCase(r, i, paperwork.Scenario{Kind: "imr", Edition: ed})
				doc := paperwork.IMRForm(r, cs, paperwork.FormOptions{})
				for pn, rows := range [][]rowSpec{page2Rows(doc.Fields), page3Rows(doc.Fields)} {
					s := scan(t, r, doc.Pages[pn+1], c, effects(r, c))
					checkRows(t, fmt.Sprintf("%s %s p%d", c, doc.Style, pn+2), s, FindBoxes(s.img, s.dpi), 8.5, rows)
				}
			}
		})
	}
}

// TestOtherForms reads the Authorized Assistant Form's one box and the Requested
// Information Sheet's four (the first always ticked).
func TestOtherForms(t *testing.T) {
	for k, c := range []device.Condition{device.MailJPEG300, device.FaxNormal} {
		r := rand.New(rand.NewPCG(uint64(k), 13))
		cs := paperwork.NewCase(r, 1, paperwork.Scenario{})
		for cs.Assistant == nil {
			cs = paperwork.NewCase(r, 1, paperwork.Scenario{})
		}
		aa := paperwork.AssistantForm(r, cs)
		s := scan(t, r, aa.Pages[0], c, effects(r, c))
		poa := rowSpec{"assistant.poa_attached", 1, -1}
		if aa.Fields["assistant.poa_attached"] == true {
			poa.tick = 0
		}
		checkRows(t, fmt.Sprintf("%s %s", c, aa.Style), s, FindBoxes(s.img, s.dpi), 9, []rowSpec{poa})

		rs := paperwork.ReturnSheet(r, cs, "2026-1234", time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), 1)
		s = scan(t, r, rs.Pages[0], c, effects(r, c))
		got := FindBoxes(s.img, s.dpi)
		if len(got) != 4 || !got[0].Checked {
			t.Errorf("%s %s: %d boxes, first checked %v; want 4, the first checked", c, rs.Style, len(got), len(got) > 0 && got[0].Checked)
		}
	}
}
