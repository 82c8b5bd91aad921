package classify

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// tidyFields is the last pass over a document's text values: what OCR adds at the edges
// of a value (stray quotes and dots, a comma for a full stop) is taken off, the same way
// for every kind, and a value that needed it is trusted a little less.
func tidyFields(fields map[string]Field) {
	for key, f := range fields {
		s, ok := f.Value.(string)
		if !ok || s == "" || structured(key) {
			continue
		}
		t := tidyText(key, s)
		// A person's name of one word ("Diane") is half a name: a person looks.
		if personKeys[key] && key != "patient.first_name" && key != "patient.last_name" && len(strings.Fields(t)) == 1 && t != "" {
			f.Value, f.NeedsReview = t, true
			f.Confidence = min(f.Confidence, 0.6)
			fields[key] = f
			continue
		}
		// Punctuation that no value of this kind holds ("Center.complaint", "my: family",
		// "Arturo. Hernandez") was read into it: the value is probably otherwise right,
		// but a person looks.
		// A name or short value read up to a comma ("Capitol Independent Physicians of
		// Southern California," without its "Inc.") probably went on beyond its box.
		if !longText[key] && strayMarks(t) || cityKeys[key] && lowerWord(t) || (orgKeys[key] || personKeys[key]) && strings.HasSuffix(strings.TrimSpace(s), ",") {
			f.Value, f.NeedsReview = t, true
			f.Confidence = min(f.Confidence, 0.6)
			fields[key] = f
			continue
		}
		if t == s {
			continue
		}
		if t == "" {
			delete(fields, key)
			continue
		}
		f.Value = t
		f.Confidence *= 0.97
		if f.Confidence < reviewBelow {
			f.NeedsReview = true
		}
		fields[key] = f
	}
}

// structured keys have values the parsers already normalised (dates, phones, ids, enums).
func structured(key string) bool {
	last := key[strings.LastIndex(key, ".")+1:]
	switch last {
	case "dob", "phone", "phone2", "zip", "state", "email", "member_id", "id", "number", "pages",
		"gender", "denial_reason", "reason", "decision", "middle_initial",
		"from_fax", "from_phone", "to_fax":
		return true
	}
	return strings.HasSuffix(last, "date")
}

// stopWords keep their full stop at the end of a value, beside abbreviations.
var stopWords = map[string]bool{
	"inc": true, "jr": true, "sr": true, "co": true, "corp": true, "ltd": true, "md": true, "dr": true, "st": true,
	"ave": true, "blvd": true, "rd": true, "ln": true, "ct": true, "dept": true, "dpm": true, "do": true, "np": true,
	"pa": true, "ii": true, "iii": true, "etc": true, "no": true, "mg": true, "ml": true, "hosp": true, "assn": true,
	"llc": true, "pc": true, "apc": true, "dds": true, "phd": true, "rn": true, "lcsw": true, "mft": true,
	"mr": true, "mrs": true, "ms": true, "dra": true, "sra": true, "srta": true, "ste": true, "apt": true, "mt": true,
	"ft": true, "fwd": true,
}

var monthWords = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true, "july": true,
	"august": true, "september": true, "october": true, "november": true, "december": true,
}

