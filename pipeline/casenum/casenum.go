package casenum

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is returned for text that is not a case number.
var ErrInvalid = errors.New("casenum: not a valid case number")

// Number is a parsed case number.
type Number struct {
	Year   int // four-digit year
	Serial int // 1..999999
}

// String formats n as HC26-000123-5.
func (n Number) String() string {
	body := fmt.Sprintf("%02d%06d", n.Year%100, n.Serial)
	return fmt.Sprintf("HC%s-%s-%d", body[:2], body[2:], luhn(body))
}

// Format is Number{year, serial}.String().
func Format(year, serial int) string { return Number{Year: year, Serial: serial}.String() }

// Parse reads a case number, tolerating spaces, missing hyphens, lower case and the letter
// O where a zero belongs. Years are taken to be in the 2000s.
func Parse(s string) (Number, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.NewReplacer(" ", "", "-", "", "—", "", "–", "").Replace(s)
	if !strings.HasPrefix(s, "HC") {
		return Number{}, ErrInvalid
	}
	s = strings.ReplaceAll(s[2:], "O", "0")
	if len(s) != 9 {
		return Number{}, ErrInvalid
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return Number{}, ErrInvalid
		}
	}
	body, check := s[:8], int(s[8]-'0')
	if luhn(body) != check {
		return Number{}, ErrInvalid
	}
	year := 2000 + int(body[0]-'0')*10 + int(body[1]-'0')
	serial := 0
	for _, r := range body[2:] {
		serial = serial*10 + int(r-'0')
	}
	if serial == 0 {
		return Number{}, ErrInvalid
	}
	return Number{Year: year, Serial: serial}, nil
}

// luhn returns the Luhn check digit for a string of digits.
func luhn(digits string) int {
	sum := 0
	double := true
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return (10 - sum%10) % 10
}
