package classify

import (
	"image"
	"regexp"
	"strings"

	"intake/ocr"
)

// The Help Center's own numbers: a cover's "To" side, never the sender's or the member's.
var regulatorNumbers = map[string]bool{"9162555241": true, "8884662219": true, "8776889891": true}

// nearRegulatorNumber returns the Help Center's number that num differs from in exactly one
// digit.
func nearRegulatorNumber(num string) (string, bool) {
	for r := range regulatorNumbers {
		if oneDiff(r, num) {
			return r, true
		}
	}
	return "", false
}

var faxLabels = []string{
	"to", "to:", "from", "fax", "fax number", "recipient fax", "from fax", "sender fax", "to fax",
	"phone", "callback phone", "sender phone", "telephone", "tel", "date", "pages", "total pages",
	"no. of pages", "number of pages", "total no. of pages including cover", "re", "subject",
	"regarding", "comments", "message", "notes / comments", "notes",
}

var firstNumberRE = regexp.MustCompile(`\d+`)

func extractFaxCover(doc Document, pages []Page, fields map[string]Field) {
	pg := pages[0]
	p := pg.OCR
	pageNo := doc.Pages[0]
	set := func(key string, value any, conf float64, box image.Rectangle) {
		if _, ok := fields[key]; ok {
			return
		}
		fields[key] = newField(value, conf, pageNo, box, p)
	}
	ps := pairs(p, faxLabels, true)
	rs := rows(p)
	segs := segments(p, rs, 2.2)
	for _, l := range ps {
		if l.value == "" {
			continue
		}
		switch l.label {
		case "to", "to:":
			set("fax.to", collapse(l.value), l.confidence, l.box)
		case "from":
			set("fax.from", collapse(l.value), l.confidence, l.box)
		case "re", "subject", "regarding":
			v, box, conf := continueValue(p, segs, l, faxLabels)
			set("fax.subject", collapse(v), conf, box)
		case "date":
			if d, ok := parseDate(l.value); ok {
				set("fax.date", d, l.confidence, l.box)
			}
		case "pages", "total pages", "no. of pages", "number of pages", "total no. of pages including cover":
			if n := firstNumberRE.FindString(fixDigits(l.value)); n != "" && len(n) <= 3 {
				set("fax.pages", strings.TrimLeft(n, "0"), l.confidence, l.box)
			}
		}
	}
	// Numbers: the label says whose; the Help Center's own numbers are the "To" side.
	for _, l := range ps {
		num, ok := parsePhone(l.value)
		if !ok {
			continue
		}
		label := l.label
		// The Help Center's fax with one digit misread ("916-295-5241") is the Help
		// Center's: no sender's number is that near it.
		conf := l.confidence
		if near, ok := nearRegulatorNumber(num); ok && strings.Contains(label, "fax") {
			num, conf = near, conf*0.9
		}
		switch {
		case regulatorNumbers[num]:
			if strings.Contains(label, "fax") {
				set("fax.to_fax", num, conf, l.box)
			}
		case label == "fax number" || label == "recipient fax" || label == "to fax":
			set("fax.to_fax", num, l.confidence*0.9, l.box)
		case strings.Contains(label, "fax"):
			set("fax.from_fax", num, l.confidence, l.box)
		case strings.Contains(label, "phone") || label == "tel" || label == "telephone":
			set("fax.from_phone", num, l.confidence, l.box)
		}
	}
	if _, ok := fields["fax.from_fax"]; !ok {
		// A sender's letterhead prints its numbers in a line: "Phone (559) 555-0101 · Fax (559) 555-0102".
		// The cover's title "Fax", in letters three times the text's height, that OCR ran
		// into one line with the sender's phone beside it, names no number.
		th := textHeight(p)
		for li, l := range p.Lines {
			if l.Norm.Y0 < headerBand || l.Norm.Y0 > 0.25 || titleFax(p, li, th) {
				continue
			}
			t := fold(l.Text)
			k := strings.Index(t, "fax")
			if k < 0 {
				continue
			}
			if n, ok := parsePhone(l.Text[min(k, len(l.Text)):]); ok && !regulatorNumbers[n] {
				set("fax.from_fax", n, lineConfidence(p, l)*0.9, l.Box)
				break
			}
		}
	}
	if _, ok := fields["fax.date"]; !ok {
		// Many covers print the date alone near the top.
		for _, l := range p.Lines {
			if l.Norm.Y0 < headerBand || l.Norm.Y0 > 0.4 {
				continue
			}
			if d, ok := parseDate(l.Text); ok {
				set("fax.date", d, lineConfidence(p, l)*0.9, l.Box)
				break
			}
		}
	}
	urgent := urgentMarked(pg, rs)
	if f, ok := fields["fax.subject"]; ok {
		if sub, _ := f.Value.(string); strings.HasPrefix(fold(sub), "urgent") {
			urgent = true // "URGENT - IMR application"
		}
	}
	set("fax.urgent", urgent, 0.9, image.Rectangle{})
}

