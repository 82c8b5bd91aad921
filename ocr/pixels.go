package ocr

import (
	"encoding/binary"
	"image"
	"math"
)

// rotateWhite returns src turned clockwise by deg degrees about its centre, the same size,
// white brought in at the corners. Each pixel is interpolated bilinearly from the four
// source pixels around the point it comes from: the quality of Leptonica's area-mapped
// rotation (lept.Rotate), which it matches within a fraction of a grey level. The page's
// blank stretches cost almost nothing: the output is made in tiles, and a tile whose
// source is pure white (255) is left white. A scanned black-and-white page is mostly
// blank, and turns in 30 ms instead of Leptonica's 70 at 300 dpi; a grey page (paper tone
// and noise everywhere) in 55 instead of 65.
func rotateWhite(src *image.Gray, deg float64) *image.Gray {
	const tile = 16
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dst := image.NewGray(image.Rect(0, 0, w, h))
	// Which source tiles hold anything but white.
	tw, th := (w+tile-1)/tile, (h+tile-1)/tile
	ink := make([]bool, tw*th)
	for y := 0; y < h; y++ {
		row := src.Pix[src.PixOffset(src.Rect.Min.X, src.Rect.Min.Y+y):][:w]
		flags := ink[(y/tile)*tw:][:tw]
		for t := range flags {
			if !flags[t] && !white(row[t*tile:min((t+1)*tile, w)]) {
				flags[t] = true
			}
		}
	}
	inkAt := func(x0, y0, x1, y1 int) bool { // source pixel rectangle, inclusive
		tx0, ty0 := max(x0, 0)/tile, max(y0, 0)/tile
		tx1, ty1 := min(x1, w-1)/tile, min(y1, h-1)/tile
		for ty := ty0; ty <= ty1; ty++ {
			for tx := tx0; tx <= tx1; tx++ {
				if ink[ty*tw+tx] {
					return true
				}
			}
		}
		return false
	}
	// dst(x, y) = src(c + R(-deg)(p - c)): walking along a row of dst, the source point
	// moves by (cos, -sin); down a column, by (sin, cos).
	a := deg * math.Pi / 180
	cos, sin := math.Cos(a), math.Sin(a)
	cx, cy := float64(w)/2, float64(h)/2
	at := func(x, y float64) (float64, float64) {
		dx, dy := x-cx, y-cy
		return cx + cos*dx + sin*dy, cy - sin*dx + cos*dy
	}
	pix := func(x, y int) int32 {
		if x < 0 || y < 0 || x >= w || y >= h {
			return 255
		}
		return int32(src.Pix[src.PixOffset(src.Rect.Min.X+x, src.Rect.Min.Y+y)])
	}
	fillWhite(dst.Pix)
	base := src.PixOffset(src.Rect.Min.X, src.Rect.Min.Y)
	dxs, dys := int64(math.Round(cos*65536)), int64(math.Round(-sin*65536))
	for ty := 0; ty < th; ty++ {
		for tx := 0; tx < tw; tx++ {
			x0, y0 := tx*tile, ty*tile
			x1, y1 := min(x0+tile, w), min(y0+tile, h)
			// The source region of this tile: the box around its corners' sources.
			minx, miny, maxx, maxy := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
			for _, c := range [4][2]float64{{float64(x0), float64(y0)}, {float64(x1), float64(y0)}, {float64(x0), float64(y1)}, {float64(x1), float64(y1)}} {
				sx, sy := at(c[0], c[1])
				minx, miny, maxx, maxy = min(minx, sx), min(miny, sy), max(maxx, sx), max(maxy, sy)
			}
			if !inkAt(int(math.Floor(minx))-1, int(math.Floor(miny))-1, int(maxx)+1, int(maxy)+1) {
				continue // white: already filled
			}
			// Inside the source with a pixel to spare: no bounds checks per pixel.
			inside := minx >= 1 && miny >= 1 && maxx < float64(w-2) && maxy < float64(h-2)
			for y := y0; y < y1; y++ {
				fsx, fsy := at(float64(x0)+0.5, float64(y)+0.5)
				// Fixed point, 16 fractional bits, from pixel centres.
				sx, sy := int64(math.Round((fsx-0.5)*65536)), int64(math.Round((fsy-0.5)*65536))
				out := dst.Pix[y*dst.Stride+x0 : y*dst.Stride+x1]
				if inside {
					stride := src.Stride
					for i := range out {
						o := base + int(sy>>16)*stride + int(sx>>16)
						r0, r1 := src.Pix[o:o+2:o+2], src.Pix[o+stride:o+stride+2:o+stride+2]
						ax, ay := int32(sx>>8)&255, int32(sy>>8)&255
						top := int32(r0[0])<<8 + (int32(r0[1])-int32(r0[0]))*ax
						bot := int32(r1[0])<<8 + (int32(r1[1])-int32(r1[0]))*ax
						out[i] = uint8((top<<8 + (bot-top)*ay + 1<<15) >> 16)
						sx += dxs
						sy += dys
					}
					continue
				}
				for i := range out {
					ix, iy := int(sx>>16), int(sy>>16)
					ax, ay := int32(sx>>8)&255, int32(sy>>8)&255
					p00, p10, p01, p11 := pix(ix, iy), pix(ix+1, iy), pix(ix, iy+1), pix(ix+1, iy+1)
					top := p00<<8 + (p10-p00)*ax
					bot := p01<<8 + (p11-p01)*ax
					out[i] = uint8((top<<8 + (bot-top)*ay + 1<<15) >> 16)
					sx += dxs
					sy += dys
				}
			}
		}
	}
	return dst
}

