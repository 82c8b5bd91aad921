package ocr

import (
	"errors"
	"image"
	"strings"
	"unicode"
)

// ErrUnreadable is returned when the engine cannot read a page image.
var ErrUnreadable = errors.New("ocr: the page image could not be read")

// Word is one recognised word.
type Word struct {
	Text       string
	Box        image.Rectangle // in pixels of the page image
	Confidence float64         // 0..1
	Line       int             // index of the line the word belongs to, in reading order
}

// Page is what the engine read on one page image.
type Page struct {
	Width, Height int     // pixels
	DPI           float64 // the resolution given to the engine
	Words         []Word
	Text          string // the engine's text, lines separated by newlines
}

// Tokens splits text into the words an accuracy measure compares: lower-cased runs split
// at white space, hyphens, slashes and bars (so "4.0 - 11.0" and "4.0-11.0" compare equal),
// with punctuation trimmed from both ends; what is left empty is dropped.
func Tokens(text string) []string {
	var out []string
	split := func(r rune) bool { return unicode.IsSpace(r) || r == '-' || r == '/' || r == '|' || r == '–' }
	for _, f := range strings.FieldsFunc(text, split) {
		f = strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if f != "" {
			out = append(out, strings.ToLower(f))
		}
	}
	return out
}

// WordAccuracy is the share of reference words the hypothesis contains, counted as a
// multiset (each hypothesis word can match one reference word): 1 - (missed / reference).
// Order is ignored, so columns read in a different order are not penalised; inserted noise
// words are not counted against it.
func WordAccuracy(reference, hypothesis string) float64 {
	ref := Tokens(reference)
	if len(ref) == 0 {
		return 1
	}
	have := map[string]int{}
	for _, w := range Tokens(hypothesis) {
		have[w]++
	}
	hit := 0
	for _, w := range ref {
		if have[w] > 0 {
			have[w]--
			hit++
		}
	}
	return float64(hit) / float64(len(ref))
}
