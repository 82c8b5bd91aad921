package source

import (
	"encoding/binary"
	"io"
	"strings"
	"time"
)

// TIFF tags a fax server fills in.
const (
	tagImageDescription = 270 // HylaFAX: the sender's station id (CSID)
	tagDateTime         = 306 // "YYYY:MM:DD HH:MM:SS", the receive time in local time
)

// Limits of the TIFF tag reader: with them it never reads more than about 6.5 KB of a file.
const (
	maxIFDEntries   = 512 // a fax page's directory has about 20
	maxTagValue     = 256 // bytes of a tag's value kept; a CSID is 20 characters
	maxTIFFReadSize = 8 + 2 + 12*maxIFDEntries + 2*maxTagValue
)

// tiffTags are the fax tags of a TIFF's first page, as text ("" when absent or unreadable).
type tiffTags struct {
	description string
	dateTime    string
}

// readTIFFTags reads ImageDescription and DateTime from the first image directory of the
// classic TIFF in r (size bytes). It reads the header, the directory and the two values,
// each bounds-checked against size and the limits above; anything damaged gives no tags.
func readTIFFTags(r io.ReaderAt, size int64) tiffTags {
	var tags tiffTags
	var h [8]byte
	if size < int64(len(h)) || !readAt(r, h[:], 0) {
		return tags
	}
	var bo binary.ByteOrder
	switch string(h[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return tags // not a classic TIFF (BigTIFF is not a fax server's format)
	}
	off := int64(bo.Uint32(h[4:]))
	if off < 8 || off+2 > size {
		return tags
	}
	var nb [2]byte
	if !readAt(r, nb[:], off) {
		return tags
	}
	n := int64(bo.Uint16(nb[:]))
	if n == 0 || n > maxIFDEntries || off+2+12*n > size {
		return tags
	}
	dir := make([]byte, 12*n)
	if !readAt(r, dir, off+2) {
		return tags
	}
	for i := int64(0); i < n; i++ {
		e := dir[12*i : 12*i+12]
		tag := bo.Uint16(e[0:])
		if tag != tagImageDescription && tag != tagDateTime {
			continue
		}
		typ, count := bo.Uint16(e[2:]), int64(bo.Uint32(e[4:]))
		if typ != 1 && typ != 2 && typ != 7 { // BYTE, ASCII, UNDEFINED: bytes of text
			continue
		}
		if count == 0 {
			continue
		}
		var val []byte
		if count <= 4 {
			val = e[8 : 8+count]
		} else {
			voff := int64(bo.Uint32(e[8:]))
			if voff < 8 || voff+count > size {
				continue // the value is not all in the file: damaged
			}
			val = make([]byte, min(count, maxTagValue))
			if !readAt(r, val, voff) {
				continue
			}
		}
		s := string(val)
		if i := strings.IndexByte(s, 0); i >= 0 {
			s = s[:i]
		}
		s = cleanText(s)
		switch tag {
		case tagImageDescription:
			if tags.description == "" {
				tags.description = s
			}
		case tagDateTime:
			if tags.dateTime == "" {
				tags.dateTime = s
			}
		}
	}
	return tags
}

// readAt fills b from r at off; a short read is a failure.
func readAt(r io.ReaderAt, b []byte, off int64) bool {
	n, err := r.ReadAt(b, off)
	return n == len(b) && (err == nil || err == io.EOF)
}

// parseTIFFTime reads a TIFF DateTime ("YYYY:MM:DD HH:MM:SS") in zone.
func parseTIFFTime(s string, zone *time.Location) (time.Time, bool) {
	for _, layout := range []string{"2006:01:02 15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(s), zone); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
