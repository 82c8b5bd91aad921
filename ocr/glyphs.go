package ocr

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// fixPronounI puts back the pronoun "I" that Tesseract often reads as a bar or a lower-case
// L in running text ("whom | have treated", "and now | cannot see"). A bar standing alone
// is also how tables and printed separators look ("Member: X | ID: Y"), so a word is only
// changed when it reads like the pronoun: the word after it, on the same line and a word
// space away, starts with a lower-case letter; the word before it on the line, if any,
// ends with a letter, a digit or punctuation; and the bar is no taller than the letters
// around it (a ruling line or a box edge is).
func fixPronounI(words []Word) {
	for i := range words {
		w := &words[i]
		if w.Text != "|" && w.Text != "l" && w.Text != "¦" {
			continue
		}
		if i+1 >= len(words) || words[i+1].Line != w.Line {
			continue
		}
		next := words[i+1]
		if r, _ := utf8.DecodeRuneInString(next.Text); !unicode.IsLower(r) {
			continue
		}
		h := w.Box.Dy()
		if h <= 0 || next.Box.Min.X-w.Box.Max.X > 2*h || next.Box.Min.X < w.Box.Max.X {
			continue
		}
		ref := next.Box.Dy()
		if i > 0 && words[i-1].Line == w.Line {
			prev := words[i-1]
			last, _ := utf8.DecodeLastRuneInString(prev.Text)
			if !unicode.IsLetter(last) && !unicode.IsDigit(last) && !unicode.IsPunct(last) {
				continue
			}
			if last == '|' {
				continue
			}
			ref = max(ref, prev.Box.Dy())
		}
		// A capital I is about as tall as the tallest letters beside it; lower-case words
		// without ascenders are shorter, so the limit is generous, but a rule spanning
		// lines is not let through.
		if float64(h) > 1.6*float64(ref) {
			continue
		}
		w.Text = "I"
	}
}

// fixEuroC puts back the capital C that Tesseract's Spanish model reads as a euro sign
// ("hepatitis €", "€G-MED-17"). The papers that reach the Help Center price things in
// dollars, so a euro sign is kept only where it reads as an amount: before a digit ("€40")
// or standing alone after a number ("40 €").
func fixEuroC(words []Word) {
	for i := range words {
		w := &words[i]
		if !strings.ContainsRune(w.Text, '€') {
			continue
		}
		if w.Text == "€" && i > 0 && words[i-1].Line == w.Line {
			if last, _ := utf8.DecodeLastRuneInString(words[i-1].Text); unicode.IsDigit(last) {
				continue
			}
		}
		r := []rune(w.Text)
		for k := range r {
			if r[k] == '€' && (k+1 >= len(r) || !unicode.IsDigit(r[k+1])) {
				r[k] = 'C'
			}
		}
		w.Text = string(r)
	}
}
