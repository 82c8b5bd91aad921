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
	Box        image.Rectangle // in pixels of the prepared page image
	Norm       Box             // the same box in fractions of the page's width and height
	Confidence float64         // 0..1
	Line       int             // index in Page.Lines of the line the word belongs to
}

// Box is a rectangle in fractions (0..1) of the prepared page's width and height, origin
// at the top left: it stays the same whatever resolution the page was read at.
type Box struct {
	X0, Y0, X1, Y1 float64
}

// Line is one line of text in reading order.
type Line struct {
	Text  string          // its words, separated by single spaces
	Box   image.Rectangle // the union of its words' boxes, in pixels
	Norm  Box
	Words []int // indices in Page.Words, in reading order
	Block int   // the text block (column, box, paragraph group) the line is in, from 0
	Para  int   // the paragraph within the page, from 0
}

// Page is what was read on one page image.
type Page struct {
	Width, Height int     // pixels of the prepared (square-pixel, upright, straight) image
	DPI           float64 // the resolution given to the engine
	Rotation      int     // clockwise degrees the page was turned to be upright: 0, 90, 180, 270
	Skew          float64 // degrees the page lay turned clockwise (negative: anticlockwise), removed; 0 when not told
	Words         []Word
	Lines         []Line
	Text          string      // the lines' text, separated by newlines
	Info          Preparation // how the image was prepared (zero when read with an Engine directly)
	// Image is the prepared image the boxes refer to, when the pool was asked to keep it
	// (PoolOptions.KeepImage); nil otherwise.
	Image *image.Gray `json:"-"`
}

// Normalize returns r in fractions of a w x h page.
func Normalize(r image.Rectangle, w, h int) Box {
	if w <= 0 || h <= 0 {
		return Box{}
	}
	fw, fh := float64(w), float64(h)
	return Box{float64(r.Min.X) / fw, float64(r.Min.Y) / fh, float64(r.Max.X) / fw, float64(r.Max.Y) / fh}
}

// NewPage assembles a page from its words, each with the index of its line (lines in
// reading order, numbered from 0 without gaps, a line's words together): it makes the
// Lines (with Block and Para 0), the normalised boxes and Text. Engines use it, as do fakes.
func NewPage(width, height int, dpi float64, words []Word) *Page {
	p := &Page{Width: width, Height: height, DPI: dpi, Words: words}
	for i := range p.Words {
		w := &p.Words[i]
		w.Norm = Normalize(w.Box, width, height)
		for w.Line >= len(p.Lines) {
			p.Lines = append(p.Lines, Line{})
		}
		l := &p.Lines[w.Line]
		if len(l.Words) == 0 {
			l.Box = w.Box
		} else {
			l.Box = l.Box.Union(w.Box)
		}
		l.Words = append(l.Words, i)
	}
	var b strings.Builder
	for i := range p.Lines {
		l := &p.Lines[i]
		l.Norm = Normalize(l.Box, width, height)
		texts := make([]string, len(l.Words))
		for j, wi := range l.Words {
			texts[j] = p.Words[wi].Text
		}
		l.Text = strings.Join(texts, " ")
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.Text)
	}
	p.Text = b.String()
	return p
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
