package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"intake/ocr/raster"
)

// progress shows, on a terminal, how far `intake process` is through a batch: pages done
// of the total, the rate and the time left, on one line it rewrites. Elsewhere (a pipe, a
// log file) it shows nothing: the summary line of each file is the plain record.
type progress struct {
	mu          sync.Mutex
	w           io.Writer
	done, total int
	start       time.Time
	shown       bool
}

// newProgress returns nil unless w is a terminal. total counts the pages of every file
// that opens (those that do not count nothing: they are quarantined without reading).
func newProgress(w io.Writer, paths []string, lim raster.Limits) *progress {
	if !isTerminal(w) {
		return nil
	}
	p := &progress{w: w, start: time.Now()}
	for _, path := range paths {
		if doc, err := raster.OpenFile(path, lim); err == nil {
			p.total += doc.NumPages()
			doc.Close()
		}
	}
	return p
}

// page counts one page read and redraws the line.
func (p *progress) page() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.draw()
}

func (p *progress) draw() {
	line := fmt.Sprintf("%d/%d pages", p.done, p.total)
	if el := time.Since(p.start).Seconds(); p.done > 0 && el > 0 {
		rate := float64(p.done) / el
		line += fmt.Sprintf("  %.1f pages/s", rate)
		if left := p.total - p.done; left > 0 {
			line += "  about " + (time.Duration(float64(left)/rate) * time.Second).Round(time.Second).String() + " left"
		}
	}
	fmt.Fprintf(p.w, "\r\033[K%s", line)
	p.shown = true
}

// hide clears the line (before something else is printed on the terminal); the next page
// draws it again.
func (p *progress) hide() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

// isTerminal says whether w is a terminal, where a person reads (not /dev/null, a pipe,
// a file or the journal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// under returns w such that what is written to it goes on its own lines, the progress line
// cleared first (and drawn again at the next page): the log shares the terminal.
func (p *progress) under(w io.Writer) io.Writer {
	if p == nil {
		return w
	}
	return writerFunc(func(b []byte) (int, error) {
		p.hide()
		return w.Write(b)
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
