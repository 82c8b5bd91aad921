package omr

import (
	"image"
	"math"
)

// maxLineSlope is the steepest a printed line may run: about 0.6°, the residual skew of a
// straightened page and a little more.
const maxLineSlope = 0.0105

// Ink returns the fraction of r that is ink, 0..1: for a signature area, whether something
// was written there. Straight lines that run across much of r (a signature line, the sides
// of a box, a scanner streak) are not counted: nearly level ones at least a third of r's
// width long, nearly upright ones at least half its height. Printed text inside r is
// counted, so r should leave out a box's caption.
func Ink(img *image.Gray, r image.Rectangle) float64 {
	if img == nil {
		return 0
	}
	r = r.Intersect(img.Rect)
	if r.Empty() {
		return 0
	}
	bm := binarize(img, r)
	removeLines(bm, 0.5, 0)
	n := 0
	for _, v := range bm.pix {
		n += int(v)
	}
	return float64(n) / float64(bm.w*bm.h)
}

// removeLines clears the ink of straight lines from the bitmap: level ones at least a third
// of its width long, upright ones at least the fraction upright of its height.
func removeLines(bm *bitmap, upright, fill float64) {
	var xs, ys []int32
	for y := 0; y < bm.h; y++ {
		for x, v := range bm.pix[y*bm.w : (y+1)*bm.w] {
			if v == 1 {
				xs, ys = append(xs, int32(x)), append(ys, int32(y))
			}
		}
	}
	if len(xs) == 0 {
		return
	}
	gone := make([]bool, len(xs))
	clearLines(xs, ys, bm.w, bm.h, 0.35, fill, gone)    // level lines: along x, offset in y
	clearLines(ys, xs, bm.h, bm.w, upright, fill, gone) // upright lines: along y, offset in x
	for i, g := range gone {
		if g {
			bm.pix[int(ys[i])*bm.w+int(xs[i])] = 0
		}
	}
}

// minLineFill is the least share of its length a line's pixels cover where text written on
// the lines is to be read (Clean). Where ink is measured (Ink), any row holding as many
// pixels goes: a row of printed text at the edge of a signature area is no signature.
const minLineFill = 0.7

// clearLines finds straight lines along one axis (n pixels long) among the ink pixels
// (along[i], across[i]) not yet gone, across the other axis (m pixels): it projects the
// pixels along every slope up to maxLineSlope and takes the slope with the highest peak; the
// bins there holding at least frac*n pixels are lines, and the bins beside them (within two)
// holding a tenth of that their soft or stepped edges. Their pixels are marked gone, and the search repeats for lines at other slopes.
func clearLines(along, across []int32, n, m int, frac, fill float64, gone []bool) {
	need := int(math.Ceil(frac * float64(n)))
	if need < 10 {
		return
	}
	// Slopes in steps of half a pixel over the length: kk/(2n) for kk in -k2..k2.
	k2 := int(math.Ceil(maxLineSlope * float64(2*n)))
	k := k2/2 + 1
	size := m + 2*k + 1
	hist := make([]int32, size)
	// bin is across - slope*along, shifted to be non-negative.
	bin := func(i, kk int) int {
		return int(across[i]) - int(math.Round(float64(kk)*float64(along[i])/float64(2*n))) + k
	}
	project := func(kk int) {
		clear(hist)
		for i := range along {
			if !gone[i] {
				hist[bin(i, kk)]++
			}
		}
	}
	for round := 0; round < 4; round++ {
		bestPeak, bestK := int32(-1), 0
		for kk := -k2; kk <= k2; kk++ {
			project(kk)
			for _, c := range hist {
				if c > bestPeak || (c == bestPeak && abs(kk) < abs(bestK)) {
					bestPeak, bestK = c, kk
				}
			}
		}
		if int(bestPeak) < need {
			return
		}
		project(bestK)
		line := make([]bool, size)
		type extent struct{ lo, hi, n int32 }
		spans := map[int]*extent{}
		for b, c := range hist {
			if int(c) >= need {
				line[b] = true
				spans[b] = &extent{lo: math.MaxInt32, hi: -1}
			}
		}
		// A line is ink nearly all along its length, its breaks short (a fax's dropped
		// pixels make a rule of dashes). A row of text across the area (the middle of a
		// line of letters written on a rule) holds as many pixels, in short pieces with
		// white between, and must stay.
		for i := range along {
			if e, ok := spans[bin(i, bestK)]; ok && !gone[i] {
				e.lo, e.hi, e.n = min(e.lo, along[i]), max(e.hi, along[i]), e.n+1
			}
		}
		found := false
		for b, e := range spans {
			if float64(e.n) < fill*float64(e.hi-e.lo+1) {
				line[b] = false
			} else {
				found = true
			}
		}
		if !found {
			return
		}
		edge := make([]bool, size)
		for b, c := range hist {
			if line[b] || int(c)*10 < need {
				continue
			}
			for d := -2; d <= 2; d++ {
				if b+d >= 0 && b+d < size && line[b+d] {
					edge[b] = true
				}
			}
		}
		for i := range along {
			if b := bin(i, bestK); !gone[i] && (line[b] || edge[b]) {
				gone[i] = true
			}
		}
	}
}

