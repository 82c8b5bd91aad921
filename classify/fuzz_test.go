package classify

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// valueSeeds are the texts every value parser's fuzz target starts from: values as forms,
// letters and fax covers write them, OCR's misreadings of them, and text that is no value.
var valueSeeds = []string{
	"", " ", "0", "0/0/0", "31/31/9999", "13/45/2026", "02/29/2026", "02/29/2028", "1/2/26",
	"10/02/2026", "10.02.2026", "10 - 02 - 2026", "2026-10-02", "2026-02-30", "Date: 1/2/26",
	"October 2, 2026", "Oct. 2 2026", "oct 2nd, 2026", "2 October 2026", "02-Oct-2026",
	"2 de octubre de 2026", "22 de junio de 2026", "3 de SEPTIEMBRE de 2026", "1° de dic. de 2025",
	"DOB 09/12/2005; Case A-1", "Page 1 of 3", "AUTH-2026-359566", "received on March 27 1991",
	"(916) 555-0100", "916-555-0100", "1-888-466-2219", "+1 916.555.0100", "714,295.4149",
	"(8O5) 2l3-7932", "Phone: 626.412.3354 Fax: (916) 555 0142", "9165550100",
	"LKB510330276", "LKBS10330276", "§V754200824501", "$V754200824501", "lkb510330276",
	"Member ID: ABC12345-01", "ID# 12 34 56 78", "X1234567890123456789",
	"Sacramento, CA 95814-2725", "Los Angeles, ca 90011", "95814 - 2725",
	"raj.flores65 @outlook .com", "yolanda, obrien40(Dyahoo.com", "ruth. gonzalez19@out look.corn",
	"maria.lopez©gmail.com", "juan.perezgmail.com", "a@b.c0m", "@@@.com",
	"Ⱥgmail.com", "İgmail.com",
	strings.Repeat("9", 300), strings.Repeat("1/", 100), strings.Repeat("(916) 555-0100 ", 20),
	"\xff\xfe", "\xff\xfe10/02/2026", "10/02/\xff2026", "ＯＣＴ ２ ２０２６", "١٠/٠٢/٢٠٢٦",
	"\u212a\u017f", "İ", "\x00\x01\x1d", "C. ", "1", "| ",
}

// FuzzParseDate: parseDate never panics; a date it finds is a real calendar day written
// YYYY-MM-DD (time.Parse accepts it and writes it back the same), in the years findDate
// accepts (1900 to 2100); and that day, written in each of the ways parseDate's doc comment
// lists, is read back as the same day. findDate agrees with parseDate.
func FuzzParseDate(f *testing.F) {
	for _, s := range valueSeeds {
		f.Add(s)
	}
	spanish := []string{"", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
		"agosto", "septiembre", "octubre", "noviembre", "diciembre"}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseDate(s)
		d2, at, ok2 := findDate(s)
		if d2 != d || ok2 != ok {
			t.Fatalf("findDate(%q) = %q, %v; parseDate = %q, %v", s, d2, ok2, d, ok)
		}
		if !ok {
			if d != "" || at != -1 {
				t.Fatalf("parseDate(%q) = %q, false (at %d); want \"\" and -1", s, d, at)
			}
			return
		}
		if at < 0 || at >= len(fold(s)) {
			t.Fatalf("findDate(%q): at %d outside the folded text (%d bytes)", s, at, len(fold(s)))
		}
		tm, err := time.Parse("2006-01-02", d)
		if err != nil || tm.Format("2006-01-02") != d {
			t.Fatalf("parseDate(%q) = %q, not a YYYY-MM-DD date (%v)", s, d, err)
		}
		if y := tm.Year(); y < 1900 || y > 2100 {
			t.Fatalf("parseDate(%q) = %q, outside 1900-2100", s, d)
		}
		m, day, y := int(tm.Month()), tm.Day(), tm.Year()
		eng := tm.Month().String()
		for _, w := range []string{
			d,
			tm.Format("01/02/2006"),
			tm.Format("1/2/2006"),
			tm.Format("January 2, 2006"),
			tm.Format("Jan. 2 2006"),
			tm.Format("02-Jan-2006"),
			tm.Format("2 January 2006"),
			strings.Join([]string{strconv.Itoa(day), "de", spanish[m], "de", strconv.Itoa(y)}, " "),
			"DOB: " + tm.Format("01/02/2006") + ".",
		} {
			if got, ok := parseDate(w); !ok || got != d {
				t.Fatalf("parseDate(%q) = %q; %q (the %s date parseDate found in %q) = %q, %v",
					s, d, w, eng, s, got, ok)
			}
		}
	})
}