// tidyText takes OCR's debris off a text value.
func tidyText(key, s string) string {
	if personKeys[key] || key == "fax.subject" || key == "fax.from" {
		// "Sanchez-O Brien": the apostrophe of O'Brien, D'Angelo read as a space, after a
		// hyphen, where a one-letter part cannot be a name of its own; "Johnson- Yamamoto":
		// a hyphenated name broken at its hyphen.
		s = apostropheLostRE.ReplaceAllString(s, "-$1'$2")
		s = hyphenSpaceRE.ReplaceAllString(s, "$1-$2")
	}
	if key == "primary_language" {
		// "Espafiol": the ñ read as "fi" or "ii".
		switch strings.ToLower(s) {
		case "espafiol", "espaiiol", "espaflol", "espanol":
			s = "Español"
		}
	}
	words := strings.Fields(s)
	var out []string
	for i, w := range words {
		// A quote opening a word that no quote closes (‘syndrome, 'Dr.) is a speck.
		if r := []rune(w); len(r) > 1 && strings.ContainsRune("‘’`'\"|", r[0]) && !strings.ContainsAny(string(r[1:]), "‘’`'\"") {
			w = string(r[1:])
		}
		// A quote inside a word, before a capital ("Pacific'Crest"), was a space; not after
		// a one-letter part ("Sanchez-O'Brien").
		if r := []rune(w); len(r) > 4 {
			for k := 3; k+1 < len(r); k++ {
				if strings.ContainsRune("‘’`'", r[k]) && unicode.IsLetter(r[k-1]) && unicode.IsLetter(r[k-2]) && unicode.IsUpper(r[k+1]) {
					w = string(r[:k]) + " " + string(r[k+1:])
					break
				}
			}
		}
		// "Dept, of": an abbreviation's full stop read as a comma before a small word.
		if abbrevComma[w] && i+1 < len(words) && (words[i+1] == "of" || words[i+1] == "de") {
			w = strings.TrimSuffix(w, ",") + "."
		}
		// "Dr," for "Dr.", and "Or." or "Or," for "Dr." before a name.
		if (w == "Dr," || w == "Dr:" || w == "Dr;" || w == "Or." || w == "Or," || w == "0r.") && i+1 < len(words) && startsUpper(words[i+1]) {
			w = "Dr."
		}
		// "hepatitis C,. 12 weeks": a speck read as a full stop after a comma.
		if strings.HasSuffix(w, ",.") {
			w = strings.TrimSuffix(w, ".")
		}
		// A middle initial inside a name read as a one ("Jamal 1. Washington"), an S read
		// as a dollar sign or a five ("Dennis $. Fitzgerald"), or with its full stop read
		// as a comma ("Hector H, O'Brien"): names hold none of them.
		if (personKeys[key] || key == "fax.from") && i > 0 && i+1 < len(words) && startsUpper(words[i+1]) && startsUpper(words[i-1]) {
			switch {
			case w == "1." || w == "1," || w == "l." || w == "|.":
				w = "I."
			case w == "$." || w == "$," || w == "5." || w == "5,":
				w = "S."
			case len(w) == 2 && w[1] == ',' && w[0] >= 'A' && w[0] <= 'Z':
				w = w[:1] + "."
			}
		}
		// A street's "Dr" at its end with its D read as an O ("7320 Hillcrest Or"), its
		// "Blvd" with the l read as an i or a 1.
		if streetKeys[key] && i == len(words)-1 && i > 0 && (w == "Or" || w == "0r" || w == "Or.") {
			w = "Dr"
		}
		if streetKeys[key] && i > 0 && (w == "Bivd" || w == "B1vd" || w == "BIvd") {
			w = "Blvd"
		}
		// An organisation's word with its y read as a v ("Central Vallev IPA", "Bav
		// Harbor"), which English words do not end in (names in -ov and -iv keep theirs);
		// an IPA with its I read as a J.
		if orgKeys[key] {
			if r := []rune(w); len(r) >= 3 && r[len(r)-1] == 'v' && unicode.IsLower(r[len(r)-2]) && !strings.ContainsRune("iou", r[len(r)-2]) {
				w = string(r[:len(r)-1]) + "y"
			}
			if w == "JPA" {
				w = "IPA"
			}
		}
		if w == "DMIIC" || w == "DMHG" || w == "DMIC" || w == "OMHC" || w == "0MHC" || w == "DMHO" {
			w = "DMHC"
		}
		// A logo before a letterhead read as a letter and a sign ("X= Bay Harbor Health Plan").
		if orgKeys[key] && i == 0 && len(words) > 2 && logoJunk(w) {
			continue
		}
		// An organisation's common word with its l read as an i ("Pian", "Biue",
		// "Heaith"), its last "Inc." with its stop read as an l: none is a word.
		if orgKeys[key] {
			w = gluedStopRE.ReplaceAllString(w, "$1 $2")
			w = mendOrgWord(w)
		}
		// "Folsom.Ln": a speck read as a stop between two words of a street.
		if streetKeys[key] {
			w = streetStopRE.ReplaceAllString(w, "$1 $2")
			// "Apt2": a unit's number glued to its word.
			w = unitGlueRE.ReplaceAllString(w, "$1 $2")
		}
		if orgKeys[key] && w == "Incl" && i == len(words)-1 {
			w = "Inc."
		}
		// A full stop after a whole word inside an organisation's name ("Central. Valley")
		// is a speck: names put stops only after abbreviations and initials.
		if orgKeys[key] && i+1 < len(words) && strayStop(w) && startsUpper(words[i+1]) {
			w = strings.TrimSuffix(w, ".")
		}
		// The month of a date beside a letterhead is not part of the organisation's name.
		if (key == "letter.sender" || key == "plan.name") && len(words) > 2 && i > 0 && monthWords[strings.ToLower(w)] {
			continue
		}
		out = append(out, w)
	}
	// A box's edge read as a letter after a short answer ("atopic dermatitis L"); "hepatitis
	// C" keeps its letter.
	if (key == "condition" || key == "treatment_requested") && len(out) > 1 {
		last, prev := out[len(out)-1], out[len(out)-2]
		if (last == "L" || last == "J") && !startsUpper(prev) {
			out = out[:len(out)-1]
		}
	}
	// An initial at the end of a name keeps its full stop ("Thompson, Raj C.").
	// Names printed in capitals ("WILLIAMS, JENNIFER I") are left as printed.
	if personKeys[key] && len(out) > 1 && strings.ToUpper(strings.Join(out, " ")) != strings.Join(out, " ") {
		if last := out[len(out)-1]; len(last) == 1 && unicode.IsUpper(rune(last[0])) {
			out[len(out)-1] = last + "."
		}
	}
	// A word broken at its hyphen in a short answer ("lymphoma follow- up").
	if key == "condition" || key == "treatment_requested" {
		for i := 0; i+1 < len(out); i++ {
			if w := out[i]; len(w) > 2 && strings.HasSuffix(w, "-") && !strings.HasSuffix(w, "--") && startsLower(out[i+1]) {
				out[i] += out[i+1]
				out = append(out[:i+1], out[i+2:]...)
			}
		}
	}
	// A dash alone at the end ("chest pain -"): a box's edge or a rule's end.
	if len(out) > 1 && (out[len(out)-1] == "-" || out[len(out)-1] == "–" || out[len(out)-1] == "—") {
		out = out[:len(out)-1]
	}
	t := strings.Join(out, " ")
	t = strings.TrimLeft(t, ".,;:|_~‘’`'\"“”«» ")
	t = strings.TrimRight(t, ",;:|_~‘’`'\"“”«» ")
	if strings.HasSuffix(t, ".") && !keepsStop(key, t) {
		t = strings.TrimRight(t, ". ")
	}
	// A name field that holds a label ("Date of Service"), or a single letter, or an
	// organisation that is only its suffix ("Inc."), holds no value.
	if personKeys[key] {
		if len([]rune(strings.Trim(t, ". "))) < 2 || labelLike(t) {
			return ""
		}
	}
	// "Inc." alone in the employer's box is the medical group's name run on into it.
	if orgKeys[key] && stopWords[strings.ToLower(strings.Trim(t, ". ,"))] {
		return ""
	}
	return t
}

