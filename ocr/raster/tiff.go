package raster

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"

	"intake/ocr/lept"
)

// TIFF tags the reader looks at or passes on to libtiff.
const (
	tagNewSubfileType      = 254
	tagWidth               = 256
	tagHeight              = 257
	tagBitsPerSample       = 258
	tagCompression         = 259
	tagPhotometric         = 262
	tagFillOrder           = 266
	tagStripOffsets        = 273
	tagSamplesPerPixel     = 277
	tagRowsPerStrip        = 278
	tagStripByteCounts     = 279
	tagXResolution         = 282
	tagYResolution         = 283
	tagPlanarConfig        = 284
	tagT4Options           = 292
	tagT6Options           = 293
	tagResolutionUnit      = 296
	tagPredictor           = 317
	tagColorMap            = 320
	tagTileWidth           = 322
	tagTileLength          = 323
	tagTileOffsets         = 324
	tagTileByteCounts      = 325
	tagExtraSamples        = 338
	tagSampleFormat        = 339
	tagJPEGTables          = 347
	tagYCbCrCoefficients   = 529
	tagYCbCrSubSampling    = 530
	tagYCbCrPositioning    = 531
	tagReferenceBlackWhite = 532
)

// TIFF field types.
const (
	tiffByte     = 1
	tiffASCII    = 2
	tiffShort    = 3
	tiffLong     = 4
	tiffRational = 5
)

// keptTags are the tags a page's image needs; the single-page file handed to libtiff holds
// only these (no pointers to other directories, no text, no ICC profiles).
var keptTags = map[uint16]bool{
	tagNewSubfileType: true, tagWidth: true, tagHeight: true, tagBitsPerSample: true,
	tagCompression: true, tagPhotometric: true, tagFillOrder: true, tagSamplesPerPixel: true,
	tagRowsPerStrip: true, tagXResolution: true, tagYResolution: true, tagPlanarConfig: true,
	tagT4Options: true, tagT6Options: true, tagResolutionUnit: true, tagPredictor: true,
	tagColorMap: true, tagTileWidth: true, tagTileLength: true, tagExtraSamples: true,
	tagSampleFormat: true, tagJPEGTables: true, tagYCbCrCoefficients: true,
	tagYCbCrSubSampling: true, tagYCbCrPositioning: true, tagReferenceBlackWhite: true,
	tagStripOffsets: true, tagStripByteCounts: true, tagTileOffsets: true, tagTileByteCounts: true,
}

// essentialTags make the file unreadable when their values are out of bounds.
var essentialTags = map[uint16]bool{
	tagWidth: true, tagHeight: true, tagBitsPerSample: true, tagCompression: true,
	tagStripOffsets: true, tagStripByteCounts: true, tagTileOffsets: true, tagTileByteCounts: true,
	tagSamplesPerPixel: true, tagRowsPerStrip: true, tagColorMap: true,
}

const (
	maxIFDEntries = 1000    // a real page has a few dozen tags
	maxChunks     = 1 << 20 // strips or tiles in one page
)

// typeSize is the size in bytes of one value of a TIFF field type (0: unknown type).
func typeSize(typ uint16) int64 {
	switch typ {
	case 1, 2, 6, 7:
		return 1
	case 3, 8:
		return 2
	case 4, 9, 11, 13:
		return 4
	case 5, 10, 12:
		return 8
	}
	return 0
}

type tiffEntry struct {
	tag, typ uint16
	count    uint32
	field    [4]byte // the value when it fits in 4 bytes, else the offset of the values
}

func (e tiffEntry) size() int64 { return int64(e.count) * typeSize(e.typ) }

type tiffPage struct {
	entries       []tiffEntry // the kept tags, in file order
	width, height int64
	compression   int
	t4Options     uint64
	xdpi, ydpi    float64
}

// source names how the page is coded, as Page.Source reports it.
func (p *tiffPage) source() string {
	switch p.compression {
	case 1:
		return "tiff/none"
	case 2:
		return "tiff/ccitt-rle"
	case 3:
		if p.t4Options&1 != 0 {
			return "tiff/g3-2d"
		}
		return "tiff/g3-1d"
	case 4:
		return "tiff/g4"
	case 5:
		return "tiff/lzw"
	case 7:
		return "tiff/jpeg"
	case 8, 32946:
		return "tiff/deflate"
	case 32773:
		return "tiff/packbits"
	}
	return fmt.Sprintf("tiff/compression-%d", p.compression)
}

