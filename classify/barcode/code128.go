package barcode

import (
	"image"
	"math"
	"sort"
)

// Code 128 character values with a meaning of their own.
const (
	c128Shift  = 98
	c128CodeC  = 99
	c128StartA = 103
	c128StartB = 104
	c128StartC = 105
	c128Stop   = 106
)

// quietModules is the least quiet zone, in modules, accepted before and after a symbol.
const quietModules = 5

// edgeTable maps a character's four edge-to-similar-edge distances (each 2 to 7 modules,
// as base-6 digits of 2..7 less 2) to its value, or -1.
var edgeTable = func() [6 * 6 * 6 * 6]int8 {
	var t [6 * 6 * 6 * 6]int8
	for i := range t {
		t[i] = -1
	}
	for v, w := range code128Widths {
		idx := 0
		for j := 0; j < 4; j++ {
			idx = idx*6 + int(w[j]+w[j+1]) - 2
		}
		t[idx] = int8(v)
	}
	return t
}()

// decodeChar returns the value of the character whose six run widths (bar first) are r,
// or -1. p is the sum of r.
func decodeChar(r []float32, p float32) int {
	k := 11 / p
	idx := 0
	for j := 0; j < 4; j++ {
		e := int((r[j]+r[j+1])*k + 0.5)
		if e < 2 || e > 7 {
			return -1
		}
		idx = idx*6 + e - 2
	}
	v := int(edgeTable[idx])
	if v < 0 {
		return -1
	}
	// The edge distances alone decide the character; the bars' total width, which ink
	// spread shifts, only has to be near the character's.
	w := code128Widths[v]
	want := float32(w[0] + w[2] + w[4])
	if d := (r[0]+r[2]+r[4])*k - want; d > 1.75 || d < -1.75 {
		return -1
	}
	return v
}

// read128 is one scan line's reading of one symbol.
type read128 struct {
	text   string
	cols   bool    // read along a column
	rev    bool    // read against the line's direction (right to left, or upwards)
	pos    int     // the line's row or column
	a0, a1 float32 // where the symbol's bars start and end along the line
}

// decodeLine reads every Code 128 symbol on one line's edges, reading from low to high
// positions; length is the line's length in pixels.
func decodeLine(line []float32, length float32, emit func(text string, a0, a1 float32)) {
	var vals []int
	var clean []float32
	for k := 0; k+13 < len(line); k += 2 {
		var q float32
		if k == 0 {
			q = line[0]
		} else {
			q = line[k] - line[k-1]
		}
		r := widths(line[k : k+7])
		p := sum6(r)
		if q < quietModules*p/11 {
			continue
		}
		start := decodeChar(r[:], p)
		if start < c128StartA || start > c128StartC {
			continue
		}
		vals = append(vals[:0], start)
		end := float32(-1)
		prev := p
		// Runs far narrower than a module are not part of the symbol (a streak down the
		// page, a speck): merge them into their neighbours.
		clean = despeckle(append(clean[:0], line[k:]...), 0.4*p/11)
		e := clean
		for j := 6; j+7 < len(e); j += 6 {
			r := widths(e[j : j+7])
			pc := sum6(r)
			if pc < 0.75*prev || pc > 1.33*prev {
				break
			}
			v := decodeChar(r[:], pc)
			if v < 0 || (v >= c128StartA && v <= c128StartC) {
				break
			}
			if v == c128Stop {
				m := pc / 11
				if fb := e[j+7] - e[j+6]; fb < m || fb > 3.3*m {
					break
				}
				after := length - e[j+7]
				if j+8 < len(e) {
					after = e[j+8] - e[j+7]
				}
				if after >= quietModules*m {
					end = e[j+7]
				}
				break
			}
			vals = append(vals, v)
			prev = pc
		}
		if end < 0 || len(vals) < 3 {
			continue
		}
		n := len(vals) - 1 // the check character
		sum := vals[0]
		for i := 1; i < n; i++ {
			sum += i * vals[i]
		}
		if sum%103 != vals[n] {
			continue
		}
		text, ok := code128Text(vals[:n])
		if !ok {
			continue
		}
		emit(text, e[0], end)
		// Go on after this symbol's stop character.
		for k+2 < len(line) && line[k+2] <= end {
			k += 2
		}
	}
}

func widths(e []float32) [6]float32 {
	var r [6]float32
	for i := range r {
		r[i] = e[i+1] - e[i]
	}
	return r
}

func sum6(r [6]float32) float32 { return r[0] + r[1] + r[2] + r[3] + r[4] + r[5] }

