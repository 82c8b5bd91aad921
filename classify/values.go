package classify

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

var monthNames = map[string]time.Month{
	"january": 1, "jan": 1, "enero": 1, "ene": 1,
	"february": 2, "feb": 2, "febrero": 2,
	"march": 3, "mar": 3, "marzo": 3,
	"april": 4, "apr": 4, "abril": 4, "abr": 4,
	"may": 5, "mayo": 5,
	"june": 6, "jun": 6, "junio": 6,
	"july": 7, "jul": 7, "julio": 7,
	"august": 8, "aug": 8, "agosto": 8, "ago": 8,
	"september": 9, "sep": 9, "sept": 9, "septiembre": 9, "setiembre": 9,
	"october": 10, "oct": 10, "octubre": 10,
	"november": 11, "nov": 11, "noviembre": 11,
	"december": 12, "dec": 12, "diciembre": 12, "dic": 12,
}

var (
	numericDateRE = regexp.MustCompile(`\b(\d{1,2})\s?[/.-]\s?(\d{1,2})\s?[/.-]\s?(\d{4}|\d{2})\b`)
	isoDateRE     = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)
	// "October 2, 2026", "Oct. 2 2026"; "November4,2026" with its spaces lost (a fax)
	mdyRE = regexp.MustCompile(`(?i)\b([a-z]{3,10})\.?\s*(\d{1,2})(?:st|nd|rd|th)?(?:,\s*|\s+)(\d{4})\b`)
	// "2 October 2026", "2 de octubre de 2026", "02-Oct-2026"
	dmyRE = regexp.MustCompile(`(?i)\b(\d{1,2})(?:\s+de)?[\s-]+([a-z]{3,10})\.?(?:\s+de)?[\s-]+(\d{4})\b`)
)

// parseDate finds the first date in s, written as people and plans write them (US numeric
// month/day/year, ISO, "October 2, 2026", "2 de octubre de 2026", "02-Oct-2026"), and
// returns it as YYYY-MM-DD.
func parseDate(s string) (string, bool) {
	d, _, ok := findDate(s)
	return d, ok
}

// findDate returns the first date in s and where it starts.
func findDate(s string) (string, int, bool) {
	type cand struct {
		date string
		at   int
	}
	var best *cand
	try := func(at int, y, m, d int) {
		if y < 100 {
			y += 2000
			if y > time.Now().Year()+1 {
				y -= 100
			}
		}
		if m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2100 {
			return
		}
		t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		if t.Day() != d {
			return
		}
		if best == nil || at < best.at {
			best = &cand{t.Format("2006-01-02"), at}
		}
	}
	folded := fold(s)
	for _, m := range numericDateRE.FindAllStringSubmatchIndex(folded, -1) {
		mo, _ := strconv.Atoi(folded[m[2]:m[3]])
		d, _ := strconv.Atoi(folded[m[4]:m[5]])
		y, _ := strconv.Atoi(folded[m[6]:m[7]])
		try(m[0], y, mo, d)
	}
	for _, m := range isoDateRE.FindAllStringSubmatchIndex(folded, -1) {
		y, _ := strconv.Atoi(folded[m[2]:m[3]])
		mo, _ := strconv.Atoi(folded[m[4]:m[5]])
		d, _ := strconv.Atoi(folded[m[6]:m[7]])
		try(m[0], y, mo, d)
	}
	for _, m := range mdyRE.FindAllStringSubmatchIndex(folded, -1) {
		if mo, ok := monthNames[folded[m[2]:m[3]]]; ok {
			d, _ := strconv.Atoi(folded[m[4]:m[5]])
			y, _ := strconv.Atoi(folded[m[6]:m[7]])
			try(m[0], y, int(mo), d)
		}
	}
	for _, m := range dmyRE.FindAllStringSubmatchIndex(folded, -1) {
		if mo, ok := monthNames[folded[m[4]:m[5]]]; ok {
			d, _ := strconv.Atoi(folded[m[2]:m[3]])
			y, _ := strconv.Atoi(folded[m[6]:m[7]])
			try(m[0], y, int(mo), d)
		}
	}
	if best == nil {
		return "", -1, false
	}
	return best.date, best.at, true
}

