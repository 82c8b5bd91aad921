package barcode

import (
	"image"
	"math"
	"sort"
)

// patchNames maps a patch code's bars, read from its leading edge, to its name (Kodak
// A-61599).
var patchNames = map[string]string{
	"WWNN": "1",
	"WNNW": "2",
	"WNWN": "3",
	"NWWN": "4",
	"NNWW": "6",
	"NWNW": "T",
}

// segment is a long dark run on one scan line.
type segment struct {
	line   int // index of the line
	pos    int // the line's row or column
	a0, a1 float32
}

// bar is a long dark stripe: the segments of neighbouring scan lines that overlap.
type bar struct {
	a0, a1  float32 // extent along the scan lines
	am      float32 // where center is measured
	center  float64 // the stripe's middle across the lines at am
	slope   float64 // change of the middle per pixel along
	thick   float64 // median thickness across the lines, pixels
	regular bool    // the thickness was measured and is nearly the same along the stripe
}

func (b *bar) at(a float32) float64 { return b.center + b.slope*float64(a-b.am) }

// patches finds patch codes: stripes along the rows (horizontal bars) and along the
// columns (vertical bars). up is the side of the image where the page's top edge is
// (0 top, 1 right, 2 bottom, 3 left).
func (s *scanner) patches(rows, cols []line, up int) []Symbol {
	var out []Symbol
	out = append(out, s.patchesAlong(rows, false, up == 0 || up == 3)...)
	out = append(out, s.patchesAlong(cols, true, up == 2 || up == 3)...)
	sortSymbols(out)
	return out
}

// patchesAlong finds patches whose bars run along the given lines; ascending says whether
// the leading edge is at the low end of the across coordinate.
func (s *scanner) patchesAlong(lines []line, isCol bool, ascending bool) []Symbol {
	minLen := float32(0.6 * s.dpi)
	mergeGap := float32(math.Max(2, s.dpi/100))
	var segs []segment
	for li, ln := range lines {
		e := ln.edges
		for k := 0; k+1 < len(e); k += 2 {
			a0, a1 := e[k], e[k+1]
			// A pinhole or a fax line error can split a bar: bridge small gaps.
			for k+3 < len(e) && e[k+2]-a1 <= mergeGap {
				k += 2
				a1 = e[k+1]
			}
			if a1-a0 >= minLen {
				segs = append(segs, segment{line: li, pos: ln.pos, a0: a0, a1: a1})
			}
		}
	}
	if len(segs) == 0 {
		return nil
	}

	// Join the segments of neighbouring lines that overlap. segs is sorted by line; a
	// line between two may be missing (a fax line error broke its run into short pieces).
	parent := make([]int, len(segs))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	first := map[int]int{} // line index -> index of its first segment
	for i := len(segs) - 1; i >= 0; i-- {
		first[segs[i].line] = i
	}
	for i, sg := range segs {
		for back := 1; back <= 2; back++ {
			j, ok := first[sg.line-back]
			if !ok {
				continue
			}
			for ; j < len(segs) && segs[j].line == sg.line-back; j++ {
				if overlap(sg.a0, sg.a1, segs[j].a0, segs[j].a1) > 0 {
					parent[find(i)] = find(j)
				}
			}
		}
	}
	comps := map[int][]segment{}
	var roots []int
	for i := range segs {
		r := find(i)
		if _, ok := comps[r]; !ok {
			roots = append(roots, r)
		}
		comps[r] = append(comps[r], segs[i])
	}
	bars := make([]*bar, 0, len(roots))
	for _, r := range roots {
		bars = append(bars, s.measureBar(comps[r], isCol))
	}
	// A piece of a stripe that did not join the rest is dropped.
	sort.Slice(bars, func(i, j int) bool { return bars[i].a1-bars[i].a0 > bars[j].a1-bars[j].a0 })
	kept := bars[:0]
	for _, b := range bars {
		piece := false
		for _, k := range kept {
			if overlap(b.a0, b.a1, k.a0, k.a1) > 0 {
				m := (max(b.a0, k.a0) + min(b.a1, k.a1)) / 2
				if math.Abs(b.at(m)-k.at(m)) < k.thick/2 {
					piece = true
					break
				}
			}
		}
		if !piece {
			kept = append(kept, b)
		}
	}
	bars = kept
	sort.Slice(bars, func(i, j int) bool { return bars[i].at(bars[i].am) < bars[j].at(bars[j].am) })

	// Link each bar to its nearest parallel neighbour on either side when the two are
	// spaced as a patch's bars are and nothing lies between them; a chain of exactly four
	// regular bars with nothing next to its outer bars is a patch. A neighbour too close,
	// or ink in the space (the thin bars of a skewed Code 128 symbol are too short on a
	// scan line to be taken for bars), blocks the chain.
	const (
		none = iota
		linked
		blocked
	)
	neighbour := func(i, dir int) (int, int) {
		best, bestD := -1, math.Inf(1)
		for j := range bars {
			if j == i {
				continue
			}
			a, b := bars[i], bars[j]
			ov := overlap(a.a0, a.a1, b.a0, b.a1)
			if ov < 0.5*min(a.a1-a.a0, b.a1-b.a0) || math.Abs(a.slope-b.slope) > 0.035 {
				continue
			}
			m := (max(a.a0, b.a0) + min(a.a1, b.a1)) / 2
			d := (b.at(m) - a.at(m)) * float64(dir)
			if d > 0 && d < bestD {
				best, bestD = j, d
			}
		}
		if best < 0 {
			return -1, none
		}
		a, b := bars[i], bars[best]
		gap := bestD - (a.thick+b.thick)/2
		switch {
		case gap > 3*math.Max(a.thick, b.thick):
			return -1, none
		case gap < 0.3*math.Min(a.thick, b.thick):
			return best, blocked
		}
		a0, a1 := max(a.a0, b.a0), min(a.a1, b.a1)
		from := func(x float32) float64 { return a.at(x) + float64(dir)*a.thick/2 }
		if !s.clear(isCol, a0, a1, from, dir, gap) {
			return best, blocked
		}
		return best, linked
	}
	next := make([]int, len(bars))
	prev := make([]int, len(bars))
	nextKind := make([]int, len(bars))
	prevKind := make([]int, len(bars))
	for i := range bars {
		next[i], nextKind[i] = neighbour(i, 1)
		prev[i], prevKind[i] = neighbour(i, -1)
	}
	isLink := func(i int) bool { // bar i is linked to the next one, and it to i
		j := next[i]
		return nextKind[i] == linked && prev[j] == i && prevKind[j] == linked
	}
	var out []Symbol
	for i := range bars {
		if prevKind[i] != none {
			continue // not the first bar of a chain
		}
		chain := []int{i}
		for c := i; isLink(c) && len(chain) <= 4; c = next[c] {
			chain = append(chain, next[c])
		}
		if len(chain) != 4 || nextKind[chain[3]] != none {
			continue
		}
		// A quiet zone as wide as the widest bar on both sides.
		w := 0.0
		for _, c := range chain {
			w = math.Max(w, bars[c].thick)
		}
		first, last := bars[chain[0]], bars[chain[3]]
		if !s.clear(isCol, first.a0, first.a1, func(x float32) float64 { return first.at(x) - first.thick/2 }, -1, w) ||
			!s.clear(isCol, last.a0, last.a1, func(x float32) float64 { return last.at(x) + last.thick/2 }, 1, w) {
			continue
		}
		if sym, ok := s.patchSymbol(bars, chain, isCol, ascending); ok {
			out = append(out, sym)
		}
	}
	return out
}