// byteOrder reads and appends in a TIFF file's byte order.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

type tiffFile struct {
	bo    byteOrder
	pages []tiffPage
}

// tiffReader reads a TIFF's structures with bounds checks.
type tiffReader struct {
	r    io.ReaderAt
	size int64
	bo   byteOrder
}

func (t *tiffReader) read(off, n int64) ([]byte, bool) {
	if off < 0 || n < 0 || off > t.size || n > t.size-off {
		return nil, false
	}
	b := make([]byte, n)
	if m, _ := t.r.ReadAt(b, off); int64(m) < n {
		return nil, false
	}
	return b, true
}

// values returns the bytes of an entry's values.
func (t *tiffReader) values(e tiffEntry) ([]byte, bool) {
	n := e.size()
	if n <= 4 {
		return e.field[:n], true
	}
	return t.read(int64(t.bo.Uint32(e.field[:])), n)
}

// uints reads an entry of BYTE, SHORT or LONG values.
func (t *tiffReader) uints(e tiffEntry) ([]uint64, bool) {
	b, ok := t.values(e)
	if !ok {
		return nil, false
	}
	v := make([]uint64, e.count)
	for i := range v {
		switch e.typ {
		case tiffByte:
			v[i] = uint64(b[i])
		case tiffShort:
			v[i] = uint64(t.bo.Uint16(b[2*i:]))
		case tiffLong:
			v[i] = uint64(t.bo.Uint32(b[4*i:]))
		default:
			return nil, false
		}
	}
	return v, true
}

// first reads the first value of a BYTE, SHORT or LONG entry.
func (t *tiffReader) first(e tiffEntry) (uint64, bool) {
	if e.count == 0 {
		return 0, false
	}
	one := e
	one.count = 1
	v, ok := t.uints(one)
	if !ok {
		return 0, false
	}
	return v[0], true
}

// rational reads the first value of a RATIONAL (or integer) entry.
func (t *tiffReader) rational(e tiffEntry) float64 {
	if e.count == 0 {
		return 0
	}
	if e.typ != tiffRational {
		v, _ := t.first(e)
		return float64(v)
	}
	b, ok := t.read(int64(t.bo.Uint32(e.field[:])), 8)
	if !ok {
		return 0
	}
	num, den := t.bo.Uint32(b), t.bo.Uint32(b[4:])
	if den == 0 {
		return 0
	}
	return float64(num) / float64(den)
}

// openTIFF walks the directory chain, checking every link and every page's size and
// tags, before any of it reaches libtiff.
func openTIFF(r io.ReaderAt, size int64, lim Limits) (*tiffFile, error) {
	t := &tiffReader{r: r, size: size}
	hdr, ok := t.read(0, 8)
	if !ok {
		return nil, fail(ErrDamaged, "the TIFF header is cut short")
	}
	switch string(hdr[:2]) {
	case "II":
		t.bo = binary.LittleEndian
	case "MM":
		t.bo = binary.BigEndian
	}
	if t.bo == nil {
		return nil, ErrUnsupported
	}
	switch t.bo.Uint16(hdr[2:]) {
	case 42:
	case 43:
		return nil, fail(ErrUnsupported, "BigTIFF files are not supported")
	default:
		return nil, ErrUnsupported
	}
	f := &tiffFile{bo: t.bo}
	seen := map[int64]bool{}
	for off := int64(t.bo.Uint32(hdr[4:])); off != 0; {
		n := len(f.pages) + 1
		if len(f.pages) >= lim.MaxPages || len(seen) >= 2*lim.MaxPages+2 {
			return nil, fail(ErrTooLarge, "the file has more than %d pages", lim.MaxPages)
		}
		if seen[off] {
			return nil, fail(ErrDamaged, "the chain of pages loops back on itself after page %d", n-1)
		}
		seen[off] = true
		cb, ok := t.read(off, 2)
		if !ok || off < 8 {
			return nil, fail(ErrDamaged, "the directory of page %d lies past the end of the file", n)
		}
		count := int64(t.bo.Uint16(cb))
		if count == 0 || count > maxIFDEntries {
			return nil, fail(ErrDamaged, "the directory of page %d has %d entries", n, count)
		}
		dir, ok := t.read(off+2, 12*count+4)
		if !ok {
			return nil, fail(ErrDamaged, "the directory of page %d runs past the end of the file", n)
		}
		pg, thumbnail, err := t.parsePage(dir[:12*count], n)
		if err != nil {
			return nil, err
		}
		if !thumbnail {
			f.pages = append(f.pages, pg)
		}
		off = int64(t.bo.Uint32(dir[12*count:]))
	}
	if len(f.pages) == 0 {
		return nil, ErrNoPages
	}
	return f, nil
}

