package raster

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"golang.org/x/image/tiff"

	"intake/fixtures/scanout"
)

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		head string
		want Format
	}{
		{"%PDF-1.4\n", PDF},
		{"\r\n\x00junk a mail gateway put first\n%PDF-1.7\n", PDF},
		{"II*\x00\x08\x00\x00\x00", TIFF},
		{"MM\x00*\x00\x00\x00\x08", TIFF},
		{"II+\x00\x08\x00\x00\x00", TIFF}, // BigTIFF: Open refuses it by name
		{"\x89PNG\r\n\x1a\n", PNG},
		{"\xff\xd8\xff\xe0\x00\x10JFIF", JPEG},
		{"", Unknown},
		{"%PD", Unknown},
		{"Dear Sir, see the attached %PDF- file", PDF}, // within the first kilobyte, as viewers accept
		{string(bytes.Repeat([]byte(" "), 2000)) + "%PDF-1.4", Unknown},
		{"GIF89a", Unknown},
	} {
		if got := Sniff([]byte(tc.head)); got != tc.want {
			t.Errorf("Sniff(%q) = %v, want %v", tc.head[:min(len(tc.head), 20)], got, tc.want)
		}
	}
}

// withPHYs inserts a pHYs chunk (pixels per metre) after a PNG's IHDR.
func withPHYs(p []byte, xppm, yppm uint32) []byte {
	chunk := binary.BigEndian.AppendUint32(nil, 9)
	chunk = append(chunk, "pHYs"...)
	chunk = binary.BigEndian.AppendUint32(chunk, xppm)
	chunk = binary.BigEndian.AppendUint32(chunk, yppm)
	chunk = append(chunk, 1)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	at := 8 + 8 + 13 + 4 // signature, IHDR header, data, CRC
	return append(append(append([]byte{}, p[:at]...), chunk...), p[at:]...)
}

// TestSingleImages decodes PNG and JPEG files, and grey and colour TIFF scans (what a
// copier's scan-to-folder writes), through the same Document.
func TestSingleImages(t *testing.T) {
	img := testPage(400, 300, 11)
	rgba := image.NewRGBA(img.Rect)
	for i, v := range img.Pix {
		rgba.Set(i%400, i/400, color.RGBA{v, v, v, 255})
	}
	var pngData, jpegData, greyTIFF, rgbTIFF bytes.Buffer
	if err := png.Encode(&pngData, img); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&jpegData, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	if err := tiff.Encode(&greyTIFF, img, &tiff.Options{Compression: tiff.Deflate, Predictor: true}); err != nil {
		t.Fatal(err)
	}
	if err := tiff.Encode(&rgbTIFF, rgba, &tiff.Options{Compression: tiff.Uncompressed}); err != nil {
		t.Fatal(err)
	}
	jfif := append([]byte{}, jpegData.Bytes()...)
	// Go writes no JFIF header; put one in with 300 dpi.
	app0 := []byte{0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 1, 1, 0x2c, 1, 0x2c, 0, 0}
	jfif = append(append(append([]byte{}, jfif[:2]...), app0...), jfif[2:]...)

	for _, tc := range []struct {
		name   string
		data   []byte
		format Format
		exact  bool
		dpi    float64
		source string
	}{
		{"PNG", pngData.Bytes(), PNG, true, 0, "png"},
		{"PNG with pHYs", withPHYs(pngData.Bytes(), 11811, 11811), PNG, true, 300, "png"},
		{"JPEG", jpegData.Bytes(), JPEG, false, 0, "jpeg"},
		{"JPEG with JFIF density", jfif, JPEG, false, 300, "jpeg"},
		{"grey TIFF, Deflate with predictor", greyTIFF.Bytes(), TIFF, true, 72, "tiff/deflate"},
		{"RGB TIFF", rgbTIFF.Bytes(), TIFF, true, 72, "tiff/none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := openBytes(t, tc.data, Limits{})
			if d.Format() != tc.format || d.NumPages() != 1 {
				t.Fatalf("%v with %d pages", d.Format(), d.NumPages())
			}
			p, err := d.Page(0)
			if err != nil {
				t.Fatal(err)
			}
			if diff := meanAbsDiff(p.Image, img); diff < 0 || (tc.exact && diff != 0) || diff > 3 {
				t.Errorf("mean difference %.2f (-1: size %v)", diff, p.Image.Rect.Size())
			}
			if p.XDPI != tc.dpi || p.YDPI != tc.dpi || p.Source != tc.source {
				t.Errorf("%vx%v dpi, %q; want %v, %q", p.XDPI, p.YDPI, p.Source, tc.dpi, tc.source)
			}
		})
	}
}

