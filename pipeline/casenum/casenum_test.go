package casenum

import (
	"errors"
	"testing"
)

func TestFormatParseRoundTrip(t *testing.T) {
	for _, n := range []Number{{2026, 1}, {2026, 123}, {2027, 999999}, {2030, 42}} {
		s := n.String()
		got, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		if got != n {
			t.Errorf("Parse(%q) = %+v, want %+v", s, got, n)
		}
	}
}

func TestParseToleratesHowPeopleWriteIt(t *testing.T) {
	want := Number{2026, 123}
	s := want.String() // HC26-000123-x
	for _, in := range []string{s, " " + s + " ", "hc" + s[2:], "HC 26 000123 " + s[len(s)-1:], "HC26000123" + s[len(s)-1:], "HC26-OOO123-" + s[len(s)-1:]} {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
}

func TestParseRejectsMisreads(t *testing.T) {
	s := Format(2026, 123)
	// Every single-digit change of the serial must be caught by the check digit.
	for i := 5; i <= 10; i++ {
		b := []byte(s)
		b[i] = '0' + (b[i]-'0'+1)%10
		if _, err := Parse(string(b)); !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) accepted a changed digit", b)
		}
	}
	for _, in := range []string{"", "HC", "AB26-000123-4", "HC26-00012-4", "HC26-000000-" + "0", "HC26-0001234-1", "GR-2026-123456"} {
		if _, err := Parse(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) = nil error, want ErrInvalid", in)
		}
	}
}