// FuzzParsePhone: parsePhone and allPhones never panic; every number they return is
// exactly 10 ASCII digits; parsePhone returns allPhones' first; and the number, written
// as people write it, is read back the same.
func FuzzParsePhone(f *testing.F) {
	for _, s := range valueSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := parsePhone(s)
		all := allPhones(s)
		for _, p := range all {
			if !tenDigits(p) {
				t.Fatalf("allPhones(%q) has %q, not 10 digits", s, p)
			}
		}
		if !ok {
			if n != "" || len(all) != 0 {
				t.Fatalf("parsePhone(%q) = %q, false; allPhones = %q", s, n, all)
			}
			return
		}
		if !tenDigits(n) {
			t.Fatalf("parsePhone(%q) = %q, not 10 digits", s, n)
		}
		if len(all) == 0 || all[0] != n {
			t.Fatalf("parsePhone(%q) = %q; allPhones = %q", s, n, all)
		}
		for _, w := range []string{
			"(" + n[:3] + ") " + n[3:6] + "-" + n[6:],
			n[:3] + "-" + n[3:6] + "-" + n[6:],
			n[:3] + "." + n[3:6] + "." + n[6:],
			"1-" + n[:3] + "-" + n[3:6] + "-" + n[6:],
			"Tel: " + n[:3] + " " + n[3:6] + " " + n[6:] + ".",
		} {
			if got, ok := parsePhone(w); !ok || got != n {
				t.Fatalf("parsePhone(%q) = %q; %q = %q, %v", s, n, w, got, ok)
			}
		}
	})
}

func tenDigits(s string) bool {
	if len(s) != 10 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

var memberIDChars = regexp.MustCompile(`^[A-Z0-9]+(?:-[0-9]+)?$`)

// FuzzMemberID: memberID never panics; an id it returns is non-empty, has no spaces, only
// A-Z, 0-9 and a hyphen before a final group of digits, at least one digit, and the shape
// memberIDRE describes; and reading the id again gives the id.
func FuzzMemberID(f *testing.F) {
	for _, s := range valueSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := memberID(s)
		if !ok {
			if id != "" {
				t.Fatalf("memberID(%q) = %q, false", s, id)
			}
			return
		}
		if id == "" || strings.ContainsAny(id, " \t\r\n") || !memberIDChars.MatchString(id) || !hasDigit(id) {
			t.Fatalf("memberID(%q) = %q: not an id", s, id)
		}
		if m := memberIDRE.FindString(id); m != id {
			t.Fatalf("memberID(%q) = %q, which memberIDRE reads as %q", s, id, m)
		}
		if again, ok := memberID(id); !ok || again != id {
			t.Fatalf("memberID(%q) = %q; memberID(%q) = %q, %v", s, id, id, again, ok)
		}
	})
}

var (
	zipShape   = regexp.MustCompile(`^[0-9]{5}(?:-[0-9]{4})?$`)
	emailShape = regexp.MustCompile(`^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$`)
)

// normalizeKeys are field keys of every kind normalize tells apart.
var normalizeKeys = []string{"patient.dob", "signature.date", "patient.phone", "patient.phone2",
	"patient.zip", "patient.state", "patient.email", "patient.middle_initial", "plan.member_id",
	"member.id", "patient.name", "", "."}

// FuzzNormalize: parseZip, parseState, parseEmail and normalize (for a key of every kind)
// never panic, and what they return when they report a value has the form normalize's doc
// comment promises: a ZIP is NNNNN or NNNNN-NNNN, a state one of the codes, an e-mail
// address one address with nothing around it, a middle initial one capital letter, dates,
// phones and member ids as above, other text trimmed with its white space collapsed; the
// confidence factor of a value is in (0, 1].
func FuzzNormalize(f *testing.F) {
	for _, s := range valueSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if z, ok := parseZip(s); ok != zipShape.MatchString(z) || (!ok && z != "") {
			t.Fatalf("parseZip(%q) = %q, %v", s, z, ok)
		}
		if st, ok := parseState(s); ok != states[st] || (!ok && st != "") {
			t.Fatalf("parseState(%q) = %q, %v", s, st, ok)
		}
		if e, ok := parseEmail(s); ok != emailShape.MatchString(e) || (!ok && e != "") {
			t.Fatalf("parseEmail(%q) = %q, %v", s, e, ok)
		}
		for _, key := range normalizeKeys {
			v, factor, ok := normalize(key, s)
			if !ok {
				continue
			}
			if !(factor > 0 && factor <= 1) {
				t.Fatalf("normalize(%q, %q) = %q with factor %v", key, s, v, factor)
			}
			last := key[strings.LastIndex(key, ".")+1:]
			var good bool
			switch {
			case last == "dob" || strings.HasSuffix(last, "date"):
				_, err := time.Parse("2006-01-02", v)
				good = err == nil
			case last == "phone" || last == "phone2":
				good = tenDigits(v)
			case last == "zip":
				good = zipShape.MatchString(v)
			case last == "state":
				good = states[v]
			case last == "email":
				good = emailShape.MatchString(v)
			case last == "middle_initial":
				good = len(v) == 1 && v[0] >= 'A' && v[0] <= 'Z'
			case last == "member_id" || key == "member.id":
				good = memberIDChars.MatchString(v) && hasDigit(v)
			default:
				good = v != "" && v == collapse(v)
			}
			if !good {
				t.Fatalf("normalize(%q, %q) = %q, not a %s value", key, s, v, last)
			}
		}
	})
}
