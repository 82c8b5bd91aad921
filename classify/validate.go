package classify

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
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
				} else if err == nil && key == "fax.date" && now.Sub(t) > 31*24*time.Hour {
					// A cover is dated the day it is sent: "2026-01-02" on a fax received
					// in November is "11/02" with its first 1 read as a 0.
					f.Confidence *= 0.5
				}
			case "patient.zip", "assistant.zip":
				if len(s) >= 5 && (s[:5] < "90000" || s[:5] > "96199") {
					f.Confidence *= 0.8 // outside California: possible, but look
				}
			case "plan.member_id", "member.id":
				// "BHS62748946": the letter that ends an id's prefix may be its first digit
				// misread (5, 0, 1, 2, 6); a prefix can end in such a letter too.
				if prefixEndRE.MatchString(s) {
					f.Confidence *= 0.9
				}
			}
			if implausible(key, s) {
				f.Confidence *= 0.5
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
		planNames(form, "plan.name", letter, "plan.name")
		planNames(form, "plan.name", letter, "letter.sender") // the plan's own letterhead
		agree(form, "patient.dob", letter, "member.dob", func(a, b string) bool { return a == b })
	}
}

// implausible says whether a value cannot be right as read, whatever else agrees with it
// (another document may have been misread the same way): a street cut short, a name or a
// plan's name with a part lost or a speck read as a letter.
func implausible(key, s string) bool {
	switch key {
	case "patient.street", "assistant.street":
		// "Vista De] Mar Way": a bracket is a box's edge or a misread letter.
		return cutStreet(s) || strings.ContainsAny(s, "[]{}|")
	case "letter.sender", "plan.name":
		// A department's line read into the plan's ("Departamento Bay Harbor de
		// Administración Health de Plan la Utilización": two lines interleaved).
		return brokenOrg(s) || hasDeptWord(s)
	case "plan.medical_group", "plan.employer":
		return brokenOrg(s)
	case "patient.first_name", "patient.last_name", "patient.guardian_name", "patient.name", "signer_name",
		"member.name", "assistant.name", "requesting_provider", "reviewer":
		return brokenName(s) || cutHyphen(s) || gluedWords(s) || strayPeriod(s)
	case "fax.from":
		return cutHyphen(s) || gluedWords(s) || strayPeriod(s) || strings.ContainsAny(s, "|[]{}!")
	case "fax.subject":
		// "Solicitud de IMR. - Maria Rodriguez": a speck read as a full stop before a dash.
		// "documents; Leticia": a subject's colon read as a semicolon.
		return cutHyphen(s) || gluedWords(s) || strings.Contains(s, ". - ") || strings.ContainsAny(s, "|[]{}!;")
	case "fax.to":
		return brokenOrg(s)
	case "patient.phone", "patient.phone2", "assistant.phone":
		// The person filing lives in California, or has a helper there: a number outside
		// its area codes is more often a misread one ("141 366 4868" for 714).
		return !validPhone(s) || len(s) == 10 && !californiaAreaCodes[s[:3]]
	case "plan.member_id", "member.id":
		// "6P98178693202", "5V321818452801": a plan's letter prefix with its first letter
		// read as a digit (a Medicare number starts with a digit too, but has letters further on).
		return digitPrefixIDRE.MatchString(s)
	case "fax.from_phone", "fax.from_fax", "fax.to_fax":
		return !validPhone(s)
	case "patient.email", "assistant.email":
		// "martinezi2@": a 1 read as an i or an l where the digits start; real addresses
		// have that too ("luigi7@"), so a person looks rather than the 1 being put back.
		local, _, _ := strings.Cut(s, "@")
		// "Idsingh@": a box's side or a speck read as a capital I before an address
		// written in lower case.
		// "carmen.hernandezSS@": the digits that end the name read as capitals like them.
		return letterBeforeDigitRE.MatchString(local) || strayCapitalRE.MatchString(local) || digitCapitalsRE.MatchString(local)
	case "primary_language":
		// "E": the rest of "Español" lost; no language's name is that short.
		return len([]rune(strings.Trim(s, " .,"))) < 3
	}
	return false
}

// validPhone says whether ten digits can be a North American number: neither the area
// code nor the exchange starts with 0 or 1.
func validPhone(s string) bool {
	return len(s) != 10 || s[0] >= '2' && s[3] >= '2'
}

// californiaAreaCodes are the state's telephone area codes.
var californiaAreaCodes = wordSet("209 213 279 310 323 341 350 369 408 415 424 442 510 530 559 562 619 626 628 650 657 661 669 707 714 747 760 805 818 820 831 840 858 909 916 925 949 951")

var (
	letterBeforeDigitRE = regexp.MustCompile(`[a-z][il][0-9]`)
	strayCapitalRE      = regexp.MustCompile(`^[I|][a-z0-9._-]+$`)
	digitCapitalsRE     = regexp.MustCompile(`[a-z][SOBZGI][0-9SOBZGI]*$`)
)

