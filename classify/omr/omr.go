// Package omr reads the marks on a scanned form page the way capture systems do (optical
// mark recognition): it finds the printed checkboxes, measures the ink inside each one and
// says which are ticked, and it measures the ink in a region such as a signature box. It
// never reads marks as text; the caller pairs boxes with their labels by position.
//
// Pages are greyscale (or black-and-white, 0 and 255) images with square pixels, upright
// and straight (half a degree of residual skew is fine), at their resolution in dots per
// inch: 300 for mail, 200 or 204 for faxes (a fax at 204x98 dpi must first have its rows
// doubled, as the ocr package's preparation does; its boxes then come out a few pixels
// taller than wide).
//
// Finding boxes: the page is thresholded at 60% of the paper's brightness. Every run of
// ink about a box's side long, across or down, proposes a square whose side it might be;
// the proposal's sides move to the outermost rows and columns that are (85%) ink, and the
// square is kept when it is a checkbox: about square, of a checkbox's size, each side one
// unbroken line that stops at the corners (so not a table cell or a boxed text field),
// thin (up to about 1.2 pt) or merged with a mark that runs over it, square corners, and
// paper round it but where a mark spills over. Letters are the hard case at fax
// resolution, where a bold B, D or O of a heading is a square blob: letters have strokes of
// even width, round corners and counters, bars and stems across the middle, and neighbours
// close by, and are rejected on those grounds. A box filled in so heavily that its outline
// is lost is kept as a solid square with clean paper all round, unless it lies inside a box
// found.
//
// Reading a box: its Fill is the ink inside the outline, less the outline's own soft edge
// (per row and column, up to two pixels past the side's thickness) and a margin of a pixel
// (two at 300 dpi), plus the ink in a ring just outside the outline (an eighth of the side
// wide) where a mark printed off centre spills over, as a fraction of the inside's area.
// Rows and columns where a thin straight line crosses the box and goes on beyond it (a
// scanner streak, a damaged fax line) are not counted. A box is Checked when its Fill is at
// least CheckedThreshold.
//
// The package is pure: no files, no logging.
package omr

import (
	"bytes"
	"image"
	"math"
	"sort"
)

// Default checkbox sizes: the outer side of the printed square, in inches.
const (
	DefaultMinSide = 0.08
	DefaultMaxSide = 0.25
)

// CheckedThreshold is the Fill at or above which a box is Checked. On the test fixtures an
// empty box measures under 0.01 in every condition (noise, blur, streaks and damaged fax
// lines included), and an X, a check mark or a filled square 0.2 to 1, and still over 0.1
// when printed a fifth of the box off centre.
const CheckedThreshold = 0.06

// Box is a printed checkbox found on the page.
type Box struct {
	// Rect is the printed square's outer edge in image coordinates (Max exclusive).
	Rect image.Rectangle
	// Fill is the ink inside the outline (less a margin, plus a mark's spill just outside
	// it) as a fraction of the inside's area, 0..1.
	Fill    float64
	Checked bool // Fill >= CheckedThreshold
	// Confidence, 0..1, is the product of how far Fill is from CheckedThreshold (full for a
	// Fill of 0.02 or less, or 0.1 or more above the threshold) and how square and clean the
	// outline is (full for four thin sides with paper round them; a solid square without a
	// visible outline scores under 0.7).
	Confidence float64
}

// FindBoxes finds the printed checkboxes on a page at dpi whose outer side is between
// DefaultMinSide and DefaultMaxSide inches, in reading order (top to bottom by row, left to
// right within a row).
func FindBoxes(img *image.Gray, dpi float64) []Box {
	return FindBoxesSized(img, dpi, DefaultMinSide, DefaultMaxSide)
}

// FindBoxesSized is FindBoxes for boxes whose outer side is between minSide and maxSide
// inches.
func FindBoxesSized(img *image.Gray, dpi, minSide, maxSide float64) []Box {
	if img == nil || img.Rect.Empty() || dpi <= 0 || minSide <= 0 || maxSide < minSide {
		return nil
	}
	bm := binarize(img, img.Rect)
	f := newFinder(bm, dpi, minSide, maxSide)
	f.scan()
	found := f.boxes()
	boxes := make([]Box, 0, len(found))
	for _, c := range found {
		boxes = append(boxes, f.measure(c))
	}
	sortReading(boxes)
	return boxes
}

