package raster

import (
	"image"
	"math"
)

// matrix is a PDF transformation matrix [a b c d e f]: a point (x, y) goes to
// (a x + c y + e, b x + d y + f).
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m followed by n (PDF's m × n).
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2],
		m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2],
		m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4],
		m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func (m matrix) apply(x, y float64) (float64, float64) {
	return m[0]*x + m[2]*y + m[4], m[1]*x + m[3]*y + m[5]
}

func (m matrix) inverse() (matrix, bool) {
	det := m[0]*m[3] - m[1]*m[2]
	if det == 0 || math.IsNaN(det) || math.IsInf(det, 0) {
		return matrix{}, false
	}
	a, b, c, d := m[3]/det, -m[1]/det, -m[2]/det, m[0]/det
	return matrix{a, b, c, d, -(m[4]*a + m[5]*c), -(m[4]*b + m[5]*d)}, true
}

func (m matrix) finite() bool {
	for _, v := range m {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// box is a rectangle in PDF user space (points).
type box struct{ llx, lly, urx, ury float64 }

func (b box) w() float64 { return b.urx - b.llx }
func (b box) h() float64 { return b.ury - b.lly }

func (b box) intersect(o box) box {
	r := box{max(b.llx, o.llx), max(b.lly, o.lly), min(b.urx, o.urx), min(b.ury, o.ury)}
	if r.urx < r.llx {
		r.urx = r.llx
	}
	if r.ury < r.lly {
		r.ury = r.lly
	}
	return r
}

// bounds is where the unit square (an image) lands under m.
func (m matrix) bounds() box {
	b := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, p := range [4][2]float64{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
		x, y := m.apply(p[0], p[1])
		b.llx, b.lly = min(b.llx, x), min(b.lly, y)
		b.urx, b.ury = max(b.urx, x), max(b.ury, y)
	}
	return b
}

// resolution is the pixel density, in dots per inch along the page's x and y axes, of a
// w x h image placed by m. An image placed turned by 90 degrees has its rows along the
// page's y axis.
func (m matrix) resolution(w, h int) (xdpi, ydpi float64) {
	lu := math.Hypot(m[0], m[1]) // length of the image's x axis, in points
	lv := math.Hypot(m[2], m[3])
	if lu == 0 || lv == 0 {
		return 0, 0
	}
	du, dv := float64(w)*72/lu, float64(h)*72/lv
	if math.Abs(m[0])+math.Abs(m[3]) >= math.Abs(m[1])+math.Abs(m[2]) {
		return du, dv
	}
	return dv, du
}

// canvas maps page space onto a grey raster covering the page box at a resolution.
type canvas struct {
	img        *image.Gray
	box        box
	xdpi, ydpi float64
}

func newCanvas(b box, xdpi, ydpi float64, w, h int) *canvas {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	return &canvas{img: img, box: b, xdpi: xdpi, ydpi: ydpi}
}

// draw paints src, placed by m (the unit square to page space), nearest neighbour: every
// canvas pixel whose centre falls inside the image takes the image pixel under it.
func (c *canvas) draw(src *image.Gray, m matrix) {
	inv, ok := m.inverse()
	if !ok {
		return
	}
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	cw, ch := c.img.Rect.Dx(), c.img.Rect.Dy()
	sx, sy := 72/c.xdpi, 72/c.ydpi // points per canvas pixel
	// Canvas pixels the image can touch.
	bb := m.bounds()
	x0 := max(0, int(math.Floor((bb.llx-c.box.llx)/sx))-1)
	x1 := min(cw, int(math.Ceil((bb.urx-c.box.llx)/sx))+1)
	y0 := max(0, int(math.Floor((c.box.ury-bb.ury)/sy))-1)
	y1 := min(ch, int(math.Ceil((c.box.ury-bb.lly)/sy))+1)
	if x0 >= x1 || y0 >= y1 {
		return
	}
	// Image coordinates (column, row, in pixels) change linearly along a canvas row.
	fw, fh := float64(sw), float64(sh)
	dux, duy := inv[0]*sx*fw, -inv[1]*sx*fh
	for cy := y0; cy < y1; cy++ {
		py := c.box.ury - (float64(cy)+0.5)*sy
		px := c.box.llx + (float64(x0)+0.5)*sx
		ux, uy := inv.apply(px, py)
		col0, row0 := ux*fw, (1-uy)*fh
		dst := c.img.Pix[cy*c.img.Stride:]
		for cx := x0; cx < x1; cx++ {
			k := float64(cx - x0)
			col, row := col0+k*dux, row0+k*duy
			if col < 0 || row < 0 || col >= fw || row >= fh {
				continue
			}
			dst[cx] = src.Pix[int(row)*src.Stride+int(col)]
		}
	}
}

// rotate turns img clockwise by deg (0, 90, 180 or 270).
func rotate(img *image.Gray, deg int) *image.Gray {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	switch deg {
	case 90, 270:
		out := image.NewGray(image.Rect(0, 0, h, w))
		for y := 0; y < h; y++ {
			src := img.Pix[y*img.Stride:][:w]
			if deg == 90 {
				// Source row y becomes destination column h-1-y, top to bottom.
				col := h - 1 - y
				for x, v := range src {
					out.Pix[x*out.Stride+col] = v
				}
			} else {
				// Source row y becomes destination column y, bottom to top.
				for x, v := range src {
					out.Pix[(w-1-x)*out.Stride+y] = v
				}
			}
		}
		return out
	case 180:
		out := image.NewGray(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			src := img.Pix[y*img.Stride:][:w]
			dst := out.Pix[(h-1-y)*out.Stride:][:w]
			for x, v := range src {
				dst[w-1-x] = v
			}
		}
		return out
	}
	return img
}