// parsePage reads page n's directory; thumbnail says it is a reduced-resolution copy of
// another image (NewSubfileType bit 0), which scanners put beside a page and which is not
// a page of its own.
func (t *tiffReader) parsePage(dir []byte, n int) (pg tiffPage, thumbnail bool, err error) {
	have := map[uint16]tiffEntry{}
	for i := 0; i+12 <= len(dir); i += 12 {
		e := tiffEntry{tag: t.bo.Uint16(dir[i:]), typ: t.bo.Uint16(dir[i+2:]), count: t.bo.Uint32(dir[i+4:])}
		copy(e.field[:], dir[i+8:i+12])
		if !keptTags[e.tag] {
			continue
		}
		if _, dup := have[e.tag]; dup {
			continue
		}
		sz := typeSize(e.typ)
		ok := sz > 0 && e.size() <= t.size
		if ok && e.size() > 4 {
			vo := int64(t.bo.Uint32(e.field[:]))
			ok = vo+e.size() <= t.size
		}
		if !ok {
			if essentialTags[e.tag] {
				return pg, false, fail(ErrDamaged, "a tag of page %d points past the end of the file", n)
			}
			continue
		}
		have[e.tag] = e
		pg.entries = append(pg.entries, e)
	}
	w, _ := t.first(have[tagWidth])
	h, _ := t.first(have[tagHeight])
	if w == 0 || h == 0 || w > math.MaxInt32 || h > math.MaxInt32 {
		return pg, false, fail(ErrDamaged, "page %d has no pixels (%d x %d)", n, w, h)
	}
	pg.width, pg.height = int64(w), int64(h)
	_, strips := have[tagStripOffsets]
	_, tiles := have[tagTileOffsets]
	if !strips && !tiles {
		return pg, false, fail(ErrDamaged, "page %d has no image data", n)
	}
	pg.compression = 1
	if e, ok := have[tagCompression]; ok {
		c, _ := t.first(e)
		pg.compression = int(c)
	}
	if e, ok := have[tagT4Options]; ok {
		pg.t4Options, _ = t.first(e)
	}
	unit := uint64(2)
	if e, ok := have[tagResolutionUnit]; ok {
		unit, _ = t.first(e)
	}
	scale := 0.0
	switch unit {
	case 2:
		scale = 1
	case 3:
		scale = 2.54
	}
	pg.xdpi = roundDPI(t.rational(have[tagXResolution]) * scale)
	pg.ydpi = roundDPI(t.rational(have[tagYResolution]) * scale)
	if pg.xdpi == 0 || pg.ydpi == 0 {
		pg.xdpi, pg.ydpi = 0, 0
	}
	if e, ok := have[tagNewSubfileType]; ok {
		v, _ := t.first(e)
		thumbnail = v&1 != 0
	}
	return pg, thumbnail, nil
}

// roundDPI keeps two decimals of a resolution: 203.99999 (a PDF page size rounded to four
// decimals) reads 204.
func roundDPI(v float64) float64 {
	if !(v > 0) || math.IsInf(v, 0) || v > 1e6 {
		return 0
	}
	return math.Round(v*100) / 100
}

// page decodes page i through libtiff: its strips (or tiles) and tags are copied into a
// single-page TIFF in memory, so only that page's data is read and libtiff sees nothing
// but a checked directory.
func (f *tiffFile) page(r io.ReaderAt, size int64, i int, lim Limits) (*Page, error) {
	pg := &f.pages[i]
	if err := checkPixels(fmt.Sprintf("page %d", i+1), pg.width, pg.height, lim); err != nil {
		return nil, err
	}
	t := &tiffReader{r: r, size: size, bo: f.bo}
	single, err := t.singlePage(pg, i+1)
	if err != nil {
		return nil, err
	}
	pix, err := lept.ReadTIFF(single, 0)
	if err != nil {
		return nil, fail(ErrDamaged, "page %d could not be decoded", i+1)
	}
	defer pix.Close()
	if w, h, _ := pix.Size(); int64(w) != pg.width || int64(h) != pg.height {
		return nil, fail(ErrDamaged, "page %d decoded to the wrong size", i+1)
	}
	img, err := pix.Gray()
	if err != nil {
		return nil, fail(ErrDamaged, "page %d could not be decoded", i+1)
	}
	return &Page{Image: img, XDPI: pg.xdpi, YDPI: pg.ydpi, Source: pg.source()}, nil
}

