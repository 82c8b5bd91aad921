package ocr

import (
	"encoding/binary"
	"fmt"
	"image"
	"slices"
	"strings"
	"sync"

	"github.com/otiai10/gosseract/v2"
)

// TesseractOptions configure an engine; the zero value reads English and Spanish.
type TesseractOptions struct {
	Languages []string // tessdata names; default eng and spa
}

// Tesseract is one Tesseract engine: a gosseract client for recognition and, from the
// first Orient, a second Tesseract instance with the orientation data. It is reused across
// pages, serves one goroutine at a time and must be closed.
type Tesseract struct {
	client *gosseract.Client
	osd    *osd
}

// NewTesseract starts an engine and loads its models. Missing language or orientation
// data is its error, naming the Debian package to install.
func NewTesseract(opts TesseractOptions) (*Tesseract, error) {
	langs := opts.Languages
	if len(langs) == 0 {
		langs = []string{"eng", "spa"}
	}
	// The orientation instance also tells which languages are installed: Tesseract starts
	// without complaint when a second language is missing.
	o, err := newOSD()
	if err != nil {
		return nil, err
	}
	have := o.languages()
	for _, l := range langs {
		if !slices.Contains(have, l) {
			o.close()
			return nil, fmt.Errorf("ocr: Tesseract language data for %q missing (install tesseract-ocr-%s)", l, strings.ReplaceAll(strings.ToLower(l), "_", "-"))
		}
	}
	c := gosseract.NewClient()
	fail := func(what string, err error) (*Tesseract, error) {
		c.Close()
		o.close()
		return nil, fmt.Errorf("ocr: %s: %w", what, err)
	}
	if err := c.SetLanguage(langs...); err != nil {
		return fail(fmt.Sprintf("languages %v", langs), err)
	}
	// The API's default is one uniform block of text (the command line's is automatic page
	// segmentation); forms and letters need the automatic layout analysis, or headings,
	// boxed values and large type are dropped.
	// (gosseract applies variables after initialising the engine; SetPageSegMode before the
	// first page would be reset by the initialisation.)
	if err := c.SetVariable("tessedit_pageseg_mode", fmt.Sprint(int(gosseract.PSM_AUTO))); err != nil {
		return fail("page segmentation mode", err)
	}
	// Tesseract's warnings ("Detected 12 diacritics", "Empty page!!") go nowhere: a page's
	// outcome is in its result.
	if err := c.SetVariable(gosseract.DEBUG_FILE, "/dev/null"); err != nil {
		return fail("quiet", err)
	}
	// gosseract loads the models at the first page: load them now, on a small white page,
	// so that the first real page is not slower than the others.
	white := image.NewGray(image.Rect(0, 0, 16, 16))
	for i := range white.Pix {
		white.Pix[i] = 255
	}
	if err := c.SetImageFromBytes(spix(white)); err != nil {
		return fail("start Tesseract", err)
	}
	if err := warmUp(c); err != nil {
		return fail(fmt.Sprintf("start Tesseract with %v", langs), err)
	}
	return &Tesseract{client: c, osd: o}, nil
}

// stderrMu serialises gosseract's initialisation. While it initialises an engine, gosseract
// points the process's file descriptor 2 at /dev/null and then puts back the descriptor it
// saved. Two engines starting at once (the pool starts them in parallel) interleave those
// steps, and the second one "restores" /dev/null: from then on nothing the program writes
// to standard error (its log) arrives. The descriptor is the process's, so the lock is too.
var stderrMu sync.Mutex

// warmUp initialises the engine (gosseract does it at the first page) and reads the
// current image.
func warmUp(c *gosseract.Client) error {
	stderrMu.Lock()
	defer stderrMu.Unlock()
	_, err := c.Text()
	return err
}

// Close releases the engine; calling it again does nothing.
func (t *Tesseract) Close() error {
	if t.client == nil {
		return nil
	}
	t.osd.close()
	err := t.client.Close()
	t.client, t.osd = nil, nil
	return err
}

