package barcode

import (
	"fmt"
	"image"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/boombuler/barcode/code128"

	"intake/fixtures/paper"
)

// encoderRuns returns the bar and space widths, in modules, of text as the boombuler
// encoder (the one the fixtures print with) writes it, bar first.
func encoderRuns(t *testing.T, text string) []int {
	t.Helper()
	bc, err := code128.Encode(text)
	if err != nil {
		t.Fatalf("encoding test string %d runes long: %v", len([]rune(text)), err)
	}
	var runs []int
	last := false
	for i := 0; i < bc.Bounds().Dx(); i++ {
		r, _, _, _ := bc.At(i, 0).RGBA()
		dark := r == 0
		if len(runs) == 0 || dark != last {
			runs = append(runs, 0)
			last = dark
		}
		runs[len(runs)-1]++
	}
	return runs
}

// TestCode128TableAgreesWithEncoder checks the width table against an independent
// encoder: every character it writes must have the widths the table gives its value, and
// the check character it computes from its values must match the one computed from the
// table's. It also checks that edge distances tell every character apart.
func TestCode128TableAgreesWithEncoder(t *testing.T) {
	byWidths := map[[6]uint8]int{}
	for v, w := range code128Widths {
		if _, dup := byWidths[w]; dup {
			t.Fatalf("value %d has the widths of another value", v)
		}
		byWidths[w] = v
		sum := 0
		for _, x := range w {
			sum += int(x)
		}
		if sum != 11 {
			t.Errorf("value %d is %d modules wide", v, sum)
		}
	}
	for v := range code128Widths {
		w := code128Widths[v]
		idx := 0
		for j := 0; j < 4; j++ {
			idx = idx*6 + int(w[j]+w[j+1]) - 2
		}
		if int(edgeTable[idx]) != v {
			t.Errorf("edge distances of value %d lead to %d", v, edgeTable[idx])
		}
	}

	texts := []string{
		" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_",
		"`abcdefghijklmnopqrstuvwxyz{|}~\x7f",
		"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f",
		"ab1234", "1234ab", "ab\x01cd", "\x01ab", "12345\x01", "x" + string(code128.FNC1) + "y",
		string(code128.FNC2) + "a" + string(code128.FNC3) + "b" + string(code128.FNC4) + "c",
		"\x01" + string(code128.FNC4) + "\x02", string(code128.FNC1) + "0101234567890128",
		"SEPARATOR", "HC26-000123-4",
	}
	for first := 0; first < 100; first += 25 { // every code set C value
		var b strings.Builder
		for v := first; v < first+25; v++ {
			b.WriteString(fmt.Sprintf("%02d", v))
		}
		texts = append(texts, b.String())
	}
	seen := map[int]bool{}
	for _, text := range texts {
		runs := encoderRuns(t, text)
		if len(runs)%6 != 1 {
			t.Fatalf("%d runs: not whole characters and a stop", len(runs))
		}
		var vals []int
		for i := 0; i+6 < len(runs); i += 6 {
			var w [6]uint8
			for j := range w {
				w[j] = uint8(runs[i+j])
			}
			v, ok := byWidths[w]
			if !ok {
				t.Fatalf("character %d of a test string has widths %v, not in the table", i/6, w)
			}
			vals = append(vals, v)
			seen[v] = true
		}
		if vals[len(vals)-1] != c128Stop || runs[len(runs)-1] != 2 {
			t.Fatalf("the symbol does not end in a stop character")
		}
		n := len(vals) - 2 // the check character
		if got := checkValue(vals[:n]); got != vals[n] {
			t.Errorf("check character %d from the table's values, the encoder wrote %d", got, vals[n])
		}
	}
	for v := range code128Widths {
		if !seen[v] && v != c128Shift { // the encoder never shifts
			t.Errorf("value %d not covered", v)
		}
	}
}

