package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"intake/ocr/raster"
)

// TestProgressLine: pages done of the total, the rate and the time left, on a line that
// rewrites itself; cleared before other output.
func TestProgressLine(t *testing.T) {
	var b bytes.Buffer
	p := &progress{w: &b, total: 10, start: time.Now().Add(-4 * time.Second)}
	p.page()
	p.page()
	last := b.String()[strings.LastIndex(b.String(), "\r"):]
	if !strings.Contains(last, "2/10 pages") || !strings.Contains(last, "0.5 pages/s") || !strings.Contains(last, "about 16s left") {
		t.Errorf("progress line %q, want 2/10 pages at 0.5 pages/s, about 16s left", last)
	}
	b.Reset()
	p.hide()
	if b.String() != "\r\033[K" {
		t.Errorf("hide wrote %q, want the line cleared", b.String())
	}
	var none *progress // not a terminal
	none.page()
	none.hide()
}

// TestProgressOnlyOnATerminal: into a pipe or a file, no progress line.
func TestProgressOnlyOnATerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if p := newProgress(w, nil, raster.Limits{}); p != nil {
		t.Errorf("a progress line for a pipe")
	}
	if p := newProgress(&bytes.Buffer{}, nil, raster.Limits{}); p != nil {
		t.Errorf("a progress line for a buffer")
	}
}
