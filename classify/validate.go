package classify

import (
	"strings"
	"time"
)

// validate raises or lowers the confidence of fields by what they must satisfy on their
// own (a birth date in the past, a letter dated before it arrived) and by what other
// documents of the same envelope say (the member id, name and birth date on the form and
// on the plan's letter).
func validate(docs []Document, received time.Time) {
	now := received
	if now.IsZero() {
		now = time.Now()
	}
	for i := range docs {
		d := &docs[i]
		for key, f := range d.Fields {
			s, _ := f.Value.(string)
			switch key {
			case "patient.dob", "member.dob":
				if t, err := time.Parse("2006-01-02", s); err == nil && (t.After(now) || t.Year() < 1900) {
					f.Confidence *= 0.5
				}
			case "letter.date", "fax.date", "signed_date", "patient.signed_date":
				if t, err := time.Parse("2006-01-02", s); err == nil && (t.After(now.AddDate(0, 0, 1)) || now.Sub(t) > 5*365*24*time.Hour) {
					f.Confidence *= 0.5
				}
			case "patient.zip", "assistant.zip":
				if len(s) >= 5 && (s[:5] < "90000" || s[:5] > "96199") {
					f.Confidence *= 0.8 // outside California: possible, but look
				}
			}
			f.NeedsReview = f.Confidence < reviewBelow
			d.Fields[key] = f
		}
	}
	// Across the documents of one envelope.
	byEnv := map[int][]int{}
	for i, d := range docs {
		byEnv[d.Envelope] = append(byEnv[d.Envelope], i)
	}
	for _, idx := range byEnv {
		var form, letter *Document
		for _, i := range idx {
			switch docs[i].Kind {
			case IMRForm:
				if form == nil {
					form = &docs[i]
				}
			case DenialLetter:
				if letter == nil {
					letter = &docs[i]
				}
			}
		}
		if form != nil {
			names(form, docs, idx)
		}
		if form == nil || letter == nil {
			continue
		}
		agree(form, "plan.member_id", letter, "member.id", sameID)
		planNames(form, letter)
		agree(form, "patient.dob", letter, "member.dob", func(a, b string) bool { return a == b })
	}
}

// nameFields are where an envelope's documents name the patient (or, for the signer, often
// do): checked against the form's first and last name.
var nameFields = map[Kind][]string{
	DenialLetter:  {"member.name"},
	IMRForm:       {"signer_name"},
	AssistantForm: {"patient.name"},
	FaxCover:      {"fax.subject"},
}

// names compares the form's first and last name with the names the envelope's documents
// give. The letter's member name with both confirms them. A name with both, one of them
// misread by a letter on one side ("Jorres" against "Torres"), sends the form's misfit and
// the other field to a person: which one is right is for a person to say.
func names(form *Document, docs []Document, idx []int) {
	first, _ := form.Fields["patient.first_name"].Value.(string)
	last, _ := form.Fields["patient.last_name"].Value.(string)
	if first == "" || last == "" {
		return
	}
	ff, fl := fold(first), fold(last)
	for _, i := range idx {
		d := &docs[i]
		for _, k := range nameFields[d.Kind] {
			name, ok := d.Fields[k].Value.(string)
			if !ok {
				continue
			}
			n := fold(name)
			switch {
			case strings.Contains(n, ff) && strings.Contains(n, fl):
				if d.Kind == DenialLetter {
					boost(form, "patient.first_name")
					boost(form, "patient.last_name")
					boost(d, k)
				}
			case nearWord(n, ff) && nearWord(n, fl):
				if !strings.Contains(n, ff) {
					doubt(form, "patient.first_name")
				}
				if !strings.Contains(n, fl) {
					doubt(form, "patient.last_name")
				}
				doubt(d, k)
			}
		}
	}
}

// nearWord says whether the words of text hold w, as it is or with one letter changed,
// added or removed (for words of three letters or more).
func nearWord(text, w string) bool {
	if w == "" {
		return false
	}
	if strings.Contains(text, w) {
		return true
	}
	for _, t := range strings.Fields(text) {
		t = strings.Trim(t, ",.;:")
		if len([]rune(w)) >= 3 && oneEdit(t, w) {
			return true
		}
	}
	return false
}

