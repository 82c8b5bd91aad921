package letters

import (
	"errors"
	"fmt"
	"time"

	"intake/pipeline/casenum"
)

// Case kinds, as classify.TypeCase names them.
const (
	KindIMR          = "imr"
	KindComplaint    = "consumer_complaint"
	KindUndetermined = "undetermined"
)

var (
	// ErrInvalid is wrapped by the error of RenderAck for an Ack it cannot print: a
	// missing or malformed value, or text the letter's fonts cannot show.
	ErrInvalid = errors.New("letters: invalid acknowledgement")
	// ErrLayout is wrapped by the error of RenderAck when the recipient's address does
	// not fit the envelope window or the letter does not fit its page.
	ErrLayout = errors.New("letters: does not fit")
)

// Address is where a letter goes: a name and the lines under it, e.g. a street and
// "City, ST 12345".
type Address struct {
	Name  string
	Lines []string
}

// Ack is an acknowledgement letter: the Help Center tells the enrollee (or, in a copy,
// the authorized assistant) that the submission arrived and which case number it has.
type Ack struct {
	CaseNumber string    // e.g. HC26-000123-5; must pass casenum's check digit
	Date       time.Time // the letter's date
	Received   time.Time // when the Help Center received the submission
	Language   string    // "en" or "es"
	To         Address   // the enrollee, or the authorized assistant for a copy
	Patient    string    // the patient's name, for the "Patient:" header
	Plan       string    // the health plan's name; "" leaves the "Health Plan:" header empty
	Kind       string    // KindIMR, KindComplaint or KindUndetermined
	Urgent     bool      // says prominently that urgent cases are decided within 7 days
	// CopyOf is, for the authorized assistant's copy, the enrollee's name: the letter
	// says it is a copy and greets the enrollee; empty for the enrollee's own letter.
	CopyOf string
}

// maxAddressLines is how many lines under the name the envelope window holds.
const maxAddressLines = 3

// validate checks a before anything is drawn. Errors name the field, never its value:
// these are a patient's details.
func (a Ack) validate() (wording, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
	}
	var w wording
	switch a.Language {
	case "en":
		w = english
	case "es":
		w = spanish
	default:
		return w, bad("language %q is not en or es", a.Language)
	}
	if _, err := casenum.Parse(a.CaseNumber); err != nil || a.CaseNumber != canonical(a.CaseNumber) {
		return w, bad("case number is not of the form HC26-000123-5 with a valid check digit")
	}
	if _, ok := w.kind[a.Kind]; !ok {
		return w, bad("kind %q is not imr, consumer_complaint or undetermined", a.Kind)
	}
	for _, d := range []struct {
		name string
		t    time.Time
	}{{"Date", a.Date}, {"Received", a.Received}} {
		if d.t.Year() < 2000 || d.t.Year() > 9999 {
			return w, bad("%s is missing or out of range", d.name)
		}
	}
	ry, rm, rd := a.Received.Date()
	dy, dm, dd := a.Date.Date()
	if time.Date(ry, rm, rd, 0, 0, 0, 0, time.UTC).After(time.Date(dy, dm, dd, 0, 0, 0, 0, time.UTC)) {
		return w, bad("the submission was received after the letter's date")
	}
	if a.To.Name == "" || len(a.To.Lines) == 0 || a.Patient == "" {
		return w, bad("the recipient's name and address and the patient's name are required")
	}
	if len(a.To.Lines) > maxAddressLines {
		return w, fmt.Errorf("%w: the address has %d lines; the envelope window holds %d under the name", ErrLayout, len(a.To.Lines), maxAddressLines)
	}
	texts := [][2]string{{"To.Name", a.To.Name}, {"Patient", a.Patient}, {"Plan", a.Plan}, {"CopyOf", a.CopyOf}}
	for i, l := range a.To.Lines {
		texts = append(texts, [2]string{fmt.Sprintf("To.Lines[%d]", i), l})
	}
	for _, f := range texts {
		if _, err := winAnsi(f[1]); err != nil {
			return w, bad("%s: %v", f[0], err)
		}
	}
	for _, l := range append([]string{a.To.Name}, a.To.Lines...) {
		if l == "" {
			return w, bad("an address line is empty")
		}
		if width(addrFace, addrSize, l) > windowTextWidth {
			return w, fmt.Errorf("%w: an address line is wider than the envelope window", ErrLayout)
		}
	}
	return w, nil
}

// canonical is the case number as casenum writes it.
func canonical(s string) string {
	n, err := casenum.Parse(s)
	if err != nil {
		return ""
	}
	return n.String()
}

// RenderAck makes the acknowledgement letter as a two-page PDF for US Letter paper: the
// letter, then the return cover sheet. Equal input gives equal bytes.
func RenderAck(a Ack) ([]byte, error) {
	w, err := a.validate()
	if err != nil {
		return nil, err
	}
	p1, err := letterPage(a, w)
	if err != nil {
		return nil, err
	}
	p2, err := coverSheetPage(a, w)
	if err != nil {
		return nil, err
	}
	return assemble([][]byte{p1, p2}, a.Date)
}