// sortReading orders boxes by rows (boxes whose vertical centres lie within half a box of
// each other share a row), then left to right.
func sortReading(boxes []Box) {
	sort.Slice(boxes, func(i, j int) bool {
		a, b := boxes[i].Rect, boxes[j].Rect
		if a.Min.Y != b.Min.Y {
			return a.Min.Y < b.Min.Y
		}
		return a.Min.X < b.Min.X
	})
	// Group into rows, then sort each row by x.
	for i := 0; i < len(boxes); {
		j := i + 1
		cy := boxes[i].Rect.Min.Y + boxes[i].Rect.Dy()/2
		for j < len(boxes) {
			r := boxes[j].Rect
			if r.Min.Y+r.Dy()/2-cy > boxes[i].Rect.Dy()/2 {
				break
			}
			j++
		}
		row := boxes[i:j]
		sort.SliceStable(row, func(a, b int) bool { return row[a].Rect.Min.X < row[b].Rect.Min.X })
		i = j
	}
}

// bitmap is a binarised image: 1 for ink, 0 for paper.
type bitmap struct {
	w, h   int
	pix    []uint8
	ox, oy int // image coordinates of bitmap pixel (0, 0)
}

func (b *bitmap) at(x, y int) uint8 {
	if x < 0 || y < 0 || x >= b.w || y >= b.h {
		return 0
	}
	return b.pix[y*b.w+x]
}

// rowCount counts the ink in row y, columns a..b inclusive (outside the image is paper).
func (b *bitmap) rowCount(y, a, c int) int {
	if y < 0 || y >= b.h {
		return 0
	}
	a, c = max(a, 0), min(c, b.w-1)
	if a > c {
		return 0
	}
	n := 0
	for _, v := range b.pix[y*b.w+a : y*b.w+c+1] {
		n += int(v)
	}
	return n
}

// colCount counts the ink in column x, rows a..c inclusive.
func (b *bitmap) colCount(x, a, c int) int {
	if x < 0 || x >= b.w {
		return 0
	}
	a, c = max(a, 0), min(c, b.h-1)
	n := 0
	for y := a; y <= c; y++ {
		n += int(b.pix[y*b.w+x])
	}
	return n
}

// count counts the ink in the rectangle x0..x1, y0..y1 inclusive.
func (b *bitmap) count(x0, y0, x1, y1 int) int {
	n := 0
	for y := max(y0, 0); y <= min(y1, b.h-1); y++ {
		n += b.rowCount(y, x0, x1)
	}
	return n
}

// binarize thresholds r of img at 60% of the paper's brightness (the commonest light grey),
// which keeps anti-aliased and JPEG-softened strokes and drops screen tints.
func binarize(img *image.Gray, r image.Rectangle) *bitmap {
	r = r.Intersect(img.Rect)
	w, h := r.Dx(), r.Dy()
	bm := &bitmap{w: w, h: h, pix: make([]uint8, w*h), ox: r.Min.X, oy: r.Min.Y}
	if w == 0 || h == 0 {
		return bm
	}
	var hist [256]int
	step := 1
	if w*h > 1<<18 {
		step = 3
	}
	for y := 0; y < h; y += step {
		row := img.Pix[img.PixOffset(r.Min.X, r.Min.Y+y):]
		for x := 0; x < w; x += step {
			hist[row[x]]++
		}
	}
	paper, best := 255, -1
	for v := 255; v >= 96; v-- {
		if hist[v] > best {
			paper, best = v, hist[v]
		}
	}
	t := uint8(paper * 6 / 10)
	var lut [256]uint8
	for v := range lut {
		if uint8(v) < t {
			lut[v] = 1
		}
	}
	for y := 0; y < h; y++ {
		src := img.Pix[img.PixOffset(r.Min.X, r.Min.Y+y):]
		dst := bm.pix[y*w : (y+1)*w]
		for x := range dst {
			dst[x] = lut[src[x]]
		}
	}
	return bm
}

// cand is a verified box outline in bitmap coordinates, edges inclusive.
type cand struct {
	x0, y0, x1, y1 int
	thick          [4]int // top, bottom, left, right outline thickness
	thin           int    // how many sides are thin lines
	quality        float64
}

type finder struct {
	bm         *bitmap
	sMin, sMax int    // outer side in pixels
	tMax       int    // thickest left or right side accepted as a thin line
	margin     int    // paper left between the outline and the measured interior
	found      []cand // boxes with an outline
	solids     []cand // solid squares: filled boxes unless inside a box found
	tried      map[[4]int]bool
	colRun     []int32
	seedLo     int
	seedHi     int
	dpi        float64
}

func newFinder(bm *bitmap, dpi, minSide, maxSide float64) *finder {
	f := &finder{bm: bm, tried: map[[4]int]bool{}, dpi: dpi}
	f.sMin = max(8, int(math.Floor(minSide*dpi)))
	f.sMax = max(f.sMin, int(math.Ceil(maxSide*dpi)))
	f.tMax = max(3, int(math.Round(1.2*dpi/72))+1) // a 1.2 pt line and a pixel
	f.margin = max(1, int(math.Round(dpi/150)))
	f.seedLo = f.sMin * 85 / 100
	f.seedHi = f.sMax * 125 / 100
	return f
}