// cityKeys hold a city's name.
var cityKeys = map[string]bool{"patient.city": true, "assistant.city": true}

// lowerWord: a word of a name starts with a small letter ("Oak land"), which names do only
// in their particles ("Paso de Robles", "La Cañada Flintridge").
func lowerWord(t string) bool {
	for _, w := range strings.Fields(t) {
		switch w {
		case "de", "del", "la", "las", "los", "el", "y", "of", "the", "by", "on":
			continue
		}
		if startsLower(w) {
			return true
		}
	}
	return false
}

// lWords are words of plans' and groups' names that hold an l, which OCR reads as an
// i, an I or a 1.
var lWords = wordSet("blue plan health medical clinic clinical alliance valley national regional hospital family central golden coastal california global")

// logoJunk says whether w, short, holds a sign no name's word has ("X=", "©~").
func logoJunk(w string) bool {
	r := []rune(w)
	if len(r) > 3 {
		return false
	}
	for _, c := range r {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) && !strings.ContainsRune(".&-'’,", c) {
			return true
		}
	}
	return false
}

// abbrevComma are abbreviations read with a comma for their full stop.
var abbrevComma = wordSet("Dept, Depto, Univ, Assn, Inst,")

// orgWords7 are long words common in the names of plans, groups and employers: a word of
// seven letters or more one letter away from one of them is it, misread ("Mniversity").
var orgWords7 = wordSet("university unified district department community services corporation company hospital foundation partners california college medical physicians associates network alliance insurance healthcare systems national regional independent practice association employees teachers retirement industries solutions technologies manufacturing construction government")

