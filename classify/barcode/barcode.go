// Package barcode finds Code 128 symbols and Kodak patch codes on scanned page images.
//
// It is written for the intake pipeline's pages: 300 dpi greyscale (JPEG) or bilevel mail
// scans, 200 dpi bilevel scans, and faxes resampled to square pixels (204 dpi, including
// "normal" faxes whose rows were doubled and are therefore blurry vertically). It has no
// dependencies beyond the standard library, does not log, and returns no errors: a page
// either has readable symbols or it does not.
//
// # Code 128
//
// Code sets A, B and C, the SHIFT character, code set changes, FNC4 (single and latched,
// giving ISO 8859-1 text) and FNC1 (dropped in the first position, GS1 style, and returned
// as the GS control character, U+001D, elsewhere) are supported; FNC2 and FNC3 are dropped.
// Every symbol's check character is verified, and a symbol is returned only when at least
// two scan lines decode it to the same text; a region where two different texts decode
// is reported with the text most lines agree on, or not at all when they tie.
//
// Scan lines are straight rows and columns of the image, a few pixels apart, each read in
// both directions, so a symbol is found upright, upside down (rotated 180°) and on its side
// (rotated 90° either way). A straight line crosses every bar of a skewed symbol as long as
// the bars are taller than the symbol's width times the tangent of the skew (0.052 at 3°):
// symbols whose bars are at least a tenth as tall as the symbol is wide read up to ±3° of
// skew, which covers the project's sheets (bars of 54 pt and 110 pt on symbols about 250 pt
// wide) with room to spare; no slanted lines are scanned. Characters are decoded by their
// edge-to-similar-edge distances, which do not change when ink spread makes bars wider and
// spaces narrower. A module should be at least about 2.5 pixels wide (the return sheet's
// 1.4 pt modules are 3.9 pixels at 200 dpi, 4 at 204). A symbol needs a quiet zone of at
// least 5 modules (the standard asks for 10) on both sides.
//
// # Patch codes
//
// A patch code is four parallel black bars, two wide and two narrow, at least 0.6 inch
// long. The order of wide (W) and narrow (N) bars, read from the leading edge, names the
// patch (Kodak publication A-61599, Patch Code Information): WWNN is Patch 1, WNNW Patch 2,
// WNWN Patch 3, NWWN Patch 4 (the toggle patch), NNWW Patch 6 and NWNW Patch T (the
// transfer patch). Symbol.Pattern holds the order as read and Symbol.Text the name.
//
// Patches 2 and 4 read the same both ways; 1 and 6, and 3 and T, are each other read
// backwards, so the reading direction matters. Bars parallel to the page's top edge are
// read from the top of the page down, as a scanner fed top first meets them; bars at right
// angles to it (an end-fed patch) are read from the page's right edge to its left, as
// Kodak's end-fed readers do. Which way is up is taken from the Code 128 symbols on the
// same page when there are any (a symbol read right to left means the page is upside down;
// one read downwards, that the page was turned a quarter turn clockwise). Without one, the
// image's top is taken to be the page's top: then an upside-down page reads Patch 3 as T
// and 1 as 6, and a page turned a quarter turn counter-clockwise reads them backwards too
// (a quarter turn clockwise reads right).
//
// The Kodak specification has wide bars of 0.20 inch, narrow bars and spaces of 0.08 inch;
// Scan accepts looser geometry: bars from 3 pt to 0.35 inch thick and at least 0.6 inch
// long, wide bars at least 1.4 times as thick as narrow ones, spaces between bars of up to
// three bar widths with no ink in them, and no ink within the widest bar's width outside
// the outer bars. The project's separator sheet (fixtures/paperwork.SeparatorSheet) prints
// a Patch T, NWNW from the top.
//
// # Noise and speed
//
// Specks, pinholes, a toner streak down the page and fax line errors are tolerated: runs
// narrower than about a pixel (and, inside a Code 128 symbol, than 0.4 module) are merged
// into their neighbours, scan lines are many, and patch bars are measured across at several
// places. Scan takes about 10 ms for a 300 dpi letter page on one core, allocates about
// 1 MB, and is safe for concurrent use.
package barcode

import (
	"image"
)

// Symbol kinds.
const (
	KindCode128 = "code128"
	KindPatch   = "patch"
)

// Symbol is one barcode found on a page.
type Symbol struct {
	Kind string // KindCode128 or KindPatch
	// Text is the decoded text of a Code 128 symbol, or a patch code's name: "1", "2", "3",
	// "4", "6" or "T".
	Text string
	// Pattern is, for a patch code, its bars from the leading edge: W for wide, N for
	// narrow, e.g. "NWNW". It is empty for Code 128.
	Pattern string
	Box     image.Rectangle // where the bars are, in the image's coordinates
}

// Scan finds the Code 128 symbols and patch codes on a page image whose pixels are square
// at dpi dots per inch (a dpi of zero or less is taken as 300). Code 128 symbols come first,
// each kind top to bottom, then left to right. The image is not changed.
func Scan(img *image.Gray, dpi float64) []Symbol {
	if img == nil || img.Rect.Dx() < 8 || img.Rect.Dy() < 8 {
		return nil
	}
	if dpi <= 0 {
		dpi = 300
	}
	s := newScanner(img, dpi)
	rows := s.rowLines()
	cols := s.colLines()
	codes, up := s.code128(rows, cols)
	patches := s.patches(rows, cols, up)
	out := append(codes, patches...)
	for i := range out {
		out[i].Box = out[i].Box.Add(img.Rect.Min)
	}
	return out
}