// Clean returns the part r of img with its straight lines (rules across a third of its
// width, a box's sides down most of its height) painted white, so that what was written on
// them can be read, and the fraction of r that is ink left. The image returned keeps img's
// coordinates (its Rect is r within img). struck says whether a line ran through what is
// written: strokes were put back across it (minStruckColumns columns or more).
func Clean(img *image.Gray, r image.Rectangle) (clean *image.Gray, ink float64, struck bool) {
	r = r.Intersect(img.Rect)
	if r.Empty() {
		return nil, 0, false
	}
	bm := binarize(img, r)
	before := append([]uint8(nil), bm.pix...)
	// A box's sides run its whole height; a tall letter ("l", "d") in a short area can
	// reach half of it, and must stay.
	removeLines(bm, 0.8, minLineFill)
	struck = repairStrokes(bm, before) >= minStruckColumns
	// The removed lines are painted white with their grey fringes (a pixel above or below
	// them lighter than the ink), which would otherwise be read as a line again; the rest
	// keeps its greys, which carry thin strokes.
	out := image.NewGray(r)
	for y := 0; y < bm.h; y++ {
		copy(out.Pix[y*out.Stride:][:bm.w], img.Pix[img.PixOffset(r.Min.X, r.Min.Y+y):][:bm.w])
	}
	n := 0
	for i, v := range bm.pix {
		if v == 1 {
			n++
			continue
		}
		if before[i] == 0 {
			continue
		}
		x, y := i%bm.w, i/bm.w
		out.Pix[y*out.Stride+x] = 255
		for _, d := range []int{-2, -1, 1, 2} {
			if yy := y + d; yy >= 0 && yy < bm.h && bm.pix[yy*bm.w+x] == 0 {
				out.Pix[yy*out.Stride+x] = 255
			}
		}
	}
	return out, float64(n) / float64(bm.w*bm.h), struck
}

// minStruckColumns is how many columns of strokes put back across a line make a line
// through writing, not a speck touching it.
const minStruckColumns = 3

// repairStrokes puts back the ink removeLines took where a letter's stroke meets a line
// (a value typed through its rule): in each column, a run of removed pixels with ink
// right above and right below it (a stroke across the line); and, in the rows beside a
// line that removeLines took as its soft edges (rows of few removed pixels), a short run
// with ink right above or right below it (a letter standing on the line, or hanging from
// it), down or up to the line's own rows.
func repairStrokes(bm *bitmap, before []uint8) (across int) {
	// A line's own rows: a quarter of their width or more was removed.
	lineRow := make([]bool, bm.h)
	for y := 0; y < bm.h; y++ {
		n := 0
		for x := 0; x < bm.w; x++ {
			if before[y*bm.w+x] == 1 && bm.pix[y*bm.w+x] == 0 {
				n++
			}
		}
		lineRow[y] = 4*n >= bm.w
	}
	for x := 0; x < bm.w; x++ {
		for y := 0; y < bm.h; {
			if before[y*bm.w+x] == 0 || bm.pix[y*bm.w+x] == 1 {
				y++
				continue
			}
			end := y
			for end < bm.h && before[end*bm.w+x] == 1 && bm.pix[end*bm.w+x] == 0 {
				end++
			}
			above := y > 0 && bm.pix[(y-1)*bm.w+x] == 1
			below := end < bm.h && bm.pix[end*bm.w+x] == 1
			switch {
			case above && below, above && inkNear(bm, x, end) || below && inkNear(bm, x, y-1):
				// Across the line, straight or bending (a 0's side into its bottom).
				for k := y; k < end; k++ {
					bm.pix[k*bm.w+x] = 1
				}
				across++
			case end-y > maxEdgeRun:
				// A box's side, or a line seen end on: not a letter's edge.
			case above:
				for k := y; k < end && !lineRow[k]; k++ {
					bm.pix[k*bm.w+x] = 1
				}
			case below:
				for k := end - 1; k >= y && !lineRow[k]; k-- {
					bm.pix[k*bm.w+x] = 1
				}
			}
			y = end
		}
	}
	return across
}

// inkNear says whether row y of bm has ink within a pixel or two of column x.
func inkNear(bm *bitmap, x, y int) bool {
	if y < 0 || y >= bm.h {
		return false
	}
	for d := -2; d <= 2; d++ {
		if xx := x + d; xx >= 0 && xx < bm.w && bm.pix[y*bm.w+xx] == 1 {
			return true
		}
	}
	return false
}

// maxEdgeRun is the longest run of removed pixels down a column that can be a line with
// its soft edges: a rule and two rows beside it either way, at 200 to 300 dpi.
const maxEdgeRun = 10
