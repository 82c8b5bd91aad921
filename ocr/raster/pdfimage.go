package raster

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"math"

	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// colorSpace is an image's colour space, reduced to what grey conversion needs.
type colorSpace struct {
	kind   string // gray, rgb, cmyk, lab, ink (Separation/DeviceN: more is darker), indexed
	n      int    // components per sample
	base   *colorSpace
	hival  int
	lookup []byte
}

// colorSpace reads an image's /ColorSpace.
func (f *pdfFile) colorSpace(o types.Object, depth int) (*colorSpace, error) {
	if depth > 4 {
		return nil, errUndecodable
	}
	o = f.deref(o)
	var name string
	var arr types.Array
	switch v := o.(type) {
	case types.Name:
		name = string(v)
	case types.Array:
		if len(v) == 0 {
			return nil, errUndecodable
		}
		arr, name = v, f.name(v[0])
	case nil:
		return &colorSpace{kind: "gray", n: 1}, nil
	default:
		return nil, errUndecodable
	}
	switch name {
	case "DeviceGray", "G", "CalGray":
		return &colorSpace{kind: "gray", n: 1}, nil
	case "DeviceRGB", "RGB", "CalRGB":
		return &colorSpace{kind: "rgb", n: 3}, nil
	case "DeviceCMYK", "CMYK":
		return &colorSpace{kind: "cmyk", n: 4}, nil
	case "Lab":
		return &colorSpace{kind: "lab", n: 3}, nil
	case "ICCBased":
		if len(arr) < 2 {
			return nil, errUndecodable
		}
		switch f.integer(f.dict(arr[1])["N"], 0) {
		case 1:
			return &colorSpace{kind: "gray", n: 1}, nil
		case 3:
			return &colorSpace{kind: "rgb", n: 3}, nil
		case 4:
			return &colorSpace{kind: "cmyk", n: 4}, nil
		}
	case "Separation":
		return &colorSpace{kind: "ink", n: 1}, nil
	case "DeviceN":
		if len(arr) >= 2 {
			if n := len(f.array(arr[1])); n >= 1 && n <= 32 {
				return &colorSpace{kind: "ink", n: n}, nil
			}
		}
	case "Indexed", "I":
		if len(arr) < 4 {
			return nil, errUndecodable
		}
		base, err := f.colorSpace(arr[1], depth+1)
		if err != nil || base.kind == "indexed" {
			return nil, errUndecodable
		}
		hival := f.integer(arr[2], -1)
		if hival < 0 || hival > 255 {
			return nil, errUndecodable
		}
		var lookup []byte
		switch v := f.deref(arr[3]).(type) {
		case types.StringLiteral:
			lookup, _ = types.Unescape(v.Value())
		case types.HexLiteral:
			lookup, _ = v.Bytes()
		case types.StreamDict:
			lookup, _ = f.streamData(&v, 4*256)
		}
		if len(lookup) < (hival+1)*base.n {
			return nil, errUndecodable
		}
		return &colorSpace{kind: "indexed", n: 1, base: base, hival: hival, lookup: lookup}, nil
	}
	return nil, errUndecodable
}

// gray converts one colour (components in 0..1) to grey 0..255.
func (cs *colorSpace) gray(c []float64) uint8 {
	var v float64
	switch cs.kind {
	case "gray":
		v = c[0]
	case "rgb":
		v = 0.299*c[0] + 0.587*c[1] + 0.114*c[2]
	case "cmyk":
		v = 1 - min(1, 0.299*c[0]+0.587*c[1]+0.114*c[2]+c[3])
	case "lab":
		v = c[0] / 100
	case "ink":
		s := 0.0
		for _, x := range c {
			s += x
		}
		v = 1 - min(1, s)
	}
	return uint8(math.Round(255 * min(1, max(0, v))))
}

