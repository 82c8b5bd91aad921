package raster

import (
	"fmt"
	"image"
	"testing"

	"intake/fixtures/ccitt"
)

// g4Image is an image XObject holding img as Group 4.
func g4Image(t *testing.T, img *image.Gray) pdfObj {
	t.Helper()
	data, err := ccitt.Append(nil, img, ccitt.Options{Scheme: ccitt.G4, EndOfBlock: true})
	if err != nil {
		t.Fatal(err)
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	return pdfObj{body: fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 "+
		"/Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns %d /Rows %d >> >>", w, h, w, h), stream: data}
}

func darkShare(img *image.Gray) float64 {
	n := 0
	for y := 0; y < img.Rect.Dy(); y++ {
		for _, v := range img.Pix[y*img.Stride:][:img.Rect.Dx()] {
			if v < 128 {
				n++
			}
		}
	}
	return float64(n) / float64(img.Rect.Dx()*img.Rect.Dy())
}

// TestPDFPageKinds checks which pages come from their images and which are rendered, and
// that placement (cm, forms, crop box, /Rotate) is followed.
func TestPDFPageKinds(t *testing.T) {
	needPdftoppm(t)
	page := testPage(600, 800, 8)  // portrait, 300 dpi: 144 x 192 pt
	landscape := turned(page, 270) // as a scanner might store it
	top, bottom := image.NewGray(image.Rect(0, 0, 600, 300)), image.NewGray(image.Rect(0, 0, 600, 500))
	copy(top.Pix, page.Pix[:600*300])
	copy(bottom.Pix, page.Pix[600*300:])
	const media = "0 0 144 192"
	full := "q 144 0 0 192 0 0 cm /Im0 Do Q"
	for _, tc := range []struct {
		name   string
		pdf    []byte
		want   *image.Gray // nil: only the size is checked
		w, h   int
		dpi    float64
		rotate int
		source string
	}{
		{"one image", onePagePDF(media, "", full, xobject{"Im0", g4Image(t, page)}), page, 600, 800, 300, 0, "pdf/ccitt"},
		{"image stored sideways, placed turned", onePagePDF(media, "", "q 0 -192 144 0 0 192 cm /Im0 Do Q", xobject{"Im0", g4Image(t, landscape)}),
			page, 600, 800, 300, 0, "pdf/ccitt"},
		{"two images, one above the other", onePagePDF(media, "", "q 144 0 0 72 0 120 cm /Top Do Q q 144 0 0 120 0 0 cm /Bot Do Q",
			xobject{"Top", g4Image(t, top)}, xobject{"Bot", g4Image(t, bottom)}), page, 600, 800, 300, 0, "pdf/ccitt"},
		{"image in a form", onePagePDF(media, "", "q 2 0 0 2 0 0 cm /Fm Do Q",
			xobject{"Fm", pdfObj{body: "<< /Type /XObject /Subtype /Form /BBox [0 0 72 96] /Resources << /XObject << /Im0 6 0 R >> >> >>",
				stream: []byte("q 72 0 0 96 0 0 cm /Im0 Do Q")}},
			xobject{"Im0", g4Image(t, page)}), page, 600, 800, 300, 0, "pdf/ccitt"},
		{"invisible text over the image (searchable scan)", onePagePDF(media, "", full+" BT 3 Tr /F1 12 Tf 10 100 Td (hidden words) Tj ET",
			xobject{"Im0", g4Image(t, page)}), page, 600, 800, 300, 0, "pdf/ccitt"},
		{"inline image, strings and comments around the image", onePagePDF(media, "",
			// Were any of these misread, the image would be drawn at half size and the page rendered.
			"BI /W 4 /H 1 /BPC 8 /CS /G ID \x00 .5 0 0 .5 0 0 cm EI % a comment: .5 0 0 .5 0 0 cm\n"+
				"BT 3 Tr (a\\) .5 0 0 .5 0 0 cm b\\\\) Tj [(x) 5 <4F>] TJ ET "+full,
			xobject{"Im0", g4Image(t, page)}), page, 600, 800, 300, 0, "pdf/ccitt"},
		{"inline image over the image", onePagePDF(media, "", full+" BI /W 4 /H 1 /BPC 8 /CS /G ID abcd EI", xobject{"Im0", g4Image(t, page)}),
			nil, 600, 800, 300, 0, "pdf/rendered"},
		{"crop box", onePagePDF(media, "/CropBox [0 120 144 192]", full, xobject{"Im0", g4Image(t, page)}), top, 600, 300, 300, 0, "pdf/ccitt"},
		{"page /Rotate 90 on an image page", onePagePDF(media, "/Rotate 90", full, xobject{"Im0", g4Image(t, page)}),
			turned(page, 90), 800, 600, 300, 90, "pdf/ccitt"},
		{"visible text over the image", onePagePDF(media, "", full+" BT /F1 12 Tf 10 100 Td (stamp) Tj ET", xobject{"Im0", g4Image(t, page)}),
			nil, 600, 800, 300, 0, "pdf/rendered"},
		{"image on half the page", onePagePDF(media, "", "q 144 0 0 96 0 0 cm /Im0 Do Q", xobject{"Im0", g4Image(t, page)}),
			nil, 600, 800, 300, 0, "pdf/rendered"},
		{"born-digital letter", onePagePDF("0 0 612 792", "", "BT /F1 24 Tf 72 700 Td (Notice of Action) Tj ET"),
			nil, 2550, 3300, 300, 0, "pdf/rendered"},
		{"born-digital letter, /Rotate 270", onePagePDF("0 0 612 792", "/Rotate 270", "BT /F1 24 Tf 72 700 Td (Notice of Action) Tj ET"),
			nil, 3300, 2550, 300, 270, "pdf/rendered"},
		{"JBIG2 image", onePagePDF(media, "", full, xobject{"Im0", pdfObj{body: "<< /Type /XObject /Subtype /Image /Width 600 /Height 800 " +
			"/ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /JBIG2Decode >>", stream: []byte("not really JBIG2")}}),
			nil, 600, 800, 300, 0, "pdf/rendered"},
		{"empty page", onePagePDF("0 0 612 792", "", ""), nil, 2550, 3300, 300, 0, "pdf/rendered"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := firstPage(t, tc.pdf)
			if p.Source != tc.source || p.Rotate != tc.rotate || p.XDPI != tc.dpi || p.YDPI != tc.dpi {
				t.Errorf("source %q, rotate %d, %vx%v dpi; want %q, %d, %v", p.Source, p.Rotate, p.XDPI, p.YDPI, tc.source, tc.rotate, tc.dpi)
			}
			if p.Image.Rect.Dx() != tc.w || p.Image.Rect.Dy() != tc.h {
				t.Fatalf("size %v, want %dx%d", p.Image.Rect.Size(), tc.w, tc.h)
			}
			if tc.want != nil {
				if n := bilevelDiff(p.Image, tc.want); n != 0 {
					t.Errorf("%d pixels differ", n)
				}
			}
			if tc.source == "pdf/rendered" && tc.name != "empty page" && tc.name != "JBIG2 image" && darkShare(p.Image) < 0.0005 {
				t.Errorf("the rendered page is blank")
			}
		})
	}
}
