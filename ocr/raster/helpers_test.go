package raster

import (
	"bytes"
	"fmt"
	"image"
	"math/rand/v2"
	"os/exec"
	"testing"
)

// pdfObj is one object of a hand-made PDF: a dictionary (or any object) and, for a
// stream, its data (the /Length entry is added).
type pdfObj struct {
	body   string
	stream []byte
}

// buildPDF writes objects numbered from 1 (object 1 must be the catalog) with a classic
// cross-reference table.
func buildPDF(objs []pdfObj) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n", i+1)
		if o.stream != nil {
			body := o.body
			if len(body) >= 2 && body[len(body)-2:] == ">>" {
				body = body[:len(body)-2]
			}
			fmt.Fprintf(&b, "%s /Length %d >>\nstream\n", body, len(o.stream))
			b.Write(o.stream)
			b.WriteString("\nendstream")
		} else {
			b.WriteString(o.body)
		}
		b.WriteString("\nendobj\n")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// xobject is an image (or form) for onePagePDF.
type xobject struct {
	name string
	obj  pdfObj
}

// onePagePDF makes a one-page PDF: catalog 1, pages 2, page 3, content 4, then the
// XObjects, named in the page's resources.
func onePagePDF(mediaBox, pageExtra, content string, xobjs ...xobject) []byte {
	res := ""
	for i, x := range xobjs {
		res += fmt.Sprintf(" /%s %d 0 R", x.name, 5+i)
	}
	objs := []pdfObj{
		{body: "<< /Type /Catalog /Pages 2 0 R >>"},
		{body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{body: fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [%s] /Resources << /XObject <<%s >> /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> /Contents 4 0 R %s>>", mediaBox, res, pageExtra)},
		{body: "<< >>", stream: []byte(content)},
	}
	for _, x := range xobjs {
		objs = append(objs, x.obj)
	}
	return buildPDF(objs)
}

// testPage draws a bilevel page: lines of glyph-like blobs, specks, and a solid block in
// the top left corner so that any turn or mirror shows.
func testPage(w, h int, seed uint64) *image.Gray {
	rng := rand.New(rand.NewPCG(seed, 11))
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	line := max(h/40, 4)
	for top := h / 10; top+line < h-h/20; top += line + line/2 + rng.IntN(line/2+1) {
		for x := w / 12; x < w-w/12; {
			gw := 2 + rng.IntN(line)
			for y := top; y < top+line; y++ {
				if rng.IntN(4) == 0 {
					continue
				}
				for xx := max(x+rng.IntN(3)-1, 0); xx < min(x+gw, w); xx++ {
					img.Pix[y*img.Stride+xx] = 0
				}
			}
			x += gw + 1 + rng.IntN(4)
			if rng.IntN(6) == 0 {
				x += line + rng.IntN(3*line)
			}
		}
	}
	for i := 0; i < w*h/3000; i++ {
		img.Pix[rng.IntN(h)*img.Stride+rng.IntN(w)] = 0
	}
	for y := 2; y < h/12; y++ {
		for x := 3; x < w/8; x++ {
			img.Pix[y*img.Stride+x] = 0
		}
	}
	return img
}

// turned is img turned clockwise by deg, written independently of the package's rotate.
func turned(img *image.Gray, deg int) *image.Gray {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	ow, oh := w, h
	if deg == 90 || deg == 270 {
		ow, oh = h, w
	}
	out := image.NewGray(image.Rect(0, 0, ow, oh))
	for y := 0; y < oh; y++ {
		for x := 0; x < ow; x++ {
			var sx, sy int
			switch deg {
			case 0:
				sx, sy = x, y
			case 90: // the source's left edge is now the top
				sx, sy = y, h-1-x
			case 180:
				sx, sy = w-1-x, h-1-y
			case 270:
				sx, sy = w-1-y, x
			}
			out.Pix[y*out.Stride+x] = img.Pix[sy*img.Stride+sx]
		}
	}
	return out
}

// bilevelDiff counts pixels that differ in colour (below 128 is black); -1 when the sizes
// differ.
func bilevelDiff(got, want *image.Gray) int {
	if got.Rect.Size() != want.Rect.Size() {
		return -1
	}
	n := 0
	w := want.Rect.Dx()
	for y := 0; y < want.Rect.Dy(); y++ {
		g := got.Pix[got.PixOffset(got.Rect.Min.X, got.Rect.Min.Y+y):][:w]
		e := want.Pix[want.PixOffset(want.Rect.Min.X, want.Rect.Min.Y+y):][:w]
		for x := range e {
			if (g[x] < 128) != (e[x] < 128) {
				n++
			}
		}
	}
	return n
}

// meanAbsDiff is the mean absolute grey difference; -1 when the sizes differ.
func meanAbsDiff(got, want *image.Gray) float64 {
	if got.Rect.Size() != want.Rect.Size() {
		return -1
	}
	var s float64
	w := want.Rect.Dx()
	for y := 0; y < want.Rect.Dy(); y++ {
		g := got.Pix[got.PixOffset(got.Rect.Min.X, got.Rect.Min.Y+y):][:w]
		e := want.Pix[want.PixOffset(want.Rect.Min.X, want.Rect.Min.Y+y):][:w]
		for x := range e {
			d := int(g[x]) - int(e[x])
			if d < 0 {
				d = -d
			}
			s += float64(d)
		}
	}
	return s / float64(w*want.Rect.Dy())
}

// isBilevel says whether every pixel is 0 or 255.
func isBilevel(img *image.Gray) bool {
	for y := 0; y < img.Rect.Dy(); y++ {
		for _, v := range img.Pix[y*img.Stride:][:img.Rect.Dx()] {
			if v != 0 && v != 255 {
				return false
			}
		}
	}
	return true
}

// openBytes opens b, failing the test on error.
func openBytes(t testing.TB, b []byte, lim Limits) *Document {
	t.Helper()
	d, err := Open(bytes.NewReader(b), int64(len(b)), lim)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// firstPage opens b and decodes its first page.
func firstPage(t testing.TB, b []byte) *Page {
	t.Helper()
	p, err := openBytes(t, b, Limits{}).Page(0)
	if err != nil {
		t.Fatalf("Page(0): %v", err)
	}
	return p
}

// needPdftoppm skips nothing: rendering is part of the contract, so a missing tool fails.
func needPdftoppm(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Fatal("pdftoppm not found: install the Debian package poppler-utils (make deps does)")
	}
}