// badTensRE finds a numeric date whose month (or day) begins with a digit no month (or
// day) begins with.
var badTensRE = regexp.MustCompile(`\b([0-9]{2})([/.-])([0-9]{2})([/.-][0-9]{4})\b`)

// mendDateDigits turns the first digit of a numeric date's month back into a 1 where it
// reads 4 or 7 and cannot be a month's (the 1 of a typed or handwritten "12" is often
// read as a 4 or a 7), and likewise a day's beyond 3.
func mendDateDigits(s string) string {
	return badTensRE.ReplaceAllStringFunc(s, func(m string) string {
		b := []byte(m)
		if b[0] == '4' || b[0] == '7' {
			b[0] = '1'
		}
		if b[3] == '4' || b[3] == '7' {
			b[3] = '1'
		}
		return string(b)
	})
}

// phoneRE: the groups apart by a space, dot, dash or comma (OCR's reading of a dot), or
// two of them ("916.255.,5241": a speck beside the dot).
var phoneRE = regexp.MustCompile(`(?:\+?1[\s.-]?)?\(?\s?(\d{3})\s?\)?[\s.,-]{0,2}(\d{3})\s?[\s.,-]{1,2}\s?(\d{4})\b`)

// parsePhone finds the first US phone number in s and returns its 10 digits.
func parsePhone(s string) (string, bool) {
	m := phoneRE.FindStringSubmatch(fixDigits(s))
	if m == nil {
		return "", false
	}
	return m[1] + m[2] + m[3], true
}

// allPhones returns every phone number in s, as 10 digits.
func allPhones(s string) []string {
	var out []string
	for _, m := range phoneRE.FindAllStringSubmatch(fixDigits(s), -1) {
		out = append(out, m[1]+m[2]+m[3])
	}
	return out
}

// fixDigits undoes the letters OCR reads for digits inside runs of digits ("(8O5) 2l3-...").
func fixDigits(s string) string {
	r := []rune(s)
	isD := func(i int) bool { return i >= 0 && i < len(r) && r[i] >= '0' && r[i] <= '9' }
	for i, c := range r {
		if !(isD(i-1) || isD(i+1)) {
			continue
		}
		switch c {
		case 'O', 'o':
			r[i] = '0'
		case 'l', 'I', '|':
			r[i] = '1'
		case 'S':
			if isD(i-1) && isD(i+1) {
				r[i] = '5'
			}
		case ',':
			if isD(i-1) && isD(i+1) {
				r[i] = '.'
			}
		}
	}
	return string(r)
}

var zipRE = regexp.MustCompile(`\b(\d{5})(?:\s?-\s?(\d{4}))?\b`)

// parseZip finds a ZIP code (NNNNN, or NNNNN-NNNN).
func parseZip(s string) (string, bool) {
	m := zipRE.FindStringSubmatch(fixDigits(s))
	if m == nil {
		return "", false
	}
	if m[2] != "" {
		return m[1] + "-" + m[2], true
	}
	return m[1], true
}

var states = wordSet("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC")

// parseState finds a two-letter state code.
func parseState(s string) (string, bool) {
	for _, f := range strings.Fields(s) {
		f = strings.ToUpper(strings.Trim(f, ".,;:"))
		if states[f] {
			return f, true
		}
	}
	return "", false
}

var emailRE = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)

// commonMailDomains are where most people's mail is; an address that OCR broke can be
// mended around them.
var commonMailDomains = []string{"gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com", "att.net", "comcast.net", "sbcglobal.net", "live.com", "msn.com"}

// parseEmail finds an email address. OCR's spaces around "@" and ".", a comma read for a
// dot and "(D" or "©" read for "@" on a fax are mended first; the caller's confidence, the
// OCR's, stays low for such a value.
func parseEmail(s string) (string, bool) {
	e, _, ok := mendEmail(s)
	return e, ok
}