// decodeImage decodes an image XObject to grey as a viewer would show it.
func (f *pdfFile) decodeImage(sd *types.StreamDict, lim Limits, what string) (*image.Gray, string, error) {
	d := sd.Dict
	w, h := f.integer(d["Width"], 0), f.integer(d["Height"], 0)
	if err := checkPixels(what, int64(w), int64(h), lim); err != nil {
		return nil, "", err
	}
	data, err := f.raw(sd)
	if err != nil {
		return nil, "", err
	}
	specs := f.filters(d)
	last := ""
	if len(specs) > 0 {
		last = specs[len(specs)-1].name
	}
	if last != "" && !isGeneric(last) && last != filter.DCT && last != filter.CCITTFax {
		return nil, "", errUndecodable // JBIG2, JPX, or a filter PDF does not have
	}
	mask := f.boolean(d["ImageMask"])
	var cs *colorSpace
	bpc := 1
	if mask {
		cs = &colorSpace{kind: "gray", n: 1}
		// Mask samples of 0 paint (black) by default; [1 0] makes 1 paint. As grey: the
		// same as a one-bit DeviceGray image.
	} else if last == "" || isGeneric(last) {
		if cs, err = f.colorSpace(d["ColorSpace"], 0); err != nil {
			return nil, "", err
		}
		bpc = f.integer(d["BitsPerComponent"], 8)
	}
	bound := encodedBound(last, w, h, cs, bpc)
	for k, fs := range specs {
		if k == len(specs)-1 && !isGeneric(fs.name) {
			break
		}
		if !isGeneric(fs.name) {
			return nil, "", errUndecodable
		}
		// Data past what the image needs is left undecoded, as viewers ignore it: a
		// deflate bomb costs no more than the image's size.
		if data, err = f.decodeGeneric(data, fs, bound); err != nil && !errors.Is(err, errOverLimit) {
			return nil, "", err
		}
	}
	decode := f.array(d["Decode"])
	inverted := false // /Decode [1 0] on a one-component image
	if len(decode) >= 2 {
		lo, _ := f.number(decode[0])
		hi, _ := f.number(decode[1])
		inverted = lo > hi
	}

	switch last {
	case filter.DCT:
		img, err := decodeJPEG(data, lim, what)
		if err != nil {
			return nil, "", err
		}
		if inverted {
			invert(img)
		}
		return img, "pdf/dct", nil
	case filter.CCITTFax:
		var p *types.Dict
		if len(specs) > 0 {
			p = &specs[len(specs)-1].parms
		}
		cp := f.ccittParams(p, w, h)
		img, err := decodeCCITT(data, cp, lim, what)
		if err != nil {
			return nil, "", err
		}
		// The decoder gives the coding's black runs as black. BlackIs1 makes them the
		// sample 1, which DeviceGray shows white unless /Decode turns it round (an image
		// mask paints the samples /Decode maps to 0, alike).
		if cp.BlackIs1 != inverted {
			invert(img)
		}
		return img, "pdf/ccitt", nil
	}

	source := "pdf/raw"
	if len(specs) > 0 {
		source = "pdf/" + map[string]string{filter.Flate: "flate", filter.LZW: "lzw", filter.RunLength: "runlength",
			filter.ASCII85: "ascii85", filter.ASCIIHex: "asciihex"}[last]
	}
	img, err := samplesToGray(data, w, h, bpc, cs, f.decodeArray(decode, cs, bpc))
	if err != nil {
		return nil, "", err
	}
	return img, source, nil
}

// encodedBound is the most bytes the generic filters of a w x h image may decode to
// before its last filter: the samples themselves when that filter is generic (or there
// is none), else as much as CCITT or DCT coding of such an image takes at worst (about
// four and a half bits a pixel for G3 on noise; JPEG, a few bytes a pixel at most).
func encodedBound(last string, w, h int, cs *colorSpace, bpc int) int64 {
	switch last {
	case filter.CCITTFax:
		return (int64(w)+7)/8*int64(h)*6 + 64<<10
	case filter.DCT:
		return int64(w)*int64(h)*6 + 1<<20
	}
	if bpc < 1 || bpc > 16 {
		bpc = 16 // samplesToGray refuses it anyway
	}
	return (int64(w)*int64(cs.n)*int64(bpc) + 7) / 8 * int64(h)
}

