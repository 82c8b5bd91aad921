package raster

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"testing"

	"intake/fixtures/ccitt"
)

// imageOnPage places one image over the whole of a page of w x h pixels at 300 dpi.
func imageOnPage(w, h int, dict string, data []byte) []byte {
	wpt, hpt := float64(w)*72/300, float64(h)*72/300
	content := fmt.Sprintf("q %g 0 0 %g 0 0 cm /Im0 Do Q", wpt, hpt)
	return onePagePDF(fmt.Sprintf("0 0 %g %g", wpt, hpt), "", content,
		xobject{"Im0", pdfObj{body: "<< /Type /XObject /Subtype /Image " + dict + " >>", stream: data}})
}

// rendered decodes page 0 of b by rendering it with pdftoppm, for comparison.
func rendered(t *testing.T, b []byte) *image.Gray {
	t.Helper()
	needPdftoppm(t)
	d := openBytes(t, b, Limits{})
	p, err := d.renderPage(0, &d.pdf.pages[0])
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	return p.Image
}

// looksLike says whether got shows what want shows, allowing for the smoothing poppler
// applies when it draws images (it spreads edges over a pixel): their mean grey
// difference is small, and much smaller than got's from want's negative.
func looksLike(got, want *image.Gray) (float64, bool) {
	d := meanAbsDiff(got, want)
	return d, d >= 0 && d < 40 && d < meanAbsDiff(inverted(got), want)/3
}

func inverted(img *image.Gray) *image.Gray {
	out := image.NewGray(img.Rect)
	for i, v := range img.Pix {
		out.Pix[i] = 255 - v
	}
	return out
}

// TestPDFCCITTVariants codes an image in every layout /CCITTFaxDecode allows and checks the
// page: exact where libtiff reads the layout, and in any case the same as poppler shows.
func TestPDFCCITTVariants(t *testing.T) {
	const w, h = 600, 800
	img := testPage(w, h, 6)
	for _, tc := range []struct {
		name     string
		opts     ccitt.Options
		parms    string // besides /Columns and /Rows
		extra    string // image dictionary entries
		noRows   bool
		inverted bool   // the spec's reading shows the image inverted
		source   string // pdf/ccitt when decoded here, pdf/rendered when poppler must do it
	}{
		{"G4", ccitt.Options{Scheme: ccitt.G4, EndOfBlock: true}, "/K -1", "", false, false, "pdf/ccitt"},
		{"G4 without EOFB, no /Rows", ccitt.Options{Scheme: ccitt.G4}, "/K -1", "", true, false, "pdf/ccitt"},
		{"G3 1-D with EOLs", ccitt.Options{Scheme: ccitt.G31D, EOL: true, EndOfBlock: true}, "/K 0 /EndOfLine true", "", false, false, "pdf/ccitt"},
		{"G3 1-D EOLs byte-aligned", ccitt.Options{Scheme: ccitt.G31D, EOL: true, EncodedByteAlign: true}, "/K 0 /EndOfLine true /EncodedByteAlign true", "", false, false, "pdf/ccitt"},
		{"G3 1-D rows byte-aligned, no EOLs", ccitt.Options{Scheme: ccitt.G31D, EncodedByteAlign: true}, "/K 0 /EncodedByteAlign true", "", false, false, "pdf/ccitt"},
		{"G3 2-D K=2 with EOLs", ccitt.Options{Scheme: ccitt.G32D, K: 2, EOL: true, EndOfBlock: true}, "/K 2 /EndOfLine true", "", false, false, "pdf/ccitt"},
		{"G3 2-D K=4 EOLs byte-aligned", ccitt.Options{Scheme: ccitt.G32D, K: 4, EOL: true, EncodedByteAlign: true, EndOfBlock: true}, "/K 4 /EndOfLine true /EncodedByteAlign true", "", false, false, "pdf/ccitt"},
		{"G3 1-D no EOLs", ccitt.Options{Scheme: ccitt.G31D}, "/K 0", "", false, false, "pdf/rendered"},
		{"G3 2-D no EOLs", ccitt.Options{Scheme: ccitt.G32D, K: 2}, "/K 2", "", false, false, "pdf/rendered"},
		{"G3 2-D no EOLs byte-aligned", ccitt.Options{Scheme: ccitt.G32D, K: 4, EncodedByteAlign: true}, "/K 4 /EncodedByteAlign true", "", false, false, "pdf/rendered"},
		{"G4 byte-aligned", ccitt.Options{Scheme: ccitt.G4, EncodedByteAlign: true}, "/K -1 /EncodedByteAlign true", "", false, false, "pdf/rendered"},
		{"BlackIs1 with Decode [1 0]", ccitt.Options{Scheme: ccitt.G4}, "/K -1 /BlackIs1 true", "/Decode [1 0]", false, false, "pdf/ccitt"},
		{"BlackIs1 alone", ccitt.Options{Scheme: ccitt.G4}, "/K -1 /BlackIs1 true", "", false, true, "pdf/ccitt"},
		{"Decode [1 0] alone", ccitt.Options{Scheme: ccitt.G4}, "/K -1", "/Decode [1 0]", false, true, "pdf/ccitt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := ccitt.Append(nil, img, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			rows := fmt.Sprintf(" /Rows %d", h)
			if tc.noRows {
				rows = ""
			}
			dict := fmt.Sprintf("/Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << %s /Columns %d%s >> %s",
				w, h, tc.parms, w, rows, tc.extra)
			b := imageOnPage(w, h, dict, data)
			p := firstPage(t, b)
			want := img
			if tc.inverted {
				want = inverted(img)
			}
			if p.Source != tc.source {
				t.Errorf("source %q, want %q", p.Source, tc.source)
			}
			if tc.source == "pdf/ccitt" {
				if n := bilevelDiff(p.Image, want); n != 0 {
					t.Errorf("%d pixels differ from the image (-1: size %v)", n, p.Image.Rect.Size())
				}
			} else if d, ok := looksLike(p.Image, want); !ok {
				t.Errorf("mean difference %.1f from the image (-1: size %v)", d, p.Image.Rect.Size())
			}
			if d, ok := looksLike(p.Image, rendered(t, b)); !ok {
				t.Errorf("mean difference %.1f from poppler's rendering", d)
			}
		})
	}
	t.Run("image mask", func(t *testing.T) {
		data, _ := ccitt.Append(nil, img, ccitt.Options{Scheme: ccitt.G4})
		dict := fmt.Sprintf("/Width %d /Height %d /ImageMask true /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns %d /Rows %d >>", w, h, w, h)
		b := imageOnPage(w, h, dict, data)
		p := firstPage(t, b)
		if n := bilevelDiff(p.Image, img); n != 0 {
			t.Errorf("%d pixels differ from the image", n)
		}
		if d, ok := looksLike(p.Image, rendered(t, b)); !ok {
			t.Errorf("mean difference %.1f from poppler's rendering", d)
		}
	})
}

