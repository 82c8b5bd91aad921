package raster

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// ErrNoRenderer is returned for a PDF page that must be rendered when pdftoppm is not
// installed. It is a fault of the machine, not of the file.
var ErrNoRenderer = errors.New("raster: pdftoppm is not installed (Debian package poppler-utils); it is needed to render PDF pages that have no page image")

const (
	renderDPI     = 300
	renderTimeout = 2 * time.Minute
)

// renderPage renders page i with poppler's pdftoppm at 300 dpi in grey. pdftoppm shows
// the crop box and applies /Rotate itself.
func (d *Document) renderPage(i int, pg *pdfPage) (*Page, error) {
	wpt, hpt := pg.box.w(), pg.box.h()
	if pg.rotate == 90 || pg.rotate == 270 {
		wpt, hpt = hpt, wpt
	}
	w := int64(math.Ceil(wpt * renderDPI / 72))
	h := int64(math.Ceil(hpt * renderDPI / 72))
	if err := checkPixels(fmt.Sprintf("page %d rendered at %d dpi", i+1, renderDPI), w, h, d.lim); err != nil {
		return nil, err
	}
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		return nil, ErrNoRenderer
	}
	path, err := d.toolPath()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), renderTimeout)
	defer cancel()
	n := strconv.Itoa(i + 1)
	mem := renderMemory(w, h)
	cmd := limitedCommand(ctx, mem, bin, "-q", "-r", strconv.Itoa(renderDPI), "-gray", "-cropbox", "-f", n, "-l", n, path)
	oom := &oomWatch{}
	cmd.Stderr = oom
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("raster: pdftoppm: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("raster: pdftoppm: %w", err)
	}
	// Allow a few pixels more than computed: poppler rounds its own way.
	img, perr := readPGM(bufio.NewReader(out), (w+8)*(h+8))
	io.Copy(io.Discard, out)
	werr := cmd.Wait()
	if oom.seen {
		// Poppler goes on without what it could not allocate (a JBIG2 page bitmap, say),
		// or gives up: either way the page is not all there.
		return nil, fail(ErrTooLarge, "page %d needs more than %d MiB to render", i+1, mem>>20)
	}
	if perr != nil || werr != nil {
		if ctx.Err() != nil {
			return nil, fail(ErrDamaged, "page %d could not be rendered in %v", i+1, renderTimeout)
		}
		return nil, fail(ErrDamaged, "page %d could not be rendered", i+1)
	}
	return &Page{Image: img, XDPI: renderDPI, YDPI: renderDPI, Rotate: pg.rotate, Source: "pdf/rendered"}, nil
}

// renderMemory is the most heap (RLIMIT_DATA) pdftoppm may take for a page of w x h
// pixels: its own few tens of megabytes and room for fonts and images, plus the page's
// bitmap a few times over. Past it poppler's allocations fail instead of taking the
// machine's memory: a JBIG2 image of a few bytes declaring 100000 x 100000 pixels would
// otherwise cost 1.25 GB.
func renderMemory(w, h int64) int64 { return 256<<20 + 4*w*h }

// limitedCommand runs bin with its data segment limited to mem bytes, through the shell's
// ulimit (Go cannot set a child's limits itself). Should the limit not take (a lower hard
// limit is in force, which bounds it anyway), bin runs all the same.
func limitedCommand(ctx context.Context, mem int64, bin string, args ...string) *exec.Cmd {
	sh, err := exec.LookPath("sh")
	if err != nil {
		return exec.CommandContext(ctx, bin, args...)
	}
	script := `ulimit -d "$1" 2>/dev/null; shift; exec "$@"`
	return exec.CommandContext(ctx, sh, append([]string{"-c", script, "sh", strconv.FormatInt(mem>>10, 10), bin}, args...)...)
}

// oomWatch takes a child's standard error and notes poppler's "Out of memory" (which it
// prints even when told to be quiet), keeping nothing else: the messages may quote the
// file.
type oomWatch struct {
	tail []byte // the end of what came so far, for a message split between two writes
	seen bool
}

var outOfMemory = []byte("Out of memory")

func (o *oomWatch) Write(p []byte) (int, error) {
	if !o.seen {
		buf := append(append([]byte{}, o.tail...), p...)
		o.seen = bytes.Contains(buf, outOfMemory)
		o.tail = buf[max(0, len(buf)-len(outOfMemory)):]
	}
	return len(p), nil
}

// toolPath returns a path to the file for command-line tools: the file opened, or a copy
// in a temporary folder made the first time it is needed.
func (d *Document) toolPath() (string, error) {
	if d.path != "" {
		return d.path, nil
	}
	if d.tmpDir == "" {
		dir, err := os.MkdirTemp("", "raster-")
		if err != nil {
			return "", fmt.Errorf("raster: %w", err)
		}
		f, err := os.Create(filepath.Join(dir, "input.pdf"))
		if err == nil {
			_, err = io.Copy(f, io.NewSectionReader(d.r, 0, d.size))
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			os.RemoveAll(dir)
			return "", fmt.Errorf("raster: copy for pdftoppm: %w", err)
		}
		d.tmpDir = dir
	}
	return filepath.Join(d.tmpDir, "input.pdf"), nil
}

// readPGM reads a binary PGM (P5, 8-bit) of at most maxPixels pixels.
func readPGM(r *bufio.Reader, maxPixels int64) (*image.Gray, error) {
	var fields [4]int64
	magic := make([]byte, 2)
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != "P5" {
		return nil, errors.New("not a PGM")
	}
	for k := 1; k < 4; k++ {
		// Skip white space and comments, then read a decimal number.
		var num []byte
		for {
			c, err := r.ReadByte()
			if err != nil {
				return nil, errors.New("PGM header cut short")
			}
			if c == '#' {
				r.ReadString('\n')
				continue
			}
			if c >= '0' && c <= '9' {
				num = append(num, c)
				if len(num) > 9 {
					return nil, errors.New("PGM header too long")
				}
				continue
			}
			if len(num) > 0 {
				break
			}
		}
		fields[k], _ = strconv.ParseInt(string(num), 10, 64)
	}
	w, h, maxval := fields[1], fields[2], fields[3]
	if w <= 0 || h <= 0 || w*h > maxPixels || maxval != 255 {
		return nil, errors.New("PGM size unexpected")
	}
	img := image.NewGray(image.Rect(0, 0, int(w), int(h)))
	if _, err := io.ReadFull(r, img.Pix); err != nil {
		return nil, errors.New("PGM cut short")
	}
	return img, nil
}