func (f *pdfFile) ccittParams(p *types.Dict, w, h int) ccittParams {
	cp := ccittParams{Columns: 1728}
	if p != nil && *p != nil {
		d := *p
		cp.K = f.integer(d["K"], 0)
		cp.Columns = f.integer(d["Columns"], 1728)
		cp.Rows = f.integer(d["Rows"], 0)
		cp.EndOfLine = f.boolean(d["EndOfLine"])
		cp.EncodedByteAlign = f.boolean(d["EncodedByteAlign"])
		cp.BlackIs1 = f.boolean(d["BlackIs1"])
	}
	if cp.Rows <= 0 {
		cp.Rows = h
	}
	return cp
}

// decodeArray returns the /Decode ranges, one [min max] pair per component, defaulting as
// the colour space says.
func (f *pdfFile) decodeArray(a types.Array, cs *colorSpace, bpc int) []float64 {
	n := cs.n
	out := make([]float64, 2*n)
	for i := 0; i < n; i++ {
		out[2*i], out[2*i+1] = 0, 1
		switch cs.kind {
		case "indexed":
			out[2*i+1] = float64(int(1)<<bpc - 1)
		case "lab":
			if i == 0 {
				out[1] = 100
			} else {
				out[2*i], out[2*i+1] = -100, 100
			}
		}
	}
	if len(a) >= 2*n {
		for i := range out {
			if v, ok := f.number(a[i]); ok {
				out[i] = v
			}
		}
	}
	return out
}

// samplesToGray converts raw image samples to grey.
func samplesToGray(data []byte, w, h, bpc int, cs *colorSpace, decode []float64) (*image.Gray, error) {
	switch bpc {
	case 1, 2, 4, 8, 16:
	default:
		return nil, errUndecodable
	}
	n := cs.n
	rowBytes := (w*n*bpc + 7) / 8
	if int64(len(data)) < int64(rowBytes)*int64(h) {
		return nil, errUndecodable // cut short
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	maxv := float64(int(1)<<bpc - 1)

	// For up to 8 bits, a table per component maps each sample value to its decoded value.
	levels := 1 << min(bpc, 8)
	tables := make([][]float64, n)
	for c := 0; c < n; c++ {
		tables[c] = make([]float64, levels)
		for v := range levels {
			tables[c][v] = decode[2*c] + float64(v)*(decode[2*c+1]-decode[2*c])/maxv
		}
	}
	sample := func(row []byte, i int) int {
		switch bpc {
		case 8:
			return int(row[i])
		case 16:
			return int(row[2*i]) // the high byte is enough for grey
		default:
			bit := i * bpc
			return int(row[bit/8]>>(8-bpc-bit%8)) & (1<<bpc - 1)
		}
	}
	if bpc == 16 { // the high byte indexes an 8-bit table
		for c := 0; c < n; c++ {
			for v := range 256 {
				tables[c][v] = decode[2*c] + float64(v)*(decode[2*c+1]-decode[2*c])/255
			}
		}
	}

	// Grey of every possible sample value, when one component decides it.
	if n == 1 && cs.kind != "indexed" {
		lut := make([]uint8, 256)
		for v := range levels {
			lut[v] = cs.gray([]float64{tables[0][v]})
		}
		for y := 0; y < h; y++ {
			row := data[y*rowBytes:][:rowBytes]
			dst := img.Pix[y*img.Stride:][:w]
			if bpc == 8 {
				for x, v := range row[:w] {
					dst[x] = lut[v]
				}
				continue
			}
			for x := range dst {
				dst[x] = lut[sample(row, x)]
			}
		}
		return img, nil
	}
	if cs.kind == "indexed" {
		base := cs.base
		lut := make([]uint8, 256)
		comp := make([]float64, base.n)
		for i := 0; i <= cs.hival; i++ {
			for c := range comp {
				comp[c] = float64(cs.lookup[i*base.n+c]) / 255
			}
			if base.kind == "lab" {
				comp[0] *= 100
			}
			lut[i] = base.gray(comp)
		}
		for y := 0; y < h; y++ {
			row := data[y*rowBytes:][:rowBytes]
			dst := img.Pix[y*img.Stride:][:w]
			for x := range dst {
				idx := int(math.Round(tables[0][sample(row, x)]))
				dst[x] = lut[min(max(idx, 0), cs.hival)]
			}
		}
		return img, nil
	}
	if cs.kind == "rgb" && bpc == 8 && decode[0] == 0 && decode[1] == 1 && decode[2] == 0 && decode[3] == 1 && decode[4] == 0 && decode[5] == 1 {
		for y := 0; y < h; y++ {
			row := data[y*rowBytes:][:rowBytes]
			dst := img.Pix[y*img.Stride:][:w]
			for x := range dst {
				dst[x] = luma(uint32(row[3*x]), uint32(row[3*x+1]), uint32(row[3*x+2]))
			}
		}
		return img, nil
	}
	comp := make([]float64, n)
	for y := 0; y < h; y++ {
		row := data[y*rowBytes:][:rowBytes]
		dst := img.Pix[y*img.Stride:][:w]
		for x := range dst {
			for c := range comp {
				comp[c] = tables[c][sample(row, x*n+c)]
			}
			dst[x] = cs.gray(comp)
		}
	}
	return img, nil
}

// decodeJPEG decodes DCT data to grey, checking the size in its header first.
func decodeJPEG(data []byte, lim Limits, what string) (*image.Gray, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, errUndecodable
	}
	if err := checkPixels(what, int64(cfg.Width), int64(cfg.Height), lim); err != nil {
		return nil, err
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, errUndecodable
	}
	return toGray(img), nil
}

