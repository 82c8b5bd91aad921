package ocr_test

import (
	"context"
	"errors"
	"image"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"intake/fixtures/device"
	"intake/ocr"
	"intake/ocr/ocrtest"
	"intake/ocr/raster"
)

func newPool(t *testing.T, o ocr.PoolOptions) *ocr.Pool {
	t.Helper()
	p, err := ocr.NewPool(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// blankPage is a small page for the fake engine.
func blankPage() *raster.Page {
	return &raster.Page{Image: blankImage(850, 1100), XDPI: 100, YDPI: 100}
}

// TestPoolMatchesEngine: the pool reads a page exactly as one engine does.
func TestPoolMatchesEngine(t *testing.T) {
	slow(t)
	e := engine(t)
	pool := newPool(t, ocr.PoolOptions{Workers: 2})
	for _, tc := range []struct {
		name string
		c    device.Condition
		e    device.Effects
	}{
		{"note", device.FaxNormal, device.Effects{Rotate: 180, Skew: -1, Noise: 0.3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page, _ := sample(t, tc.name)
			pg := scan(page, tc.c, tc.e, 6)
			want := read(t, e, pg)
			got, err := pool.Recognize(context.Background(), pg)
			if err != nil {
				t.Fatal(err)
			}
			if got.Text != want.Text || len(got.Lines) != len(want.Lines) || got.Rotation != want.Rotation ||
				got.Skew != want.Skew || got.Width != want.Width || got.Height != want.Height || got.DPI != want.DPI {
				t.Errorf("pool read %d lines, turned %d°, skew %.2f, %dx%d at %.0f dpi; one engine %d lines, %d°, %.2f, %dx%d at %.0f",
					len(got.Lines), got.Rotation, got.Skew, got.Width, got.Height, got.DPI,
					len(want.Lines), want.Rotation, want.Skew, want.Width, want.Height, want.DPI)
			}
			if got.Info.Timings.Recognize <= 0 || got.Info.Timings.Prepare <= 0 {
				t.Errorf("timings not recorded: %+v", got.Info.Timings)
			}
		})
	}
}

// spanEngine is a Tesseract engine that records when it reads.
type spanEngine struct {
	*ocr.Tesseract
	mu    *sync.Mutex
	spans *[][2]time.Time
}

func (e spanEngine) Recognize(img *image.Gray, dpi float64) (*ocr.Page, error) {
	start := time.Now()
	p, err := e.Tesseract.Recognize(img, dpi)
	e.mu.Lock()
	*e.spans = append(*e.spans, [2]time.Time{start, time.Now()})
	e.mu.Unlock()
	return p, err
}

// TestPoolConcurrency: two Tesseract engines read two pages at the same time, and (when
// the machine gives the test two cores) in clearly less time than one after the other.
func TestPoolConcurrency(t *testing.T) {
	slow(t)
	var mu sync.Mutex
	var spans [][2]time.Time
	pool := newPool(t, ocr.PoolOptions{Workers: 2, NewEngine: func() (ocr.Engine, error) {
		e, err := ocr.NewTesseract(ocr.TesseractOptions{})
		if err != nil {
			return nil, err
		}
		return spanEngine{e, &mu, &spans}, nil
	}})
	page, _ := sample(t, "letter 1")
	pages := []*raster.Page{
		scan(page, device.FaxNormal, device.Effects{Skew: 0.5}, 8),
		scan(page, device.FaxNormal, device.Effects{Skew: -0.5}, 9),
	}
	ctx := context.Background()
	start := time.Now()
	for _, pg := range pages {
		if _, err := pool.Recognize(ctx, pg); err != nil {
			t.Fatal(err)
		}
	}
	serial := time.Since(start)
	spans = nil
	cpu0 := cpuTime()
	start = time.Now()
	var wg sync.WaitGroup
	for _, pg := range pages {
		wg.Go(func() {
			if _, err := pool.Recognize(ctx, pg); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	parallel := time.Since(start)
	cores := float64(cpuTime()-cpu0) / float64(parallel)
	t.Logf("two pages one after the other %v, at once %v, using %.1f cores", serial, parallel, cores)
	if len(spans) != 2 {
		t.Fatalf("%d recognitions recorded", len(spans))
	}
	a, b := spans[0], spans[1]
	end, begin := a[1], a[0]
	if b[1].Before(end) {
		end = b[1]
	}
	if b[0].After(begin) {
		begin = b[0]
	}
	overlap := end.Sub(begin)
	if shorter := min(a[1].Sub(a[0]), b[1].Sub(b[0])); overlap < shorter/2 {
		t.Errorf("the two recognitions overlapped %v of %v: the engines do not work at the same time", overlap, shorter)
	}
	if cores >= 1.6 && parallel > serial*3/4 {
		t.Errorf("two pages at once took %v, one after the other %v", parallel, serial)
	}
}

// cpuTime is the processor time the test process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestPoolUsesEveryEngineOnce: pages are spread over all the engines, each reading one
// page at a time.
func TestPoolUsesEveryEngineOnce(t *testing.T) {
	var mu sync.Mutex
	var engines []*ocrtest.Engine
	pool := newPool(t, ocr.PoolOptions{Workers: 3, NewEngine: func() (ocr.Engine, error) {
		e := &ocrtest.Engine{Read: ocrtest.Text("one line"), Delay: 100 * time.Millisecond}
		mu.Lock()
		engines = append(engines, e)
		mu.Unlock()
		return e, nil
	}})
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			if _, err := pool.Recognize(context.Background(), blankPage()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(engines) != 3 {
		t.Fatalf("%d engines made, want 3", len(engines))
	}
	for i, e := range engines {
		if e.Calls() != 2 || e.MaxActive() != 1 {
			t.Errorf("engine %d read %d pages, %d at once; want 2, 1", i, e.Calls(), e.MaxActive())
		}
	}
	pool.Close()
	for i, e := range engines {
		if !e.Closed() {
			t.Errorf("engine %d not closed by Close", i)
		}
	}
}

// TestPoolTimeout: a page over the time limit fails with ErrTimeout at the limit; its
// engine finishes in the background and serves the next page, and Close waits for it.
func TestPoolTimeout(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		var calls atomic.Int32
		slowFirst := func(*image.Gray, float64) (string, error) {
			if calls.Add(1) == 1 {
				time.Sleep(400 * time.Millisecond)
			}
			return "done", nil
		}
		fake := ocrtest.New(slowFirst)
		pool := newPool(t, ocr.PoolOptions{Workers: 1, PageTimeout: 100 * time.Millisecond,
			NewEngine: func() (ocr.Engine, error) { return fake, nil }})
		start := time.Now()
		_, err := pool.Recognize(context.Background(), blankPage())
		if !errors.Is(err, ocr.ErrTimeout) {
			t.Fatalf("err = %v, want ErrTimeout", err)
		}
		if d := time.Since(start); d > 300*time.Millisecond {
			t.Errorf("the time limit of 100 ms fired after %v", d)
		}
		p, err := pool.Recognize(context.Background(), blankPage())
		if err != nil || p.Text != "done" {
			t.Fatalf("next page: %v, %v", p, err)
		}
		if d := time.Since(start); d < 350*time.Millisecond {
			t.Errorf("the next page was read after %v, before the engine was free", d)
		}
		if fake.MaxActive() != 1 {
			t.Errorf("the engine read %d pages at once", fake.MaxActive())
		}
	})
	t.Run("tesseract", func(t *testing.T) {
		slow(t)
		pool := newPool(t, ocr.PoolOptions{Workers: 1, PageTimeout: time.Millisecond})
		page, _ := sample(t, "form")
		_, err := pool.Recognize(context.Background(), scan(page, device.MailG4300, device.Effects{}, 10))
		if !errors.Is(err, ocr.ErrTimeout) {
			t.Fatalf("err = %v, want ErrTimeout", err)
		}
		t.Logf("error: %v", err)
		if !strings.Contains(err.Error(), "longer than the time limit") {
			t.Errorf("error %q does not say what happened", err)
		}
		start := time.Now()
		if err := pool.Close(); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 100*time.Millisecond {
			t.Errorf("Close returned after %v, before the abandoned page was finished", d)
		}
	})
}

// TestPoolCancel: a cancelled context ends the wait for a page or for an engine.
func TestPoolCancel(t *testing.T) {
	pool := newPool(t, ocr.PoolOptions{Workers: 1, NewEngine: ocrtest.Factory(ocrtest.Text("x"))})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := pool.Recognize(ctx, blankPage()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
	slowPool := newPool(t, ocr.PoolOptions{Workers: 1, NewEngine: func() (ocr.Engine, error) {
		return &ocrtest.Engine{Read: ocrtest.Text("x"), Delay: 300 * time.Millisecond}, nil
	}})
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := slowPool.Recognize(ctx, blankPage()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline during the page: err = %v", err)
	}
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Errorf("returned after %v", d)
	}
}

// TestPoolClosed: a closed pool refuses pages; Close twice is fine; an engine that fails
// to start fails NewPool and the others are closed.
func TestPoolClosed(t *testing.T) {
	fake := ocrtest.New(ocrtest.Text("x"))
	pool, err := ocr.NewPool(ocr.PoolOptions{Workers: 1, NewEngine: func() (ocr.Engine, error) { return fake, nil }})
	if err != nil {
		t.Fatal(err)
	}
	if err := pool.Close(); err != nil {
		t.Fatal(err)
	}
	if err := pool.Close(); err != nil {
		t.Error(err)
	}
	if _, err := pool.Recognize(context.Background(), blankPage()); !errors.Is(err, ocr.ErrClosed) {
		t.Errorf("after Close: err = %v", err)
	}
	if !fake.Closed() {
		t.Error("engine not closed")
	}

	var made []*ocrtest.Engine
	var mu sync.Mutex
	n := 0
	_, err = ocr.NewPool(ocr.PoolOptions{Workers: 3, NewEngine: func() (ocr.Engine, error) {
		mu.Lock()
		defer mu.Unlock()
		if n++; n == 2 {
			return nil, errors.New("no language data")
		}
		e := ocrtest.New(nil)
		made = append(made, e)
		return e, nil
	}})
	if err == nil || !strings.Contains(err.Error(), "no language data") {
		t.Errorf("NewPool with a failing engine: err = %v", err)
	}
	for _, e := range made {
		if !e.Closed() {
			t.Error("an engine was left open")
		}
	}
}

// TestPoolEngineFailure: an engine's error or panic fails that page only.
func TestPoolEngineFailure(t *testing.T) {
	var calls atomic.Int32
	read := func(*image.Gray, float64) (string, error) {
		switch calls.Add(1) {
		case 1:
			return "", ocr.ErrUnreadable
		case 2:
			panic("engine bug")
		}
		return "fine", nil
	}
	pool := newPool(t, ocr.PoolOptions{Workers: 1, NewEngine: ocrtest.Factory(read)})
	ctx := context.Background()
	if _, err := pool.Recognize(ctx, blankPage()); !errors.Is(err, ocr.ErrUnreadable) {
		t.Errorf("first page: %v", err)
	}
	if _, err := pool.Recognize(ctx, blankPage()); err == nil || !strings.Contains(err.Error(), "engine bug") {
		t.Errorf("second page: %v", err)
	}
	if p, err := pool.Recognize(ctx, blankPage()); err != nil || p.Text != "fine" {
		t.Errorf("third page: %v %v", p, err)
	}
}

// TestPoolPreparesForFakes: pages read by a fake engine are prepared (square pixels) and
// the fake's page has the prepared size.
func TestPoolPreparesForFakes(t *testing.T) {
	pool := newPool(t, ocr.PoolOptions{Workers: 1, NewEngine: ocrtest.Factory(ocrtest.Text("Dear Member:\nYour request"))})
	p, err := pool.Recognize(context.Background(), &raster.Page{Image: blankImage(1728, 1078), XDPI: 204, YDPI: 98})
	if err != nil {
		t.Fatal(err)
	}
	if p.Width != 1728 || p.Height != 2244 || p.DPI != 204 || !p.Info.Resampled || p.Info.OrientedBy != "" {
		t.Errorf("page %dx%d at %.0f dpi, info %+v", p.Width, p.Height, p.DPI, p.Info)
	}
	if len(p.Lines) != 2 || p.Lines[1].Text != "Your request" || p.Words[2].Line != 1 {
		t.Errorf("lines %+v", p.Lines)
	}
}