// Recognize reads one greyscale page image with square pixels at dpi. The page it returns
// has Words, Lines and Text; Rotation, Skew and Info are left zero (Pool.Recognize fills
// them).
func (t *Tesseract) Recognize(img *image.Gray, dpi float64) (*Page, error) {
	if img == nil || img.Rect.Empty() {
		return nil, fmt.Errorf("%w: empty image", ErrUnreadable)
	}
	if err := t.client.SetImageFromBytes(spix(img)); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	if err := t.client.SetVariable("user_defined_dpi", fmt.Sprint(int(dpi+0.5))); err != nil {
		return nil, fmt.Errorf("ocr: set dpi: %w", err)
	}
	// The verbose form numbers blocks, paragraphs and lines (the plain one leaves them 0).
	boxes, err := t.client.GetBoundingBoxesVerbose()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	var words []Word
	var blocks, paras []int // of each line
	lastLine, lastPara := [3]int{-1, -1, -1}, [2]int{-1, -1}
	block, para := -1, -1
	for _, bb := range boxes {
		text := strings.TrimSpace(bb.Word)
		if text == "" {
			continue
		}
		if k := [2]int{bb.BlockNum, bb.ParNum}; k != lastPara {
			if k[0] != lastPara[0] {
				block++
			}
			para++
			lastPara = k
		}
		if k := [3]int{bb.BlockNum, bb.ParNum, bb.LineNum}; k != lastLine {
			blocks, paras = append(blocks, block), append(paras, para)
			lastLine = k
		}
		box := bb.Box.Intersect(image.Rect(0, 0, w, h))
		words = append(words, Word{Text: text, Box: box, Confidence: bb.Confidence / 100, Line: len(blocks) - 1})
	}
	fixPronounI(words)
	fixEuroC(words)
	p := NewPage(w, h, dpi, words)
	for i := range p.Lines {
		p.Lines[i].Block, p.Lines[i].Para = blocks[i], paras[i]
	}
	return p, nil
}

// Orientation detection looks at the shapes of characters picked across the page, first a
// few, then, unless the page is clearly upright, many more. Tuned on the corpus's pages at
// 150 dpi (TestOrientation): from 50 characters an upright page scored 0.5 to 4.3 and the
// only wrong answers (a table of lab values, sideways, read as turned the other way)
// scored below 0.5; from 250 characters every page was right, the least sure at 3.5. A
// first look costs about 100 ms, a second about 300 ms more.
const (
	osdQuickBlobs   = 50
	osdFullBlobs    = 250
	osdQuickUpright = 1.5 // first look's confidence from which an upright answer stands
)

// Orient finds which way up img lies with Tesseract's orientation and script detection
// (OSD, the osd traineddata); Prepare hands it a copy of about 150 dpi, as reliable as the
// whole page and cheaper. A page with too little text gives confidence 0. Confidences of pages found turned come from the thorough look
// (250 characters): DefaultMinOrientationConfidence is on that scale.
func (t *Tesseract) Orient(img *image.Gray, dpi float64) (Orientation, error) {
	q, conf, ok, err := t.osd.detect(img, dpi, osdQuickBlobs)
	if err != nil {
		return Orientation{}, err
	}
	if !ok || q != 0 || conf < osdQuickUpright {
		if q, conf, ok, err = t.osd.detect(img, dpi, osdFullBlobs); err != nil || !ok {
			return Orientation{}, err
		}
	}
	// The detector says how the page lies (turned q quarters clockwise); turning it
	// upright is the rest of the circle.
	return Orientation{Rotate: (4 - q) % 4 * 90, Confidence: conf}, nil
}

// spix encodes a greyscale image in Leptonica's own serialised form ("spix": a small
// header and the raster as Leptonica holds it in memory), which gosseract's
// SetImageFromBytes loads with one copy. PGM, which the engine used to get, is read a byte
// at a time: 100 ms for a 300 dpi page, against 10 (and PNG would cost its compression).
func spix(img *image.Gray) []byte {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	wpl := (w + 3) / 4 // 32-bit words per row, four 8-bit pixels each
	const hdr = 28
	out := make([]byte, hdr+4*wpl*h)
	copy(out, "spix")
	for i, v := range []int{w, h, 8, wpl, 0, 4 * wpl * h} { // size, depth, words per row, no colour map, raster bytes
		binary.NativeEndian.PutUint32(out[4+4*i:], uint32(v))
	}
	// Each word holds four pixels, the leftmost in the most significant byte, in the
	// machine's byte order; the padding of the last word is white.
	raster := out[hdr:]
	var tail [4]byte
	for y := 0; y < h; y++ {
		off := img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y)
		src := img.Pix[off : off+w]
		dst := raster[4*wpl*y : 4*wpl*(y+1)]
		n := w &^ 3
		for i := 0; i < n; i += 4 {
			binary.NativeEndian.PutUint32(dst[i:], binary.BigEndian.Uint32(src[i:]))
		}
		if n < w {
			tail = [4]byte{255, 255, 255, 255}
			copy(tail[:], src[n:])
			binary.NativeEndian.PutUint32(dst[n:], binary.BigEndian.Uint32(tail[:]))
		}
	}
	return out
}
