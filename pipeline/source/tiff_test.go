package source

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// entry is one tag of a test TIFF's first directory.
type entry struct {
	tag, typ uint16
	val      []byte // inline when 4 bytes or fewer, else placed after the directory
	count    uint32 // 0: len(val)
	offset   uint32 // 0: where val is placed
}

func ascii(tag uint16, s string) entry { return entry{tag: tag, typ: 2, val: append([]byte(s), 0)} }

type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// makeTIFF writes a classic TIFF header, filler up to ifdAt (where a fax server puts the
// first strip), the first directory and the values that do not fit in it.
func makeTIFF(bo byteOrder, ifdAt int, ents ...entry) []byte {
	b := make([]byte, 8, ifdAt+256)
	if bo == binary.LittleEndian {
		copy(b, "II*\x00")
	} else {
		copy(b, "MM\x00*")
	}
	bo.PutUint32(b[4:], uint32(ifdAt))
	for len(b) < ifdAt {
		b = append(b, 0xA5)
	}
	b = bo.AppendUint16(b, uint16(len(ents)))
	valAt := len(b) + 12*len(ents) + 4
	var vals []byte
	for _, e := range ents {
		b = bo.AppendUint16(b, e.tag)
		b = bo.AppendUint16(b, e.typ)
		n := e.count
		if n == 0 {
			n = uint32(len(e.val))
		}
		b = bo.AppendUint32(b, n)
		switch {
		case len(e.val) <= 4:
			var v [4]byte
			copy(v[:], e.val)
			b = append(b, v[:]...)
		case e.offset != 0:
			b = bo.AppendUint32(b, e.offset)
		default:
			b = bo.AppendUint32(b, uint32(valAt+len(vals)))
			vals = append(vals, e.val...)
		}
	}
	b = bo.AppendUint32(b, 0) // no next directory
	return append(b, vals...)
}

// countingReader counts the bytes asked of it.
type countingReader struct {
	r *bytes.Reader
	n int
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	c.n += len(p)
	return c.r.ReadAt(p, off)
}

func tagsOf(t testing.TB, data []byte) tiffTags {
	t.Helper()
	c := &countingReader{r: bytes.NewReader(data)}
	tags := readTIFFTags(c, int64(len(data)))
	if c.n > maxTIFFReadSize {
		t.Fatalf("read %d bytes, more than the %d allowed", c.n, maxTIFFReadSize)
	}
	return tags
}

func TestReadTIFFTags(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	good := []entry{{tag: 256, typ: 3, val: []byte{0xC0, 6}}, ascii(270, "ST MARYS CLINIC"), ascii(306, "2026:11:02 12:22:43")}
	hugeDir := makeTIFF(le, 8)
	le.PutUint16(hugeDir[8:], 0xFFFF)
	truncated := makeTIFF(le, 4000, good...)
	cases := []struct {
		name       string
		data       []byte
		desc, when string
	}{
		{"little-endian", makeTIFF(le, 8, good...), "ST MARYS CLINIC", "2026:11:02 12:22:43"},
		{"big-endian", makeTIFF(be, 8, good...), "ST MARYS CLINIC", "2026:11:02 12:22:43"},
		{"directory after the image data", makeTIFF(le, 30000, good...), "ST MARYS CLINIC", "2026:11:02 12:22:43"},
		{"value inline in the entry", makeTIFF(be, 8, ascii(270, "Fax")), "Fax", ""},
		{"value with no NUL", makeTIFF(le, 8, entry{tag: 270, typ: 2, val: []byte("LEGAL AID SOC")}), "LEGAL AID SOC", ""},
		{"padded and with control characters", makeTIFF(le, 8, ascii(270, "  9165550142\r\n")), "9165550142", ""},
		{"BYTE type", makeTIFF(le, 8, entry{tag: 270, typ: 1, val: []byte("HP LaserJet MFP")}), "HP LaserJet MFP", ""},
		{"not text (SHORT)", makeTIFF(le, 8, entry{tag: 270, typ: 3, val: []byte{1, 0}}), "", ""},
		{"invalid UTF-8 dropped", makeTIFF(le, 8, ascii(270, "CLINIC \xff\xfe")), "CLINIC", ""},
		{"long value cut at the limit", makeTIFF(le, 8, ascii(270, strings.Repeat("A", 5000))), strings.Repeat("A", maxTagValue), ""},
		{"count far beyond the file", makeTIFF(le, 8, entry{tag: 270, typ: 2, val: []byte("CLINIC\x00\x00"), count: 0xFFFFFFF0}), "", ""},
		{"value offset beyond the file", makeTIFF(le, 8, entry{tag: 270, typ: 2, val: []byte("ST MARYS"), offset: 1 << 30}, ascii(306, "2026:11:02 12:22:43")), "", "2026:11:02 12:22:43"},
		{"value offset inside the header", makeTIFF(le, 8, entry{tag: 270, typ: 2, val: []byte("ST MARYS"), offset: 2}), "", ""},
		{"no tags of ours", makeTIFF(le, 8, entry{tag: 256, typ: 3, val: []byte{0xC0, 6}}), "", ""},
		{"empty", nil, "", ""},
		{"header only", []byte("II*\x00"), "", ""},
		{"not a TIFF", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), "", ""},
		{"BigTIFF", []byte("II+\x00\x08\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00"), "", ""},
		{"directory offset zero", []byte("II*\x00\x00\x00\x00\x00"), "", ""},
		{"directory offset inside the header", []byte("II*\x00\x04\x00\x00\x00\x01\x00"), "", ""},
		{"directory offset beyond the file", []byte("MM\x00*\x7f\xff\xff\xff"), "", ""},
		{"directory with no entries", makeTIFF(le, 8), "", ""},
		{"directory with too many entries", hugeDir, "", ""},
		{"directory cut short", truncated[:4000+2+12], "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := tagsOf(t, c.data)
			if got.description != c.desc || got.dateTime != c.when {
				t.Errorf("got %q, %q; want %q, %q", got.description, got.dateTime, c.desc, c.when)
			}
		})
	}
}

