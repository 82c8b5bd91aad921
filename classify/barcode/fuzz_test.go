package barcode

import (
	"image"
	"testing"
)

// fuzzImage makes a grey image from fuzz bytes: the first two give its width (1 to 400)
// and height (1 to 100), the rest are its pixels row by row, the last row padded with
// paper. The rows given are repeated down the image (one row makes vertical bars, as a
// barcode has); an image with no pixel bytes is white.
func fuzzImage(data []byte) *image.Gray {
	if len(data) < 2 {
		return image.NewGray(image.Rect(0, 0, len(data), len(data)))
	}
	w, h := 1+int(data[0])*399/255, 1+int(data[1])%100
	rows := max(1, (len(data)-2+w-1)/w)
	given := make([]byte, rows*w)
	for i := range given {
		given[i] = 255
	}
	copy(given, data[2:])
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		copy(img.Pix[y*w:(y+1)*w], given[(y%rows)*w:])
	}
	return img
}

// symbolRow is one row of a Code 128 symbol drawn from character values (start character
// first, check character added here), module pixels to the module, after quiet pixels of
// paper, in a row w pixels wide.
func symbolRow(w, module, quiet int, vals ...int) []byte {
	vals = append(vals, checkValue(vals), c128Stop)
	row := make([]byte, w)
	for i := range row {
		row[i] = 255
	}
	x := quiet
	for _, v := range vals {
		for i, n := range code128Widths[v] {
			if i%2 == 0 {
				for j := 0; j < int(n)*module && x+j < w; j++ {
					row[x+j] = 0
				}
			}
			x += int(n) * module
		}
	}
	for j := 0; j < 2*module && x+j < w; j++ { // the stop character's final bar
		row[x+j] = 0
	}
	return row
}

// patchRow is one row across a patch code's bars at 100 dpi, from the left: wide bars of
// 0.2 inch, narrow bars and spaces of 0.08 inch, after 40 pixels of paper.
func patchRow(w int, pattern string) []byte {
	row := make([]byte, w)
	for i := range row {
		row[i] = 255
	}
	x := 40
	for _, c := range pattern {
		n := 8
		if c == 'W' {
			n = 20
		}
		for j := 0; j < n; j++ {
			row[x+j] = 0
		}
		x += n + 8
	}
	return row
}

// FuzzScan: Scan never panics on an image of up to 400x100 pixels at any dpi up to 2400
// (the most ocr.Prepare lets through; 0 is taken as 300), and every symbol it returns is
// of a known kind, has text (a patch code a name that matches its pattern) and a box
// inside the image. The seeds are checked to read, so the fuzzer starts from images that
// reach the decoders.
func FuzzScan(f *testing.F) {
	code := append([]byte{255, 60}, symbolRow(400, 3, 40, c128StartB, 'H'-32, 'C'-32, c128CodeC, 26, 0, 1, 23)...)
	codeC := append([]byte{255, 50}, symbolRow(400, 3, 30, c128StartC, 12, 34, 56, 78, 90)...)
	patch := append([]byte{255, 99}, patchRow(400, "NWNW")...)
	for _, seed := range []struct {
		data []byte
		dpi  uint16
		want string
	}{
		{code, 300, "HC26000123"},
		{codeC, 200, "1234567890"},
		{patch, 100, "3"}, // vertical bars are read from the right, as an end-fed patch: WNWN
	} {
		img := fuzzImage(seed.data)
		syms := Scan(img, float64(seed.dpi))
		if len(syms) != 1 || syms[0].Text != seed.want {
			f.Fatalf("seed %dx%d at %d dpi reads %q, want %q", img.Rect.Dx(), img.Rect.Dy(), seed.dpi, texts(syms), seed.want)
		}
		f.Add(seed.data, seed.dpi)
	}
	f.Add([]byte{}, uint16(300))
	f.Add([]byte{7, 7, 0}, uint16(300))
	f.Add([]byte{255, 99, 0, 255}, uint16(0))
	f.Add([]byte{255, 99, 0, 255, 255, 0}, uint16(2400))
	f.Add(append([]byte{128, 99}, make([]byte, 64)...), uint16(1))
	f.Fuzz(func(t *testing.T, data []byte, d uint16) {
		img := fuzzImage(data)
		dpi := float64(d % 2401)
		for _, s := range Scan(img, dpi) {
			switch {
			case s.Text == "":
				t.Fatalf("%+v: no text", s)
			case s.Kind == KindPatch && patchNames[s.Pattern] != s.Text:
				t.Fatalf("%+v: patch name and pattern disagree", s)
			case s.Kind == KindCode128 && s.Pattern != "":
				t.Fatalf("%+v: a pattern on a Code 128 symbol", s)
			case s.Kind != KindPatch && s.Kind != KindCode128:
				t.Fatalf("%+v: unknown kind", s)
			case s.Box.Empty() || !s.Box.In(img.Rect):
				t.Fatalf("%+v: box outside the %v image", s, img.Rect)
			}
		}
	})
}

