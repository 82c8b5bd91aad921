// Package ocrtest provides a fake OCR engine for tests of the packages above ocr: it
// "reads" the text it is told to, whatever the image, laid out as lines of words with
// plausible boxes and confidences, without Tesseract.
//
// Use it directly, or give it to a pool:
//
//	pool, err := ocr.NewPool(ocr.PoolOptions{NewEngine: ocrtest.Factory(ocrtest.Text("..."))})
//
// A pool of fakes still prepares each page (resampling and deskewing with Leptonica) but
// does not check orientation: the fake is not an Orienter.
package ocrtest

import (
	"image"
	"strings"
	"sync"
	"time"

	"intake/ocr"
)

// ReadFunc returns what a page says; a page whose text is empty has no words.
type ReadFunc func(img *image.Gray, dpi float64) (string, error)

// Text returns a ReadFunc that reads text on every page.
func Text(text string) ReadFunc {
	return func(*image.Gray, float64) (string, error) { return text, nil }
}

// Sequence returns a ReadFunc that reads the texts in turn, one per page, across all the
// engines it is given to (in the order the pages reach the engines), then "" for any
// further page.
func Sequence(texts ...string) ReadFunc {
	var mu sync.Mutex
	next := 0
	return func(*image.Gray, float64) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		if next >= len(texts) {
			return "", nil
		}
		next++
		return texts[next-1], nil
	}
}

// Engine is a fake ocr.Engine. Its zero value reads nothing on every page.
type Engine struct {
	Read       ReadFunc      // what each page says; nil reads ""
	Delay      time.Duration // how long each page takes
	Confidence float64       // of every word; default 0.95

	mu                sync.Mutex
	calls, active, hi int
	closed            bool
}

// New returns an engine that reads with read.
func New(read ReadFunc) *Engine { return &Engine{Read: read} }

// Factory returns a PoolOptions.NewEngine making engines that read with read.
func Factory(read ReadFunc) func() (ocr.Engine, error) {
	return func() (ocr.Engine, error) { return New(read), nil }
}

// Recognize returns the page the Read function says, the size of img, each line of the
// text a line of the page with its words at a typewriter's spacing (80 characters and 60
// lines to the page).
func (e *Engine) Recognize(img *image.Gray, dpi float64) (*ocr.Page, error) {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		panic("ocrtest: Recognize on a closed engine")
	}
	e.calls++
	e.active++
	e.hi = max(e.hi, e.active)
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.active--
		e.mu.Unlock()
	}()
	if e.Delay > 0 {
		time.Sleep(e.Delay)
	}
	text := ""
	if e.Read != nil {
		var err error
		if text, err = e.Read(img, dpi); err != nil {
			return nil, err
		}
	}
	conf := e.Confidence
	if conf == 0 {
		conf = 0.95
	}
	return Layout(text, img.Rect.Dx(), img.Rect.Dy(), dpi, conf), nil
}

// Layout makes the page a perfect reader would return for text printed on a w x h page in
// a typewriter's grid (80 characters and 60 lines to the page, from a margin of a tenth):
// one line of the page per non-blank line of text, every word with confidence conf.
func Layout(text string, w, h int, dpi, conf float64) *ocr.Page {
	cw, lh := float64(w)*0.8/80, float64(h)*0.8/60
	var words []ocr.Word
	line := 0
	for _, l := range strings.Split(text, "\n") {
		col := 0
		fields := strings.Fields(l)
		if len(fields) == 0 {
			continue
		}
		for _, f := range fields {
			x0 := float64(w)/10 + float64(col)*cw
			y0 := float64(h)/10 + float64(line)*lh
			n := len([]rune(f))
			words = append(words, ocr.Word{
				Text:       f,
				Box:        image.Rect(int(x0), int(y0), int(x0+float64(n)*cw), int(y0+0.7*lh)),
				Confidence: conf,
				Line:       line,
			})
			col += n + 1
		}
		line++
	}
	return ocr.NewPage(w, h, dpi, words)
}

// Close marks the engine closed; Recognize after Close panics.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.closed = true
	return nil
}

// Calls returns how many pages the engine was asked to read.
func (e *Engine) Calls() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.calls
}

// MaxActive returns the largest number of pages the engine was reading at once: more than
// 1 means its user broke the one-goroutine-per-engine rule.
func (e *Engine) MaxActive() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.hi
}

// Closed reports whether Close was called.
func (e *Engine) Closed() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.closed
}