// scan proposes boxes from horizontal and vertical ink runs of about a box's side (a run
// along one side of the outline) and verifies each proposal.
func (f *finder) scan() {
	bm := f.bm
	f.colRun = make([]int32, bm.w)
	for y := 0; y <= bm.h; y++ {
		var row []uint8
		if y < bm.h {
			row = bm.pix[y*bm.w : (y+1)*bm.w]
		}
		// Vertical runs that ended on the previous row.
		for x := 0; x < bm.w; x++ {
			dark := row != nil && row[x] == 1
			if dark {
				f.colRun[x]++
				continue
			}
			if n := int(f.colRun[x]); n > 0 {
				f.colRun[x] = 0
				if n >= f.seedLo && n <= f.seedHi {
					ya, yb := y-n, y-1
					f.try(x, ya, x+n-1, yb) // left side
					f.try(x-n+1, ya, x, yb) // right side
				}
			}
		}
		if row == nil {
			break
		}
		// Horizontal runs in this row.
		for x := 0; x < bm.w; {
			i := bytes.IndexByte(row[x:], 1)
			if i < 0 {
				break
			}
			a := x + i
			j := bytes.IndexByte(row[a:], 0)
			b := bm.w - 1
			if j >= 0 {
				b = a + j - 1
			}
			if n := b - a + 1; n >= f.seedLo && n <= f.seedHi {
				f.try(a, y, b, y+n-1) // top side
				f.try(a, y-n+1, b, y) // bottom side
			}
			x = b + 1
		}
	}
}

// try refines and verifies the proposal x0..x1, y0..y1, keeping it when it is a box.
func (f *finder) try(x0, y0, x1, y1 int) {
	cx, cy := (x0+x1)/2, (y0+y1)/2
	for i := len(f.found) - 1; i >= 0 && i >= len(f.found)-64; i-- {
		c := f.found[i]
		if cx >= c.x0 && cx <= c.x1 && cy >= c.y0 && cy <= c.y1 {
			return
		}
	}
	if !f.quickCheck(x0, y0, x1, y1) {
		return
	}
	key := [4]int{x0 >> 1, y0 >> 1, x1 >> 1, y1 >> 1}
	if f.tried[key] {
		return
	}
	f.tried[key] = true
	c, ok := f.refine(x0, y0, x1, y1)
	if !ok {
		return
	}
	list := &f.found
	if c.thin < 2 {
		list = &f.solids
	}
	for _, o := range *list {
		if overlap(c, o) {
			return
		}
	}
	*list = append(*list, c)
}

// boxes returns the boxes found: those with an outline, and the solid squares that are not
// a mark inside one of them.
func (f *finder) boxes() []cand {
	out := f.found
outer:
	for _, s := range f.solids {
		for _, o := range f.found {
			if overlap(s, o) {
				continue outer
			}
		}
		out = append(out, s)
	}
	return out
}

func overlap(a, b cand) bool {
	ix := min(a.x1, b.x1) - max(a.x0, b.x0)
	iy := min(a.y1, b.y1) - max(a.y0, b.y0)
	return ix > 0 && iy > 0
}

// quickCheck rejects most proposals cheaply: a box has ink near all four corners and at
// the middle of all four sides.
func (f *finder) quickCheck(x0, y0, x1, y1 int) bool {
	bm := f.bm
	d := max(2, (x1-x0+1)/6)
	near := func(x, y int) bool {
		for yy := y - d; yy <= y+d; yy++ {
			for xx := x - d; xx <= x+d; xx++ {
				if bm.at(xx, yy) == 1 {
					return true
				}
			}
		}
		return false
	}
	mx, my := (x0+x1)/2, (y0+y1)/2
	return near(x0, my) && near(x1, my) && near(mx, y0) && near(mx, y1) &&
		near(x0, y0) && near(x1, y0) && near(x0, y1) && near(x1, y1)
}

// edgeCover is the ink coverage a row or column must have to be a side of the outline.
const edgeCover = 0.85

