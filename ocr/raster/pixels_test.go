package raster

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"

	"intake/fixtures/scanout"
)

// TestTIFFPixels writes two-page faxes in every coding, fill order and layout scanout
// (and so a libtiff-based fax server) writes, and checks every pixel comes back.
func TestTIFFPixels(t *testing.T) {
	fine := testPage(1728, 2156, 1)   // 204 x 196 dpi
	normal := testPage(1728, 1078, 2) // 204 x 98 dpi
	pages := []scanout.TIFFPage{{Image: fine, XRes: 204, YRes: 196}, {Image: normal, XRes: 204, YRes: 98}}
	for _, tc := range []struct {
		name   string
		opts   scanout.TIFFOptions
		source string
	}{
		{"uncompressed", scanout.TIFFOptions{Compression: scanout.CompressionNone}, "tiff/none"},
		{"modified Huffman RLE", scanout.TIFFOptions{Compression: scanout.CompressionCCITT}, "tiff/ccitt-rle"},
		{"G3 1-D", scanout.TIFFOptions{Compression: scanout.CompressionG3}, "tiff/g3-1d"},
		{"G3 1-D fill bits, RTC", scanout.TIFFOptions{Compression: scanout.CompressionG3, G3FillBits: true, G3RTC: true}, "tiff/g3-1d"},
		{"G3 1-D fill order 2", scanout.TIFFOptions{Compression: scanout.CompressionG3, FillOrder: 2}, "tiff/g3-1d"},
		{"G3 2-D", scanout.TIFFOptions{Compression: scanout.CompressionG3, G3TwoD: true}, "tiff/g3-2d"},
		{"G3 2-D K=4 fill bits", scanout.TIFFOptions{Compression: scanout.CompressionG3, G3TwoD: true, G3K: 4, G3FillBits: true}, "tiff/g3-2d"},
		{"G3 2-D fill order 2, RTC", scanout.TIFFOptions{Compression: scanout.CompressionG3, G3TwoD: true, FillOrder: 2, G3RTC: true}, "tiff/g3-2d"},
		{"G3 2-D strips", scanout.TIFFOptions{Compression: scanout.CompressionG3, G3TwoD: true, RowsPerStrip: 64}, "tiff/g3-2d"},
		{"G4", scanout.TIFFOptions{Compression: scanout.CompressionG4}, "tiff/g4"},
		{"G4 fill order 2, no EOFB", scanout.TIFFOptions{Compression: scanout.CompressionG4, FillOrder: 2, G4NoEOFB: true}, "tiff/g4"},
		{"G4 BlackIsZero", scanout.TIFFOptions{Compression: scanout.CompressionG4, Photometric: 1}, "tiff/g4"},
		{"G4 strips", scanout.TIFFOptions{Compression: scanout.CompressionG4, RowsPerStrip: 100}, "tiff/g4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := scanout.WriteTIFF(&buf, pages, tc.opts); err != nil {
				t.Fatal(err)
			}
			d := openBytes(t, buf.Bytes(), Limits{})
			if d.Format() != TIFF || d.NumPages() != 2 {
				t.Fatalf("format %v, %d pages; want tiff, 2", d.Format(), d.NumPages())
			}
			for i, want := range pages {
				p, err := d.Page(i)
				if err != nil {
					t.Fatalf("page %d: %v", i, err)
				}
				if n := bilevelDiff(p.Image, want.Image); n != 0 {
					t.Errorf("page %d: %d pixels differ (-1: size %v)", i, n, p.Image.Rect.Size())
				}
				if !isBilevel(p.Image) {
					t.Errorf("page %d: not 0/255 only", i)
				}
				if p.XDPI != want.XRes || p.YDPI != want.YRes || p.Source != tc.source || p.Index != i || p.Rotate != 0 {
					t.Errorf("page %d: %vx%v dpi, source %q, index %d, rotate %d; want %vx%v, %q, %d, 0",
						i, p.XDPI, p.YDPI, p.Source, p.Index, p.Rotate, want.XRes, want.YRes, tc.source, i)
				}
			}
		})
	}
}