// continueValue extends a label's value with the rows under it that start where it starts
// and carry no label (a subject wrapped onto a second line).
func continueValue(p *ocr.Page, segs []segment, l labelled, labels []string) (string, image.Rectangle, float64) {
	v, box, conf := l.value, l.box, l.confidence
	h := l.box.Dy()
	for {
		next := -1
		for j, s := range segs {
			d := s.box.Min.Y - box.Max.Y
			if d < 0 || d > h || abs(s.box.Min.X-box.Min.X) > h {
				continue
			}
			// A row that carries a label is the next field, not more of this one.
			for _, o := range segs {
				if o.row == s.row {
					if lab, _ := labelIn(p, o, labels); lab != "" {
						return v, box, conf
					}
				}
			}
			next = j
			break
		}
		if next < 0 {
			return v, box, conf
		}
		s := segs[next]
		v += " " + s.text(p)
		box = box.Union(s.box)
		conf = min(conf, s.confidence(p))
	}
}

// urgentMarked: a ticked box labelled Urgent, or URGENT printed on a line of its own (a
// stamp, "*** URGENT ***").
func urgentMarked(pg Page, rs []row) bool {
	p := pg.OCR
	for _, b := range pg.Boxes {
		if !b.Checked {
			continue
		}
		// The label is the first word right of the box on its row.
		for _, w := range p.Words {
			if w.Box.Min.X >= b.Rect.Max.X && w.Box.Min.X-b.Rect.Max.X < 3*b.Rect.Dx() &&
				mid(w.Box) > b.Rect.Min.Y-b.Rect.Dy()/2 && mid(w.Box) < b.Rect.Max.Y+b.Rect.Dy()/2 {
				if token(w.Text) == "urgent" {
					return true
				}
			}
		}
	}
	// A stamp or banner: "URGENT" with nothing but marks around it ("*** URGENT ***", which
	// OCR may read as "**KA URGENT Kk").
	for _, r := range rs {
		urgent, other := false, 0
		for _, w := range r.words {
			switch t := token(p.Words[w].Text); {
			case t == "urgent" || t == "urgente":
				urgent = true
			case len([]rune(t)) > 3:
				other++
			}
		}
		if urgent && other == 0 {
			return true
		}
	}
	return false
}

func lineConfidence(p *ocr.Page, l ocr.Line) float64 {
	c := 1.0
	for _, w := range l.Words {
		c = min(c, p.Words[w].Confidence)
	}
	return c
}

// newField makes a field from a value read with OCR confidence conf at box on page.
func newField(value any, conf float64, page int, box image.Rectangle, p *ocr.Page) Field {
	f := Field{Value: value, Confidence: clamp(conf), Page: page}
	if !box.Empty() && p != nil {
		f.Box = ocr.Normalize(box, p.Width, p.Height)
	}
	f.NeedsReview = f.Confidence < reviewBelow
	return f
}

// reviewBelow is the confidence under which a field goes to a person.
const reviewBelow = 0.75

// titleFax says whether line li of p holds the word "fax" as a title: letters at least
// twice the text's height th.
func titleFax(p *ocr.Page, li, th int) bool {
	for _, w := range p.Words {
		if w.Line == li && strings.Contains(token(w.Text), "fax") && w.Box.Dy() >= 2*th {
			return true
		}
	}
	return false
}