func invert(img *image.Gray) {
	for i := range img.Pix {
		img.Pix[i] = 255 - img.Pix[i]
	}
}

// unpredict undoes a Flate or LZW predictor: 2 is TIFF's horizontal differencing, 10 and
// up are PNG's row filters.
func unpredict(data []byte, pred, colors, bpc, columns int) ([]byte, error) {
	if colors < 1 || colors > 32 || columns < 1 || columns > 1<<24 {
		return nil, errUndecodable
	}
	switch bpc {
	case 1, 2, 4, 8, 16:
	default:
		return nil, errUndecodable
	}
	rowBytes := (colors*bpc*columns + 7) / 8
	bpp := max(1, colors*bpc/8)
	if pred == 2 {
		rows := len(data) / rowBytes
		out := data[:rows*rowBytes]
		for r := 0; r < rows; r++ {
			row := out[r*rowBytes:][:rowBytes]
			switch bpc {
			case 8:
				for i := colors; i < len(row); i++ {
					row[i] += row[i-colors]
				}
			case 16:
				for i := 2 * colors; i+1 < len(row); i += 2 {
					v := uint16(row[i])<<8 | uint16(row[i+1])
					p := uint16(row[i-2*colors])<<8 | uint16(row[i-2*colors+1])
					v += p
					row[i], row[i+1] = byte(v>>8), byte(v)
				}
			default:
				mask := 1<<bpc - 1
				prev := make([]int, colors)
				for i := 0; i < columns*colors; i++ {
					bit := i * bpc
					shift := 8 - bpc - bit%8
					v := (int(row[bit/8]>>shift) + prev[i%colors]) & mask
					prev[i%colors] = v
					row[bit/8] = row[bit/8]&^byte(mask<<shift) | byte(v<<shift)
				}
			}
		}
		return out, nil
	}
	if pred < 10 {
		return nil, errUndecodable
	}
	stride := rowBytes + 1
	rows := len(data) / stride
	out := make([]byte, rows*rowBytes)
	prev := make([]byte, rowBytes)
	for r := 0; r < rows; r++ {
		in := data[r*stride:][:stride]
		cur := out[r*rowBytes:][:rowBytes]
		copy(cur, in[1:])
		switch in[0] {
		case 0:
		case 1:
			for i := bpp; i < rowBytes; i++ {
				cur[i] += cur[i-bpp]
			}
		case 2:
			for i := range cur {
				cur[i] += prev[i]
			}
		case 3:
			for i := range cur {
				var left byte
				if i >= bpp {
					left = cur[i-bpp]
				}
				cur[i] += byte((int(left) + int(prev[i])) / 2)
			}
		case 4:
			for i := range cur {
				var a, c byte
				if i >= bpp {
					a, c = cur[i-bpp], prev[i-bpp]
				}
				cur[i] += paeth(a, prev[i], c)
			}
		default:
			return nil, errUndecodable
		}
		prev = cur
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	if pa <= pb && pa <= pc {
		return a
	}
	if pb <= pc {
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