// The reader reads the first directory and its two values, not the image data before them.
func TestReadTIFFTagsReadsLittle(t *testing.T) {
	data := makeTIFF(binary.LittleEndian, 1<<20, ascii(270, "ST MARYS CLINIC"), ascii(306, "2026:11:02 12:22:43"))
	c := &countingReader{r: bytes.NewReader(data)}
	if tags := readTIFFTags(c, int64(len(data))); tags.description == "" {
		t.Fatal("no tags")
	}
	if c.n > 200 {
		t.Errorf("read %d bytes of a 1 MB file for two tags", c.n)
	}
}

func TestParseTIFFTime(t *testing.T) {
	la := mustZone(t, DefaultZone)
	for _, c := range []struct {
		in   string
		ok   bool
		want string
	}{
		{"2026:11:02 12:22:43", true, "2026-11-02T12:22:43-08:00"},
		{"2026:07:02 12:22:43", true, "2026-07-02T12:22:43-07:00"},
		{"2026-11-02 12:22:43", true, "2026-11-02T12:22:43-08:00"},
		{"2026:13:02 12:22:43", false, ""},
		{"2026:11:02", false, ""},
		{"", false, ""},
		{"    :  :     :  :  ", false, ""},
	} {
		got, ok := parseTIFFTime(c.in, la)
		if ok != c.ok || ok && got.Format("2006-01-02T15:04:05Z07:00") != c.want {
			t.Errorf("parseTIFFTime(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// FuzzTIFFTags feeds damaged TIFFs to the tag reader: it must not panic, must stay within
// its read limit and must give only clean, bounded text.
func FuzzTIFFTags(f *testing.F) {
	le, be := binary.LittleEndian, binary.BigEndian
	good := []entry{{tag: 256, typ: 3, val: []byte{0xC0, 6}}, ascii(270, "ST MARYS CLINIC"), ascii(306, "2026:11:02 12:22:43")}
	f.Add(makeTIFF(le, 8, good...))
	f.Add(makeTIFF(be, 8, good...))
	f.Add(makeTIFF(le, 100, ascii(270, "Fax")))
	f.Add(makeTIFF(be, 8, entry{tag: 270, typ: 2, val: []byte("CLINIC\x00\x00"), count: 0xFFFFFFF0}))
	f.Add([]byte("II*\x00\x08\x00\x00\x00\xff\xff"))
	f.Add([]byte("MM\x00*"))
	for _, name := range []string{"fax001003.tif", "fax001009.tif"} {
		if b, err := os.ReadFile(filepath.Join(sampleDir, name)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tags := tagsOf(t, data)
		for _, s := range []string{tags.description, tags.dateTime} {
			if len(s) > maxTagValue || !utf8.ValidString(s) || strings.TrimSpace(s) != s || strings.ContainsFunc(s, unicode.IsControl) {
				t.Fatalf("unclean tag value %q", s)
			}
		}
	})
}
