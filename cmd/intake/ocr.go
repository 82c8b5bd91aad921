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
	for _, path := range fs.Args() {
		err := ocrFile(ctx, startPool, func() *ocr.Pool { return pool }, n, path, func(p ocrPage) {
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
		})
		if errors.Is(err, errEngines) {
			fmt.Fprintf(stderr, "intake ocr: %v\n", err)
			return 2
		}
		if err != nil {
			fmt.Fprintf(stderr, "intake ocr: %s: %v\n", path, err)
			status = 1
		}
		if ctx.Err() != nil {
			return 1
		}
	}
	return status
}

// errEngines marks a failure to start the OCR engines: a configuration error, not the file's.
var errEngines = errors.New("the OCR engines could not start")

// ocrFile reads a file's pages in order, up to n at once, and hands each result to emit in
// page order. Only the pages in flight are held in memory.
func ocrFile(ctx context.Context, startPool func() error, getPool func() *ocr.Pool, n int, path string, emit func(ocrPage)) error {
	doc, err := raster.OpenFile(path, raster.Limits{})
	if err != nil {
		return err
	}
	defer doc.Close()
	if err := startPool(); err != nil {
		return fmt.Errorf("%w: %v", errEngines, err)
	}
	pool := getPool()
	total := doc.NumPages()
	// One page more than there are engines: the next page is decoded and waiting when an
	// engine comes free, and a slow page does not hold an engine idle behind it.
	n++
	pending := make([]chan ocrPage, 0, n)
	start := func(i int) {
		ch := make(chan ocrPage, 1)
		pending = append(pending, ch)
		out := ocrPage{File: path, Page: i + 1, Pages: total, Words: []ocrWord{}}
		rp, err := doc.Page(i)
		if err != nil {
			out.Error = err.Error()
			ch <- out
			return
		}
		out.Source = rp.Source
		go func() {
			p, err := pool.Recognize(ctx, rp)
			if err != nil {
				out.Error = err.Error()
				ch <- out
				return
			}
			out.Width, out.Height, out.DPI, out.Rotation, out.Skew, out.Text = p.Width, p.Height, p.DPI, p.Rotation, p.Skew, p.Text
			for _, w := range p.Words {
				out.Words = append(out.Words, ocrWord{Text: w.Text, Confidence: w.Confidence, Line: w.Line,
					Box:  [4]int{w.Box.Min.X, w.Box.Min.Y, w.Box.Max.X, w.Box.Max.Y},
					Norm: [4]float64{w.Norm.X0, w.Norm.Y0, w.Norm.X1, w.Norm.Y1}})
			}
			ch <- out
		}()
	}
	next := 0
	for next < total && len(pending) < n {
		start(next)
		next++
	}
	for len(pending) > 0 {
		p := <-pending[0]
		pending = pending[1:]
		emit(p)
		if next < total && ctx.Err() == nil {
			start(next)
			next++
		}
	}
	return ctx.Err()
}