// refine moves each side of the proposal to the outermost nearby row or column that is
// (almost) all ink, then verifies the result.
func (f *finder) refine(x0, y0, x1, y1 int) (cand, bool) {
	bm := f.bm
	var d, q int
	var cover float64
	rowOK := func(y, a, b int) bool {
		return float64(bm.rowCount(y, a, b)) >= cover*float64(b-a+1)
	}
	colOK := func(x, a, b int) bool {
		return float64(bm.colCount(x, a, b)) >= cover*float64(b-a+1)
	}
	// outer returns the first position from `from` towards `to` that passes ok.
	outer := func(from, to int, ok func(int) bool) (int, bool) {
		step := 1
		if to < from {
			step = -1
		}
		for p := from; ; p += step {
			if ok(p) {
				return p, true
			}
			if p == to {
				return 0, false
			}
		}
	}
	// Pass 1 measures sides away from the corners, so that a proposal somewhat too large or
	// too small still finds them; pass 2 measures whole sides near the pass-1 result, so that
	// a mark running over a side is not taken for it.
	for pass := 1; pass <= 2; pass++ {
		for iter := 0; iter < 3; iter++ {
			L := (x1 - x0 + y1 - y0 + 2) / 2
			if L < f.sMin*8/10 || L > f.sMax*13/10 {
				return cand{}, false
			}
			d, q, cover = max(2, L/5), max(2, L/6), 0.8
			din := d // how far inward to look
			if pass == 2 {
				d, q, cover = max(2, L/12), 0, edgeCover
				din = max(d, f.tMax+2)
			}
			if x1-q-(x0+q) < 3 || y1-q-(y0+q) < 3 {
				return cand{}, false
			}
			nt, ok1 := outer(y0-d, y0+din, func(y int) bool { return rowOK(y, x0+q, x1-q) })
			nb, ok2 := outer(y1+d, y1-din, func(y int) bool { return rowOK(y, x0+q, x1-q) })
			nl, ok3 := outer(x0-d, x0+din, func(x int) bool { return colOK(x, y0+q, y1-q) })
			nr, ok4 := outer(x1+d, x1-din, func(x int) bool { return colOK(x, y0+q, y1-q) })
			if !(ok1 && ok2 && ok3 && ok4) {
				return cand{}, false
			}
			if nt == y0 && nb == y1 && nl == x0 && nr == x1 {
				break
			}
			x0, y0, x1, y1 = nl, nt, nr, nb
		}
	}
	return f.verify(x0, y0, x1, y1)
}

