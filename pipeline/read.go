package pipeline

import (
	"context"
	"fmt"

	"intake/classify"
	"intake/ocr"
	"intake/ocr/raster"
)

// PageRead is one page of an input, read by OCR and inspected.
type PageRead struct {
	Index  int // 0-based in the file
	Page   classify.Page
	Source string // how the page image was obtained (raster.Page.Source)
	Err    error  // the page could not be read; Page has no OCR
}

// ReadPages reads doc's pages on pool, inflight at a time, inspects each while its image is
// in memory (then drops the image), and calls emit in page order. A page that fails is
// emitted with its error and the others go on. It returns ctx's error if it was cancelled.
// The pool must keep images (ocr.PoolOptions.KeepImage), or pages are not inspected.
func ReadPages(ctx context.Context, pool *ocr.Pool, doc *raster.Document, inflight int, emit func(PageRead)) error {
	if inflight < 1 {
		inflight = 1
	}
	total := doc.NumPages()
	pending := make([]chan PageRead, 0, inflight)
	start := func(i int) {
		ch := make(chan PageRead, 1)
		pending = append(pending, ch)
		rp, err := doc.Page(i)
		if err != nil {
			ch <- PageRead{Index: i, Err: fmt.Errorf("page %d: %w", i+1, err)}
			return
		}
		go func() {
			out := PageRead{Index: i, Source: rp.Source}
			p, err := pool.Recognize(ctx, rp)
			if err != nil {
				out.Err = fmt.Errorf("page %d: %w", i+1, err)
				ch <- out
				return
			}
			img := p.Image
			p.Image = nil
			// A second look at the form's value boxes OCR left empty though they hold ink.
			if areas := classify.UnreadAreas(p, img); len(areas) > 0 {
				parts := make([]ocr.Area, len(areas))
				for k, a := range areas {
					parts[k] = a.Area
				}
				// It is a help, not a need: if it fails, the page stays as first read.
				if lines, err := pool.ReadAreas(ctx, parts, p.DPI); err == nil {
					p = classify.Reread(p, areas, lines)
				}
			}
			out.Page = classify.Inspect(p, img)
			ch <- out
		}()
	}
	next := 0
	for next < total && len(pending) < inflight {
		start(next)
		next++
	}
	for len(pending) > 0 {
		r := <-pending[0]
		pending = pending[1:]
		emit(r)
		if next < total && ctx.Err() == nil {
			start(next)
			next++
		}
	}
	return ctx.Err()
}
