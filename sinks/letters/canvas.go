package letters

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/boombuler/barcode/code128"
	pdffont "github.com/pdfcpu/pdfcpu/pkg/font"
	"golang.org/x/text/encoding/charmap"
)

// Page geometry in PostScript points: US Letter.
const (
	pageW = 612.0
	pageH = 792.0
)

// face is one of the standard Type 1 fonts every PDF reader has, used with
// WinAnsiEncoding, and the resource name the pages give it.
type face struct{ key, name string }

var (
	sans     = face{"F1", "Helvetica"}
	sansBold = face{"F2", "Helvetica-Bold"}
	monoBold = face{"F3", "Courier-Bold"}
	faces    = []face{sans, sansBold, monoBold}
)

// winAnsi codes s for a WinAnsiEncoding font, or reports the first character the
// encoding lacks (as a code point, never the text around it).
func winAnsi(s string) (string, error) {
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return "", fmt.Errorf("control character U+%04X", r)
		}
	}
	b, err := charmap.Windows1252.NewEncoder().String(s)
	if err != nil {
		for _, r := range s {
			if _, ok := charmap.Windows1252.EncodeRune(r); !ok {
				return "", fmt.Errorf("character U+%04X has no glyph in the standard fonts", r)
			}
		}
		return "", err
	}
	return b, nil
}

// width is how wide s (UTF-8, already checked with winAnsi) is set in f at size.
func width(f face, size float64, s string) float64 {
	enc, err := winAnsi(s)
	if err != nil {
		return 0
	}
	w, err := pdffont.TextWidthFloat(enc, f.name, size)
	if err != nil {
		return 0
	}
	return w
}

// run is a piece of text in one font, for paragraphs that mix regular and bold.
type run struct {
	f face
	s string
}

// canvas writes one page's content stream. Its coordinates run from the top-left
// corner of the page, y downwards, as a person measures a sheet; y of text is its
// baseline. The first error (text the fonts cannot show) sticks and drawing goes on.
type canvas struct {
	b   bytes.Buffer
	err error
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// pdfString is s as a PDF literal string in WinAnsiEncoding.
func pdfString(enc string) string {
	var b strings.Builder
	b.WriteByte('(')
	for i := 0; i < len(enc); i++ {
		c := enc[i]
		switch {
		case c == '(' || c == ')' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(')')
	return b.String()
}

// text sets s in f at size with its baseline at y, starting at x, and returns its width.
func (c *canvas) text(f face, size, x, y float64, s string) float64 {
	if s == "" {
		return 0
	}
	enc, err := winAnsi(s)
	if err != nil {
		if c.err == nil {
			c.err = err
		}
		return 0
	}
	fmt.Fprintf(&c.b, "BT /%s %s Tf %s %s Td %s Tj ET\n", f.key, num(size), num(round2(x)), num(round2(pageH-y)), pdfString(enc))
	return width(f, size, s)
}

func (c *canvas) center(f face, size, x, y float64, s string) {
	c.text(f, size, x-width(f, size, s)/2, y, s)
}

func (c *canvas) right(f face, size, x, y float64, s string) {
	c.text(f, size, x-width(f, size, s), y, s)
}

// fill paints a black rectangle whose top-left corner is (x, y).
func (c *canvas) fill(x, y, w, h float64) {
	fmt.Fprintf(&c.b, "%s %s %s %s re f\n", num(round2(x)), num(round2(pageH-y-h)), num(round2(w)), num(round2(h)))
}

// frame strokes a rectangle of line width lw centred on the outline (x, y, w, h).
func (c *canvas) frame(x, y, w, h, lw float64) {
	fmt.Fprintf(&c.b, "%s w %s %s %s %s re S\n", num(lw), num(round2(x)), num(round2(pageH-y-h)), num(round2(w)), num(round2(h)))
}

// rule draws a horizontal line of width lw at y from x1 to x2.
func (c *canvas) rule(x1, x2, y, lw float64) {
	fmt.Fprintf(&c.b, "%s w %s %s m %s %s l S\n", num(lw), num(round2(x1)), num(round2(pageH-y)), num(round2(x2)), num(round2(pageH-y)))
}

// paragraph sets runs as left-aligned lines no wider than w, the first baseline at y,
// and returns the baseline below the last line. A word longer than the line stands
// alone on its line.
func (c *canvas) paragraph(size, x, y, w, leading float64, runs ...run) float64 {
	type word struct {
		f face
		s string
	}
	var words []word
	for _, r := range runs {
		for _, s := range strings.Fields(r.s) {
			words = append(words, word{r.f, s})
		}
	}
	space := width(sans, size, " ")
	for len(words) > 0 {
		n, lineW := 0, 0.0
		for n < len(words) {
			ww := width(words[n].f, size, words[n].s)
			add := ww
			if n > 0 {
				add += space
			}
			if n > 0 && lineW+add > w {
				break
			}
			lineW += add
			n++
		}
		// Set the line in stretches of one font.
		cx := x
		for i := 0; i < n; {
			j := i
			var parts []string
			for j < n && words[j].f == words[i].f {
				parts = append(parts, words[j].s)
				j++
			}
			s := strings.Join(parts, " ")
			cx += c.text(words[i].f, size, cx, y, s)
			if j < n {
				cx += space
			}
			i = j
		}
		words = words[n:]
		y += leading
	}
	return y
}

// code128 draws text as a Code 128 symbol of bars (filled rectangles) module points
// wide and h tall, centred on cx with its top at y, and returns the symbol's width.
func (c *canvas) code128(cx, y, module, h float64, text string) (float64, error) {
	bc, err := code128.Encode(text)
	if err != nil {
		return 0, fmt.Errorf("code 128: %w", err)
	}
	cols := bc.Bounds().Dx()
	black := func(i int) bool {
		r, _, _, _ := bc.At(i, 0).RGBA()
		return r == 0
	}
	x0 := cx - float64(cols)*module/2
	for i := 0; i < cols; {
		if !black(i) {
			i++
			continue
		}
		j := i
		for j < cols && black(j) {
			j++
		}
		c.fill(x0+float64(i)*module, y, float64(j-i)*module, h)
		i = j
	}
	return float64(cols) * module, nil
}

// round2 keeps coordinates to a hundredth of a point, so streams stay short and equal
// input gives equal bytes whatever the float arithmetic on the way.
func round2(v float64) float64 {
	if v < 0 {
		return -round2(-v)
	}
	return float64(int64(v*100+0.5)) / 100
}