// TestPDFPixels writes scanner and fax-server PDFs with scanout and checks the page image:
// the stored image exactly (JPEG: closely), strips put together, /Rotate applied.
func TestPDFPixels(t *testing.T) {
	img := testPage(1275, 1650, 3) // letter at 150 dpi keeps the test quick
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	rgb := image.NewRGBA(img.Rect)
	for i, v := range img.Pix {
		copy(rgb.Pix[4*i:], []byte{v, v, v, 255})
	}
	var cb bytes.Buffer
	if err := jpeg.Encode(&cb, rgb, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		page   scanout.PDFPage
		source string
	}{
		{"G4", scanout.PDFPage{G4: img}, "pdf/ccitt"},
		{"G3 1-D", scanout.PDFPage{G3: img}, "pdf/ccitt"},
		{"G3 2-D K=2", scanout.PDFPage{G3: img, G3K: 2}, "pdf/ccitt"},
		{"G3 2-D K=4", scanout.PDFPage{G3: img, G3K: 4}, "pdf/ccitt"},
		{"JPEG", scanout.PDFPage{JPEG: jb.Bytes(), JPEGGray: true}, "pdf/dct"},
		{"JPEG in colour", scanout.PDFPage{JPEG: cb.Bytes()}, "pdf/dct"},
		{"G4 in 5 strips", scanout.PDFPage{G4: img, Strips: 5}, "pdf/ccitt"},
		{"G3 2-D in 3 strips", scanout.PDFPage{G3: img, G3K: 4, Strips: 3}, "pdf/ccitt"},
		{"G4 rotate 90", scanout.PDFPage{G4: img, Rotate: 90}, "pdf/ccitt"},
		{"G4 rotate 180", scanout.PDFPage{G4: img, Rotate: 180}, "pdf/ccitt"},
		{"G4 rotate 270 in strips", scanout.PDFPage{G4: img, Rotate: 270, Strips: 4}, "pdf/ccitt"},
		{"JPEG rotate 90", scanout.PDFPage{JPEG: jb.Bytes(), JPEGGray: true, Rotate: 90}, "pdf/dct"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pg := tc.page
			pg.XDPI, pg.YDPI = 150, 150
			var buf bytes.Buffer
			if err := scanout.WritePDF(&buf, []scanout.PDFPage{pg}, scanout.PDFInfo{Producer: "test"}); err != nil {
				t.Fatal(err)
			}
			p := firstPage(t, buf.Bytes())
			want := turned(img, pg.Rotate)
			if pg.JPEG != nil {
				if d := meanAbsDiff(p.Image, want); d < 0 || d > 4 {
					t.Errorf("mean difference %.2f from the original (-1: size %v)", d, p.Image.Rect.Size())
				}
			} else if n := bilevelDiff(p.Image, want); n != 0 {
				t.Errorf("%d pixels differ (-1: size %v, want %v)", n, p.Image.Rect.Size(), want.Rect.Size())
			}
			if p.XDPI != 150 || p.YDPI != 150 || p.Rotate != pg.Rotate || p.Source != tc.source {
				t.Errorf("%vx%v dpi, rotate %d, source %q; want 150x150, %d, %q", p.XDPI, p.YDPI, p.Rotate, p.Source, pg.Rotate, tc.source)
			}
		})
	}
	t.Run("fax normal resolution", func(t *testing.T) {
		fax := testPage(1728, 1078, 4)
		var buf bytes.Buffer
		if err := scanout.WritePDF(&buf, []scanout.PDFPage{{G4: fax, XDPI: 204, YDPI: 98}}, scanout.PDFInfo{}); err != nil {
			t.Fatal(err)
		}
		p := firstPage(t, buf.Bytes())
		if n := bilevelDiff(p.Image, fax); n != 0 || p.XDPI != 204 || p.YDPI != 98 {
			t.Errorf("%d pixels differ, %vx%v dpi; want 0, 204x98", n, p.XDPI, p.YDPI)
		}
	})
}

// TestPageDoesNotKeepImages checks a Document holds no decoded page: the image a Page
// returned is the caller's alone, and asking again decodes afresh.
func TestPageDoesNotKeepImages(t *testing.T) {
	img := testPage(800, 1000, 5)
	var buf bytes.Buffer
	if err := scanout.WriteTIFF(&buf, []scanout.TIFFPage{{Image: img, XRes: 200, YRes: 200}}, scanout.TIFFOptions{Compression: scanout.CompressionG4}); err != nil {
		t.Fatal(err)
	}
	d := openBytes(t, buf.Bytes(), Limits{})
	p1, err := d.Page(0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range p1.Image.Pix {
		p1.Image.Pix[i] = 7
	}
	p2, err := d.Page(0)
	if err != nil {
		t.Fatal(err)
	}
	if &p2.Image.Pix[0] == &p1.Image.Pix[0] || bilevelDiff(p2.Image, img) != 0 {
		t.Error("the second decode shares or shows the first page's pixels")
	}
}
