package raster

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"intake/fixtures"
	"intake/fixtures/scanout"
)

// secret is text standing for what a file holds (health information): no error may
// repeat it.
const secret = "Jane Q Member DOB 01/02/1960 ID W123456789"

// tiffBytes builds a little-endian TIFF from directories given as tag/value pairs
// (SHORT or LONG, inline), each directory followed by the next at the offset given (0 for
// the last). Directory offsets are chosen by the caller.
type ifd struct {
	at      int
	entries [][2]uint32 // tag, value (LONG)
	next    int
}

func tiffBytes(size int, dirs ...ifd) []byte {
	b := make([]byte, size)
	copy(b, "II*\x00")
	if len(dirs) > 0 {
		binary.LittleEndian.PutUint32(b[4:], uint32(dirs[0].at))
	}
	for _, d := range dirs {
		o := d.at
		binary.LittleEndian.PutUint16(b[o:], uint16(len(d.entries)))
		for i, e := range d.entries {
			p := o + 2 + 12*i
			binary.LittleEndian.PutUint16(b[p:], uint16(e[0]))
			binary.LittleEndian.PutUint16(b[p+2:], tiffLong)
			binary.LittleEndian.PutUint32(b[p+4:], 1)
			binary.LittleEndian.PutUint32(b[p+8:], e[1])
		}
		binary.LittleEndian.PutUint32(b[o+2+12*len(d.entries):], uint32(d.next))
	}
	return b
}

// page tags of a 16 x 16 uncompressed page whose data (32 bytes) is at offset 8.
func smallPage(w, h uint32) [][2]uint32 {
	return [][2]uint32{{tagWidth, w}, {tagHeight, h}, {tagBitsPerSample, 1}, {tagCompression, 1},
		{tagPhotometric, 0}, {tagStripOffsets, 8}, {tagRowsPerStrip, h}, {tagStripByteCounts, 32}}
}

// manyPagesPDF has n pages sharing one content stream; count is what /Count claims.
func manyPagesPDF(n, count int) []byte {
	kids := make([]string, n)
	for i := range kids {
		kids[i] = fmt.Sprintf("%d 0 R", 4+i)
	}
	objs := []pdfObj{
		{body: "<< /Type /Catalog /Pages 2 0 R >>"},
		{body: fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 612 792] >>", strings.Join(kids, " "), count)},
		{body: "<< >>", stream: []byte("BT /F1 12 Tf 72 700 Td (" + secret + ") Tj ET")},
	}
	for range n {
		objs = append(objs, pdfObj{body: "<< /Type /Page /Parent 2 0 R /Contents 3 0 R >>"})
	}
	return buildPDF(objs)
}

func encrypted(t *testing.T, userPW, ownerPW string) []byte {
	t.Helper()
	pdfcpuConf() // keeps pdfcpu from making its configuration folder
	in := onePagePDF("0 0 612 792", "", "BT /F1 12 Tf 72 700 Td ("+secret+") Tj ET")
	var out bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(in), &out, model.NewAESConfiguration(userPW, ownerPW, 256)); err != nil {
		t.Fatalf("pdfcpu encrypt: %v", err)
	}
	return out.Bytes()
}

