package raster

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"testing"

	"intake/fixtures/scanout"
)

// FuzzOpen feeds mutated files to the parsers: Open, and for each of the first pages the
// TIFF decoder or the PDF content reader and image decoders (not pdftoppm, which would
// make fuzzing crawl). No input may panic (a caught panic shows as *recovered).
func FuzzOpen(f *testing.F) {
	small := testPage(64, 48, 12)
	var tb, pb, gb, pngb bytes.Buffer
	scanout.WriteTIFF(&tb, []scanout.TIFFPage{{Image: small, XRes: 204, YRes: 98}, {Image: small, XRes: 204, YRes: 196}},
		scanout.TIFFOptions{Compression: scanout.CompressionG3, G3TwoD: true, RowsPerStrip: 16})
	scanout.WritePDF(&pb, []scanout.PDFPage{{G4: small, XDPI: 100, YDPI: 100, Strips: 2}, {G3: small, G3K: 2, XDPI: 100, YDPI: 100, Rotate: 90}}, scanout.PDFInfo{})
	scanout.WriteTIFF(&gb, []scanout.TIFFPage{{Image: small, XRes: 300, YRes: 300}}, scanout.TIFFOptions{Compression: scanout.CompressionG4, FillOrder: 2})
	png.Encode(&pngb, small)
	f.Add(tb.Bytes())
	f.Add(pb.Bytes())
	f.Add(gb.Bytes())
	f.Add(pngb.Bytes())
	f.Add(imageOnPage(64, 48, "/Width 64 /Height 48 /ColorSpace [/Indexed /DeviceRGB 1 <000000FFFFFF>] /BitsPerComponent 1 /Filter /FlateDecode /DecodeParms << /Predictor 15 /Columns 64 >>", deflate(make([]byte, 9*48))))
	f.Add(manyPagesPDF(3, 3))
	f.Add(formPDF())
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := Limits{MaxPages: 20, MaxPagePixels: 4_000_000}
		d, err := Open(bytes.NewReader(data), int64(len(data)), lim)
		var rec *recovered
		if errors.As(err, &rec) {
			t.Fatalf("Open panicked: %v", err)
		}
		if err != nil {
			return
		}
		defer d.Close()
		for i := range min(d.NumPages(), 3) {
			var p *Page
			var err error
			if d.format == PDF {
				p, err = d.pdfPageNoRender(i)
			} else {
				p, err = d.Page(i)
			}
			if errors.As(err, &rec) {
				t.Fatalf("page %d panicked: %v", i, err)
			}
			if err == nil && p != nil && (p.Image == nil || p.Image.Rect.Min != (image.Point{})) {
				t.Fatalf("page %d: bad image", i)
			}
		}
		if _, err := d.FormFields(); err != nil && !errors.Is(err, ErrDamaged) {
			t.Fatalf("FormFields: %v", err)
		}
	})
}

// pdfPageNoRender is pdfPage without the rendering fallback, with the same panic guard.
func (d *Document) pdfPageNoRender(i int) (p *Page, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, &recovered{what: "page"}
		}
	}()
	pg := &d.pdf.pages[i]
	scan, err := d.pdf.scanPage(pg)
	if err != nil || scan.other || d.pdf.coverage(pg, scan) < minCoverage {
		return nil, err
	}
	return d.pdf.imagePage(pg, scan, d.lim, i)
}
