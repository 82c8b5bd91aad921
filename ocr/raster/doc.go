// Package raster turns an input file into page images, one page at a time: PDFs as
// scanners and fax servers write them (the page's embedded image, decoded from DCT, Flate
// or CCITT G3/G4, strips composed, the page's rotation honoured; a page with no full-page
// image is rendered at 300 dpi), and multi-page TIFFs in every CCITT variant fax servers
// write. The format is sniffed from the first bytes, never from the file name.
//
// A Document holds the file open and decodes a page only when asked, so memory stays
// bounded by one page whatever the page count. Limits (file size, pages, pixels per page)
// are checked before anything large is decoded. Every failure is one of the package's
// errors, whose text can be shown to a person; none contains the file's content.
package raster