// singlePage builds a one-page TIFF from page n's kept tags and image data.
func (t *tiffReader) singlePage(pg *tiffPage, n int) ([]byte, error) {
	var offE, cntE tiffEntry
	for _, e := range pg.entries {
		switch e.tag {
		case tagStripOffsets, tagTileOffsets:
			if offE.tag == 0 {
				offE = e
			}
		}
	}
	want := uint16(tagStripByteCounts)
	if offE.tag == tagTileOffsets {
		want = tagTileByteCounts
	}
	for _, e := range pg.entries {
		if e.tag == want {
			cntE = e
		}
	}
	bad := func(what string) error { return fail(ErrDamaged, "page %d: %s", n, what) }
	if cntE.tag == 0 || offE.count == 0 || offE.count != cntE.count || offE.count > maxChunks {
		return nil, bad("the table of its image data is missing or inconsistent")
	}
	offs, ok1 := t.uints(offE)
	cnts, ok2 := t.uints(cntE)
	if !ok1 || !ok2 {
		return nil, bad("the table of its image data cannot be read")
	}
	var total int64
	for k := range offs {
		o, c := int64(offs[k]), int64(cnts[k])
		if o > t.size || c > t.size-o {
			return nil, bad("its image data lies past the end of the file")
		}
		total += c
		if total > t.size {
			return nil, bad("its image data is larger than the file")
		}
	}
	if total == 0 {
		return nil, bad("it has no image data")
	}

	bo := t.bo
	buf := make([]byte, 8, 8+total+1024)
	if bo == binary.LittleEndian {
		copy(buf, "II*\x00")
	} else {
		copy(buf, "MM\x00*")
	}
	newOffs := make([]uint32, len(offs))
	for k := range offs {
		newOffs[k] = uint32(len(buf))
		start := len(buf)
		buf = buf[:start+int(cnts[k])] // within the capacity: total bytes were summed above
		if cnts[k] > 0 {
			if m, _ := t.r.ReadAt(buf[start:], int64(offs[k])); m < len(buf)-start {
				return nil, bad("its image data cannot be read")
			}
		}
	}
	align := func() {
		if len(buf)%2 == 1 {
			buf = append(buf, 0)
		}
	}
	// Values that do not fit in an entry go between the image data and the directory.
	type outEntry struct {
		tag, typ uint16
		count    uint32
		field    [4]byte
	}
	putLongs := func(tag uint16, v []uint32) outEntry {
		e := outEntry{tag: tag, typ: tiffLong, count: uint32(len(v))}
		if len(v) == 1 {
			bo.PutUint32(e.field[:], v[0])
			return e
		}
		align()
		bo.PutUint32(e.field[:], uint32(len(buf)))
		for _, x := range v {
			buf = bo.AppendUint32(buf, x)
		}
		return e
	}
	var out []outEntry
	for _, e := range pg.entries {
		switch e.tag {
		case offE.tag:
			out = append(out, putLongs(e.tag, newOffs))
			continue
		case cntE.tag:
			c32 := make([]uint32, len(cnts))
			for k, c := range cnts {
				c32[k] = uint32(c)
			}
			out = append(out, putLongs(e.tag, c32))
			continue
		case tagStripOffsets, tagStripByteCounts, tagTileOffsets, tagTileByteCounts:
			continue // the other layout's table, if a confused writer left both
		}
		o := outEntry{tag: e.tag, typ: e.typ, count: e.count, field: e.field}
		if e.size() > 4 {
			v, ok := t.values(e)
			if !ok {
				return nil, bad("a tag cannot be read")
			}
			align()
			bo.PutUint32(o.field[:], uint32(len(buf)))
			buf = append(buf, v...)
		}
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b outEntry) int { return int(a.tag) - int(b.tag) })
	align()
	if len(buf) > math.MaxUint32-(2+12*len(out)+4) {
		return nil, bad("it is too large")
	}
	bo.PutUint32(buf[4:], uint32(len(buf)))
	buf = bo.AppendUint16(buf, uint16(len(out)))
	for _, e := range out {
		buf = bo.AppendUint16(buf, e.tag)
		buf = bo.AppendUint16(buf, e.typ)
		buf = bo.AppendUint32(buf, e.count)
		buf = append(buf, e.field[:]...)
	}
	buf = bo.AppendUint32(buf, 0)
	return buf, nil
}
