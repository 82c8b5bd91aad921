package raster

import (
	"bufio"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
)

// decodeSingle decodes a PNG or JPEG file: one page, its resolution from the pHYs chunk or
// the JFIF header.
func decodeSingle(r io.ReadSeeker, f Format, lim Limits) (*Page, error) {
	var cfg image.Config
	var err error
	if f == PNG {
		cfg, err = png.DecodeConfig(bufio.NewReader(r))
	} else {
		cfg, err = jpeg.DecodeConfig(bufio.NewReader(r))
	}
	if err != nil {
		return nil, fail(ErrDamaged, "the image header cannot be read")
	}
	if err := checkPixels("the image", int64(cfg.Width), int64(cfg.Height), lim); err != nil {
		return nil, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, fail(ErrDamaged, "the image cannot be read")
	}
	var img image.Image
	if f == PNG {
		img, err = png.Decode(bufio.NewReader(r))
	} else {
		img, err = jpeg.Decode(bufio.NewReader(r))
	}
	if err != nil {
		return nil, fail(ErrDamaged, "the image cannot be decoded")
	}
	p := &Page{Image: toGray(img), Source: "png"}
	if f == JPEG {
		p.Source = "jpeg"
	}
	if _, err := r.Seek(0, io.SeekStart); err == nil {
		head := make([]byte, 64<<10)
		n, _ := io.ReadFull(r, head)
		if f == PNG {
			p.XDPI, p.YDPI = pngDPI(head[:n])
		} else {
			p.XDPI, p.YDPI = jfifDPI(head[:n])
		}
	}
	return p, nil
}

// pngDPI reads the pHYs chunk, if it comes within head.
func pngDPI(head []byte) (float64, float64) {
	for i := 8; i+12 <= len(head); {
		n := int(binary.BigEndian.Uint32(head[i:]))
		typ := string(head[i+4 : i+8])
		if typ == "IDAT" || n < 0 || n > len(head) {
			break
		}
		if typ == "pHYs" && n == 9 && i+8+9 <= len(head) {
			d := head[i+8:]
			if d[8] != 1 { // unit: metre
				return 0, 0
			}
			x, y := float64(binary.BigEndian.Uint32(d)), float64(binary.BigEndian.Uint32(d[4:]))
			return roundDPI(x * 0.0254), roundDPI(y * 0.0254)
		}
		i += 12 + n
	}
	return 0, 0
}

// jfifDPI reads the density of a JFIF APP0 segment at the start of a JPEG.
func jfifDPI(head []byte) (float64, float64) {
	if len(head) < 18 || head[2] != 0xff || head[3] != 0xe0 || string(head[6:11]) != "JFIF\x00" {
		return 0, 0
	}
	x, y := float64(binary.BigEndian.Uint16(head[14:])), float64(binary.BigEndian.Uint16(head[16:]))
	switch head[13] {
	case 1:
		return roundDPI(x), roundDPI(y)
	case 2:
		return roundDPI(x * 2.54), roundDPI(y * 2.54)
	}
	return 0, 0
}

// toGray converts any image to an 8-bit grey image whose bounds start at 0,0 (luma of
// colour, transparent parts on white).
func toGray(img image.Image) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if g, ok := img.(*image.Gray); ok && b.Min == (image.Point{}) {
		return g
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < h; y++ {
			copy(out.Pix[y*out.Stride:][:w], m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:w])
		}
	case *image.YCbCr:
		// JPEG's Y is the luma of its colours: just what a grey rendering shows.
		for y := 0; y < h; y++ {
			copy(out.Pix[y*out.Stride:][:w], m.Y[m.YOffset(b.Min.X, b.Min.Y+y):][:w])
		}
	case *image.RGBA:
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:4*w]
			dst := out.Pix[y*out.Stride:][:w]
			for x := range dst {
				// Premultiplied: transparent parts go to white.
				a := 255 - uint32(src[4*x+3])
				dst[x] = luma(uint32(src[4*x])+a, uint32(src[4*x+1])+a, uint32(src[4*x+2])+a)
			}
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:4*w]
			dst := out.Pix[y*out.Stride:][:w]
			for x := range dst {
				a := uint32(src[4*x+3])
				l := uint32(luma(uint32(src[4*x]), uint32(src[4*x+1]), uint32(src[4*x+2])))
				dst[x] = uint8((l*a + 255*(255-a) + 127) / 255)
			}
		}
	default:
		for y := 0; y < h; y++ {
			dst := out.Pix[y*out.Stride:][:w]
			for x := range dst {
				r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				wh := 0xffff - a // premultiplied: composite on white
				dst[x] = color.GrayModel.Convert(color.RGBA64{R: uint16(r + wh), G: uint16(g + wh), B: uint16(bl + wh), A: 0xffff}).(color.Gray).Y
			}
		}
	}
	return out
}

// luma is the ITU-R 601 luma of 8-bit RGB (clamped), as image/color computes it.
func luma(r, g, b uint32) uint8 {
	r, g, b = min(r, 255), min(g, 255), min(b, 255)
	return uint8((19595*r + 38470*g + 7471*b + 1<<15) >> 16)
}
