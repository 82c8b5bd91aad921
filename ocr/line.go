package ocr

import (
	"context"
	"fmt"
	"image"
	"strings"

	"github.com/otiai10/gosseract/v2"
)

// A second look. Tesseract's layout analysis sometimes drops a line of a page altogether:
// a typed value sitting on a form's rule, a short word alone in a wide box, a line left
// slanted by a fax machine. The layers above know where a value should be; they can cut
// that part of the page out, clean it, and have it read as a single line.

// AreaReader is an Engine that can also read a part of a page on its own.
type AreaReader interface {
	// RecognizeArea reads img, a part of a page at dpi, as one line of text, or as a block
	// of lines (block). The words' boxes are in img's coordinates (img.Rect need not start
	// at 0,0); their Line numbers the lines within the area from 0.
	RecognizeArea(img *image.Gray, dpi float64, block bool) ([]Word, error)
}

// Area is a part of a page to read on its own (Pool.ReadAreas).
type Area struct {
	Image *image.Gray // its Rect is where it lies on the page
	Block bool        // several lines; otherwise one
}

// linePad is the white margin put around an area's image: Tesseract reads a line touching
// the image's edge badly.
const linePad = 12

// RecognizeArea reads img as one line (Tesseract's page segmentation mode 7) or one block
// of text (mode 6), then puts the engine back to reading whole pages.
func (t *Tesseract) RecognizeArea(img *image.Gray, dpi float64, block bool) ([]Word, error) {
	if img == nil || img.Rect.Empty() {
		return nil, fmt.Errorf("%w: empty image", ErrUnreadable)
	}
	padded := padWhite(img, linePad)
	if err := t.client.SetImageFromBytes(spix(padded)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	if err := t.client.SetVariable("user_defined_dpi", fmt.Sprint(int(dpi+0.5))); err != nil {
		return nil, fmt.Errorf("ocr: set dpi: %w", err)
	}
	mode := gosseract.PSM_SINGLE_LINE
	if block {
		mode = gosseract.PSM_SINGLE_BLOCK
	}
	if err := t.client.SetPageSegMode(mode); err != nil {
		return nil, err
	}
	boxes, err := t.client.GetBoundingBoxesVerbose()
	if perr := t.client.SetPageSegMode(gosseract.PSM_AUTO); err == nil {
		err = perr
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	var words []Word
	off := img.Rect.Min.Sub(image.Pt(linePad, linePad))
	line, last := -1, [3]int{-1, -1, -1}
	for _, bb := range boxes {
		text := strings.TrimSpace(bb.Word)
		if text == "" {
			continue
		}
		box := bb.Box.Add(off).Intersect(img.Rect)
		if box.Empty() {
			continue
		}
		if k := [3]int{bb.BlockNum, bb.ParNum, bb.LineNum}; k != last {
			line, last = line+1, k
		}
		words = append(words, Word{Text: text, Box: box, Confidence: bb.Confidence / 100, Line: line})
	}
	fixPronounI(words)
	fixEuroC(words)
	return words, nil
}

// padWhite returns img inside a white margin of pad pixels, its origin at 0,0.
func padWhite(img *image.Gray, pad int) *image.Gray {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w+2*pad, h+2*pad))
	fillWhite(out.Pix)
	for y := 0; y < h; y++ {
		src := img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y):][:w]
		copy(out.Pix[(y+pad)*out.Stride+pad:], src)
	}
	return out
}

// ReadAreas reads each area on its own on one of the pool's engines (the word boxes in
// each area's page coordinates), waiting for a free engine as Recognize does. The areas
// together have the pool's page time limit. With engines that cannot read areas (test
// fakes) it returns nil and no error.
func (p *Pool) ReadAreas(ctx context.Context, areas []Area, dpi float64) ([][]Word, error) {
	if len(areas) == 0 {
		return nil, nil
	}
	return onEngine(ctx, p, func(eng Engine) ([][]Word, error) {
		ar, ok := eng.(AreaReader)
		if !ok {
			return nil, nil
		}
		var out [][]Word
		for _, a := range areas {
			ws, err := ar.RecognizeArea(a.Image, dpi, a.Block)
			if err != nil {
				return nil, err
			}
			out = append(out, ws)
		}
		return out, nil
	})
}

// AddAreas returns a copy of p with the words read in each area (as ReadAreas returns
// them, each area's lines numbered from 0 without gaps) added after p's lines, each area a
// block and a paragraph of its own. The words keep their boxes and confidences; their Line
// and Norm are set.
func (p *Page) AddAreas(areas [][]Word) *Page {
	words := append([]Word(nil), p.Words...)
	var blockOf []int // of each added line, the area's index
	for a, ws := range areas {
		base := len(p.Lines) + len(blockOf)
		top := -1
		for _, w := range ws {
			top = max(top, w.Line)
			w.Line += base
			words = append(words, w)
		}
		for range top + 1 {
			blockOf = append(blockOf, a)
		}
	}
	q := NewPage(p.Width, p.Height, p.DPI, words)
	block, para := -1, -1
	for i := range p.Lines {
		q.Lines[i].Block, q.Lines[i].Para = p.Lines[i].Block, p.Lines[i].Para
		block, para = max(block, p.Lines[i].Block), max(para, p.Lines[i].Para)
	}
	for k, a := range blockOf {
		q.Lines[len(p.Lines)+k].Block, q.Lines[len(p.Lines)+k].Para = block+1+a, para+1+a
	}
	q.Rotation, q.Skew, q.Info, q.Image = p.Rotation, p.Skew, p.Info, p.Image
	return q
}

// Without returns a copy of p without the words drop picks (by index and word); a line left with no word goes
// too. The lines kept keep their order, block and paragraph.
func (p *Page) Without(drop func(i int, w Word) bool) *Page {
	var words []Word
	newLine := map[int]int{}
	var from []int // of each line kept, its index in p
	for i, w := range p.Words {
		if drop(i, w) {
			continue
		}
		nl, ok := newLine[w.Line]
		if !ok {
			nl = len(from)
			newLine[w.Line] = nl
			from = append(from, w.Line)
		}
		w.Line = nl
		words = append(words, w)
	}
	q := NewPage(p.Width, p.Height, p.DPI, words)
	for nl, ol := range from {
		if ol < len(p.Lines) && nl < len(q.Lines) {
			q.Lines[nl].Block, q.Lines[nl].Para = p.Lines[ol].Block, p.Lines[ol].Para
		}
	}
	q.Rotation, q.Skew, q.Info, q.Image = p.Rotation, p.Skew, p.Info, p.Image
	return q
}
