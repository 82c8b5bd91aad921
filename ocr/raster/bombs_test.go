package raster

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// allocated runs f and returns how many bytes it allocated.
func allocated(f func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestDecompressionBombs checks that data inflating far beyond what a page needs costs no
// more than the limits, and that a page whose content is over MaxDecodedBytes is refused
// as too large rather than handed to the renderer (which would read all of it).
func TestDecompressionBombs(t *testing.T) {
	const limit = 1 << 20
	lim := Limits{MaxDecodedBytes: limit}
	bomb := deflate(make([]byte, 32<<20)) // 32 MiB of zeros in 32 KB

	t.Run("content stream", func(t *testing.T) {
		b := contentPDF("/Filter /FlateDecode", bomb)
		var err error
		start := time.Now()
		alloc := allocated(func() {
			_, err = openBytes(t, b, lim).Page(0)
		})
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("error %v, want %v", err, ErrTooLarge)
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("took %v", took)
		}
		if alloc > 8*limit+4<<20 {
			t.Errorf("allocated %d MB for a limit of %d MB", alloc>>20, limit>>20)
		}
	})
	t.Run("form content", func(t *testing.T) {
		b := onePagePDF("0 0 612 792", "", "/Fm0 Do", xobject{"Fm0", pdfObj{
			body: "<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Filter /FlateDecode >>", stream: bomb}})
		_, err := openBytes(t, b, lim).Page(0)
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("error %v, want %v", err, ErrTooLarge)
		}
	})
	t.Run("image data past the last row", func(t *testing.T) {
		// 64 x 48 grey samples, then 32 MiB more: the image decodes from its first 3 KB,
		// as viewers show it, without rendering.
		b := imageOnPage(64, 48, "/Width 64 /Height 48 /ColorSpace /DeviceGray /BitsPerComponent 8 /Decode [1 0] /Filter /FlateDecode", bomb)
		var p *Page
		var err error
		alloc := allocated(func() {
			p, err = openBytes(t, b, Limits{}).Page(0)
		})
		if err != nil {
			t.Fatal(err)
		}
		if p.Source != "pdf/flate" || p.Image.Rect.Dx() != 64 || p.Image.Rect.Dy() != 48 || p.Image.Pix[0] != 255 {
			t.Errorf("page %v from %s, want the 64 x 48 white image from pdf/flate", p.Image.Rect, p.Source)
		}
		if alloc > 4<<20 {
			t.Errorf("allocated %d MB for an image of 3 KB", alloc>>20)
		}
	})
}

// contentPDF is a one-page PDF whose content stream has the dictionary entries and
// data given.
func contentPDF(dict string, data []byte) []byte {
	return buildPDF([]pdfObj{
		{body: "<< /Type /Catalog /Pages 2 0 R >>"},
		{body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>"},
		{body: "<< " + dict + " >>", stream: data},
	})
}

// TestRendererMemoryIsBounded renders a page whose JBIG2 image declares 100000 x 100000
// pixels in its own page header (the image dictionary says letter size, so only poppler
// finds out): poppler would take 1.25 GB for it; under the renderer's memory limit its
// allocation fails and the page is refused as too large.
func TestRendererMemoryIsBounded(t *testing.T) {
	needPdftoppm(t)
	var jb []byte
	jb = binary.BigEndian.AppendUint32(jb, 0)
	jb = append(jb, 48, 0, 1) // page information for page 1
	jb = binary.BigEndian.AppendUint32(jb, 19)
	for _, v := range []uint32{100000, 100000, 300, 300} {
		jb = binary.BigEndian.AppendUint32(jb, v)
	}
	jb = append(jb, 0, 0, 0)
	b := imageOnPage(2550, 3300, "/Width 2550 /Height 3300 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /JBIG2Decode", jb)
	start := time.Now()
	_, err := openBytes(t, b, Limits{}).Page(0)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("error %v, want %v", err, ErrTooLarge)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %v", took)
	}
}

func TestOOMWatchSplitMessage(t *testing.T) {
	for _, parts := range [][]string{
		{"Syntax Error: x\nOut of memory\n"},
		{"Syntax Error: x\nOut of me", "mory\n"},
		{"O", "ut of", " memory"},
	} {
		var w oomWatch
		for _, p := range parts {
			w.Write([]byte(p))
		}
		if !w.seen {
			t.Errorf("%q: not seen", parts)
		}
	}
	var w oomWatch
	w.Write([]byte("Out of memo"))
	w.Write([]byte("ry is not what this says"))
	w.Write([]byte("Syntax Error (566): Unknown segment type in JBIG2 stream\n"))
	if !w.seen {
		t.Error("a message split over writes was missed")
	}
	var quiet oomWatch
	quiet.Write([]byte("Syntax Error (566): Unknown segment type in JBIG2 stream\n"))
	if quiet.seen {
		t.Error("seen in a message that does not say it")
	}
}

// TestXRefClaimingTenMillionObjects opens a file of a few kilobytes whose cross-reference
// stream claims ten million objects: pdfcpu would make room for them all (hundreds of
// megabytes); the file's size bounds what it may claim.
func TestXRefClaimingTenMillionObjects(t *testing.T) {
	b := xrefStreamPDF(t, "/Index [0 5 5 9999995]")
	var err error
	alloc := allocated(func() {
		var d *Document
		if d, err = Open(bytes.NewReader(b), int64(len(b)), Limits{}); err == nil {
			d.Close()
		}
	})
	if alloc > 64<<20 {
		t.Errorf("allocated %d MB to open a file of %d bytes (error %v)", alloc>>20, len(b), err)
	}
}

// xrefStreamPDF is a one-page PDF 1.5 with a cross-reference stream (uncompressed, W
// [1 4 2]) for objects 0 to 5, whose dictionary gets extra.
func xrefStreamPDF(t *testing.T, extra string) []byte {
	t.Helper()
	objs := []pdfObj{
		{body: "<< /Type /Catalog /Pages 2 0 R >>"},
		{body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>"},
		{body: "<< >>", stream: []byte("BT /F1 12 Tf 72 700 Td (x) Tj ET")},
	}
	full := buildPDF(objs)
	// Reuse buildPDF's object offsets: cut its xref table and write a stream instead.
	cut := bytes.Index(full, []byte("xref\n"))
	body := full[:cut]
	var entries []byte
	entries = append(entries, 0, 0, 0, 0, 0, 0xff, 0xff)
	for n := 1; n <= len(objs); n++ {
		off := bytes.Index(body, fmt.Appendf(nil, "\n%d 0 obj", n)) + 1
		entries = append(entries, 1)
		entries = binary.BigEndian.AppendUint32(entries, uint32(off))
		entries = binary.BigEndian.AppendUint16(entries, 0)
	}
	at := len(body)
	entries = append(entries, 1)
	entries = binary.BigEndian.AppendUint32(entries, uint32(at))
	entries = binary.BigEndian.AppendUint16(entries, 0)
	out := append([]byte{}, body...)
	out = fmt.Appendf(out, "5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R %s /Length %d >>\nstream\n", extra, len(entries))
	out = append(out, entries...)
	out = fmt.Appendf(out, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", at)
	return out
}

// TestOpenFileFIFO opens a FIFO: it is not a file to read, and opening it for reading
// must not wait for a writer.
func TestOpenFileFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scan.pdf")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		d, err := OpenFile(path, Limits{})
		if err == nil {
			d.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("error %v, want %v", err, ErrUnsupported)
		}
	case <-time.After(5 * time.Second):
		// Unblock the open so that the goroutine ends.
		if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
			f.Close()
		}
		t.Fatal("OpenFile blocked on a FIFO")
	}
}
