package ocr

import (
	"fmt"
	"image"
	"strings"

	"github.com/otiai10/gosseract/v2"
)

// TesseractOptions configure an engine; the zero value reads English and Spanish.
type TesseractOptions struct {
	Languages []string // tessdata names; default eng and spa
}

// Tesseract is one Tesseract engine. It is reused across pages and must be closed.
type Tesseract struct {
	client *gosseract.Client
}

// NewTesseract starts an engine.
func NewTesseract(o TesseractOptions) (*Tesseract, error) {
	langs := o.Languages
	if len(langs) == 0 {
		langs = []string{"eng", "spa"}
	}
	c := gosseract.NewClient()
	if err := c.SetLanguage(langs...); err != nil {
		c.Close()
		return nil, fmt.Errorf("ocr: languages %v: %w", langs, err)
	}
	// The API's default is one uniform block of text (the command line's is automatic page
	// segmentation); forms and letters need the automatic layout analysis, or headings,
	// boxed values and large type are dropped.
	// (gosseract applies variables after initialising the engine; SetPageSegMode before the
	// first page would be reset by the initialisation.)
	if err := c.SetVariable("tessedit_pageseg_mode", fmt.Sprint(int(gosseract.PSM_AUTO))); err != nil {
		c.Close()
		return nil, fmt.Errorf("ocr: page segmentation mode: %w", err)
	}
	return &Tesseract{client: c}, nil
}

// Close releases the engine.
func (t *Tesseract) Close() error { return t.client.Close() }

// Recognize reads one greyscale page image scanned at dpi.
func (t *Tesseract) Recognize(img *image.Gray, dpi float64) (*Page, error) {
	if err := t.client.SetImageFromBytes(pgm(img)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	if err := t.client.SetVariable("user_defined_dpi", fmt.Sprint(int(dpi+0.5))); err != nil {
		return nil, fmt.Errorf("ocr: set dpi: %w", err)
	}
	boxes, err := t.client.GetBoundingBoxes(gosseract.RIL_WORD)
	if err != nil {
		if strings.Contains(err.Error(), "language") || strings.Contains(err.Error(), "traineddata") {
			return nil, fmt.Errorf("ocr: Tesseract language data missing (install tesseract-ocr-eng and tesseract-ocr-spa): %w", err)
		}
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	p := &Page{Width: img.Rect.Dx(), Height: img.Rect.Dy(), DPI: dpi}
	var b strings.Builder
	line, lastKey := -1, [3]int{-1, -1, -1}
	for _, bb := range boxes {
		key := [3]int{bb.BlockNum, bb.ParNum, bb.LineNum}
		if key != lastKey {
			line++
			lastKey = key
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(bb.Word)
		p.Words = append(p.Words, Word{Text: bb.Word, Box: bb.Box, Confidence: bb.Confidence / 100, Line: line})
	}
	p.Text = b.String()
	return p, nil
}

// pgm encodes a greyscale image as binary PGM, which Leptonica reads without the cost of
// PNG compression.
func pgm(img *image.Gray) []byte {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	hdr := fmt.Sprintf("P5\n%d %d\n255\n", w, h)
	out := make([]byte, 0, len(hdr)+w*h)
	out = append(out, hdr...)
	for y := 0; y < h; y++ {
		off := y * img.Stride
		out = append(out, img.Pix[off:off+w]...)
	}
	return out
}