// cutStreet says whether a street address starts in lower case ("ission La": its number
// and first letter were not read), has no street name ("3146"), or ends in a lone letter that is neither a direction nor
// a unit ("6538 Folsom D": the suffix's last letters were not read).
func cutStreet(s string) bool {
	ws := strings.Fields(s)
	if len(ws) == 0 {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(ws[0]); unicode.IsLower(r) || !strings.ContainsFunc(s, unicode.IsLetter) {
		return true // "ission La", "3146"
	}
	if len(ws) < 2 {
		return false
	}
	last := strings.TrimRight(ws[len(ws)-1], ".,")
	if len([]rune(last)) != 1 || !unicode.IsLetter([]rune(last)[0]) || strings.Contains("NSEWnsew", last) {
		return false
	}
	switch strings.ToLower(strings.Trim(ws[len(ws)-2], ".,#")) {
	case "apt", "unit", "ste", "suite", "bldg", "building", "space", "spc", "lot", "rm", "room", "", "no":
		return false // "Apt B", "# C"
	}
	return true
}

// nameParticles are the lower-case words a person's name may hold.
var nameParticles = map[string]bool{
	"de": true, "del": true, "della": true, "la": true, "las": true, "los": true, "le": true,
	"van": true, "von": true, "der": true, "den": true, "ten": true, "ter": true, "da": true,
	"das": true, "do": true, "dos": true, "di": true, "du": true, "y": true, "e": true,
	"bin": true, "ibn": true, "al": true, "el": true,
}

// brokenName says whether a name written with capitals also holds a word that starts in
// lower case and is not a particle ("ardo O'Brien", "Dr. frene Ibarra", "Rosa ind"), or
// starts or ends with a one-letter particle ("y MARTINEZ": "y" and "e" only join two
// names): the start of a word was lost or misread, or a speck read as a letter. What follows
// a comma (a title, a specialty, the first name after the last) is not looked at; a name
// written all in lower case is the writer's choice, not a misreading.
func brokenName(s string) bool {
	// "Guadalupe F.": a first name and an initial, the surname after them lost.
	if ws := strings.Fields(s); !strings.Contains(s, ",") && len(ws) == 2 && len(strings.TrimSuffix(ws[1], ".")) == 1 && ws[0] != "Dr." && ws[0] != "Dr" {
		return true
	}
	s, _, _ = strings.Cut(s, ",")
	ws := strings.Fields(s)
	capital, lower := false, false
	for i, w := range ws {
		w = strings.TrimLeft(w, "(\"'.-")
		r := []rune(w)
		if len(r) == 0 || !unicode.IsLetter(r[0]) {
			continue
		}
		p := strings.ToLower(strings.TrimRight(w, ".,"))
		switch {
		case unicode.IsUpper(r[0]):
			capital = true
		case len(r) > 2 && r[1] == '\'': // "d'Angelo"
		case !nameParticles[p] || len(p) == 1 && (i == 0 || i == len(ws)-1):
			lower = true
		}
	}
	return capital && lower
}

// nameTitles are the titles of three letters or more that end in a full stop (strayStop
// already lets shorter words through: "Dr.", "Jr.", initials).
var nameTitles = map[string]bool{"mrs": true, "sra": true, "srta": true, "dra": true}

// gluedWords says whether a name or subject holds a period OCR put between two words it
// then read as one ("client.Lorraine").
func gluedWords(s string) bool {
	r := []rune(s)
	for k := 1; k+1 < len(r); k++ {
		if r[k] == '.' && unicode.IsLower(r[k-1]) && unicode.IsUpper(r[k+1]) {
			return true
		}
	}
	return false
}

// strayPeriod says whether a name has a period after a whole word before another
// ("Michael. Martinez"): an initial, a title or "Jr." may end in one, a first name does not.
// strayMarks (tidy) leaves out a name's first word, which is where this one falls.
func strayPeriod(s string) bool {
	s, _, _ = strings.Cut(s, ",")
	ws := strings.Fields(s)
	for _, w := range ws[:max(len(ws)-1, 0)] {
		if strayStop(w) && !nameTitles[strings.ToLower(strings.TrimSuffix(w, "."))] {
			return true
		}
	}
	return false
}

// cutHyphen says whether a name holds a part of one letter joined by a hyphen
// ("Cruz-O Brien": the apostrophe of O'Brien read as a space).
func cutHyphen(s string) bool {
	for _, w := range strings.Fields(s) {
		parts := strings.Split(strings.Trim(w, ".,;:()"), "-")
		if len(parts) < 2 {
			continue
		}
		for _, p := range parts {
			if r := []rune(p); len(r) == 1 && unicode.IsLetter(r[0]) {
				return true
			}
		}
	}
	return false
}

// brokenOrg says whether the name of a plan, medical group or employer cannot be as
// printed: it starts with a lone capital before more words ("A Sierra Vista Health Plan":
// the letterhead's logo read as a letter), starts in lower case before capitals
// ("lifornia, Inc.": its start was cut off), or holds a "!" or "|" in a word ("Medica!").
func brokenOrg(s string) bool {
	ws := strings.Fields(s)
	if len(ws) == 0 {
		return false
	}
	first := []rune(ws[0])
	if len(ws) > 2 && len(first) == 1 && unicode.IsUpper(first[0]) {
		return true
	}
	if unicode.IsLower(first[0]) {
		for _, w := range ws[1:] {
			if r := []rune(w); unicode.IsUpper(r[0]) {
				return true
			}
		}
	} else {
		// A name written in capitals and small letters has no small word but its
		// particles: "ical" and "a" are a line under it read twice over ("Golden Poppy
		// Health Plan Medical ical Managemen a").
		for _, w := range ws[1:] {
			if r := []rune(w); unicode.IsLower(r[0]) && !orgParticles[strings.Trim(w, ".,")] {
				return true
			}
		}
	}
	// Two words of a name joined by a hyphen ("Sacramento-County"): a speck between them.
	if gluedHyphenRE.MatchString(s) {
		return true
	}
	// A bracket or a brace is OCR's reading of a box's edge, or of the next box's value run
	// into this one ("Southern California} State of California", ", [Home Depot"); so is a
	// word of capitals running into small letters ("RBtdred").
	return strings.ContainsAny(s, "|[]{}") || strings.Contains(strings.TrimRight(s, "!"), "!") || capsIntoSmallRE.MatchString(s)
}

// prefixEndRE: an id whose letter prefix (three letters or more) ends in a letter that
// OCR confuses with a digit.
var prefixEndRE = regexp.MustCompile(`^[A-Z]{2,}[SOIZG][0-9]{6,}`)

// gluedHyphenRE: two capitalised words of an organisation's name joined by a hyphen.
var gluedHyphenRE = regexp.MustCompile(`[a-z]{3,}-[A-Z][a-z]{2,}`)

// hasDeptWord says whether s holds a word that names a plan's department, never the plan.
func hasDeptWord(s string) bool {
	for _, w := range strings.Fields(fold(s)) {
		switch strings.Trim(w, ".,;:") {
		case "department", "departamento", "utilization", "utilizacion", "management", "administracion":
			return true
		}
	}
	return false
}

// orgParticles are the small words of organisations' names.
var orgParticles = wordSet("of de del la las los el y the and for at in on by to with e da do dos du van von der & an a al para por con en")

var digitPrefixIDRE = regexp.MustCompile(`^[0-9][A-Z]{1,2}[0-9]{7,}(?:-[0-9]{1,3})?$`)

var capsIntoSmallRE = regexp.MustCompile(`\b[A-Z]{2,}[a-z]{3,}\b`)

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
				// The form's signer writes the name as on the form: an accent on one side
				// only ("Sofía" signing for "Sofia") is one of them misread.
				if d.Kind == IMRForm {
					low := strings.ToLower(name)
					for fk, v := range map[string]string{"patient.first_name": first, "patient.last_name": last} {
						if !strings.Contains(low, strings.ToLower(v)) {
							doubt(form, fk)
							doubt(d, k)
						}
					}
				}
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
// added or removed (for words of three letters or more), an "rn" counting as the m it
// is often read for.
func nearWord(text, w string) bool {
	if w == "" {
		return false
	}
	if strings.Contains(text, w) {
		return true
	}
	if len([]rune(w)) < 3 {
		return false
	}
	// "Thornas" for Thomas: an m read as r and n is one letter off.
	wm := strings.ReplaceAll(w, "rn", "m")
	for _, t := range strings.Fields(text) {
		t = strings.Trim(t, ",.;:")
		if tm := strings.ReplaceAll(t, "rn", "m"); oneEdit(t, w) || tm == wm || oneEdit(tm, wm) {
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
// differ only in characters OCR confuses, or by one character, send both to a person.
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
	case confusable(va, vb) || oneDiff(va, vb) || len(va) >= 6 && oneEdit(strings.ToUpper(va), strings.ToUpper(vb)):
		// One character apart: the same value, misread or cut on one side
		// ("KB886069807" and "LKB886069807").
		doubt(a, ka)
		doubt(b, kb)
	}
}

// planNames compares the plan's name written on the form (field fk) with the letter's (lk:
// its plan, or its letterhead): when the words they share are the same but for a letter or
// an accent ("Goiden Poppy", "Centrál Valley" against "Golden Poppy Health Plan"), one of
// them was misread, and a person looks at both.
func planNames(form *Document, fk string, letter *Document, lk string) {
	fv, _ := form.Fields[fk].Value.(string)
	lv, _ := letter.Fields[lk].Value.(string)
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
	for _, dk := range []struct {
		d *Document
		k string
	}{{form, fk}, {letter, lk}} {
		f := dk.d.Fields[dk.k]
		f.Confidence = min(f.Confidence, 0.6)
		f.NeedsReview = true
		dk.d.Fields[dk.k] = f
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
		return i < len(ra) && string(ra[i+1:]) == string(rb[i+1:])
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

// boost raises the confidence of a field another document confirms, unless its value is
// implausible as it stands.
func boost(d *Document, key string) {
	f := d.Fields[key]
	if v, _ := f.Value.(string); implausible(key, v) {
		return
	}
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
