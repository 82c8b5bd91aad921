// Package ocr turns page images into words with positions and confidences.
//
// It is the only package that knows about Tesseract: through gosseract in tesseract.go,
// and through Tesseract's C API in osd.go (orientation detection, which gosseract lacks);
// the image work is Leptonica's, in package lept. Nothing else here uses cgo.
//
// Input is a raster.Page: a greyscale (or black-and-white, 0 and 255) image with the
// resolution its file declares. Output is a Page: the prepared image's size and resolution,
// what was done to it (Rotation, Skew, Info), its Words (pixel and normalised boxes,
// confidence, line) and Lines in reading order, and Text, the lines joined by newlines.
//
// Pool.Recognize is the entry point: Prepare, then recognition on one of the pool's
// engines. Prepare makes the pixels square at the horizontal resolution (faxes at 204x98
// dpi get twice the rows), assumes a resolution when the file declares none (from the
// sheet's proportions, or 300 dpi), turns the page upright by quarter turns and removes its
// skew (up to 5°). Orientation: Leptonica vouches for pages whose text is plainly upright
// (about nine in ten upright pages, in 25 ms); every other page is asked of Tesseract's
// orientation detection, and turned when it is sure enough.
//
// An Engine (*Tesseract, or ocrtest's fake) reads one page at a time: a pool runs one per
// worker and never lets two goroutines share one. Tesseract must run single-threaded
// (OMP_THREAD_LIMIT=1, read by OpenMP only when the process starts): call SingleThreaded
// first thing in main or TestMain.
//
// Tesseract cannot be stopped in the middle of a page. A page over the pool's time limit,
// or whose context ends, returns at once (ErrTimeout, or the context's error) while its
// engine finishes in the background and only then serves the next page; Close waits for it.
//
// Errors: a page that cannot be read fails alone (ErrUnreadable, ErrTimeout); ErrClosed
// after Close. Missing language or orientation data is an error from NewTesseract (and so
// from NewPool) that names the Debian package to install.
package ocr