// mendEmail is parseEmail, also telling whether the address was guessed at: an at sign
// that OCR read as another character, or a common domain it misspelt. Such an address goes
// to a person.
func mendEmail(s string) (e string, guessed, ok bool) {
	s = strings.NewReplacer("(D", "@", "(d", "@", "©", "@", "(@", "@", "@)", "@", " @ ", "@", "@ ", "@", " @", "@",
		" .com", ".com", " .net", ".net", " .org", ".org").Replace(s)
	s = commaDotRE.ReplaceAllString(s, "$1.$2")
	if strings.Contains(s, "@") {
		// A dot or underscore read as a word of its own ("thomas . gomez86@...").
		s = spacedMarkRE.ReplaceAllString(s, "$1")
		// No address holds two dots in a row ("jamal..gomez77@"): a speck beside a dot.
		for strings.Contains(s, "..") {
			s = strings.ReplaceAll(s, "..", ".")
		}
	}
	s = colonDotRE.ReplaceAllString(s, "$1.$2")
	// Only ASCII letters are lowered, byte for byte, so that an index into low is one into
	// s: strings.ToLower changes the length of some text ("Ⱥ" grows a byte, invalid UTF-8
	// becomes U+FFFD), and s[:k] then cut s in the wrong place or past its end (a panic;
	// testdata/fuzz/FuzzNormalize).
	low := asciiLower(s)
	if at := strings.IndexByte(s, '@'); at < 0 {
		// No at sign: OCR read it as a character of its own ("aisha.rodriguez274yahoo.com",
		// "priya.fitzgerald91Watt.net", "juan.brown820ic1loud.com", "ana.diaz.gmail.com"):
		// the one just before a common domain stands in its place.
		if k, n, d := findMailDomain(low, 0); k > 1 {
			// "(W" for the at sign: the bracket goes with it.
			s, guessed = strings.TrimRight(s[:k-1], "([{<")+"@"+d+s[k+n:], true
		}
	} else if k, n, d := findMailDomain(low, at+1); k == at+1 && s[k:k+n] != d {
		// A common domain misspelt by one letter ("gmai1.com"), or with a capital read
		// inside it ("outLook.com": OCR's sign of a misread nearby).
		s, guessed = s[:k]+d+s[k+n:], true
	}
	m := emailRE.FindString(s)
	m = tldFix.Replace(m)
	if at := strings.IndexByte(m, '@'); at > 0 {
		local := m[:at]
		// The at sign's left side read as a letter of its own: an upper-case Q just
		// before it in an address typed in lower case ("mtorresQ@yahoo.com").
		if at > 1 && local[at-1] == 'Q' && local != strings.ToUpper(local) {
			local = local[:at-1]
		}
		m = digitsBeside(local) + m[at:]
	}
	return m, guessed && m != "", m != ""
}

// spacedMarkRE finds a dot or underscore with spaces around it.
var spacedMarkRE = regexp.MustCompile(`\s+([._])\s+`)

// colonDotRE finds a colon read for the dot of an address's ending ("att:net").
var colonDotRE = regexp.MustCompile(`([a-z0-9]):(com|net|org|edu|gov)\b`)

