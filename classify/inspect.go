package classify

import (
	"image"

	"intake/classify/barcode"
	"intake/classify/omr"
	"intake/ocr"
)

// signatureLabels are the printed captions of signature areas on the regulator's forms.
var signatureLabels = []string{
	"patient or parent signature", "firma del paciente o padre/madre", "patient signature", "firma del paciente",
}

// Inspect measures on the prepared page image what OCR does not read: barcodes and patch
// codes, printed checkboxes and how full they are, the page's ink, and the ink in each
// signature area. img is the image p's word boxes refer to (ocr.Page.Image); it is not kept.
func Inspect(p *ocr.Page, img *image.Gray) Page {
	pg := Page{OCR: p}
	if img == nil || p == nil {
		return pg
	}
	dpi := p.DPI
	if dpi <= 0 {
		dpi = 300
	}
	pg.Symbols = barcode.Scan(img, dpi)
	pg.Boxes = omr.FindBoxes(img, dpi)
	pg.Ink = darkShare(img, img.Rect)
	v := newView(p)
	pt := dpi / 72 // pixels per point
	for _, label := range signatureLabels {
		for _, m := range v.find(label) {
			b := m.box
			// Rev 01/20 prints the caption under the signing line: the signature is above it.
			above := image.Rect(b.Min.X, b.Min.Y-int(34*pt), b.Min.X+int(210*pt), b.Min.Y-int(2*pt))
			// Rev 09/25 and DMHC 20-160 print the caption at the top left of the box: the
			// signature runs to the right of it and below.
			right := image.Rect(b.Max.X+int(4*pt), b.Min.Y-int(4*pt), b.Min.X+int(190*pt), b.Max.Y+int(16*pt))
			for _, a := range []struct {
				name string
				r    image.Rectangle
			}{{"signature-above", above}, {"signature-right", right}} {
				r := a.r.Intersect(img.Rect)
				if r.Empty() {
					continue
				}
				pg.Marks = append(pg.Marks, Mark{Label: a.name, Area: ocr.Normalize(r, p.Width, p.Height), Ink: omr.Ink(img, r)})
			}
		}
		if len(pg.Marks) > 0 {
			break
		}
	}
	// The signature caption is small and often crossed by the signature itself, so the
	// area beside the signer's printed name is measured too: the signature box follows it.
	for _, label := range signerLabels {
		for _, m := range v.find(label) {
			b := m.box
			above := image.Rect(b.Min.X+int(208*pt), b.Min.Y-int(30*pt), b.Min.X+int(405*pt), b.Min.Y-int(3*pt))
			right := image.Rect(b.Min.X+int(207*pt), b.Max.Y+int(1*pt), b.Min.X+int(405*pt), b.Min.Y+int(24*pt))
			for _, a := range []struct {
				name string
				r    image.Rectangle
			}{{"signer-above", above}, {"signer-right", right}} {
				r := a.r.Intersect(img.Rect)
				if r.Empty() {
					continue
				}
				pg.Marks = append(pg.Marks, Mark{Label: a.name, Area: ocr.Normalize(r, p.Width, p.Height), Ink: omr.Ink(img, r)})
			}
		}
	}
	// The Authorized Assistant Form's signature box follows the patient's printed name.
	for _, m := range v.find("patient name (print)") {
		b := m.box
		right := image.Rect(b.Min.X+int(225*pt), b.Max.Y+int(1*pt), b.Min.X+int(410*pt), b.Min.Y+int(24*pt))
		if r := right.Intersect(img.Rect); !r.Empty() {
			pg.Marks = append(pg.Marks, Mark{Label: "patient-signer-right", Area: ocr.Normalize(r, p.Width, p.Height), Ink: omr.Ink(img, r)})
		}
	}
	return pg
}

// signerLabels are the captions of the signer's printed name on the IMR form.
var signerLabels = []string{"patient or parent name (print)", "nombre del paciente o padre/madre (letra de molde)"}

// darkShare is the fraction of pixels in r darker than mid grey.
func darkShare(img *image.Gray, r image.Rectangle) float64 {
	r = r.Intersect(img.Rect)
	if r.Empty() {
		return 0
	}
	dark := 0
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		row := img.Pix[(y-img.Rect.Min.Y)*img.Stride+(r.Min.X-img.Rect.Min.X):]
		for x := 0; x < r.Dx(); x += 2 {
			if row[x] < 128 {
				dark++
			}
		}
	}
	n := ((r.Dy() + 1) / 2) * ((r.Dx() + 1) / 2)
	return float64(dark) / float64(n)
}