// verify checks that x0..x1, y0..y1 is the outer edge of a checkbox: about square, of
// a checkbox's size, a closed outline of thin lines that stop at the corners.
func (f *finder) verify(x0, y0, x1, y1 int) (cand, bool) {
	bm := f.bm
	w, h := x1-x0+1, y1-y0+1
	if w < f.sMin || h < f.sMin || w > f.sMax || h > f.sMax {
		return cand{}, false
	}
	// Roughly square here; exactly square below, once the sides' thickness is known.
	if abs(w-h) > max(5, max(w, h)/5) {
		return cand{}, false
	}
	L := (w + h) / 2
	c := cand{x0: x0, y0: y0, x1: x1, y1: y1}
	// Thickness of each side: the tenth percentile, along the middle of the side, of the
	// ink run inward from its outer edge. A mark touching the side in places does not change
	// it; a mark merged with most of the side (a filled square printed off centre) does.
	half := L / 2
	var runs []int
	var spread [4]int // how much the thickness varies along each side
	sideThick := func(n int, at func(along, in int) uint8) (int, int) {
		runs = runs[:0]
		for i := n / 5; i < n-n/5; i++ {
			s := 0
			for s < 2 && at(i, s) == 0 { // a stepped or soft edge starts a pixel in
				s++
			}
			t := s
			for t < half && at(i, t) == 1 {
				t++
			}
			runs = append(runs, t)
		}
		sort.Ints(runs)
		lo, hi := runs[len(runs)/10], runs[len(runs)-1-len(runs)/10]
		return lo, hi - lo
	}
	c.thick[0], spread[0] = sideThick(w, func(i, d int) uint8 { return bm.at(x0+i, y0+d) })
	c.thick[1], spread[1] = sideThick(w, func(i, d int) uint8 { return bm.at(x0+i, y1-d) })
	c.thick[2], spread[2] = sideThick(h, func(i, d int) uint8 { return bm.at(x0+d, y0+i) })
	c.thick[3], spread[3] = sideThick(h, func(i, d int) uint8 { return bm.at(x1-d, y0+i) })
	// Each side is a thin printed line, or is merged with a mark that runs over it (nearly
	// half the box deep, or of uneven depth); a side of a letter's even stroke width
	// (a bold B or D at fax resolution is nearly square) is neither. Top and bottom may be
	// two pixels thicker: a fax's rows smear them.
	lim := min(f.tMax, max(2, L/5))
	lims := [4]int{lim + 2, lim + 2, lim, lim}
	merged := max(f.tMax+3, L*45/100)
	var thinSide [4]bool
	for i, t := range c.thick {
		switch {
		case t <= lims[i]:
			thinSide[i] = true
			c.thin++
		case t < merged && spread[i] <= 2:
			// As thick as a letter's stroke and as even: a bold letter, not a box side
			// with a mark running over it.
			return cand{}, false
		}
	}
	// A box has an outline: at least two of its sides are thin lines; the others may be
	// hidden under a mark that runs over them. A box whose outline is lost in its mark (a
	// small box filled in, on a blurred low-resolution scan) is a solid square with clean
	// straight sides and clean paper all round.
	ext := func(xa, ya, xb, yb int) float64 {
		n := (xb - xa + 1) * (yb - ya + 1)
		if n <= 0 {
			return 0
		}
		return float64(bm.count(xa, ya, xb, yb)) / float64(n)
	}
	cleanAround := func() bool {
		q, g := L/6, max(2, L/10)
		for _, v := range []float64{
			ext(x0+q, y0-1-g, x1-q, y0-2), ext(x0+q, y1+2, x1-q, y1+1+g),
			ext(x0-1-g, y0+q, x0-2, y1-q), ext(x1+2, y0+q, x1+1+g, y1-q),
		} {
			if v > 0.3 {
				return false
			}
		}
		return true
	}
	solid := c.thin < 2
	if solid {
		if !cleanAround() {
			return cand{}, false
		}
		for i := range c.thick {
			c.thick[i] = max(1, f.tMax/3)
		}
	} else {
		typical, n := 0, 0
		for i, t := range thinSide {
			if t {
				typical += c.thick[i]
				n++
			}
		}
		typical = max(1, (typical+n/2)/n)
		for i := range c.thick {
			if !thinSide[i] {
				c.thick[i] = typical
			}
		}
	}
	// Square between the sides' centre lines (a fax's smeared rows thicken the top and
	// bottom sides outwards as much as inwards).
	wc, hc := w-(c.thick[2]+c.thick[3])/2, h-(c.thick[0]+c.thick[1])/2
	if abs(wc-hc) > max(3, max(wc, hc)*12/100) {
		return cand{}, false
	}
	// The sides stop at the corners: the lines do not go on beyond them (as a table's or a
	// text field's do), and the paper just outside each corner is mostly clean.
	e := max(3, L/4)
	worst := 0.0
	tt, tb, tl, tr := c.thick[0], c.thick[1], c.thick[2], c.thick[3]
	for _, v := range []float64{
		ext(x1+2, y0, x1+1+e, y0+tt-1), ext(x0-1-e, y0, x0-2, y0+tt-1), // top side, right and left
		ext(x1+2, y1-tb+1, x1+1+e, y1), ext(x0-1-e, y1-tb+1, x0-2, y1), // bottom side
		ext(x0, y0-1-e, x0+tl-1, y0-2), ext(x0, y1+2, x0+tl-1, y1+1+e), // left side, up and down
		ext(x1-tr+1, y0-1-e, x1, y0-2), ext(x1-tr+1, y1+2, x1, y1+1+e), // right side
	} {
		worst = math.Max(worst, v)
	}
	if worst > 0.5 {
		return cand{}, false
	}
	// Each thin side is one unbroken line, over its thickness: a letter E next to the stem of
	// the following letter is no box. A white speck may cut the top or bottom once, a damaged
	// fax line (two rows or more when a fax's rows are doubled) the upright sides. (A side
	// merged with a mark may show the mark's edge instead.)
	band := func(t int) int { return max(2, min(t, f.tMax)) }
	bands := [4]int{band(c.thick[0]), band(c.thick[1]), band(c.thick[2]), band(c.thick[3])}
	// gaps reports whether a side (n pixels long) has a gap wider than maxGap; when once,
	// also a second gap wider than a pixel along the sides so far, or one next to the sides
	// it meets (within end0 and end1 of its ends), where a letter's bar stops short of the
	// next letter's stem.
	wide := 0
	gaps := func(n, maxGap int, once bool, end0, end1 int, covered func(i int) bool) bool {
		g := 0
		for i := 0; i <= n; i++ {
			if i < n && !covered(i) {
				g++
				continue
			}
			if g > maxGap {
				return true
			}
			if g > 1 && once {
				if wide++; wide > 1 || i-g < end0 || i > n-end1 {
					return true
				}
			}
			g = 0
		}
		return false
	}
	e0, e1 := max(c.thick[2]+2, w/6), max(c.thick[3]+2, w/6)
	if thinSide[0] && gaps(w, 2, true, e0, e1, func(i int) bool { return bm.count(x0+i, y0, x0+i, y0+bands[0]-1) > 0 }) ||
		thinSide[1] && gaps(w, 2, true, e0, e1, func(i int) bool { return bm.count(x0+i, y1-bands[1]+1, x0+i, y1) > 0 }) ||
		thinSide[2] && gaps(h, 4, false, 0, 0, func(i int) bool { return bm.rowCount(y0+i, x0, x0+bands[2]-1) > 0 }) ||
		thinSide[3] && gaps(h, 4, false, 0, 0, func(i int) bool { return bm.rowCount(y0+i, x1-bands[3]+1, x1) > 0 }) {
		return cand{}, false
	}
	// The corners are square: the outline is ink right into each corner (blur and fax
	// smearing round them by a pixel), where a letter's bowl (B, D, O) is round.
	k := max(3, L/6)
	whites := 0.0
	for _, cr := range [4][4]int{{x0, y0, 1, 1}, {x1, y0, -1, 1}, {x0, y1, 1, -1}, {x1, y1, -1, -1}} {
		tx, ty := c.thick[2], c.thick[0]
		if cr[2] < 0 {
			tx = c.thick[3]
		}
		if cr[3] < 0 {
			ty = c.thick[1]
		}
		tx, ty = max(2, min(tx, k)), max(2, min(ty, k))
		band, white := 0, 0
		for dy := 0; dy < k; dy++ {
			for dx := 0; dx < k; dx++ {
				if dx >= tx && dy >= ty {
					continue
				}
				band++
				if bm.at(cr[0]+cr[2]*dx, cr[1]+cr[3]*dy) == 0 {
					white++
				}
			}
		}
		frac := float64(white) / float64(band)
		if frac > 0.5 {
			return cand{}, false
		}
		whites += frac
	}
	if whites > 1 {
		return cand{}, false
	}
	// Just outside the sides is paper, but for a mark spilling over one or two of them:
	// the square inscribed in a thick ring (a bold O) has ink all round, a bold D beyond
	// its thin top and right.
	q4 := L / 4
	outs := []float64{
		ext(x0+q4, y0-3, x1-q4, y0-2), ext(x0+q4, y1+2, x1-q4, y1+3),
		ext(x0-3, y0+q4, x0-2, y1-q4), ext(x1+2, y0+q4, x1+3, y1-q4),
	}
	dirtyThin, inked := 0, 0 // thin sides with ink beyond them: a mark spills over the sides it hides
	for i, v := range outs {
		if thinSide[i] && v >= 0.5 {
			dirtyThin++
		}
		if v >= 0.25 {
			inked++
		}
	}
	sort.Float64s(outs)
	if outs[0]+outs[1] > 0.6 || dirtyThin >= 2 || inked >= 3 {
		return cand{}, false
	}
	// The outline is thin for the box (a bold letter at fax resolution is nearly all ink).
	ix0, iy0, ix1, iy1 := x0+tl, y0+tt, x1-tr, y1-tb
	if ix1-ix0 < 2 || iy1-iy0 < 2 || (ix1-ix0+1)*(iy1-iy0+1)*4 < w*h {
		return cand{}, false
	}
	if !solid && float64(bm.count(ix0, iy0, ix1, iy1)) > 0.97*float64((ix1-ix0+1)*(iy1-iy0+1)) {
		// All ink inside the outline: a filled box whose mark has run into its outline.
		if !cleanAround() {
			return cand{}, false
		}
		solid, c.thin = true, 0
	}
	// An empty box has square inner corners; a letter's counter (D, O, the bowls of B) is
	// round, so that its corners are ink while its middle is paper.
	if !solid {
		k := max(2, L/8)
		cx0, cy0, cx1, cy1 := ix0+2, iy0+2, ix1-2, iy1-2 // the inner corners, less a fringe
		if cx1-cx0 > 2*k+2 && cy1-cy0 > 2*k+2 {
			// Ink in a column that runs the box's whole height is a line crossing it (a
			// scanner streak), not a letter's round counter.
			corner := func(xa, ya, xb, yb int) float64 {
				n := 0
				for x := xa; x <= xb; x++ {
					if bm.colCount(x, y0, y1)*10 < h*9 {
						n += bm.colCount(x, ya, yb)
					}
				}
				return float64(n) / float64((xb-xa+1)*(yb-ya+1))
			}
			inked := 0
			for _, v := range []float64{
				corner(cx0, cy0, cx0+k-1, cy0+k-1), corner(cx1-k+1, cy0, cx1, cy0+k-1),
				corner(cx0, cy1-k+1, cx0+k-1, cy1), corner(cx1-k+1, cy1-k+1, cx1, cy1),
			} {
				if v >= 0.5 {
					inked++
				}
			}
			if inked >= 2 && ext(cx0+k, cy0+k, cx1-k, cy1-k) < CheckedThreshold {
				return cand{}, false
			}
		}
	}
	// A bar right across the middle with empty counters above and below it is a letter
	// (B, 8), not a mark: a mark does not run unbroken from side to side.
	if !solid {
		iw, ih := ix1-ix0+1, iy1-iy0+1
		bar := func(y int) bool { return bm.rowCount(y, x0, x1) >= w-1 }
		for y := iy0 + 1; y <= iy1-ih*3/10; y++ {
			if !bar(y) || bar(y-1) {
				continue
			}
			e := y
			for e+1 <= iy1 && bar(e+1) {
				e++
			}
			if e < iy0+ih*3/10 {
				y = e
				continue // not in the middle
			}
			if e-y+1 > f.tMax+3 || y <= iy0+1 {
				break
			}
			// The counters, away from the stem and the bowls.
			cx0, cx1 := ix0+iw/4, ix1-iw/4
			cw := cx1 - cx0 + 1
			above := bm.count(cx0, iy0, cx1, y-2)
			below := bm.count(cx0, e+2, cx1, iy1)
			if above*10 < cw*(y-1-iy0)*6 && below*10 < cw*(iy1-e-1)*6 {
				return cand{}, false
			}
			break
		}
	}
	// A small square (under a tenth of an inch) with ink close by on both sides, or with
	// a side that is not a thin line, is a bold letter (at fax resolution a B or an O of a
	// 10-point heading is a square blob); a checkbox has room round it, its label on one
	// side.
	if !solid && float64(L) < 0.1*f.dpi {
		g := max(3, L*4/10)
		near := func(xa, xb int) bool {
			n := 0
			for y := y0; y <= y1; y++ {
				if bm.rowCount(y, xa, xb) > 0 {
					n++
				}
			}
			return n*10 >= h*4
		}
		if near(x0-g, x0-2) && near(x1+2, x1+g) || c.thin < 4 {
			return cand{}, false
		}
	}
	// A stem right down the middle, with paper either side of it and stopping at the box, is
	// a letter's (III, HI in a serif face), not a mark nor a streak.
	if !solid {
		iw, ih := ix1-ix0+1, iy1-iy0+1
		full := func(x int) bool { return bm.colCount(x, iy0, iy1)*10 >= ih*9 }
		reach := max(3, L/4)
		for x := ix0 + iw/5; x <= ix1-iw/5; x++ {
			if !full(x) || full(x-1) {
				continue
			}
			e := x
			for e+1 <= ix1 && full(e+1) {
				e++
			}
			if e-x+1 <= f.tMax+2 &&
				bm.colCount(x-2, iy0, iy1)*2 < ih && bm.colCount(e+2, iy0, iy1)*2 < ih &&
				bm.count(x, y0-1-reach, e, y0-2)*2 < (e-x+1)*reach && bm.count(x, y1+2, e, y1+1+reach)*2 < (e-x+1)*reach {
				return cand{}, false
			}
			x = e
		}
	}
	sq := 1 - float64(abs(wc-hc))/float64(max(wc, hc))
	c.quality = sq * (1 - 0.6*worst) * (0.7 + 0.075*float64(c.thin))
	if solid {
		c.quality *= 0.7
	}
	return c, true
}

