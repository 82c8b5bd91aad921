package ocr

/*
#cgo pkg-config: tesseract
#include <stdlib.h>
#include <tesseract/capi.h>

// Start a Tesseract instance with the orientation and script data only, quiet.
static TessBaseAPI *osd_new(void) {
	TessBaseAPI *api = TessBaseAPICreate();
	if (!api) return NULL;
	if (TessBaseAPIInit3(api, NULL, "osd") != 0) {
		TessBaseAPIDelete(api);
		return NULL;
	}
	TessBaseAPISetVariable(api, "debug_file", "/dev/null");
	return api;
}


// Detect the orientation of an 8 bpp image. Returns 0 when it was found, 1 when the page has
// too little text to tell.
static int osd_detect(TessBaseAPI *api, const unsigned char *pix, int w, int h, int stride,
		int ppi, const char *mincount, int *deg, float *conf) {
	TessBaseAPISetVariable(api, "min_characters_to_try", mincount);
	TessBaseAPISetImage(api, pix, w, h, 1, stride);
	TessBaseAPISetSourceResolution(api, ppi);
	int ok = TessBaseAPIDetectOrientationScript(api, deg, conf, NULL, NULL);
	TessBaseAPIClear(api);
	return ok ? 0 : 1;
}

static void osd_free(TessBaseAPI *api) {
	TessBaseAPIEnd(api);
	TessBaseAPIDelete(api);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"runtime"
	"unsafe"
)

// errNoOSD is returned when Tesseract's orientation data cannot be loaded.
var errNoOSD = errors.New("ocr: Tesseract orientation data missing (install tesseract-ocr-osd)")

// osd is a Tesseract instance loaded with the orientation and script detection data
// (gosseract has no binding for it). Like any Tesseract instance it serves one goroutine
// at a time.
type osd struct {
	api *C.TessBaseAPI
}

func newOSD() (*osd, error) {
	api := C.osd_new()
	if api == nil {
		return nil, errNoOSD
	}
	return &osd{api: api}, nil
}

// detect returns how many quarter turns clockwise img lies turned (0..3) and Tesseract's
// confidence, from the shapes of up to blobs characters (picked across the page; each costs
// about a millisecond, on top of some 50 ms to find them on a 150 dpi page). The confidence
// is the margin of the best orientation's log-likelihood over the next: it grows with the
// number of characters looked at. ok is false when the page has fewer than blobs/10
// characters.
func (o *osd) detect(img *image.Gray, dpi float64, blobs int) (quarters int, conf float64, ok bool, err error) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if w == 0 || h == 0 {
		return 0, 0, false, fmt.Errorf("%w: empty image", ErrUnreadable)
	}
	var deg C.int
	var c C.float
	off := img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y)
	// Tesseract copies the pixels in SetImage; nothing keeps the Go pointer after the call.
	// Tesseract looks at 5 x min_characters_to_try characters (it never stops earlier) and
	// gives up on pages with fewer than half of min_characters_to_try.
	mc := C.CString(fmt.Sprint(max(1, blobs/5)))
	defer C.free(unsafe.Pointer(mc))
	r := C.osd_detect(o.api, (*C.uchar)(unsafe.Pointer(&img.Pix[off])), C.int(w), C.int(h),
		C.int(img.Stride), C.int(dpi+0.5), mc, &deg, &c)
	runtime.KeepAlive(img)
	if r != 0 {
		return 0, 0, false, nil
	}
	// Tesseract's orient_deg is the clockwise turn the page shows (checked on pages
	// scanned sideways and upside down).
	return (int(deg) / 90) % 4, float64(c), true, nil
}

// languages lists the language data Tesseract finds (eng, spa, osd...).
func (o *osd) languages() []string {
	arr := C.TessBaseAPIGetAvailableLanguagesAsVector(o.api)
	if arr == nil {
		return nil
	}
	defer C.TessDeleteTextArray(arr)
	var out []string
	for _, p := range unsafe.Slice(arr, 1000) {
		if p == nil {
			break
		}
		out = append(out, C.GoString(p))
	}
	return out
}

func (o *osd) close() {
	if o != nil && o.api != nil {
		C.osd_free(o.api)
		o.api = nil
	}
}