// TestBadInput feeds broken, hostile and unsupported files and checks each fails with the
// right error, quickly, without a large allocation, and without repeating file content.
func TestBadInput(t *testing.T) {
	sample := fixtures.Sample()
	mail, err := fs.ReadFile(sample, "fax001008.pdf")
	if err != nil {
		t.Fatal(err)
	}
	fax := func() []byte {
		var b bytes.Buffer
		if err := scanout.WriteTIFF(&b, []scanout.TIFFPage{{Image: testPage(1728, 1078, 9), XRes: 204, YRes: 98}},
			scanout.TIFFOptions{Compression: scanout.CompressionG4, ImageDescription: secret}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}()

	// A TIFF whose directory chain has 65535 pages.
	chain := func() []byte {
		const n, dirSize = 65535, 2 + 12*8 + 4
		dirs := make([]ifd, n)
		for i := range dirs {
			dirs[i] = ifd{at: 40 + i*dirSize, entries: smallPage(16, 16), next: 40 + (i+1)*dirSize}
		}
		dirs[n-1].next = 0
		return tiffBytes(40+n*dirSize, dirs...)
	}()
	hugeImage := onePagePDF("0 0 612 792", "", "q 612 0 0 792 0 0 cm /Im0 Do Q", xobject{"Im0", pdfObj{
		body:   "<< /Type /XObject /Subtype /Image /Width 100000 /Height 100000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode >>",
		stream: deflate(make([]byte, 1<<16))}})
	hugeCCITT := onePagePDF("0 0 612 792", "", "q 612 0 0 792 0 0 cm /Im0 Do Q", xobject{"Im0", pdfObj{
		body:   "<< /Type /XObject /Subtype /Image /Width 2550 /Height 3300 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns 100000 /Rows 100000 >> >>",
		stream: []byte{0, 0, 0, 0}}})
	loopTree := buildPDF([]pdfObj{
		{body: "<< /Type /Catalog /Pages 2 0 R >>"},
		{body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{body: "<< /Type /Pages /Kids [2 0 R] /Count 1 >>"},
	})
	noPages := buildPDF([]pdfObj{{body: "<< /Type /Catalog /Pages 2 0 R >>"}, {body: "<< /Type /Pages /Kids [] /Count 0 >>"}})
	hugePNG := func() []byte {
		// A PNG header claiming 100000 x 100000 pixels (the data would never come).
		b := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
		b = binary.BigEndian.AppendUint32(b, 100000)
		b = binary.BigEndian.AppendUint32(b, 100000)
		b = append(b, 8, 0, 0, 0, 0)
		return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[12:]))
	}()
	bigTIFF := []byte("II+\x00\x08\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00")

	for _, tc := range []struct {
		name   string
		data   []byte
		lim    Limits
		atPage bool // the error comes from Page(0), not Open
		want   error
	}{
		{"zero bytes", nil, Limits{}, false, ErrEmpty},
		{"text file", []byte("Dear Help Center,\n" + secret + "\nPlease review my case.\n"), Limits{}, false, ErrUnsupported},
		{"PDF cut at 5%", mail[:len(mail)/20], Limits{}, false, ErrDamaged},
		{"PDF cut in half", mail[:len(mail)/2], Limits{}, false, ErrDamaged},
		{"PDF cut at 99%", mail[:len(mail)*99/100], Limits{}, false, ErrDamaged},
		{"PDF header and nothing else", []byte("%PDF-1.7\n" + secret + "\n"), Limits{}, false, ErrDamaged},
		{"PDF page tree loop", loopTree, Limits{}, false, ErrDamaged},
		{"PDF without pages", noPages, Limits{}, false, ErrNoPages},
		{"encrypted with a user password", encrypted(t, "user", "owner"), Limits{}, false, ErrEncrypted},
		{"encrypted without a user password", encrypted(t, "", "owner"), Limits{}, false, ErrEncrypted},
		{"image claiming 100000 x 100000 pixels", hugeImage, Limits{}, true, ErrTooLarge},
		{"CCITT claiming 100000 x 100000 pixels", hugeCCITT, Limits{}, true, ErrTooLarge},
		{"2000 pages", manyPagesPDF(2000, 2000), Limits{MaxPages: 1000}, false, ErrTooLarge},
		{"2000 pages, /Count saying 1", manyPagesPDF(2000, 1), Limits{MaxPages: 1000}, false, ErrTooLarge},
		{"file over the size limit", mail, Limits{MaxFileBytes: 1000}, false, ErrTooLarge},
		{"TIFF header only", []byte("II*\x00"), Limits{}, false, ErrDamaged},
		{"TIFF directory past the end", tiffBytes(200, ifd{at: 40, entries: smallPage(16, 16), next: 100000}), Limits{}, false, ErrDamaged},
		{"TIFF first directory past the end", append([]byte("II*\x00\xff\xff\x00\x00"), make([]byte, 32)...), Limits{}, false, ErrDamaged},
		{"TIFF zero-size page", tiffBytes(200, ifd{at: 40, entries: smallPage(0, 16)}), Limits{}, false, ErrDamaged},
		{"TIFF directory loop", tiffBytes(400, ifd{at: 40, entries: smallPage(16, 16), next: 200}, ifd{at: 200, entries: smallPage(16, 16), next: 40}), Limits{}, false, ErrDamaged},
		{"TIFF of 65535 pages", chain, Limits{}, false, ErrTooLarge},
		{"TIFF page claiming 100000 x 100000 pixels", tiffBytes(200, ifd{at: 40, entries: smallPage(100000, 100000)}), Limits{}, true, ErrTooLarge},
		{"TIFF strip past the end", tiffBytes(200, ifd{at: 40, entries: append(smallPage(16, 16)[:5], [2]uint32{tagStripOffsets, 190},
			[2]uint32{tagRowsPerStrip, 16}, [2]uint32{tagStripByteCounts, 32})}), Limits{}, true, ErrDamaged},
		{"TIFF cut in its image data", fax[:len(fax)/2], Limits{}, false, ErrDamaged},
		{"BigTIFF", bigTIFF, Limits{}, false, ErrUnsupported},
		{"PNG claiming 100000 x 100000 pixels", hugePNG, Limits{}, true, ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			d, err := Open(bytes.NewReader(tc.data), int64(len(tc.data)), tc.lim)
			if tc.atPage {
				if err != nil {
					t.Fatalf("Open: %v (the file's structure is sound)", err)
				}
				_, err = d.Page(0)
				d.Close()
			} else if err == nil {
				d.Close()
				t.Fatalf("Open succeeded, want %v", tc.want)
			}
			elapsed := time.Since(start)
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
			if err != nil {
				checkNoContent(t, err, tc.data)
			}
			if elapsed > 5*time.Second {
				t.Errorf("took %v", elapsed)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20+8*uint64(len(tc.data)) {
				t.Errorf("allocated %d MB", alloc>>20)
			}
		})
	}

	t.Run("text file named .pdf", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "scan-station1-20261102-100657-001.pdf")
		if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := OpenFile(path, Limits{})
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("error %v, want %v", err, ErrUnsupported)
		}
	})
	t.Run("TIFF named .pdf opens as TIFF", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "fax.pdf")
		if err := os.WriteFile(path, fax, 0o600); err != nil {
			t.Fatal(err)
		}
		d, err := OpenFile(path, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if d.Format() != TIFF {
			t.Errorf("format %v", d.Format())
		}
	})
	t.Run("CCITT data that does not decode is rendered", func(t *testing.T) {
		needPdftoppm(t)
		b := imageOnPage(600, 800, "/Width 600 /Height 800 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns 600 /Rows 800 >>",
			bytes.Repeat([]byte{0x00, 0x01, 0xff}, 200))
		p := firstPage(t, b)
		if p.Source != "pdf/rendered" {
			t.Errorf("source %q, want pdf/rendered", p.Source)
		}
	})
	t.Run("after Close", func(t *testing.T) {
		d := openBytes(t, fax, Limits{})
		d.Close()
		if _, err := d.Page(0); !errors.Is(err, ErrClosed) {
			t.Errorf("Page after Close: %v", err)
		}
		if err := d.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	})
}

// checkNoContent fails if the error repeats any run of the file's text.
func checkNoContent(t *testing.T, err error, data []byte) {
	t.Helper()
	msg := err.Error()
	if strings.Contains(msg, secret) || strings.Contains(msg, "Jane") {
		t.Errorf("error repeats the file's content: %q", msg)
	}
	const run = 12
	for i := 0; i+run <= len(msg); i++ {
		if bytes.Contains(data, []byte(msg[i:i+run])) {
			t.Errorf("error %q repeats %q from the file", msg, msg[i:i+run])
			return
		}
	}
}
