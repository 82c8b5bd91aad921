package raster

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// ErrClosed is returned by a Document's methods after Close.
var ErrClosed = errors.New("raster: the document is closed")

// Defaults for the zero fields of Limits.
const (
	DefaultMaxFileBytes  = 512 << 20
	DefaultMaxPages      = 1000
	DefaultMaxPagePixels = 100_000_000
	DefaultMaxDecoded    = 64 << 20
)

func (l Limits) withDefaults() Limits {
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = DefaultMaxFileBytes
	}
	if l.MaxPages <= 0 {
		l.MaxPages = DefaultMaxPages
	}
	if l.MaxPagePixels <= 0 {
		l.MaxPagePixels = DefaultMaxPagePixels
	}
	if l.MaxDecodedBytes <= 0 {
		l.MaxDecodedBytes = DefaultMaxDecoded
	}
	return l
}

// fail returns kind with a detail of our own making (a page number, a limit, a structure
// name), never text taken from the file.
func fail(kind error, format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{kind}, a...)...)
}

// recovered is the error for a panic caught while reading a file: the file caused it, so
// it is ErrDamaged; its own type lets tests tell it from the errors the parsers return.
// The panic's value is not shown (it could quote the file).
type recovered struct{ what string }

func (r *recovered) Error() string { return ErrDamaged.Error() + ": " + r.what }
func (r *recovered) Unwrap() error { return ErrDamaged }

// checkPixels refuses an image whose declared size is over the limit, before anything is
// allocated for it.
func checkPixels(what string, w, h int64, lim Limits) error {
	if w <= 0 || h <= 0 {
		return fail(ErrDamaged, "%s has no pixels (%d x %d)", what, w, h)
	}
	if w > lim.MaxPagePixels || h > lim.MaxPagePixels/w {
		return fail(ErrTooLarge, "%s is %d x %d pixels, over the limit of %d pixels", what, w, h, lim.MaxPagePixels)
	}
	return nil
}

// A Document is an open input file. It decodes one page at a time, when asked; it keeps
// no page image. It is not safe for concurrent use.
type Document struct {
	format Format
	lim    Limits
	r      io.ReaderAt
	size   int64
	pages  int

	file   *os.File // from OpenFile: closed by Close
	path   string   // from OpenFile: the absolute path, which pdftoppm reads directly
	tmpDir string   // otherwise a copy of the file for pdftoppm, made when first needed

	tiff *tiffFile
	pdf  *pdfFile

	closed bool
}

// OpenFile opens the file at path. The file stays open until Close. Anything but a
// regular file (a FIFO, a device, a folder) is ErrUnsupported, found without reading it.
func OpenFile(path string, lim Limits) (*Document, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("raster: %w", err)
	}
	// Non-blocking: opening a FIFO for reading would otherwise wait for a writer, for
	// ever. It changes nothing for a regular file.
	f, err := os.OpenFile(abs, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("raster: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("raster: %w", err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fail(ErrUnsupported, "not a regular file")
	}
	d, err := Open(f, st.Size(), lim)
	if err != nil {
		f.Close()
		return nil, err
	}
	d.file, d.path = f, abs
	return d, nil
}

// Open reads the structure of the file held by r (size bytes): its format, its page
// count, and for a PDF its cross-reference table and page tree. It checks the file size and
// page count against lim and returns one of the package's errors for a file it cannot
// use. r must stay readable until Close.
func Open(r io.ReaderAt, size int64, lim Limits) (d *Document, err error) {
	lim = lim.withDefaults()
	if size <= 0 {
		return nil, ErrEmpty
	}
	if size > lim.MaxFileBytes {
		return nil, fail(ErrTooLarge, "the file has %d bytes, over the limit of %d", size, lim.MaxFileBytes)
	}
	head := make([]byte, min(size, sniffLen))
	if n, err := r.ReadAt(head, 0); n < len(head) {
		return nil, fmt.Errorf("raster: read: %w", err)
	}
	defer func() {
		// The parsers are written not to panic on any input; should one still do, the
		// file is what caused it.
		if p := recover(); p != nil {
			d, err = nil, &recovered{what: "the file's structure could not be read"}
		}
	}()
	d = &Document{format: Sniff(head), lim: lim, r: r, size: size}
	switch d.format {
	case TIFF:
		if d.tiff, err = openTIFF(r, size, lim); err != nil {
			return nil, err
		}
		d.pages = len(d.tiff.pages)
	case PDF:
		if d.pdf, err = openPDF(r, size, lim); err != nil {
			return nil, err
		}
		d.pages = len(d.pdf.pages)
	case PNG, JPEG:
		d.pages = 1
	default:
		return nil, ErrUnsupported
	}
	if d.pages == 0 {
		return nil, ErrNoPages
	}
	return d, nil
}

// Format returns the file's format.
func (d *Document) Format() Format { return d.format }

// NumPages returns the number of pages.
func (d *Document) NumPages() int { return d.pages }

// Page decodes page i (0-based). Only that page is decoded and the Document keeps no
// reference to the result.
func (d *Document) Page(i int) (p *Page, err error) {
	if d.closed {
		return nil, ErrClosed
	}
	if i < 0 || i >= d.pages {
		return nil, fmt.Errorf("raster: page index %d out of range: the file has %d pages", i, d.pages)
	}
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, &recovered{what: fmt.Sprintf("page %d could not be decoded", i+1)}
		}
	}()
	switch d.format {
	case TIFF:
		p, err = d.tiff.page(d.r, d.size, i, d.lim)
	case PDF:
		p, err = d.pdfPage(i)
	case PNG, JPEG:
		p, err = decodeSingle(io.NewSectionReader(d.r, 0, d.size), d.format, d.lim)
	}
	if err != nil {
		return nil, err
	}
	p.Index = i
	return p, nil
}

// FormFields returns the values of a fillable PDF's form (AcroForm) fields by field name
// (the fully qualified name, or the field id when a field has none). A file without a
// form, and any TIFF or single image, gives an empty map.
func (d *Document) FormFields() (fields map[string]string, err error) {
	defer func() {
		if r := recover(); r != nil {
			fields, err = nil, &recovered{what: "its form fields cannot be read"}
		}
	}()
	if d.closed {
		return nil, ErrClosed
	}
	if d.format != PDF {
		return map[string]string{}, nil
	}
	return d.pdf.formFields(d.r, d.size)
}

// Close releases the file and anything made for it. Closing twice does nothing.
func (d *Document) Close() error {
	if d.closed {
		return nil
	}
	d.closed = true
	d.tiff, d.pdf = nil, nil
	var err error
	if d.tmpDir != "" {
		err = os.RemoveAll(d.tmpDir)
		d.tmpDir = ""
	}
	if d.file != nil {
		if cerr := d.file.Close(); err == nil {
			err = cerr
		}
		d.file = nil
	}
	return err
}