// clear reports whether the space beside a stripe is free of ink: from the stripe's edge,
// from(a) across the lines, for dist pixels in direction dir, between a0 and a1 along the
// lines. It looks across every few pixels along; a speck, a fax line error or a streak
// crossing the space here and there is allowed, a word is not.
func (s *scanner) clear(isCol bool, a0, a1 float32, from func(float32) float64, dir int, dist float64) bool {
	margin := math.Max(2, s.dpi/150)
	// Ink is a run at least 1.5 pt across: a glyph's stem, not a speck, nor a fax line
	// error (a damaged scan line, doubled in a normal fax).
	minInk := max(3, int(math.Round(1.5*s.dpi/72)))
	dirty, n := 0, 0
	for a := a0 + 0.02*(a1-a0); a < a1-0.02*(a1-a0); a += float32(s.step) {
		n++
		along := int(a)
		run := 0
		for d := margin; d < dist-margin; d++ {
			across := int(math.Round(from(a) + float64(dir)*d))
			var ink bool
			if isCol {
				ink = s.dark(across, along)
			} else {
				ink = s.dark(along, across)
			}
			if !ink {
				run = 0
				continue
			}
			if run++; run >= minInk {
				dirty++
				break
			}
		}
	}
	return dirty <= 2+n/50
}