var orgWords7List = func() []string {
	l := slices.Collect(maps.Keys(orgWords7))
	slices.Sort(l)
	return l
}()

// oneLetterFromOrgWord returns the word of orgWords7 that w (low lowered) differs from in
// exactly one letter, in w's case.
func oneLetterFromOrgWord(w, low string) (string, bool) {
	if len(low) < 7 || orgWords7[low] || len(low) != len(w) {
		return "", false
	}
	for _, c := range orgWords7List {
		if len(c) != len(low) {
			continue
		}
		at := -1
		for i := 0; i < len(c); i++ {
			if c[i] != low[i] {
				if at >= 0 {
					at = -2
					break
				}
				at = i
			}
		}
		if at < 0 {
			continue
		}
		b := []byte(w)
		b[at] = c[at]
		if w[at] >= 'A' && w[at] <= 'Z' || at > 0 && w[at-1] >= 'A' && w[at-1] <= 'Z' && (at+1 >= len(w) || w[at+1] >= 'A' && w[at+1] <= 'Z') {
			b[at] = c[at] - 'a' + 'A'
		}
		return string(b), true
	}
	return "", false
}

// mendOrgWord puts back the l of one of lWords read as an i, I or 1, keeping the word's
// case ("Pian" to "Plan", "HEAITH" to "HEALTH"); other words are returned as they are.
func mendOrgWord(word string) string {
	w := strings.TrimRight(word, ".,;:")
	tail := word[len(w):]
	low := strings.ToLower(w)
	if m, ok := oneLetterFromOrgWord(w, low); ok {
		return m + tail
	}
	if lWords[low] || !strings.ContainsAny(low, "i1|") {
		return word
	}
	r := []rune(w)
	for k, c := range r {
		if c != 'i' && c != 'I' && c != '1' && c != '|' {
			continue
		}
		try := []rune(low)
		try[k] = 'l'
		if !lWords[string(try)] {
			continue
		}
		if unicode.IsUpper(r[0]) && len(r) > 1 && unicode.IsUpper(r[len(r)-1]) {
			r[k] = 'L'
		} else {
			r[k] = 'l'
		}
		return string(r) + tail
	}
	return word
}

var (
	apostropheLostRE = regexp.MustCompile(`-([OD]) ([A-Z][a-z]{2,})`)
	hyphenSpaceRE    = regexp.MustCompile(`([A-Z][a-z]+)- ([A-Z][a-z]+)`)
	// gluedStopRE: a full stop read between two words of an organisation's name, with no
	// space after it ("Coastal Family.Medical Associates").
	gluedStopRE = regexp.MustCompile(`([a-z]{3,})\.([A-Z][a-z]{2,})`)
	// streetStopRE: the same in a street, before its suffix ("Folsom.Ln").
	streetStopRE = regexp.MustCompile(`([a-z]{3,})\.([A-Z][a-z]+)`)
	unitGlueRE   = regexp.MustCompile(`^(Apt|Ste|Unit|Suite|Spc)(\d+[A-Z]?)$`)
)