// renderSymbol prints text as a Code 128 symbol, module points wide, on a page just
// large enough for it and its quiet zones, and renders it at dpi.
func renderSymbol(t *testing.T, text string, module, dpi float64) *image.Gray {
	t.Helper()
	n, err := paper.Code128Modules(text)
	if err != nil {
		t.Fatal(err)
	}
	p := paper.NewPage()
	p.W, p.H = float64(n)*module+24*module+20, 90
	if _, err := p.Code128(12*module+10, 15, module, 60, text); err != nil {
		t.Fatal(err)
	}
	return p.Render(dpi)
}

// TestRoundTrip renders many random strings cleanly and reads them back: code set B text,
// digits (code set C), control characters (code set A) and mixtures, which make the
// encoder change code sets.
func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 3))
	const printable = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
	gen := map[string]func() string{
		"setB": func() string {
			b := make([]byte, 1+r.IntN(24))
			for i := range b {
				b[i] = printable[r.IntN(len(printable))]
			}
			return string(b)
		},
		"digits": func() string {
			b := make([]byte, 2+r.IntN(30))
			for i := range b {
				b[i] = byte('0' + r.IntN(10))
			}
			return string(b)
		},
		"mixed": func() string {
			var b strings.Builder
			for b.Len() < 6+r.IntN(14) {
				switch r.IntN(4) {
				case 0:
					for range 1 + r.IntN(7) {
						b.WriteByte(byte('0' + r.IntN(10)))
					}
				case 1:
					b.WriteByte(byte(r.IntN(32))) // control characters: code set A
				default:
					b.WriteByte(printable[r.IntN(len(printable))])
				}
			}
			return b.String()
		},
	}
	for name, g := range gen {
		t.Run(name, func(t *testing.T) {
			for i := 0; i < 25; i++ {
				text := g()
				module := 1 + r.Float64()
				dpi := []float64{300, 200, 204}[i%3]
				img := renderSymbol(t, text, module, dpi)
				syms := Scan(img, dpi)
				if len(syms) != 1 || syms[0].Kind != KindCode128 || syms[0].Text != text {
					t.Errorf("%d-character string at %.2f pt, %v dpi: read %d symbols (want exactly the string)", len(text), module, dpi, len(syms))
					continue
				}
				// The box holds the bars: from the quiet zone's end to the stop's end.
				b, s := syms[0].Box, dpi/72
				x0 := int((12*module + 10) * s)
				if d := b.Min.X - x0; d < -2 || d > 2 {
					t.Errorf("box %v starts at x %d, the bars at %d", b, b.Min.X, x0)
				}
				if b.Min.Y < int(15*s)-1 || b.Max.Y > int(75*s)+2 || b.Dy() < int(50*s) {
					t.Errorf("box %v does not span the bars (rows %d to %d)", b, int(15*s), int(75*s))
				}
			}
		})
	}
}

// drawn renders a symbol drawn from character values (check character included) at
// 300 dpi, two of them for a check that several symbols on one line are read.
func drawn(vals ...[]int) *image.Gray {
	p := paper.NewPage()
	p.W, p.H = 700, 100
	x := 20.0
	for _, v := range vals {
		x += drawValues(p, x, 20, 1.5, 60, v) + 30
	}
	return p.Render(300)
}

// withCheck appends the check character.
func withCheck(vals ...int) []int { return append(vals, checkValue(vals)) }

