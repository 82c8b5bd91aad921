package raster

import (
	"errors"
	"image"
)

// Errors, each a sentence a person understands (wrapped errors add which page or what
// limit). All are permanent: the same file will fail the same way again.
var (
	ErrEmpty       = errors.New("raster: the file is empty")
	ErrUnsupported = errors.New("raster: the file is neither a PDF nor a TIFF image")
	ErrDamaged     = errors.New("raster: the file is damaged or cut short and cannot be read")
	ErrEncrypted   = errors.New("raster: the PDF is encrypted (password-protected) and cannot be read")
	ErrTooLarge    = errors.New("raster: the file, or a page or image in it, is larger than the configured limits allow")
	ErrNoPages     = errors.New("raster: the file has no pages")
)

// Limits bound what one file may cost; the zero value means the defaults below.
type Limits struct {
	MaxFileBytes  int64 // default 512 MiB
	MaxPages      int   // default 1000
	MaxPagePixels int64 // width x height of one page image; default 100 million (about 600 dpi on 11x17 in)
	// MaxDecodedBytes bounds what one page's content streams (forms included) decode to,
	// and what pdfcpu may decode of one object or cross-reference stream while it opens a
	// PDF; default 64 MiB. A page over it is ErrTooLarge, never rendered. (Image data is
	// bounded by the image's own size, within MaxPagePixels, however far it would inflate.)
	MaxDecodedBytes int64
}

// Page is one page image as the file holds it, before any correction.
type Page struct {
	Index      int         // 0-based page number in the file
	Image      *image.Gray // black-and-white pages come as 0 and 255
	XDPI, YDPI float64     // the resolution the file declares (0 when it declares none)
	Rotate     int         // clockwise degrees the file asks a viewer to turn the page (PDF /Rotate), already applied to Image
	Source     string      // how it was obtained, e.g. "pdf/dct", "pdf/ccitt", "pdf/flate", "pdf/rendered", "tiff/g3-1d", "tiff/g3-2d", "tiff/g4", "png"
}
