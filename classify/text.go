package classify

import (
	"image"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"intake/ocr"
)

// fold lower-cases s and removes accents, so "Género" and "genero" compare equal. It runs
// for every word of every caption tried (a tenth of `intake run`'s CPU time went to building
// its transformer and replacer on each call): ASCII text, most of what OCR reads, is only
// lower-cased.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return numberSign.Replace(strings.ToLower(out))
}

// numberSign: "N.º" and "N.°" (number) read alike.
var numberSign = strings.NewReplacer("º", "o", "°", "o")

// token is a word folded for comparison: punctuation trimmed from both ends.
func token(s string) string {
	return strings.TrimFunc(fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// phraseTokens splits a phrase into tokens, dropping those that are only punctuation.
func phraseTokens(s string) []string {
	var out []string
	for _, f := range strings.Fields(s) {
		if t := token(f); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// similar says whether an OCR'd token a matches the expected token b, allowing the odd
// misread letter in longer words.
func similar(a, b string) bool {
	if a == b {
		return true
	}
	n := len([]rune(b))
	switch {
	case n >= 8:
		return EditDistance(a, b) <= 2
	case n >= 4:
		return EditDistance(a, b) <= 1 || swapped(a, b)
	case n == 3:
		// "de!" read for "del": the first two letters right and one letter off.
		ra := []rune(a)
		return len(ra) >= 2 && string(ra[:2]) == string([]rune(b)[:2]) && EditDistance(a, b) <= 1
	}
	return false
}

// swapped says whether a is b with two neighbouring letters in each other's place ("emali"
// for "email": an "l" and an "i" misread into each other's shapes).
func swapped(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) != len(rb) {
		return false
	}
	i := 0
	for i < len(ra) && ra[i] == rb[i] {
		i++
	}
	return i+1 < len(ra) && ra[i] == rb[i+1] && ra[i+1] == rb[i] && string(ra[i+2:]) == string(rb[i+2:])
}

// EditDistance is the Levenshtein distance between a and b, in runes. The evaluation uses
// it for the character error rate of long answers.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 {
		return len(rb)
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			c := prev[j-1]
			if ra[i-1] != rb[j-1] {
				c++
			}
			c = min(c, prev[j]+1, cur[j-1]+1)
			cur[j] = c
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// view is a page prepared for searching: its words' tokens, by line.
type view struct {
	page   *ocr.Page
	tokens []string // per word, folded
	text   string   // the whole page folded, lines joined by newlines
}

func newView(p *ocr.Page) *view {
	v := &view{page: p, tokens: make([]string, len(p.Words))}
	for i, w := range p.Words {
		v.tokens[i] = token(w.Text)
	}
	v.text = fold(p.Text)
	return v
}

// match is where a phrase was found: words first..last (indices in Page.Words) on one line.
type match struct {
	line        int
	first, last int // positions within the line's Words
	box         image.Rectangle
	score       float64 // share of the phrase's tokens matched exactly
}

// find returns every place on the page where the phrase's tokens follow each other on one
// line (tokens that are only punctuation are skipped on both sides). A word may be misread
// by a letter or two (similar), a compound split in two, and one word inside a phrase of
// four or more anything at all; score counts the words read exactly.
func (v *view) find(phrase string) []match {
	want := phraseTokens(phrase)
	if len(want) == 0 {
		return nil
	}
	var out []match
	for li, l := range v.page.Lines {
		// The line's non-empty tokens, with their positions.
		var pos []int
		for j, wi := range l.Words {
			if v.tokens[wi] != "" {
				pos = append(pos, j)
			}
		}
		for s := 0; s+len(want) <= len(pos); s++ {
			exact, k, ok, spare := 0, s, true, len(want) >= 4
			for j, w := range want {
				if k >= len(pos) {
					ok = false
					break
				}
				t := v.tokens[l.Words[pos[k]]]
				switch {
				case t == w:
					exact++
				case similar(t, w):
				default:
					// "padre/madre" read as "padre: madre": a compound of the phrase
					// taken by OCR for two words.
					n := v.splitCompound(l.Words, pos, k, w)
					switch {
					case n > 0:
						k += n - 1
					case spare && j > 0 && j < len(want)-1:
						// A long phrase may have one word in its middle misread
						// beyond recognition ("describe (he problem").
						spare = false
					default:
						ok = false
					}
				}
				if !ok {
					break
				}
				k++
			}
			if !ok {
				continue
			}
			m := match{line: li, first: pos[s], last: pos[k-1], score: float64(exact) / float64(len(want))}
			m.box = v.span(li, m.first, m.last)
			out = append(out, m)
		}
	}
	return out
}

// splitCompound says how many of the line's tokens from pos[k] on spell w, a token of a
// phrase made of words joined by punctuation ("padre/madre", "e-mail"), when OCR took the
// punctuation for a space or another mark: two or three tokens whose letters, put
// together, are w's. It returns 0 when they are not.
func (v *view) splitCompound(words []int, pos []int, k int, w string) int {
	want := lettersOf(w)
	if want == w {
		return 0
	}
	got := ""
	for n := 1; n <= 3 && k+n-1 < len(pos); n++ {
		got += lettersOf(v.tokens[words[pos[k+n-1]]])
		if n > 1 && got == want {
			return n
		}
		if len(got) >= len(want) {
			break
		}
	}
	return 0
}

// lettersOf is s with only its letters and digits.
func lettersOf(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// findFirst returns the best match of the first phrase of phrases that is found anywhere.
func (v *view) findAny(phrases ...string) (match, bool) {
	var best match
	found := false
	for _, ph := range phrases {
		for _, m := range v.find(ph) {
			if !found || m.score > best.score {
				best, found = m, true
			}
		}
		if found {
			return best, true
		}
	}
	return best, false
}

// span is the box of words first..last of line li.
func (v *view) span(li, first, last int) image.Rectangle {
	l := v.page.Lines[li]
	r := v.page.Words[l.Words[first]].Box
	for j := first + 1; j <= last; j++ {
		r = r.Union(v.page.Words[l.Words[j]].Box)
	}
	return r
}

// has says whether the folded page text contains any of the folded phrases.
func (v *view) has(phrases ...string) bool {
	for _, p := range phrases {
		if strings.Contains(v.text, p) {
			return true
		}
	}
	return false
}

// count is how many of the phrases the folded page text contains.
func (v *view) count(phrases ...string) int {
	n := 0
	for _, p := range phrases {
		if strings.Contains(v.text, p) {
			n++
		}
	}
	return n
}