func deflate(b []byte) []byte {
	var out bytes.Buffer
	zw := zlib.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

// pngPredict codes rows with PNG filter type f (0-4), as /Predictor 15 data.
func pngPredict(raw []byte, rowBytes, bpp int, f byte) []byte {
	var out []byte
	prev := make([]byte, rowBytes)
	for r := 0; r+rowBytes <= len(raw); r += rowBytes {
		cur := raw[r : r+rowBytes]
		out = append(out, f)
		for i := range cur {
			var a, c byte
			if i >= bpp {
				a, c = cur[i-bpp], prev[i-bpp]
			}
			b := prev[i]
			var p byte
			switch f {
			case 1:
				p = a
			case 2:
				p = b
			case 3:
				p = byte((int(a) + int(b)) / 2)
			case 4:
				p = paeth(a, b, c)
			}
			out = append(out, cur[i]-p)
		}
		prev = cur
	}
	return out
}

// TestPDFFlateImages checks raw-sample images: grey, one-bit, colour, indexed, with
// predictors and /Decode, against the grey the test computes and against poppler.
func TestPDFFlateImages(t *testing.T) {
	const w, h = 300, 200
	// Grey ramp with a mark.
	gray := make([]byte, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			gray[y*w+x] = uint8((x*255/w + y) % 256)
		}
	}
	wantGray := image.NewGray(image.Rect(0, 0, w, h))
	copy(wantGray.Pix, gray)

	// RGB: red, green and blue bands and their luma.
	rgb := make([]byte, 3*w*h)
	wantRGB := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := [3]byte{uint8(x), uint8(y), uint8(255 - x/2)}
			copy(rgb[3*(y*w+x):], c[:])
			wantRGB.Pix[y*w+x] = luma(uint32(c[0]), uint32(c[1]), uint32(c[2]))
		}
	}

	// One bit per pixel, 1 = white as DeviceGray has it.
	bits := testPage(w, h, 7)
	rowBytes := (w + 7) / 8
	packed := make([]byte, rowBytes*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if bits.Pix[y*w+x] >= 128 {
				packed[y*rowBytes+x/8] |= 0x80 >> (x % 8)
			}
		}
	}
	flipped := make([]byte, len(packed))
	for i, v := range packed {
		flipped[i] = ^v
	}

	// Indexed: four grey levels in an RGB palette, two bits per pixel.
	palette := "<000000 555555 AAAAAA FFFFFF>"
	idx := make([]byte, (w*2+7)/8*h)
	wantIdx := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := (x / 10) % 4
			idx[y*((w*2+7)/8)+x/4] |= byte(v << (6 - 2*(x%4)))
			wantIdx.Pix[y*w+x] = uint8(v * 0x55)
		}
	}

	// CMYK: cyan across, black down; and the same as a Separation (one ink) of the black.
	cmyk := make([]byte, 4*w*h)
	ink := make([]byte, w*h)
	wantCMYK, wantInk := image.NewGray(image.Rect(0, 0, w, h)), image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c, k := uint8(x*255/w), uint8(y*255/h)
			copy(cmyk[4*(y*w+x):], []byte{c, 0, 0, k})
			ink[y*w+x] = k
			v := 1 - min(1, 0.299*float64(c)/255+float64(k)/255)
			wantCMYK.Pix[y*w+x] = uint8(255*v + 0.5)
			wantInk.Pix[y*w+x] = 255 - k
		}
	}
	// 16 and 4 bits per sample.
	gray16 := make([]byte, 2*w*h)
	for i, v := range gray {
		gray16[2*i], gray16[2*i+1] = v, 0x80
	}
	gray4 := make([]byte, (w*4+7)/8*h)
	want4 := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := gray[y*w+x] >> 4
			gray4[y*((w*4+7)/8)+x/2] |= v << (4 * (1 - x%2))
			want4.Pix[y*w+x] = v * 17
		}
	}
	// RGB with TIFF predictor 2: each sample minus the one to its left.
	tiffPred := append([]byte{}, rgb...)
	for y := 0; y < h; y++ {
		row := tiffPred[3*w*y : 3*w*(y+1)]
		for i := len(row) - 1; i >= 3; i-- {
			row[i] -= row[i-3]
		}
	}
	hexFlate := []byte(fmt.Sprintf("%X>", deflate(gray)))

	for _, tc := range []struct {
		name string
		dict string
		data []byte
		want *image.Gray
	}{
		{"grey 8 bit", "/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", deflate(gray), wantGray},
		{"grey uncompressed", "/ColorSpace /DeviceGray /BitsPerComponent 8", gray, wantGray},
		{"grey PNG Paeth predictor", fmt.Sprintf("/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 15 /Columns %d >>", w),
			deflate(pngPredict(gray, w, 1, 4)), wantGray},
		{"grey PNG Up predictor", fmt.Sprintf("/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns %d >>", w),
			deflate(pngPredict(gray, w, 1, 2)), wantGray},
		{"grey Decode [1 0]", "/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Decode [1 0]", deflate(gray), inverted(wantGray)},
		{"RGB", "/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode", deflate(rgb), wantRGB},
		{"RGB PNG Sub predictor", fmt.Sprintf("/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 11 /Colors 3 /Columns %d >>", w),
			deflate(pngPredict(rgb, 3*w, 3, 1)), wantRGB},
		{"one bit", "/ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode", deflate(packed), bits},
		{"one bit Decode [1 0]", "/ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode /Decode [1 0]", deflate(flipped), bits},
		{"image mask", "/ImageMask true /Filter /FlateDecode", deflate(packed), bits},
		{"CMYK", "/ColorSpace /DeviceCMYK /BitsPerComponent 8 /Filter /FlateDecode", deflate(cmyk), wantCMYK},
		{"Separation", "/ColorSpace [/Separation /Black /DeviceCMYK << /FunctionType 2 /Domain [0 1] /C0 [0 0 0 0] /C1 [0 0 0 1] /N 1 >>] /BitsPerComponent 8 /Filter /FlateDecode", deflate(ink), wantInk},
		{"grey 16 bit", "/ColorSpace /DeviceGray /BitsPerComponent 16 /Filter /FlateDecode", deflate(gray16), wantGray},
		{"grey 4 bit", "/ColorSpace /DeviceGray /BitsPerComponent 4 /Filter /FlateDecode", deflate(gray4), want4},
		{"RGB TIFF predictor", fmt.Sprintf("/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 2 /Colors 3 /Columns %d >>", w),
			deflate(tiffPred), wantRGB},
		{"ASCIIHex then Flate", "/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter [/ASCIIHexDecode /FlateDecode]", hexFlate, wantGray},
		{"indexed 2 bit", "/ColorSpace [/Indexed /DeviceRGB 3 " + palette + "] /BitsPerComponent 2 /Filter /FlateDecode", deflate(idx), wantIdx},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := imageOnPage(w, h, fmt.Sprintf("/Width %d /Height %d ", w, h)+tc.dict, tc.data)
			p := firstPage(t, b)
			if p.Source == "pdf/rendered" {
				t.Errorf("rendered, not decoded")
			}
			if d := meanAbsDiff(p.Image, tc.want); d < 0 || d > 0.5 {
				t.Errorf("mean difference %.2f from the expected grey (-1: size %v)", d, p.Image.Rect.Size())
			}
			if d, ok := looksLike(p.Image, rendered(t, b)); !ok {
				t.Errorf("mean difference %.1f from poppler's rendering", d)
			}
		})
	}
}