// measureBar measures a stripe's thickness and middle by walking across it from its
// segments at several places along it.
func (s *scanner) measureBar(segs []segment, isCol bool) *bar {
	b := &bar{a0: segs[0].a0, a1: segs[0].a1}
	for _, sg := range segs {
		b.a0, b.a1 = min(b.a0, sg.a0), max(b.a1, sg.a1)
	}
	b.am = (b.a0 + b.a1) / 2
	b.center = float64(segs[0].pos)
	dark := func(along, across int) bool {
		if isCol {
			return s.dark(across, along)
		}
		return s.dark(along, across)
	}
	// Fax line errors and specks leave light pixels in a bar: a walk goes on over a gap
	// this short.
	maxGap := max(2, int(math.Round(s.dpi/100)))
	walk := func(along, from, dir int) int {
		last, gap := from, 0
		for p := from + dir; gap <= maxGap; p += dir {
			if dark(along, p) {
				last, gap = p, 0
			} else {
				gap++
			}
			if p < -1 || p > s.w+s.h {
				break
			}
		}
		return last
	}
	const samples = 9
	var as, cs, ts []float64
	for i := 0; i < samples; i++ {
		a := b.a0 + (b.a1-b.a0)*(0.1+0.8*float32(i)/(samples-1))
		along := int(a)
		from := -1
		for _, sg := range segs {
			if sg.a0 <= a && a < sg.a1 {
				for _, d := range []int{0, -1, 1, -2, 2} {
					if dark(along, sg.pos+d) {
						from = sg.pos + d
						break
					}
				}
				if from >= 0 {
					break
				}
			}
		}
		if from < 0 {
			continue
		}
		lo, hi := walk(along, from, -1), walk(along, from, 1)
		as = append(as, float64(a))
		cs = append(cs, float64(lo+hi)/2)
		ts = append(ts, float64(hi-lo+1))
	}
	if len(ts) < 5 {
		b.thick = float64(s.step)
		return b
	}
	sorted := append([]float64(nil), ts...)
	sort.Float64s(sorted)
	b.thick = sorted[len(sorted)/2]
	near := 0
	for _, t := range ts {
		if inlier(t, b.thick) {
			near++
		}
	}
	b.regular = near*10 >= len(ts)*7
	// The middle line: least squares over the samples whose thickness is near the median
	// (a walk that ran along a streak into the next bar measured nothing useful).
	var ma, mc, n float64
	for i := range as {
		if inlier(ts[i], b.thick) {
			ma += as[i]
			mc += cs[i]
			n++
		}
	}
	ma /= n
	mc /= n
	var saa, sac float64
	for i := range as {
		if inlier(ts[i], b.thick) {
			saa += (as[i] - ma) * (as[i] - ma)
			sac += (as[i] - ma) * (cs[i] - mc)
		}
	}
	b.am, b.center = float32(ma), mc
	if saa > 0 {
		b.slope = sac / saa
	}
	return b
}

// inlier reports whether a thickness measured across a stripe agrees with its median.
func inlier(t, median float64) bool { return t >= 0.75*median && t <= 1.35*median }

// patchSymbol checks four stacked bars for a patch code's proportions and names it.
func (s *scanner) patchSymbol(bars []*bar, chain []int, isCol, ascending bool) (Symbol, bool) {
	pt := s.dpi / 72
	var ts []float64
	var maxLen, minLen float32
	for i, c := range chain {
		b := bars[c]
		if !b.regular || b.thick < 3*pt || b.thick > 0.35*s.dpi {
			return Symbol{}, false
		}
		l := b.a1 - b.a0
		if i == 0 {
			maxLen, minLen = l, l
		}
		maxLen, minLen = max(maxLen, l), min(minLen, l)
		ts = append(ts, b.thick)
	}
	if minLen < 0.6*maxLen {
		return Symbol{}, false
	}
	sorted := append([]float64(nil), ts...)
	sort.Float64s(sorted)
	if sorted[2] < 1.4*sorted[1] || sorted[1] > 1.35*sorted[0] || sorted[3] > 1.35*sorted[2] {
		return Symbol{}, false
	}
	split := (sorted[1] + sorted[2]) / 2
	pattern := make([]byte, 4)
	for i, t := range ts {
		j := i
		if !ascending {
			j = 3 - i
		}
		pattern[j] = 'N'
		if t > split {
			pattern[j] = 'W'
		}
	}
	name, ok := patchNames[string(pattern)]
	if !ok {
		return Symbol{}, false
	}
	// The box: every bar's ends, out to half its thickness on both sides.
	lo, hi := math.Inf(1), math.Inf(-1)
	a0, a1 := float32(math.Inf(1)), float32(math.Inf(-1))
	for _, c := range chain {
		b := bars[c]
		for _, a := range []float32{b.a0, b.a1} {
			lo = math.Min(lo, b.at(a)-b.thick/2)
			hi = math.Max(hi, b.at(a)+b.thick/2)
		}
		a0, a1 = min(a0, b.a0), max(a1, b.a1)
	}
	r := image.Rect(int(math.Floor(float64(a0))), int(math.Floor(lo)), int(math.Ceil(float64(a1))), int(math.Ceil(hi)))
	if isCol {
		r = image.Rect(r.Min.Y, r.Min.X, r.Max.Y, r.Max.X)
	}
	return Symbol{Kind: KindPatch, Text: name, Pattern: string(pattern), Box: r.Intersect(image.Rect(0, 0, s.w, s.h))}, true
}
