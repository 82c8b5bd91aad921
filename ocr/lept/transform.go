package lept

/*
#include <leptonica/allheaders.h>

// Scale an image to grey with interpolation (upscaling) or area mapping (reduction), and
// no sharpening: pixScale would sharpen, which turns the grey edges of an upscaled
// black-and-white scan into halos.
static PIX *scale_gray(PIX *pixs, float sx, float sy) {
	PIX *g = pixConvertTo8(pixs, 0);
	if (!g) return NULL;
	PIX *d = pixScaleGeneral(g, sx, sy, 0.0, 0);
	pixDestroy(&g);
	return d;
}

// Turn an image by angle radians (clockwise positive) about its centre, white brought in at
// the corners; the size stays the same.
static PIX *rotate(PIX *pixs, float angle, int type) {
	return pixRotate(pixs, angle, type, L_BRING_IN_WHITE, 0, 0);
}

// Search the skew angle of a 1 bpp image.
static int find_skew(PIX *pixs, int redsweep, int redsearch, float sweeprange, float *angle, float *conf) {
	return pixFindSkewSweepAndSearch(pixs, angle, conf, redsweep, redsearch, sweeprange, 1.0, 0.01);
}
*/
import "C"

import (
	"fmt"
	"math"
	"runtime"
)

// ScaleGray returns the image scaled by sx horizontally and sy vertically as 8 bpp grey
// (a 1 bpp image is converted to grey first, so its edges come out grey). Enlargement is by
// linear interpolation, reduction by area mapping; nothing is sharpened.
func (x *Pix) ScaleGray(sx, sy float64) (*Pix, error) {
	if sx <= 0 || sy <= 0 {
		return nil, fmt.Errorf("%w: scale %g x %g", ErrLeptonica, sx, sy)
	}
	p := C.scale_gray(x.p, C.float(sx), C.float(sy))
	runtime.KeepAlive(x)
	if p == nil {
		return nil, fmt.Errorf("%w: scale %g x %g", ErrLeptonica, sx, sy)
	}
	return wrap(p), nil
}

// Reduce2 returns an 8 bpp image at half the width and height, each pixel the mean of four.
func (x *Pix) Reduce2() (*Pix, error) {
	p := C.pixScaleAreaMap2(x.p)
	runtime.KeepAlive(x)
	if p == nil {
		return nil, fmt.Errorf("%w: reduce by 2", ErrLeptonica)
	}
	return wrap(p), nil
}

// RotateQuarter returns the image turned clockwise by quarters quarter turns (0..3).
func (x *Pix) RotateQuarter(quarters int) (*Pix, error) {
	p := C.pixRotateOrth(x.p, C.l_int32(((quarters%4)+4)%4))
	runtime.KeepAlive(x)
	if p == nil {
		return nil, fmt.Errorf("%w: rotate by %d quarter turns", ErrLeptonica, quarters)
	}
	return wrap(p), nil
}

// Rotate returns the image turned clockwise by deg degrees about its centre, with the same
// size (what turns out of the frame is lost, white comes in at the corners). Pixels are
// area mapped (interpolated), which keeps thin strokes: about 80 ms for a 300 dpi page.
// (Leptonica's faster rotation by shears shifts whole pixels: on black-and-white pages it
// cost Tesseract two points of word accuracy.)
func (x *Pix) Rotate(deg float64) (*Pix, error) {
	p := C.rotate(x.p, C.float(deg*math.Pi/180), C.L_ROTATE_AREA_MAP)
	runtime.KeepAlive(x)
	if p == nil {
		return nil, fmt.Errorf("%w: rotate by %g degrees", ErrLeptonica, deg)
	}
	return wrap(p), nil
}

// Binarize returns a 1 bpp image, pixels darker than threshold black (a 1 bpp image is
// copied).
func (x *Pix) Binarize(threshold int) (*Pix, error) {
	p := C.pixConvertTo1(x.p, C.l_int32(threshold))
	runtime.KeepAlive(x)
	if p == nil {
		return nil, fmt.Errorf("%w: binarise", ErrLeptonica)
	}
	return wrap(p), nil
}

// FindSkew measures how far the text lines of a 1 bpp image are from horizontal,
// searching ±maxDeg degrees, with a coarse sweep on a copy reduced by reduction (1, 2, 4
// or 8) and a fine search at half that reduction. It returns the angle in degrees the
// image must be turned clockwise to make its lines level (Leptonica's convention: a page
// lying turned clockwise gives a negative angle) and Leptonica's confidence (the ratio of
// the best score to the mean: below 3 it is unreliable; 0 means no lines were found).
// About 10 ms for a page at 150 dpi.
func (x *Pix) FindSkew(maxDeg float64, reduction int) (angle, confidence float64, err error) {
	if _, _, d := x.Size(); d != 1 {
		return 0, 0, fmt.Errorf("%w: skew of a %d bpp image (binarise it first)", ErrLeptonica, d)
	}
	search := max(reduction/2, 1)
	var a, c C.float
	r := C.find_skew(x.p, C.int(reduction), C.int(search), C.float(maxDeg), &a, &c)
	runtime.KeepAlive(x)
	if r != 0 {
		// The search fails when there is too little ink to score: no skew found.
		return 0, 0, nil
	}
	return float64(a), float64(c), nil
}

// UpDown is Leptonica's test of which way up Latin text stands (pixUpDownDetect) on a 1 bpp
// image of 150 to 300 dpi with level lines: it counts letters with ascenders (b, d, h, k, l)
// against letters with descenders (g, p, q, y). The confidence is positive when the text
// stands upright, negative when it is upside down, about 2(up-down)/sqrt(up+down); it is 0
// when there are too few of either to count (figures, capitals, little text). About 8 ms
// at 150 dpi.
func (x *Pix) UpDown() (float64, error) {
	if _, _, d := x.Size(); d != 1 {
		return 0, fmt.Errorf("%w: up-down test of a %d bpp image (binarise it first)", ErrLeptonica, d)
	}
	var c C.float
	r := C.pixUpDownDetect(x.p, &c, 0, 0, 0)
	runtime.KeepAlive(x)
	if r != 0 {
		return 0, fmt.Errorf("%w: up-down test", ErrLeptonica)
	}
	return float64(c), nil
}
