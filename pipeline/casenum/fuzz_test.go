package casenum

import (
	"errors"
	"regexp"
	"testing"
)

var canonical = regexp.MustCompile(`^HC[0-9]{2}-[0-9]{6}-[0-9]$`)

// FuzzParse: Parse never panics; it fails only with ErrInvalid and a zero Number; a Number
// it returns has a year in the 2000s and a serial in 1..999999, and its String is the
// canonical form, which Parse reads back as the same Number and Format writes the same;
// every single-digit change of the year or serial in that form is rejected (the Luhn
// check digit catches them all). Format(year, serial) round-trips through Parse for every
// year in the 2000s and serial in 1..999999, the fuzzer's year and serial folded into
// those ranges.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"HC26-000123-5", "hc26-000123-5", " HC 26 000123 5 ", "HC26000123 5", "HC26-OOO123-5",
		"HC26—000123–5", "HC99-999999-0", "HC00-000001-8", "HC26-000000-0", "HC26-000123-4",
		"HC26-0001234-1", "HC26-00012-4", "AB26-000123-4", "GR-2026-123456", "", "HC", "hc--",
		"HC26-000123-", "HC２６-000123-5", "HC26-000123-5\x00", "\xffHC26-000123-5", "ＨＣ26-000123-5",
	} {
		f.Add(s, 2026, 123)
	}
	f.Add("", 1999, 0)
	f.Add("", -1, -1)
	f.Add("", 2099, 999999)
	f.Fuzz(func(t *testing.T, s string, year, serial int) {
		n, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) || n != (Number{}) {
				t.Fatalf("Parse(%q) = %+v, %v; want the zero Number and ErrInvalid", s, n, err)
			}
		} else {
			checkNumber(t, s, n)
		}

		// Format round-trips for the ranges Parse accepts.
		y := 2000 + (year%100+100)%100
		sr := 1 + (serial%999999+999999)%999999
		want := Number{Year: y, Serial: sr}
		f := Format(y, sr)
		got, err := Parse(f)
		if err != nil || got != want {
			t.Fatalf("Parse(Format(%d, %d)) = Parse(%q) = %+v, %v", y, sr, f, got, err)
		}
		checkNumber(t, f, got)
	})
}

// checkNumber checks a Number Parse returned for s.
func checkNumber(t *testing.T, s string, n Number) {
	t.Helper()
	if n.Year < 2000 || n.Year > 2099 || n.Serial < 1 || n.Serial > 999999 {
		t.Fatalf("Parse(%q) = %+v: out of range", s, n)
	}
	c := n.String()
	if !canonical.MatchString(c) || Format(n.Year, n.Serial) != c {
		t.Fatalf("Parse(%q) = %+v, written %q", s, n, c)
	}
	if back, err := Parse(c); err != nil || back != n {
		t.Fatalf("Parse(%q) = %+v, written %q, which Parse reads as %+v, %v", s, n, c, back, err)
	}
	// The digits of year and serial: "HC26-000123-5" has them at 2-3 and 5-10.
	for _, i := range []int{2, 3, 5, 6, 7, 8, 9, 10} {
		for d := byte('0'); d <= '9'; d++ {
			if d == c[i] {
				continue
			}
			b := []byte(c)
			b[i] = d
			if m, err := Parse(string(b)); err == nil {
				t.Fatalf("%q (one digit of %q changed) read as %+v", b, c, m)
			}
		}
	}
}
