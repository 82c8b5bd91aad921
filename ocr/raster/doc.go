// Package raster turns an input file into page images, one page at a time: PDFs as
// scanners and fax servers write them (the page's embedded image, decoded from DCT, Flate
// or CCITT G3/G4, strips composed, the page's rotation honoured; a page with no full-page
// image is rendered at 300 dpi), and multi-page TIFFs in every CCITT variant fax servers
// write. The format is sniffed from the first bytes, never from the file name.
//
// A Document holds the file open and decodes a page only when asked, so memory stays
// bounded by one page whatever the page count. Limits (file size, pages, pixels per page,
// decoded bytes) are checked before anything large is decoded, so a decompression bomb
// costs at most a limit's worth, never what it would inflate to. OpenFile refuses what is
// not a regular file (a FIFO, a device) without waiting on it. Every failure is one of the package's
// errors, whose text can be shown to a person; none contains the file's content.
//
// # Formats
//
// Sniff knows PDF (its header within the first kilobyte), TIFF (classic; BigTIFF is
// refused with ErrUnsupported), and single PNG and JPEG images, which make one-page
// documents. Anything else is ErrUnsupported.
//
// TIFF: Open walks the directory chain in Go, one small read per directory, and refuses
// loops, directories or tag values past the end of the file, pages without pixels and more
// pages than Limits.MaxPages. Page copies that page's strips (or tiles) and the tags
// decoding needs into a one-page TIFF in memory and decodes it with libtiff through
// Leptonica (package lept): G3 1-D and 2-D, G4, modified Huffman, both fill orders, EOL
// padding, and grey or colour pages in whatever other compression libtiff reads (Deflate,
// LZW, PackBits, JPEG as the system's libtiff was built). The resolution is
// what the file declares (fax normal is 204x98 dpi). The Orientation tag is not applied.
//
// PDF: pdfcpu reads the cross-reference table and every object (memory for a moment
// about the size of the file); Open refuses encrypted files (ErrEncrypted, with or without
// a user password), walks the page tree (refusing loops and more pages than the limit,
// checked against /Count before the walk) and then drops the image data, which Page reads
// again from the file. Page follows the page's content stream (cm, q/Q, forms) to the image
// XObjects and their placement. When images cover at least 90% of the page's crop box and
// nothing else shows (visible text, painted paths, inline images; invisible OCR text is
// fine), the page image is composed from them at the resolution of the largest, at the
// crop box's size, images placed turned or in strips put where they belong (nearest
// neighbour), then turned by /Rotate. Images are decoded here: DCT with image/jpeg, CCITT
// by wrapping the data in a one-page TIFF for libtiff (K<0 as G4; K>=0 with EndOfLine as
// G3; K=0 byte-aligned without EOLs as modified Huffman), raw samples (Flate, LZW,
// RunLength, ASCII85, ASCIIHex, with PNG or TIFF predictors) at 1 to 16 bits in grey,
// RGB, CMYK, Lab, ICC-based, Separation, DeviceN and Indexed colour, /Decode and image
// masks honoured. Any other page, or one whose images this package cannot decode (JBIG2,
// JPX, G3 without EOL codes, G4 with byte alignment, damaged data), is rendered by
// poppler's pdftoppm at 300 dpi in grey (from a temporary copy of the file when it was not
// opened from a path; removed by Close). A page image over the pixel limit is ErrTooLarge,
// never rendered instead.
//
// Bounds against hostile PDFs: pdfcpu may decode no more than Limits.MaxDecodedBytes of an
// object or cross-reference stream, and the file may declare no more objects than its size
// allows (half its bytes, plus a margin). Image data is decoded only as far as the image's
// samples need (a Flate stream inflating past them is cut there, as viewers do). A page
// whose content streams, forms included, decode to more than Limits.MaxDecodedBytes is
// ErrTooLarge and is not rendered. pdftoppm runs with its heap (RLIMIT_DATA) limited to
// 256 MiB plus four bytes a pixel of the page; a page it runs out of memory on (a JBIG2
// image whose own header declares 100000 x 100000 pixels) is ErrTooLarge.
//
// # Errors
//
// ErrEmpty, ErrUnsupported, ErrDamaged, ErrEncrypted, ErrTooLarge and ErrNoPages describe
// the file and are permanent. ErrNoRenderer (pdftoppm missing) and errors from the file
// system (from OpenFile) are the machine's. ErrClosed follows Close. A panic while reading
// a file (pdfcpu has been seen to panic on damaged files) is reported as ErrDamaged.
//
// pdfcpu keeps a configuration folder under the user's home unless told not to; the first
// Open of a PDF tells it not to (api.DisableConfigDir, which is process-wide).
//
// A Document is not safe for concurrent use; open one per worker.
package raster