// code128Text turns a symbol's character values (start character first, without the check
// character) into text, or reports false for a sequence no encoder writes.
func code128Text(vals []int) (string, bool) {
	set := byte('A' + vals[0] - c128StartA)
	var out []rune
	shifted := false
	// FNC4 as ISO/IEC 15417 has it: one FNC4 sets the high bit of the next data character;
	// two in a row switch that on (or back off) for the characters that follow.
	upper, lastFNC4 := false, false
	put := func(c int) {
		if upper != lastFNC4 {
			c += 128
		}
		lastFNC4 = false
		out = append(out, rune(c))
	}
	for i, v := range vals[1:] {
		cur := set
		if shifted {
			cur = 'A' + 'B' - set
			shifted = false
		}
		if v == 102 { // FNC1: a GS1 marker in the first position, a field separator elsewhere
			if i > 0 {
				out = append(out, 0x1d)
			}
			continue
		}
		switch cur {
		case 'C':
			switch {
			case v < 100:
				out = append(out, rune('0'+v/10), rune('0'+v%10))
			case v == 100:
				set = 'B'
			case v == 101:
				set = 'A'
			default:
				return "", false
			}
		default:
			fnc4 := (cur == 'A' && v == 101) || (cur == 'B' && v == 100)
			switch {
			case v < 64:
				put(v + 32)
			case v < 96 && cur == 'A':
				put(v - 64)
			case v < 96:
				put(v + 32)
			case v == 96 || v == 97: // FNC3, FNC2: reader instructions, not text
			case v == c128Shift:
				if i == len(vals)-2 {
					return "", false
				}
				shifted = true
			case v == c128CodeC:
				set = 'C'
			case fnc4:
				if lastFNC4 {
					upper, lastFNC4 = !upper, false
				} else {
					lastFNC4 = true
				}
			case v == 100:
				set = 'B'
			case v == 101:
				set = 'A'
			default:
				return "", false
			}
		}
	}
	if len(out) == 0 {
		return "", false
	}
	return string(out), true
}

// code128 reads the Code 128 symbols on the page's scan lines, keeps those that at least
// two neighbouring lines agree on, and returns them with the page's top edge as the
// symbols show it (0 top, 1 right, 2 bottom, 3 left; 0 without symbols).
func (s *scanner) code128(rows, cols []line) ([]Symbol, int) {
	var reads []read128
	scan := func(lines []line, isCol bool, length int) {
		rev := make([]float32, 0, 64)
		L := float32(length)
		for _, ln := range lines {
			decodeLine(ln.edges, L, func(text string, a0, a1 float32) {
				reads = append(reads, read128{text: text, cols: isCol, pos: ln.pos, a0: a0, a1: a1})
			})
			rev = rev[:0]
			for i := len(ln.edges) - 1; i >= 0; i-- {
				rev = append(rev, L-ln.edges[i])
			}
			decodeLine(rev, L, func(text string, a0, a1 float32) {
				reads = append(reads, read128{text: text, cols: isCol, rev: true, pos: ln.pos, a0: L - a1, a1: L - a0})
			})
		}
	}
	scan(rows, false, s.w)
	scan(cols, true, s.h)
	if len(reads) == 0 {
		return nil, 0
	}

	// Group the readings of one symbol: same text, direction and orientation, overlapping
	// along the lines, on lines no more than a quarter inch apart.
	type group struct {
		read128
		p0, p1 int
		n      int
	}
	sort.SliceStable(reads, func(i, j int) bool { return reads[i].pos < reads[j].pos })
	gap := int(s.dpi / 4)
	var groups []*group
	for _, r := range reads {
		var g *group
		for _, c := range groups {
			if c.text == r.text && c.cols == r.cols && c.rev == r.rev && r.pos-c.p1 <= gap &&
				overlap(c.a0, c.a1, r.a0, r.a1) >= 0.5*(r.a1-r.a0) {
				g = c
				break
			}
		}
		if g == nil {
			groups = append(groups, &group{read128: r, p0: r.pos, p1: r.pos, n: 1})
			continue
		}
		g.p1, g.n = r.pos, g.n+1
		g.a0, g.a1 = min(g.a0, r.a0), max(g.a1, r.a1)
	}
	box := func(g *group) image.Rectangle {
		a0, a1 := int(math.Floor(float64(g.a0))), int(math.Ceil(float64(g.a1)))
		p0, p1 := g.p0-s.step/2, g.p1+s.step-s.step/2
		if g.cols {
			return image.Rect(p0, a0, p1, a1).Intersect(image.Rect(0, 0, s.w, s.h))
		}
		return image.Rect(a0, p0, a1, p1).Intersect(image.Rect(0, 0, s.w, s.h))
	}
	var keep []*group
	for _, g := range groups {
		if g.n >= 2 {
			keep = append(keep, g)
		}
	}
	// Where two texts were read in one place, the one more lines agree on wins; a tie is
	// a symbol that cannot be trusted.
	var out []Symbol
	votes := [4]int{}
	for _, g := range keep {
		b, ok := box(g), true
		for _, o := range keep {
			if o != g && o.text != g.text && !b.Intersect(box(o)).Empty() && o.n >= g.n {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		merged := false
		for i := range out {
			if out[i].Text == g.text && !out[i].Box.Intersect(b).Empty() {
				out[i].Box, merged = out[i].Box.Union(b), true
			}
		}
		if !merged {
			out = append(out, Symbol{Kind: KindCode128, Text: g.text, Box: b})
		}
		up := 0
		switch {
		case g.cols && !g.rev:
			up = 1 // read downwards: the page was turned clockwise, its top is on the right
		case g.cols:
			up = 3
		case g.rev:
			up = 2
		}
		votes[up] += g.n
	}
	sortSymbols(out)
	up := 0
	for i, v := range votes {
		if v > votes[up] {
			up = i
		}
	}
	return out, up
}

func overlap(a0, a1, b0, b1 float32) float32 {
	return min(a1, b1) - max(a0, b0)
}

func sortSymbols(syms []Symbol) {
	sort.SliceStable(syms, func(i, j int) bool {
		a, b := syms[i].Box.Min, syms[j].Box.Min
		if a.Y != b.Y {
			return a.Y < b.Y
		}
		return a.X < b.X
	})
}