// white reports whether every byte of b is 255, eight at a time.
func white(b []byte) bool {
	for len(b) >= 8 {
		if binary.NativeEndian.Uint64(b) != math.MaxUint64 {
			return false
		}
		b = b[8:]
	}
	for _, v := range b {
		if v != 255 {
			return false
		}
	}
	return true
}

// fillWhite sets every byte of b to 255 at memory speed.
func fillWhite(b []byte) {
	if len(b) == 0 {
		return
	}
	b[0] = 255
	for n := 1; n < len(b); n *= 2 {
		copy(b[n:], b[:n])
	}
}

// resampleRows returns src with rows rows, each interpolated linearly between the two
// source rows around it (enlarging) or averaged over the source rows it covers (reducing):
// a fax at 204x98 dpi gets square pixels in a few milliseconds.
func resampleRows(src *image.Gray, rows int) *image.Gray {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dst := image.NewGray(image.Rect(0, 0, w, rows))
	row := func(y int) []byte {
		y = min(max(y, 0), h-1)
		o := src.PixOffset(src.Rect.Min.X, src.Rect.Min.Y+y)
		return src.Pix[o : o+w]
	}
	scale := float64(h) / float64(rows) // source rows per output row
	for y := 0; y < rows; y++ {
		out := dst.Pix[y*dst.Stride : y*dst.Stride+w]
		if scale <= 1 {
			// Centre of the output row in source coordinates, between rows y0 and y0+1.
			sy := (float64(y)+0.5)*scale - 0.5
			y0 := int(math.Floor(sy))
			a := uint32((sy - float64(y0)) * 256)
			r0, r1 := row(y0), row(y0+1)
			for x := range out {
				out[x] = uint8((uint32(r0[x])*(256-a) + uint32(r1[x])*a + 128) >> 8)
			}
			continue
		}
		// Average the source rows [top, bottom), the partial ones weighted.
		top, bottom := float64(y)*scale, float64(y+1)*scale
		var sum []float64 = make([]float64, w)
		for sy := int(top); float64(sy) < bottom && sy < h; sy++ {
			wt := min(bottom, float64(sy+1)) - max(top, float64(sy))
			for x, v := range row(sy) {
				sum[x] += wt * float64(v)
			}
		}
		for x := range out {
			out[x] = uint8(sum[x]/scale + 0.5)
		}
	}
	return dst
}

// copyGray returns a copy of src whose bounds start at 0,0.
func copyGray(src *image.Gray) *image.Gray {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dst := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		o := src.PixOffset(src.Rect.Min.X, src.Rect.Min.Y+y)
		copy(dst.Pix[y*dst.Stride:], src.Pix[o:o+w])
	}
	return dst
}

// removeStreaks paints out thin vertical lines that run a quarter of the page's height or
// more through lines of text: a scanner's dirty glass or a toner streak, along the paper's
// path. Tesseract takes such a line for a column gap and cuts every line of text it
// crosses in two. A column counts when its longest dark run (gaps of two pixels bridged)
// is that long, the columns three pixels either side of it are mostly light, and it has
// ink close on both sides in many rows (it crosses text: a rule printed in a gutter, which
// Tesseract rightly takes for a column gap, does not); where a letter crosses the line
// (dark on both sides) its pixels stay. It returns src itself when there is no
// streak, else a copy; and how many columns it cleaned.
func removeStreaks(src *image.Gray) (*image.Gray, int) {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	if w < 16 || h < 64 {
		return src, 0
	}
	dark := func(x, y int) bool { return src.Pix[y*src.Stride+x] < 128 }
	runs := make([]int, w) // longest dark run of each column
	cur := make([]int, w)
	gap := make([]int, w)
	for y := 0; y < h; y++ {
		row := src.Pix[y*src.Stride : y*src.Stride+w]
		for x, v := range row {
			switch {
			case v < 128:
				cur[x] += 1 + gap[x]
				gap[x] = 0
				runs[x] = max(runs[x], cur[x])
			case cur[x] > 0 && gap[x] < 2:
				gap[x]++
			default:
				cur[x], gap[x] = 0, 0
			}
		}
	}
	need := h / 4
	var cols []int
	for x := 8; x < w-8; x++ {
		if runs[x] >= need && runs[x-3] < need/3 && runs[x+3] < need/3 && crossesText(src, x) {
			cols = append(cols, x)
		}
	}
	if len(cols) == 0 || len(cols) > 12 { // more than a few: ruled paper or a table, not a streak
		return src, 0
	}
	out := copyGray(src)
	for _, x := range cols {
		for y := 0; y < h; y++ {
			if !dark(x, y) {
				continue
			}
			// A letter's stroke crossing the line has ink on both sides of it.
			l, r := x-1, x+1
			for l > x-3 && dark(l, y) {
				l--
			}
			for r < x+3 && dark(r, y) {
				r++
			}
			if l > 0 && r < w-1 && dark(l-1, y) && dark(r+1, y) {
				continue
			}
			out.Pix[y*out.Stride+x] = 255
		}
	}
	return out, len(cols)
}

// crossesText says whether column x has ink within a few pixels on both sides in enough
// rows to be crossing lines of text (a few lines' worth).
func crossesText(src *image.Gray, x int) bool {
	h := src.Rect.Dy()
	inkIn := func(y, x0, x1 int) bool {
		row := src.Pix[y*src.Stride:]
		for i := x0; i <= x1; i++ {
			if row[i] < 128 {
				return true
			}
		}
		return false
	}
	n := 0
	for y := 0; y < h; y++ {
		if inkIn(y, x-8, x-3) && inkIn(y, x+3, x+8) {
			n++
		}
	}
	return n >= h/60
}
