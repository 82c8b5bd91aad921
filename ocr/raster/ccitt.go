package raster

import (
	"encoding/binary"
	"errors"
	"image"

	"intake/ocr/lept"
)

// ccittParams are a PDF /CCITTFaxDecode filter's /DecodeParms.
type ccittParams struct {
	K                int
	Columns, Rows    int
	EndOfLine        bool
	EncodedByteAlign bool
	BlackIs1         bool
}

// errCCITTLayout reports a CCITT layout libtiff cannot read (Group 3 without EOL codes
// and not byte-aligned, or Group 4 byte-aligned); such a page is rendered instead.
var errCCITTLayout = errors.New("raster: CCITT layout not readable by libtiff")

// tiffCoding picks the TIFF Compression and T4Options that describe the same bit stream,
// so that libtiff decodes it exactly as the PDF filter would.
func (p ccittParams) tiffCoding() (compression uint16, t4 uint32, err error) {
	switch {
	case p.K < 0:
		if p.EncodedByteAlign {
			return 0, 0, errCCITTLayout
		}
		return 4, 0, nil
	case p.EndOfLine:
		// libtiff finds each row by its EOL and skips any fill before it, so the PDF's
		// byte alignment needs no option of its own.
		t4 = 4 // fill bits before EOLs allowed
		if p.K > 0 {
			t4 |= 1
		}
		return 3, t4, nil
	case p.K == 0 && p.EncodedByteAlign:
		// Modified Huffman rows, each starting on a byte: TIFF's CCITT RLE.
		return 2, 0, nil
	}
	return 0, 0, errCCITTLayout
}

// decodeCCITT decodes a CCITT stream to grey, black ink 0 and paper 255 (as the coding's
// black and white runs say; the caller applies BlackIs1 and /Decode).
func decodeCCITT(data []byte, p ccittParams, lim Limits, what string) (*image.Gray, error) {
	if err := checkPixels(what, int64(p.Columns), int64(p.Rows), lim); err != nil {
		return nil, err
	}
	comp, t4, err := p.tiffCoding()
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, errUndecodable
	}
	pix, err := lept.ReadTIFF(wrapCCITT(data, p.Columns, p.Rows, comp, t4), 0)
	if err != nil {
		return nil, errUndecodable
	}
	defer pix.Close()
	if w, h, _ := pix.Size(); w != p.Columns || h != p.Rows {
		return nil, errUndecodable
	}
	img, err := pix.Gray()
	if err != nil {
		return nil, errUndecodable
	}
	return img, nil
}

// wrapCCITT puts a CCITT stream into a minimal one-page TIFF: header, the data as one
// strip, and a directory with what libtiff needs to decode it (WhiteIsZero, so that the
// coding's black runs come out black; FillOrder 1, as PDF has it).
func wrapCCITT(data []byte, w, h int, compression uint16, t4 uint32) []byte {
	le := binary.LittleEndian
	buf := make([]byte, 0, 8+len(data)+1+2+12*11+4)
	buf = append(buf, "II*\x00\x00\x00\x00\x00"...)
	buf = append(buf, data...)
	if len(buf)%2 == 1 {
		buf = append(buf, 0)
	}
	le.PutUint32(buf[4:], uint32(len(buf)))
	type entry struct {
		tag, typ uint16
		v        uint32
	}
	entries := []entry{
		{tagWidth, tiffLong, uint32(w)},
		{tagHeight, tiffLong, uint32(h)},
		{tagBitsPerSample, tiffShort, 1},
		{tagCompression, tiffShort, uint32(compression)},
		{tagPhotometric, tiffShort, 0},
		{tagFillOrder, tiffShort, 1},
		{tagStripOffsets, tiffLong, 8},
		{tagSamplesPerPixel, tiffShort, 1},
		{tagRowsPerStrip, tiffLong, uint32(h)},
		{tagStripByteCounts, tiffLong, uint32(len(data))},
	}
	if compression == 3 {
		entries = append(entries, entry{tagT4Options, tiffLong, t4})
	}
	buf = le.AppendUint16(buf, uint16(len(entries)))
	for _, e := range entries {
		buf = le.AppendUint16(buf, e.tag)
		buf = le.AppendUint16(buf, e.typ)
		buf = le.AppendUint32(buf, 1)
		if e.typ == tiffShort {
			buf = le.AppendUint16(buf, uint16(e.v))
			buf = le.AppendUint16(buf, 0)
		} else {
			buf = le.AppendUint32(buf, e.v)
		}
	}
	return le.AppendUint32(buf, 0)
}