// findMailDomain finds in low (lower-cased), from index from, a common mail domain written
// exactly or, for the longer ones, with one letter misread, added or dropped, that ends the
// address (nothing but punctuation after it). It returns where it starts, its length in low,
// and the domain as it is spelt; k is -1 when there is none. An exact match wins over a
// near one, and then the match that starts first.
func findMailDomain(low string, from int) (k, n int, d string) {
	k, best := -1, 2
	for _, dom := range commonMailDomains {
		for i := from; i < len(low); i++ {
			for _, l := range []int{len(dom) - 1, len(dom), len(dom) + 1} {
				j := i + l
				if l < 1 || j > len(low) || (j < len(low) && isAlnum(low[j])) {
					continue
				}
				dist := 0
				if low[i:j] != dom {
					if len(dom) < 7 || !oneEdit(low[i:j], dom) {
						continue
					}
					dist = 1
				}
				if dist < best || (dist == best && i < k) {
					k, n, d, best = i, l, dom, dist
				}
			}
		}
	}
	return k, n, d
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// digitsBeside mends the digits at the end of an address's local part: an upper-case S, O
// or I next to a digit there is a 5, 0 or 1 misread ("singhS9", "torres3S"); addresses
// are written in lower case.
func digitsBeside(local string) string {
	b := []byte(local)
	fix := map[byte]byte{'S': '5', 'O': '0', 'I': '1'}
	for changed := true; changed; {
		changed = false
		for i, c := range b {
			d, ok := fix[c]
			if !ok {
				continue
			}
			prev := i > 0 && '0' <= b[i-1] && b[i-1] <= '9'
			next := i+1 < len(b) && '0' <= b[i+1] && b[i+1] <= '9'
			if prev || next {
				b[i], changed = d, true
			}
		}
	}
	return string(b)
}

// asciiLower lowers the ASCII letters of s and leaves every other byte as it is.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// tldFix mends the endings OCR misreads most.
var tldFix = strings.NewReplacer(".corn", ".com", ".con", ".com", ".nct", ".net", ".cam", ".com", ".c0m", ".com")

var commaDotRE = regexp.MustCompile(`([A-Za-z0-9]), ?([A-Za-z0-9])`)

// collapse trims s and collapses its white space.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// normalize turns a value read for key into the contract's form: dates YYYY-MM-DD, phones
// 10 digits, ZIP, state, e-mail, member ids; other text with its white space collapsed. It
// returns a factor for the value's confidence (below 1 when the value needed mending) and
// false when the text holds no value of the key's kind.
func normalize(key, v string) (string, float64, bool) {
	last := key[strings.LastIndexAny(key, ".")+1:]
	switch {
	case last == "dob" || strings.HasSuffix(last, "date"):
		if d, ok := parseDate(v); ok {
			return d, 1, true
		}
		// A month's or day's 1 read as a 4 or a 7 ("42/14/1970") is put right, for a person
		// to confirm.
		d, ok := parseDate(mendDateDigits(v))
		return d, 0.5, ok
	case last == "phone" || last == "phone2":
		n, ok := parsePhone(v)
		return n, 1, ok
	case last == "zip":
		z, ok := parseZip(v)
		return z, 1, ok
	case last == "state":
		st, ok := parseState(v)
		return st, 1, ok
	case last == "email":
		// An address has no spaces: OCR's ("ruth. gonzalez19@out look.com") are closed.
		e, guessed, ok := mendEmail(strings.Join(strings.Fields(v), ""))
		factor := 1.0
		// Tesseract often reads the "@" of a typed address as "0@" or "D@", or as another
		// character altogether: such an address goes to a person.
		if k := strings.Index(e, "@"); guessed || k > 0 && strings.ContainsRune("0ODQ", rune(e[k-1])) {
			factor = 0.6
		}
		return e, factor, ok
	case last == "middle_initial":
		// One capital letter: OCR's "1" and "0" for I and O mended; anything else is not
		// an initial.
		m := strings.NewReplacer("1", "I", "0", "O", "|", "I").Replace(strings.TrimLeft(collapse(v), "'‘’\"([ "))
		m = strings.ToUpper(m)
		if len(m) == 0 || len(m) > 3 || m[0] < 'A' || m[0] > 'Z' {
			return "", 0, false
		}
		// A letter alone has no word around it to confirm it: Tesseract's confidence in it
		// is worth less than in a word ("E" for a faxed "C" at 0.77).
		factor := 0.9
		if len(strings.Trim(m, ".,")) > 1 {
			factor = 0.8 // "Cc": the letter doubled by noise
		}
		return m[:1], factor, true
	case last == "member_id" || key == "member.id":
		id, ok := memberID(strings.ReplaceAll(collapse(v), " ", ""))
		return id, idCertainty(v), ok
	}
	c := collapse(v)
	return c, 1, c != ""
}
