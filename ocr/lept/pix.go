package lept

/*
#cgo pkg-config: lept
#include <stdlib.h>
#include <leptonica/allheaders.h>

// Copy an 8 bpp Go raster into a Leptonica 8 bpp image, row by row.
static PIX *gray_to_pix(const unsigned char *src, int w, int h, int stride) {
	PIX *pix = pixCreate(w, h, 8);
	if (!pix) return NULL;
	l_uint32 *data = pixGetData(pix);
	l_int32 wpl = pixGetWpl(pix);
	for (int y = 0; y < h; y++) {
		l_uint32 *line = data + y * wpl;
		const unsigned char *s = src + (size_t)y * stride;
		for (int x = 0; x < w; x++) SET_DATA_BYTE(line, x, s[x]);
	}
	return pix;
}

// Copy any Leptonica image into an 8 bpp Go raster (converted to grey first when needed).
static int pix_to_gray(PIX *pix, unsigned char *dst, int stride) {
	PIX *g = pixConvertTo8(pix, 0);
	if (!g) return 1;
	l_int32 w = pixGetWidth(g), h = pixGetHeight(g), wpl = pixGetWpl(g);
	l_uint32 *data = pixGetData(g);
	for (int y = 0; y < h; y++) {
		l_uint32 *line = data + y * wpl;
		unsigned char *d = dst + (size_t)y * stride;
		for (int x = 0; x < w; x++) d[x] = GET_DATA_BYTE(line, x);
	}
	pixDestroy(&g);
	return 0;
}

static void pix_destroy(PIX *pix) { pixDestroy(&pix); }
*/
import "C"

import (
	"errors"
	"image"
	"runtime"
	"unsafe"
)

// ErrLeptonica is returned when Leptonica fails an operation.
var ErrLeptonica = errors.New("lept: leptonica failed")

func init() {
	// Leptonica prints its own warnings to stderr; the caller reports errors.
	C.setMsgSeverity(C.L_SEVERITY_NONE)
}

// Pix is a Leptonica image.
type Pix struct {
	p *C.PIX
}

func wrap(p *C.PIX) *Pix {
	if p == nil {
		return nil
	}
	x := &Pix{p: p}
	runtime.SetFinalizer(x, (*Pix).Close)
	return x
}

// Close releases the image; calling it again does nothing.
func (x *Pix) Close() {
	if x == nil || x.p == nil {
		return
	}
	C.pix_destroy(x.p)
	x.p = nil
	runtime.SetFinalizer(x, nil)
}

// Size returns width, height and bits per pixel.
func (x *Pix) Size() (w, h, depth int) {
	return int(C.pixGetWidth(x.p)), int(C.pixGetHeight(x.p)), int(C.pixGetDepth(x.p))
}

// Resolution returns the resolution stored with the image (0 when unknown).
func (x *Pix) Resolution() (xres, yres int) {
	return int(C.pixGetXRes(x.p)), int(C.pixGetYRes(x.p))
}

// FromGray copies a Go greyscale image into a new 8 bpp Pix.
func FromGray(img *image.Gray) (*Pix, error) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if w == 0 || h == 0 {
		return nil, ErrLeptonica
	}
	off := img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y)
	p := C.gray_to_pix((*C.uchar)(unsafe.Pointer(&img.Pix[off])), C.int(w), C.int(h), C.int(img.Stride))
	runtime.KeepAlive(img)
	if p == nil {
		return nil, ErrLeptonica
	}
	return wrap(p), nil
}

// Gray copies the image into a new Go greyscale image (1 bpp black becomes 0, white 255).
func (x *Pix) Gray() (*image.Gray, error) {
	w, h, _ := x.Size()
	img := image.NewGray(image.Rect(0, 0, w, h))
	if w == 0 || h == 0 {
		return img, nil
	}
	if C.pix_to_gray(x.p, (*C.uchar)(unsafe.Pointer(&img.Pix[0])), C.int(img.Stride)) != 0 {
		return nil, ErrLeptonica
	}
	return img, nil
}