// emailKeys hold an e-mail address.
var emailKeys = map[string]bool{"patient.email": true, "assistant.email": true}

// streetKeys hold a street address.
var streetKeys = map[string]bool{"patient.street": true, "assistant.street": true}

// orgKeys hold an organisation's name.
var orgKeys = map[string]bool{
	"plan.name": true, "letter.sender": true, "plan.medical_group": true, "plan.employer": true,
}

// strayStop: w is a whole word (three letters or more, not an abbreviation) that ends in a
// full stop.
func strayStop(w string) bool {
	base, ok := strings.CutSuffix(w, ".")
	if !ok || len([]rune(base)) < 3 || strings.Contains(base, ".") {
		return false
	}
	for _, r := range base {
		if !unicode.IsLetter(r) && r != '-' {
			return false
		}
	}
	l := strings.ToLower(base)
	return !stopWords[l] && !abbreviations[l]
}

// strayMarks: a short value holds punctuation between words that writing does not put
// there: a stop or colon joining two lower-case letters ("Center.complaint"), a colon
// after a lower-case word and before another ("my: family"), or a stop after a whole word
// in the middle of a name ("Arturo. Hernandez-Kim") or a phrase.
func strayMarks(t string) bool {
	r := []rune(t)
	for i := 1; i+1 < len(r); i++ {
		if (r[i] == '.' || r[i] == ':' || r[i] == ';') && unicode.IsLower(r[i-1]) && unicode.IsLower(r[i+1]) {
			return true
		}
	}
	words := strings.Fields(t)
	for i := 0; i+1 < len(words); i++ {
		w, next := words[i], words[i+1]
		if strings.HasSuffix(w, ":") && len(w) > 1 && startsLower(w) && startsLower(next) {
			return true
		}
		// "supporting documents: Arturo. Hernandez-Kim": a stop ends a sentence, and a
		// short value of two to eight words has none in its middle.
		if strayStop(w) && len(words) <= 8 && startsUpper(next) && i > 0 && startsUpper(w) {
			return true
		}
	}
	return false
}

func startsLower(w string) bool {
	for _, r := range w {
		return unicode.IsLower(r)
	}
	return false
}

// personKeys hold a person's name.
var personKeys = map[string]bool{
	"requesting_provider": true, "reviewer": true, "member.name": true, "signer_name": true, "assistant.name": true,
	"patient.first_name": true, "patient.last_name": true, "patient.guardian_name": true, "patient.name": true,
}

// labelLike: words of a form's or letter's labels, which no name contains.
func labelLike(t string) bool {
	f := " " + strings.ToLower(t) + " "
	for _, w := range []string{" date ", " service ", " member ", " number ", " fecha ", " phone ", " address ", " signature ", " firma "} {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}

// keepsStop: the value's last word is an abbreviation or an initial, whose full stop
// belongs to it; a long text ends sentences with one.
func keepsStop(key, t string) bool {
	// A street is written without full stops (USPS): "Broadway Ave." has a speck's.
	if streetKeys[key] {
		return false
	}
	i := strings.LastIndexAny(t, " ,")
	last := strings.TrimSuffix(t[i+1:], ".")
	if strings.Contains(last, ".") { // M.D., U.S.
		return true
	}
	if len([]rune(last)) == 1 {
		return true
	}
	if stopWords[strings.ToLower(last)] || abbreviations[strings.ToLower(last)] {
		return true
	}
	// A long text ends its sentences with one.
	return longText[key]
}

// longText keys hold free text (scored by character error rate).
var longText = map[string]bool{
	"condition": true, "treatment_requested": true, "providers": true, "problem": true,
	"reimbursement_services": true, "service": true, "criteria": true,
}

func startsUpper(w string) bool {
	for _, r := range w {
		return unicode.IsUpper(r)
	}
	return false
}