// TestCode128Sets reads symbols that the fixtures' encoder never writes: shifts, FNC4
// (ISO 8859-1 text), FNC1, and code set changes in both directions.
func TestCode128Sets(t *testing.T) {
	for _, tc := range []struct {
		name string
		vals []int
		want string
	}{
		{"shift B to A", withCheck(c128StartB, 'a'-32, c128Shift, 77, 'b'-32), "a\rb"},
		{"shift A to B", withCheck(c128StartA, 'A'-32, c128Shift, 'a'-32, 'B'-32), "AaB"},
		{"C then B", withCheck(c128StartC, 12, 34, 100, 'x'-32), "1234x"},
		{"C then A", withCheck(c128StartC, 1, 101, 65), "01\x01"},
		{"B then C then B", withCheck(c128StartB, 'H'-32, 'C'-32, c128CodeC, 26, 0, 100, '-'-32, '4'-32), "HC2600-4"},
		{"FNC4 once in B", withCheck(c128StartB, 'S'-32, 100, 'i'-32, 'a'-32), "S\u00e9a"},
		{"FNC4 latched in B", withCheck(c128StartB, 100, 100, '!'-32, 'a'-32, 100, 100, 'b'-32), "\u00a1\u00e1b"},
		{"FNC4 in A", withCheck(c128StartA, 101, 'A'-32), "\u00c1"},
		{"FNC1 first", withCheck(c128StartC, 102, 1, 23), "0123"},
		{"FNC1 later", withCheck(c128StartB, 'a'-32, 102, 'b'-32), "a\x1db"},
		{"FNC2 and FNC3 dropped", withCheck(c128StartB, 97, 'a'-32, 96, 'b'-32), "ab"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			syms := Scan(drawn(tc.vals), 300)
			if len(syms) != 1 || syms[0].Text != tc.want {
				t.Errorf("read %q, want %q", texts(syms), tc.want)
			}
		})
	}
	// Two symbols on the same rows are both read, left to right.
	syms := Scan(drawn(withCheck(c128StartB, 'A'-32), withCheck(c128StartB, 'B'-32)), 300)
	if !sameTexts(syms, "code128:A", "code128:B") {
		t.Errorf("two symbols side by side: read %q", texts(syms))
	}
}

// TestCode128Rejects makes symbols that must not be read: a wrong check character, a
// character changed after the check character was computed, no stop character, no quiet
// zone, a start character in the middle, a shift as the last character, and an empty one.
func TestCode128Rejects(t *testing.T) {
	good := withCheck(c128StartB, 'H'-32, 'C'-32, c128CodeC, 26, 0, 1, 23, 100, '-'-32, '4'-32)
	if syms := Scan(drawn(good), 300); len(syms) != 1 {
		t.Fatalf("the unchanged symbol is not read: %d symbols", len(syms))
	}
	wrongCheck := append([]int(nil), good...)
	wrongCheck[len(wrongCheck)-1] = (wrongCheck[len(wrongCheck)-1] + 1) % 103
	changed := append([]int(nil), good...)
	changed[2] = 'D' - 32

	for _, tc := range []struct {
		name string
		img  *image.Gray
	}{
		{"wrong check character", drawn(wrongCheck)},
		{"changed character", drawn(changed)},
		{"start in the middle", drawn(withCheck(c128StartB, 'a'-32, c128StartB, 'b'-32))},
		{"shift last", drawn(withCheck(c128StartB, 'a'-32, c128Shift))},
		{"no data", drawn(withCheck(c128StartB))},
		{"only a code set change", drawn(withCheck(c128StartB, c128CodeC))},
		{"no stop", func() *image.Gray {
			p := paper.NewPage()
			p.W, p.H = 400, 100
			x := 20.0
			for _, v := range good {
				for i, n := range code128Widths[v] {
					if i%2 == 0 {
						p.FillRect(x, 20, float64(n)*1.5, 60, 0)
					}
					x += float64(n) * 1.5
				}
			}
			return p.Render(300)
		}()},
		{"no quiet zone", func() *image.Gray {
			p := paper.NewPage()
			p.W, p.H = 400, 100
			p.FillRect(10, 20, 12, 60, 0)
			drawValues(p, 24, 20, 1.5, 60, good)
			return p.Render(300)
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if syms := Scan(tc.img, 300); len(syms) != 0 {
				t.Errorf("read %d symbols, want none", len(syms))
			}
		})
	}
}

// TestSingleLineIsNotEnough: a symbol whose bars are too short for two scan lines to cross
// them is not trusted.
func TestSingleLineIsNotEnough(t *testing.T) {
	p := paper.NewPage()
	p.W, p.H = 400, 100
	drawValues(p, 20, 20, 1.5, 0.5, withCheck(c128StartB, 'a'-32)) // 2 pixels tall at 300 dpi
	if syms := Scan(p.Render(300), 300); len(syms) != 0 {
		t.Errorf("read %d symbols from a 2-pixel-tall symbol", len(syms))
	}
}
