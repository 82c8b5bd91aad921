package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"

	"intake/ocr"
	"intake/ocr/raster"
)

// ocrPage is one page of `intake ocr --json` output (one JSON object per line).
type ocrPage struct {
	File     string    `json:"file"`
	Page     int       `json:"page"` // 1-based
	Pages    int       `json:"pages"`
	Width    int       `json:"width"`
	Height   int       `json:"height"`
	DPI      float64   `json:"dpi"`
	Rotation int       `json:"rotation"`
	Skew     float64   `json:"skew"`
	Source   string    `json:"source"`
	Text     string    `json:"text"`
	Words    []ocrWord `json:"words"`
	Error    string    `json:"error,omitempty"`
}

type ocrWord struct {
	Text       string     `json:"text"`
	Box        [4]int     `json:"box"`  // pixels of the prepared page: x0, y0, x1, y1
	Norm       [4]float64 `json:"norm"` // the same in fractions of the page
	Confidence float64    `json:"confidence"`
	Line       int        `json:"line"`
}

func cmdOCR(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("intake ocr", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per page: words with boxes and confidences")
	workers := fs.Int("workers", 0, "Tesseract engines (default: one per CPU)")
	langs := fs.String("lang", "eng+spa", "Tesseract languages, joined with +")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof); time inside Tesseract shows as runtime.cgocall")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "intake ocr: CPU profile: %v\n", err)
			return 2
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: intake ocr [--json] [--workers N] [--lang eng+spa] FILE...")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Keep the Go heap tight: page images are large and short-lived, and the engines
	// (C memory, outside this limit) need the room.
	debug.SetMemoryLimit(160 << 20)
	// The engines start when the first file has opened: opening a long PDF briefly costs
	// about its size (pdfcpu reads every stream), and that should not add to the engines.
	var pool *ocr.Pool
	defer func() {
		if pool != nil {
			pool.Close()
		}
	}()
	startPool := func() error {
		if pool != nil {
			return nil
		}
		p, err := ocr.NewPool(ocr.PoolOptions{Workers: *workers, Languages: strings.Split(*langs, "+")})
		pool = p
		return err
	}
	n := *workers
	if n <= 0 {
		n = runtime.NumCPU()
	}
	enc := json.NewEncoder(stdout)
	status := 0
	ocrFiles(ctx, fs.Args(), startPool, func() *ocr.Pool { return pool }, n, func(p ocrPage) {
		if *asJSON {
			enc.Encode(p)
			return
		}
		fmt.Fprintf(stdout, "=== %s page %d/%d (%dx%d at %.0f dpi, turned %d°, skew %.1f°, %s)\n", p.File, p.Page, p.Pages, p.Width, p.Height, p.DPI, p.Rotation, p.Skew, p.Source)
		if p.Error != "" {
			fmt.Fprintf(stdout, "[page not read: %s]\n", p.Error)
			return
		}
		fmt.Fprintln(stdout, p.Text)
	}, func(path string, err error) bool {
		if errors.Is(err, errEngines) {
			fmt.Fprintf(stderr, "intake ocr: %v\n", err)
			status = 2
			return true
		}
		fmt.Fprintf(stderr, "intake ocr: %s: %v\n", path, err)
		status = 1
		return false
	})
	if status != 2 && ctx.Err() != nil {
		return 1
	}
	return status
}

// errEngines marks a failure to start the OCR engines: a configuration error, not the file's.
var errEngines = errors.New("the OCR engines could not start")

// ocrFiles reads the files' pages in order, handing each page to emit and each file that
// cannot be opened to fail (which says whether to stop), in the files' order. Up to n+1
// pages are in flight, across files: the next page is decoded and waiting when one of the
// n engines comes free, a slow page does not hold an engine idle behind it, and the next
// file is opened while the last pages of one are read. Only the pages in flight are held
// in memory; each file is closed once its last page is read.
func ocrFiles(ctx context.Context, paths []string, startPool func() error, getPool func() *ocr.Pool, n int,
	emit func(ocrPage), fail func(path string, err error) bool) {
	type item struct {
		page chan ocrPage // nil for a file that could not be opened
		path string
		err  error
	}
	var (
		pending []item
		closing sync.WaitGroup // files waiting for their last pages before they close
		doc     *raster.Document
		docPath string
		docRead *sync.WaitGroup // the pages of doc being read
		next    int             // doc's next page
		fi      int             // the next file
	)
	finishDoc := func() {
		d, wg := doc, docRead
		doc = nil
		closing.Add(1)
		go func() {
			defer closing.Done()
			wg.Wait()
			d.Close()
		}()
	}
	// advance queues one more page, or one file that could not be opened; false when there
	// is nothing left.
	advance := func() bool {
		for {
			if doc == nil {
				if fi >= len(paths) {
					return false
				}
				path := paths[fi]
				fi++
				d, err := raster.OpenFile(path, raster.Limits{})
				if err == nil {
					// The engines start when the first file has opened: opening a long
					// PDF briefly costs about its size, which should not add to them.
					if perr := startPool(); perr != nil {
						d.Close()
						err = fmt.Errorf("%w: %v", errEngines, perr)
					}
				}
				if err != nil {
					pending = append(pending, item{path: path, err: err})
					return true
				}
				doc, docPath, docRead, next = d, path, &sync.WaitGroup{}, 0
				if d.NumPages() == 0 {
					finishDoc()
					continue
				}
			}
			total := doc.NumPages()
			ch := make(chan ocrPage, 1)
			pending = append(pending, item{page: ch, path: docPath})
			out := ocrPage{File: docPath, Page: next + 1, Pages: total, Words: []ocrWord{}}
			rp, err := doc.Page(next)
			next++
			if err != nil {
				out.Error = err.Error()
				ch <- out
			} else {
				out.Source = rp.Source
				pool, wg := getPool(), docRead // docRead is the next file's once this one is done
				wg.Add(1)
				go func() {
					defer wg.Done()
					ch <- recognizeForOCR(ctx, pool, rp, out)
				}()
			}
			if next == total {
				finishDoc()
			}
			return true
		}
	}
	defer closing.Wait()
	defer func() {
		if doc != nil {
			finishDoc()
		}
	}()
	fill := func() {
		for len(pending) < n+1 && ctx.Err() == nil && advance() {
		}
	}
	fill()
	for len(pending) > 0 {
		it := pending[0]
		pending = pending[1:]
		if it.page == nil {
			if fail(it.path, it.err) {
				// Nothing else was started: the engines are started before any page.
				return
			}
		} else {
			emit(<-it.page)
		}
		fill()
	}
}

// recognizeForOCR reads one page for `intake ocr`: out with what the engine found, or the
// page's error.
func recognizeForOCR(ctx context.Context, pool *ocr.Pool, rp *raster.Page, out ocrPage) ocrPage {
	p, err := pool.Recognize(ctx, rp)
	if err != nil {
		out.Error = err.Error()
		return out
	}
	out.Width, out.Height, out.DPI, out.Rotation, out.Skew, out.Text = p.Width, p.Height, p.DPI, p.Rotation, p.Skew, p.Text
	for _, w := range p.Words {
		out.Words = append(out.Words, ocrWord{Text: w.Text, Confidence: w.Confidence, Line: w.Line,
			Box:  [4]int{w.Box.Min.X, w.Box.Min.Y, w.Box.Max.X, w.Box.Max.Y},
			Norm: [4]float64{w.Norm.X0, w.Norm.Y0, w.Norm.X1, w.Norm.Y1}})
	}
	return out
}
