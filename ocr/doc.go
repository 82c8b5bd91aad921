// Package ocr turns page images into words with positions and confidences.
//
// It is the only package that knows about Tesseract (through gosseract, in tesseract.go,
// the one file that needs cgo). An Engine recognises one page at a time and is not safe
// for concurrent use: run one engine per worker. Tesseract must run single-threaded
// (OMP_THREAD_LIMIT=1); NewTesseract sets it for the process when it is unset.
//
// Errors: a page Tesseract cannot read is an error for that page only (ErrUnreadable);
// a missing language pack is an error from NewTesseract that names the Debian package.
package ocr
