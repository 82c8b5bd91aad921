// Package lept is the project's binding to Leptonica, the image library Tesseract is built
// on (and through it libtiff, libjpeg and zlib). It is one of the few cgo file sets of the
// project, fenced here so that nothing else needs cgo for images.
//
// A Pix is a Leptonica image. It must be released with Close; the finalizer is only a
// safety net. Conversions copy pixels, so Go images never point into C memory.
package lept