// FuzzDecodeLine fuzzes the Code 128 decoder of one scan line's edges twice over.
//
// The bytes as run widths (a quarter pixel each, plus a quarter: edges always increase,
// as Scan's do): decodeLine never panics, and what it emits has text and lies on the
// line, each symbol starting at an edge after the previous symbol's end.
//
// The bytes as a symbol's character values (the first byte picks the start character,
// the rest are data values 0 to 102; a module of 1 to 4 pixels), drawn as exact run
// widths with the check and stop characters: decodeLine reads exactly what code128Text
// makes of the values (the one symbol's text, or nothing when no encoder writes such a
// sequence), from the first bar to the last.
func FuzzDecodeLine(f *testing.F) {
	f.Add([]byte{}, uint8(0))
	f.Add([]byte{c128StartB - c128StartA, 'H' - 32, 'C' - 32, c128CodeC, 26, 0, 1, 23}, uint8(2))
	f.Add([]byte{c128StartC - c128StartA, 12, 34, 100, 'x' - 32}, uint8(1))
	f.Add([]byte{0, 101, 'A' - 32, c128Shift, 'a' - 32}, uint8(3))
	f.Add([]byte{1, 100, 100, '!' - 32, 102, 96, 97}, uint8(0))
	f.Add([]byte{1, c128Shift}, uint8(0))
	f.Add([]byte{40, 7, 3, 7, 7, 7, 7, 3, 11, 7, 7, 3, 7, 11, 3, 3, 7, 3, 11, 7, 3, 3, 7, 7, 11, 7, 3, 60}, uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, m uint8) {
		// The bytes as run widths.
		if len(data) > 0 {
			line := make([]float32, 0, len(data)-1)
			x := float32(0)
			for _, b := range data[1:] {
				x += (float32(b) + 1) / 4
				line = append(line, x)
			}
			length := x + float32(data[0])/4
			last := float32(-1)
			decodeLine(line, length, func(text string, a0, a1 float32) {
				if text == "" || !(a0 < a1) || a0 <= last || a1 > length || !onLine(line, a0) || !onLine(line, a1) {
					t.Fatalf("emitted %q from %v to %v (the previous symbol ended at %v) on a line of length %v: %v", text, a0, a1, last, length, line)
				}
				last = a1
			})
		}

		// The bytes as character values.
		if len(data) < 2 {
			return
		}
		vals := []int{c128StartA + int(data[0])%3}
		for _, b := range data[1:] {
			vals = append(vals, int(b)%103)
		}
		want, ok := code128Text(vals)
		module := float32(1 + m%4)
		quiet := 10 * module
		var line []float32
		x := quiet
		for _, v := range append(append(vals, checkValue(vals)), c128Stop) {
			for _, n := range code128Widths[v] {
				line = append(line, x)
				x += float32(n) * module
			}
		}
		line = append(line, x, x+2*module) // the stop's final bar
		length := x + 2*module + quiet
		var got []string
		decodeLine(line, length, func(text string, a0, a1 float32) {
			got = append(got, text)
			if a0 != quiet || a1 != line[len(line)-1] {
				t.Errorf("%q read from %v to %v; the bars run from %v to %v", text, a0, a1, quiet, line[len(line)-1])
			}
		})
		switch {
		case ok && (len(got) != 1 || got[0] != want):
			t.Fatalf("values %v (text %q) read as %q", vals, want, got)
		case !ok && len(got) != 0:
			t.Fatalf("values %v (not a symbol an encoder writes) read as %q", vals, got)
		}
	})
}

// onLine reports whether x is one of the line's edges.
func onLine(line []float32, x float32) bool {
	for _, e := range line {
		if e == x {
			return true
		}
	}
	return false
}