// doubt sends a field to a person.
func doubt(d *Document, key string) {
	f, ok := d.Fields[key]
	if !ok {
		return
	}
	f.Confidence = min(f.Confidence, 0.5)
	f.NeedsReview = true
	d.Fields[key] = f
}

// agree compares a field of two documents: the same value confirms both; values that
// differ only in characters OCR confuses send both to a person.
func agree(a *Document, ka string, b *Document, kb string, same func(x, y string) bool) {
	fa, oka := a.Fields[ka]
	fb, okb := b.Fields[kb]
	if !oka || !okb {
		return
	}
	va, _ := fa.Value.(string)
	vb, _ := fb.Value.(string)
	switch {
	case same(va, vb):
		boost(a, ka)
		boost(b, kb)
	case confusable(va, vb) || oneDiff(va, vb):
		doubt(a, ka)
		doubt(b, kb)
	}
}

// planNames compares the plan's name written on the form with the letter's: when the words
// they share are the same but for a letter or an accent ("Goiden Poppy", "Centrál Valley"
// against "Golden Poppy Health Plan"), one of them was misread, and a person looks at both.
func planNames(form, letter *Document) {
	fv, _ := form.Fields["plan.name"].Value.(string)
	lv, _ := letter.Fields["plan.name"].Value.(string)
	if fv == "" || lv == "" {
		return
	}
	a, b := strings.Fields(fv), strings.Fields(lv)
	n := min(len(a), len(b))
	misread := false
	for i := range n {
		x, y := strings.Trim(a[i], ".,"), strings.Trim(b[i], ".,")
		if strings.EqualFold(x, y) {
			continue
		}
		if fold(x) == fold(y) || len([]rune(x)) >= 4 && oneEdit(strings.ToLower(x), strings.ToLower(y)) {
			misread = true
			continue
		}
		return // different names, or differently worded: nothing to compare
	}
	if !misread {
		return
	}
	for _, d := range []*Document{form, letter} {
		f := d.Fields["plan.name"]
		f.Confidence = min(f.Confidence, 0.6)
		f.NeedsReview = true
		d.Fields["plan.name"] = f
	}
}

// oneEdit: a and b differ by one letter changed, added or removed.
func oneEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	if len(ra)-len(rb) > 1 {
		return false
	}
	i := 0
	for i < len(rb) && ra[i] == rb[i] {
		i++
	}
	if len(ra) == len(rb) {
		return string(ra[i+1:]) == string(rb[i+1:])
	}
	return string(ra[i+1:]) == string(rb[i:])
}

// oneDiff: a and b, of the same length, differ in exactly one character: two readings of
// one fact, one of them misread ("2005-06-15" and "2005-06-18").
func oneDiff(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) != len(rb) || len(ra) < 4 {
		return false
	}
	n := 0
	for i := range ra {
		if ra[i] != rb[i] {
			n++
		}
	}
	return n == 1
}

func boost(d *Document, key string) {
	f := d.Fields[key]
	f.Confidence = max(f.Confidence, 0.97)
	f.NeedsReview = f.Confidence < reviewBelow
	d.Fields[key] = f
}

func sameID(a, b string) bool {
	return strings.EqualFold(strings.ReplaceAll(a, " ", ""), strings.ReplaceAll(b, " ", ""))
}

// confusable: same length, every difference a pair OCR mixes up (S/5, O/0, I/1, B/8, Z/2).
func confusable(a, b string) bool {
	ra, rb := []rune(strings.ToUpper(a)), []rune(strings.ToUpper(b))
	if len(ra) != len(rb) || len(ra) == 0 {
		return false
	}
	pairs := map[[2]rune]bool{}
	for _, p := range []string{"S5", "O0", "I1", "L1", "B8", "Z2", "G6", "D0", "Q0"} {
		r := []rune(p)
		pairs[[2]rune{r[0], r[1]}] = true
		pairs[[2]rune{r[1], r[0]}] = true
	}
	diff := 0
	for i := range ra {
		if ra[i] != rb[i] {
			if !pairs[[2]rune{ra[i], rb[i]}] {
				return false
			}
			diff++
		}
	}
	return diff > 0
}