// measure turns a verified outline into a Box with its Fill: the ink inside the outline
// (less a margin) and in a narrow ring just outside it (where a mark printed off centre
// spills over), over the interior's area. The outline is not counted: in each row and
// column, the ink that runs on from its edge (a soft, smeared or stepped line) is left out
// up to a few pixels, and a margin besides. Nor are rows and columns where a line crosses
// the whole box and its surroundings (a scanner streak, a damaged fax line).
func (f *finder) measure(c cand) Box {
	bm := f.bm
	m := f.margin
	L := (c.x1 - c.x0 + c.y1 - c.y0 + 2) / 2
	sp := max(2, L*12/100) // the ring's width
	const soft = 2         // how far a line's soft edge may reach
	// run counts the ink from (x, y) in direction (dx, dy), up to limit pixels.
	run := func(x, y, dx, dy, limit int) int {
		n := 0
		for n < limit && bm.at(x+dx*n, y+dy*n) == 1 {
			n++
		}
		return n
	}
	// Lines crossing the box: ink well beyond the ring on both sides.
	ext := soft + m + sp
	ox0, oy0, ox1, oy1 := c.x0-ext, c.y0-ext, c.x1+ext, c.y1+ext
	reach := max(3, L/4)
	dense := func(n int) bool { return n*5 >= reach }
	// A line crosses the box where a thin band of rows (columns) has ink well beyond the
	// ring on both sides, or runs the box's whole width (height) and on beyond it on one
	// side: a damaged fax line, a scanner streak. Text beside the box is no thin band.
	w, h := c.x1-c.x0+1, c.y1-c.y0+1
	// scattered: a damaged fax line's dots, many and in every quarter of the inside (a
	// mark's strokes cross a row once or twice).
	scattered := func(y int) bool {
		a, b := c.x0+c.thick[2]+m, c.x1-c.thick[3]-m
		q := (b - a + 1) / 4
		if q < 2 {
			return false
		}
		for i := 0; i < 4; i++ {
			if bm.rowCount(y, a+i*q, a+(i+1)*q-1) == 0 {
				return false
			}
		}
		runs := 0
		for x := a; x <= b; x++ {
			if bm.at(x, y) == 1 && bm.at(x-1, y) == 0 {
				runs++
			}
		}
		return runs >= 4
	}
	crossRow := make([]bool, oy1-oy0+1)
	for y := oy0; y <= oy1; y++ {
		l, r := dense(bm.rowCount(y, ox0-reach, ox0-1)), dense(bm.rowCount(y, ox1+1, ox1+reach))
		crossRow[y-oy0] = l && r || (l || r) && (bm.rowCount(y, c.x0, c.x1)*10 >= w*9 || scattered(y))
	}
	crossCol := make([]bool, ox1-ox0+1)
	for x := ox0; x <= ox1; x++ {
		u, d := dense(bm.colCount(x, oy0-reach, oy0-1)), dense(bm.colCount(x, oy1+1, oy1+reach))
		crossCol[x-ox0] = u && d || (u || d) && bm.colCount(x, c.y0, c.y1)*10 >= h*9
	}
	thinBands(crossRow, 4)
	thinBands(crossCol, 4)
	ink, area := 0, 0
	count := func(x, y int) {
		if !crossRow[y-oy0] && !crossCol[x-ox0] {
			ink += int(bm.at(x, y))
		}
	}
	t := c.thick
	left := make([]int, c.y1-c.y0+1)
	right := make([]int, c.y1-c.y0+1)
	for y := c.y0; y <= c.y1; y++ {
		left[y-c.y0] = c.x0 + max(t[2], run(c.x0, y, 1, 0, t[2]+soft)) + m
		right[y-c.y0] = c.x1 - max(t[3], run(c.x1, y, -1, 0, t[3]+soft)) - m
		// The ring beside the box.
		g := c.x0 - 1 - run(c.x0-1, y, -1, 0, soft) - m
		for x := g - sp + 1; x <= g; x++ {
			count(x, y)
		}
		g = c.x1 + 1 + run(c.x1+1, y, 1, 0, soft) + m
		for x := g; x < g+sp; x++ {
			count(x, y)
		}
	}
	for x := c.x0; x <= c.x1; x++ {
		top := c.y0 + max(t[0], run(x, c.y0, 0, 1, t[0]+soft)) + m
		bottom := c.y1 - max(t[1], run(x, c.y1, 0, -1, t[1]+soft)) - m
		for y := top; y <= bottom; y++ {
			if x < left[y-c.y0] || x > right[y-c.y0] || crossRow[y-oy0] || crossCol[x-ox0] {
				continue
			}
			area++
			ink += int(bm.at(x, y))
		}
		// The ring above and below.
		g := c.y0 - 1 - run(x, c.y0-1, 0, -1, soft) - m
		for y := g - sp + 1; y <= g; y++ {
			count(x, y)
		}
		g = c.y1 + 1 + run(x, c.y1+1, 0, 1, soft) + m
		for y := g; y < g+sp; y++ {
			count(x, y)
		}
	}
	fill := 0.0
	if area > 0 {
		fill = math.Min(1, float64(ink)/float64(area))
	}
	b := Box{
		Rect: image.Rect(c.x0+bm.ox, c.y0+bm.oy, c.x1+1+bm.ox, c.y1+1+bm.oy),
		Fill: fill, Checked: fill >= CheckedThreshold,
	}
	// Distance from the threshold, in units of the typical gap between an empty box and
	// the threshold (below) or between the threshold and a light mark (above).
	var dist float64
	if fill >= CheckedThreshold {
		dist = (fill - CheckedThreshold) / 0.1
	} else {
		dist = (CheckedThreshold - fill) / (CheckedThreshold - 0.02)
	}
	b.Confidence = math.Min(1, math.Max(0, dist)) * c.quality
	return b
}

// thinBands clears the runs of set flags longer than n.
func thinBands(flags []bool, n int) {
	for i := 0; i < len(flags); {
		if !flags[i] {
			i++
			continue
		}
		j := i
		for j < len(flags) && flags[j] {
			j++
		}
		if j-i > n {
			for k := i; k < j; k++ {
				flags[k] = false
			}
		}
		i = j
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
