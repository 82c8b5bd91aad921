package raster

import "bytes"

// Format is the kind of file, as its first bytes say.
type Format int

const (
	Unknown Format = iota
	PDF
	TIFF
	PNG  // a single image
	JPEG // a single image
)

func (f Format) String() string {
	switch f {
	case PDF:
		return "pdf"
	case TIFF:
		return "tiff"
	case PNG:
		return "png"
	case JPEG:
		return "jpeg"
	}
	return "unknown"
}

// sniffLen is how many leading bytes Sniff looks at: PDF allows some bytes before its
// header, which readers look for within the first kilobyte.
const sniffLen = 1024

// Sniff names the format of a file from its first bytes (up to a kilobyte; fewer is fine),
// never from its name. A BigTIFF file is TIFF here; Open refuses it.
func Sniff(head []byte) Format {
	switch {
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")),
		bytes.HasPrefix(head, []byte("II+\x00")), bytes.HasPrefix(head, []byte("MM\x00+")):
		return TIFF
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return JPEG
	}
	if len(head) > sniffLen {
		head = head[:sniffLen]
	}
	if bytes.Contains(head, []byte("%PDF-")) {
		return PDF
	}
	return Unknown
}