// TestOpenHoldsNoImageData checks that an open PDF keeps only its structure: the image
// data is read again from the file for the page that needs it.
func TestOpenHoldsNoImageData(t *testing.T) {
	var buf bytes.Buffer
	var pages []scanout.PDFPage
	for i := range 3 {
		pages = append(pages, scanout.PDFPage{G4: testPage(850, 1100, uint64(20+i)), XDPI: 100, YDPI: 100})
	}
	if err := scanout.WritePDF(&buf, pages, scanout.PDFInfo{}); err != nil {
		t.Fatal(err)
	}
	d := openBytes(t, buf.Bytes(), Limits{})
	images := func() (n, held int) {
		for _, e := range d.pdf.xref.Table {
			if sd, ok := e.Object.(types.StreamDict); ok && sd.Image() {
				n++
				if len(sd.Raw) > 0 {
					held++
				}
			}
		}
		return n, held
	}
	n, held := images()
	for i := range 3 {
		p, err := d.Page(i)
		if err != nil {
			t.Fatal(err)
		}
		if n := bilevelDiff(p.Image, pages[i].G4); n != 0 {
			t.Errorf("page %d: %d pixels differ", i, n)
		}
	}
	_, heldAfter := images()
	if n != 3 || held != 0 || heldAfter != 0 {
		t.Errorf("%d image objects, %d holding data after Open, %d after Page; want 3, 0, 0", n, held, heldAfter)
	}
}

// TestRenderLimits checks the rendering path: a page too large to render at 300 dpi is
// refused before poppler runs, and a missing pdftoppm is named.
func TestRenderLimits(t *testing.T) {
	huge := onePagePDF("0 0 14400 14400", "", "BT /F1 12 Tf 72 700 Td (big) Tj ET") // 200 x 200 in
	if _, err := openBytes(t, huge, Limits{}).Page(0); !errors.Is(err, ErrTooLarge) {
		t.Errorf("200-inch page: %v, want %v", err, ErrTooLarge)
	}
	letter := onePagePDF("0 0 612 792", "", "BT /F1 12 Tf 72 700 Td (letter) Tj ET")
	t.Setenv("PATH", t.TempDir())
	_, err := openBytes(t, letter, Limits{}).Page(0)
	if !errors.Is(err, ErrNoRenderer) || !bytes.Contains([]byte(fmt.Sprint(err)), []byte("poppler-utils")) {
		t.Errorf("without pdftoppm: %v, want %v", err, ErrNoRenderer)
	}
}

// TestTIFFThumbnail checks a reduced-resolution copy (NewSubfileType 1), which some
// scanners store beside each page, is not counted as a page, and a hand-made page decodes.
func TestTIFFThumbnail(t *testing.T) {
	thumb := append(smallPage(16, 16), [2]uint32{tagNewSubfileType, 1})
	b := tiffBytes(400, ifd{at: 40, entries: smallPage(16, 16), next: 200}, ifd{at: 200, entries: thumb})
	for i := 8; i < 40; i++ {
		b[i] = 0xF0 // WhiteIsZero: four black pixels, four white
	}
	d := openBytes(t, b, Limits{})
	if d.NumPages() != 1 {
		t.Fatalf("%d pages, want 1", d.NumPages())
	}
	p, err := d.Page(0)
	if err != nil {
		t.Fatal(err)
	}
	for x, want := range []uint8{0, 0, 0, 0, 255, 255, 255, 255, 0} {
		if got := p.Image.GrayAt(x, 5).Y; got != want {
			t.Errorf("pixel %d: %d, want %d", x, got, want)
		}
	}
	if p.XDPI != 0 || p.Source != "tiff/none" {
		t.Errorf("%v dpi, %q; want 0 (none declared), tiff/none", p.XDPI, p.Source)
	}
}
