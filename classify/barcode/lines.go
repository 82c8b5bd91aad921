package barcode

import (
	"image"
	"math"
)

// scanner holds one page and what Scan derived from it.
type scanner struct {
	img    *image.Gray
	w, h   int
	t      int     // a pixel is dark when its value is below t
	dpi    float64 // pixels per inch
	step   int     // pixels between scan lines
	minRun float32 // runs shorter than this (pixels) are noise
}

// line is one scan line: a row (pos is y, positions along it are x) or a column (pos is
// x, positions along it are y). edges holds where the line changes between light and
// dark, in pixels with sub-pixel precision; it starts light (outside the image counts as
// light), so even indices are where bars start and odd ones where they end.
type line struct {
	pos   int
	edges []float32
}

func newScanner(img *image.Gray, dpi float64) *scanner {
	s := &scanner{img: img, w: img.Rect.Dx(), h: img.Rect.Dy(), dpi: dpi}
	s.t = threshold(img)
	s.step = max(1, int(math.Round(dpi/100)))
	s.minRun = float32(math.Max(1.05, dpi/280))
	return s
}

// threshold picks the grey level that separates ink from paper: Otsu's threshold over a
// sample of the pixels, or the middle grey when the page has no contrast worth the name
// (a blank grey scan, which Otsu would split in its noise).
func threshold(img *image.Gray) int {
	var hist [256]int
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := 0; y < h; y += 4 {
		row := img.Pix[y*img.Stride : y*img.Stride+w]
		for x := 0; x < w; x += 3 {
			hist[row[x]]++
		}
	}
	total, sum := 0, 0
	for v, n := range hist {
		total += n
		sum += v * n
	}
	// Where several thresholds separate the classes equally well (a bilevel image: every
	// level from 1 to 255), take the middle one.
	best, last, bestVar := 128, 128, -1.0
	n0, s0 := 0, 0
	var m0, m1 float64
	for t := 1; t < 256; t++ {
		n0 += hist[t-1]
		s0 += (t - 1) * hist[t-1]
		n1 := total - n0
		if n0 == 0 || n1 == 0 {
			continue
		}
		a, b := float64(s0)/float64(n0), float64(sum-s0)/float64(n1)
		v := float64(n0) * float64(n1) * (a - b) * (a - b)
		switch {
		case v > bestVar*(1+1e-9):
			best, last, bestVar, m0, m1 = t, t, v, a, b
		case v >= bestVar*(1-1e-9):
			last = t
		}
	}
	if bestVar < 0 || m1-m0 < 80 {
		return 128
	}
	best = (best + last) / 2
	// Otsu's threshold sits between the two classes' means; keep it away from the extremes
	// so that faint paper texture or a very dark scan does not end up as ink.
	return min(max(best, 60), 200)
}

// crossing returns where, between the pixel before (value a) and the pixel at i (value
// b), the grey level passes t, taking pixel centres at i+0.5.
func crossing(i, a, b, t int) float32 {
	if a == b {
		return float32(i)
	}
	return float32(i) - 0.5 + float32(t-a)/float32(b-a)
}

// rowLines returns every step-th row's edges.
func (s *scanner) rowLines() []line {
	var lines []line
	pix, stride, t := s.img.Pix, s.img.Stride, s.t
	for y := s.step / 2; y < s.h; y += s.step {
		row := pix[y*stride : y*stride+s.w]
		var edges []float32
		dark, prev := false, 255
		for i, v := range row {
			if d := int(v) < t; d != dark {
				edges = append(edges, crossing(i, prev, int(v), t))
				dark = d
			}
			prev = int(v)
		}
		if dark {
			edges = append(edges, float32(s.w))
		}
		lines = append(lines, line{pos: y, edges: despeckle(edges, s.minRun)})
	}
	return lines
}

// colLines returns every step-th column's edges, reading the image row by row.
func (s *scanner) colLines() []line {
	n := (s.w - s.step/2 + s.step - 1) / s.step
	xs := make([]int, n)
	for i := range xs {
		xs[i] = s.step/2 + i*s.step
	}
	edges := make([][]float32, n)
	dark := make([]bool, n)
	prev := make([]int, n)
	for i := range prev {
		prev[i] = 255
	}
	pix, stride, t := s.img.Pix, s.img.Stride, s.t
	for y := 0; y < s.h; y++ {
		row := pix[y*stride : y*stride+s.w]
		for c, x := range xs {
			v := int(row[x])
			if d := v < t; d != dark[c] {
				edges[c] = append(edges[c], crossing(y, prev[c], v, t))
				dark[c] = d
			}
			prev[c] = v
		}
	}
	lines := make([]line, n)
	for c, x := range xs {
		if dark[c] {
			edges[c] = append(edges[c], float32(s.h))
		}
		lines[c] = line{pos: x, edges: despeckle(edges[c], s.minRun)}
	}
	return lines
}

// despeckle removes runs shorter than min (a speck of dust in a space, a pinhole in a
// bar, a thin streak) by merging them into their neighbours. It works in place.
func despeckle(e []float32, min float32) []float32 {
	out := e[:0]
	for _, x := range e {
		if n := len(out); n > 0 && x-out[n-1] < min {
			out = out[:n-1]
			continue
		}
		out = append(out, x)
	}
	return out
}

// dark reports whether the pixel at (x, y) is ink; outside the image is paper.
func (s *scanner) dark(x, y int) bool {
	if x < 0 || y < 0 || x >= s.w || y >= s.h {
		return false
	}
	return int(s.img.Pix[y*s.img.Stride+x]) < s.t
}
