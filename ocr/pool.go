package ocr

import (
	"context"
	"errors"
	"fmt"
	"image"
	"runtime"
	"sync"
	"time"

	"intake/ocr/raster"
)

// An Engine reads page images: *Tesseract, or a fake in tests (package ocrtest). An engine
// serves one goroutine at a time. An engine that is also an Orienter is used to find which
// way up pages lie.
type Engine interface {
	// Recognize reads a greyscale page image with square pixels at dpi. The page it
	// returns has Width, Height, DPI, Words, Lines and Text.
	Recognize(img *image.Gray, dpi float64) (*Page, error)
	Close() error
}

var (
	// ErrTimeout is returned when a page takes longer than the pool's page time limit.
	// The same page will most likely take as long again.
	ErrTimeout = errors.New("ocr: reading the page took longer than the time limit")
	// ErrClosed is returned by a pool that has been closed.
	ErrClosed = errors.New("ocr: the OCR pool has been closed")
)

// PoolOptions configure a pool; the zero value has one Tesseract engine per CPU reading
// English and Spanish, with a minute per page.
type PoolOptions struct {
	Workers     int           // engines, pages read at once; default runtime.NumCPU()
	Languages   []string      // tessdata names; default eng and spa
	PageTimeout time.Duration // per page, preparation included; default 60 s

	// NewEngine makes the pool's engines; default Tesseract with Languages. Tests of the
	// layers above give fakes (ocrtest.Engine).
	NewEngine func() (Engine, error)
	// Prepare configures the preparation of each page; its Orienter is ignored (an engine
	// that is an Orienter is used).
	Prepare PrepareOptions
	// KeepImage keeps the prepared page image in Page.Image (the pixels the word boxes
	// refer to), for measurements OCR does not make (checkboxes, barcodes). The caller
	// drops it when done, so that one image per page in flight is held.
	KeepImage bool
}

// Pool reads pages on a fixed set of engines, created once and reused. It is safe for
// concurrent use: Recognize waits for a free engine.
type Pool struct {
	timeout time.Duration
	prep    PrepareOptions
	keep    bool
	idle    chan Engine // free engines; an engine is in here or held by exactly one job
	n       int

	mu      sync.Mutex
	closed  bool
	closing chan struct{}
	jobs    sync.WaitGroup // Recognize calls and the jobs they start, finished or abandoned
}

// NewPool starts the engines (in parallel: loading Tesseract's models takes a moment).
func NewPool(o PoolOptions) (*Pool, error) {
	if o.Workers <= 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.PageTimeout <= 0 {
		o.PageTimeout = 60 * time.Second
	}
	if o.NewEngine == nil {
		langs := o.Languages
		o.NewEngine = func() (Engine, error) { return NewTesseract(TesseractOptions{Languages: langs}) }
	}
	engines := make([]Engine, o.Workers)
	errs := make([]error, o.Workers)
	var wg sync.WaitGroup
	for i := range engines {
		wg.Go(func() { engines[i], errs[i] = o.NewEngine() })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, e := range engines {
			if e != nil {
				e.Close()
			}
		}
		return nil, err
	}
	p := &Pool{
		timeout: o.PageTimeout,
		prep:    o.Prepare,
		keep:    o.KeepImage,
		idle:    make(chan Engine, o.Workers),
		n:       o.Workers,
		closing: make(chan struct{}),
	}
	for _, e := range engines {
		p.idle <- e
	}
	return p, nil
}

// Workers is how many engines the pool has.
func (p *Pool) Workers() int { return p.n }

// Recognize prepares the page (Prepare: square pixels, upright, straight) and reads it on
// one of the pool's engines. It waits for a free engine as long as ctx allows; from the
// moment it has one, the page has PageTimeout.
//
// Tesseract cannot be stopped in the middle of a page. When the time limit passes, or ctx
// is cancelled, Recognize returns at once (ErrTimeout, or ctx's error) and the engine
// finishes the page in the background; its result is dropped and the engine goes back to
// the pool only then. So an engine stuck on a page is not replaced by a new one and
// Workers pages at most are ever being read; meanwhile, other pages wait for the engines
// that are left (or until their ctx ends).
func (p *Pool) Recognize(ctx context.Context, pg *raster.Page) (*Page, error) {
	return onEngine(ctx, p, func(eng Engine) (*Page, error) { return p.read(eng, pg) })
}

// onEngine runs job on one of p's engines, waiting for a free one as long as ctx allows,
// with the pool's time limit from the moment it has one (see Recognize: a job past it is
// abandoned, and its engine comes back only when it ends). A panic in job is its error.
func onEngine[T any](ctx context.Context, p *Pool, job func(Engine) (T, error)) (T, error) {
	var zero T
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return zero, ErrClosed
	}
	p.jobs.Add(1)
	p.mu.Unlock()
	defer p.jobs.Done()
	if err := ctx.Err(); err != nil {
		return zero, err
	}

	var eng Engine
	select {
	case eng = <-p.idle:
	case <-ctx.Done():
		return zero, ctx.Err()
	case <-p.closing:
		return zero, ErrClosed
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1) // buffered: an abandoned job must not block
	p.jobs.Add(1)
	go func() {
		defer p.jobs.Done()
		var r result
		defer func() {
			if v := recover(); v != nil {
				r = result{zero, fmt.Errorf("ocr: the engine failed: %v", v)}
			}
			p.idle <- eng
			done <- r
		}()
		r.v, r.err = job(eng)
	}()
	timer := time.NewTimer(p.timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.v, r.err
	case <-timer.C:
		return zero, fmt.Errorf("%w (%v)", ErrTimeout, p.timeout)
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// read prepares and reads one page on eng. A panic in the engine is the page's error.
func (p *Pool) read(eng Engine, pg *raster.Page) (page *Page, err error) {
	defer func() {
		if r := recover(); r != nil {
			page, err = nil, fmt.Errorf("ocr: the engine failed on the page: %v", r)
		}
	}()
	o := p.prep
	o.Orienter = nil
	if or, ok := eng.(Orienter); ok {
		o.Orienter = or
	}
	prep, err := Prepare(pg, o)
	if err != nil {
		return nil, err
	}
	t := time.Now()
	page, err = eng.Recognize(prep.Image, prep.DPI)
	if err != nil {
		return nil, err
	}
	page.Rotation, page.Skew, page.Info = prep.Rotation, prep.Skew, prep.Info
	page.Info.Timings.Recognize = time.Since(t)
	trimCHeap()
	if p.keep {
		page.Image = prep.Image
	}
	return page, nil
}

// Close waits for the pages being read, including those abandoned after a time limit,
// then closes the engines. Recognize calls waiting for an engine return ErrClosed.
// Calling Close again does nothing.
func (p *Pool) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	close(p.closing)
	p.mu.Unlock()
	p.jobs.Wait()
	var errs []error
	for range p.n {
		errs = append(errs, (<-p.idle).Close())
	}
	return errors.Join(errs...)
}
