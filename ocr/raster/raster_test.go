package raster

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"intake/fixtures"
	"intake/fixtures/corpus"
	"intake/fixtures/scanout"
)

// conformanceDir holds libtiff's classic CCITT test images (see its README).
const conformanceDir = "../../../shared/data/fax-conformance"

// wantSource is the Page.Source a corpus input format gives.
func wantSource(format string) string {
	switch format {
	case "pdf/jpeg":
		return "pdf/dct"
	case "pdf/ccitt-g4":
		return "pdf/ccitt"
	}
	return format // tiff/g3-1d, tiff/g3-2d, tiff/g4
}

// checkSubmission opens one corpus input and checks its format, its page count and, for
// the pages given (all when nil), the page image's size, resolution and colours against the
// truth.
func checkSubmission(t *testing.T, name string, data []byte, truth corpus.Truth, pages []int) {
	t.Helper()
	d := openBytes(t, data, Limits{})
	wantFormat := PDF
	if strings.HasPrefix(truth.Input.Format, "tiff/") {
		wantFormat = TIFF
	}
	if d.Format() != wantFormat || d.NumPages() != truth.Input.Pages || len(truth.PageInfo) != truth.Input.Pages {
		t.Fatalf("%s: %v with %d pages; truth: %s with %d pages (%d page_info)", name, d.Format(), d.NumPages(),
			truth.Input.Format, truth.Input.Pages, len(truth.PageInfo))
	}
	if pages == nil {
		for i := range d.NumPages() {
			pages = append(pages, i)
		}
	}
	for _, i := range pages {
		p, err := d.Page(i)
		if err != nil {
			t.Errorf("%s page %d: %v", name, i+1, err)
			continue
		}
		pi := truth.PageInfo[i]
		if p.Image.Rect.Dx() != pi.Width || p.Image.Rect.Dy() != pi.Height || p.XDPI != pi.XDPI || p.YDPI != pi.YDPI {
			t.Errorf("%s page %d: %dx%d at %vx%v dpi; truth %dx%d at %vx%v", name, i+1,
				p.Image.Rect.Dx(), p.Image.Rect.Dy(), p.XDPI, p.YDPI, pi.Width, pi.Height, pi.XDPI, pi.YDPI)
		}
		if p.Index != i || p.Rotate != 0 || p.Source != wantSource(truth.Input.Format) {
			t.Errorf("%s page %d: index %d, rotate %d, source %q; want %d, 0, %q", name, i+1, p.Index, p.Rotate, p.Source, i, wantSource(truth.Input.Format))
		}
		if truth.Input.Format != "pdf/jpeg" && !isBilevel(p.Image) {
			t.Errorf("%s page %d: a black-and-white page has grey pixels", name, i+1)
		}
		if s := darkShare(p.Image); s < 0.001 && i == 0 {
			t.Errorf("%s page %d: blank (%.4f dark)", name, i+1, s)
		}
	}
}

// TestSampleCorpus decodes every page of the committed sample.
func TestSampleCorpus(t *testing.T) {
	fsys := fixtures.Sample()
	names, err := fixtures.Sequence(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("the sample has no inputs")
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			data, err := fs.ReadFile(fsys, name)
			if err != nil {
				t.Fatal(err)
			}
			truth, err := fixtures.Truth(fsys, name)
			if err != nil {
				t.Fatal(err)
			}
			checkSubmission(t, name, data, truth, nil)
		})
	}
}

var (
	generatedOnce sync.Once
	generated     []corpus.Submission
	generatedErr  error
)

// generatedCorpus makes 24 submissions (one round of the schedule: every channel,
// coding and fill order) once per test binary; it takes half a minute.
func generatedCorpus(t *testing.T) []corpus.Submission {
	if testing.Short() {
		t.Skip("generating the corpus takes half a minute")
	}
	generatedOnce.Do(func() {
		generatedErr = corpus.Generate(corpus.Options{Seed: 7, Count: 24}, func(s corpus.Submission) error {
			generated = append(generated, s)
			return nil
		})
	})
	if generatedErr != nil {
		t.Fatal(generatedErr)
	}
	return generated
}

// TestGeneratedCorpus decodes the first and last page of each of 24 generated submissions
// and checks every format the devices write turned up.
func TestGeneratedCorpus(t *testing.T) {
	subs := generatedCorpus(t)
	formats := map[string]int{}
	for _, s := range subs {
		formats[s.Truth.Input.Format]++
		t.Run(s.Input.Name, func(t *testing.T) {
			n := s.Truth.Input.Pages
			checkSubmission(t, s.Input.Name, s.Input.Data, s.Truth, []int{0, n - 1})
		})
	}
	for _, f := range []string{"tiff/g3-1d", "tiff/g3-2d", "tiff/g4", "pdf/ccitt-g4", "pdf/jpeg"} {
		if formats[f] == 0 {
			t.Errorf("no %s input among %v", f, formats)
		}
	}
}

// TestConformanceImages decodes libtiff's CCITT test images: the eight ITU charts, and
// one page in six codings that must give the same pixels.
func TestConformanceImages(t *testing.T) {
	var ref *Page
	for _, tc := range []struct {
		file   string
		w, h   int
		dpi    float64
		source string
	}{
		{"CCITT_1.TIF", 1728, 2376, 200, "tiff/g4"}, {"CCITT_2.TIF", 1728, 2376, 200, "tiff/g4"},
		{"CCITT_3.TIF", 1728, 2376, 200, "tiff/g4"}, {"CCITT_4.TIF", 1728, 2376, 200, "tiff/g4"},
		{"CCITT_5.TIF", 1728, 2376, 200, "tiff/g4"}, {"CCITT_6.TIF", 1728, 2376, 200, "tiff/g4"},
		{"CCITT_7.TIF", 1728, 2376, 200, "tiff/g4"}, {"CCITT_8.TIF", 1728, 2376, 200, "tiff/g4"},
		{"G31D.TIF", 2464, 3248, 300, "tiff/g3-1d"}, {"G31DS.TIF", 2464, 3248, 300, "tiff/g3-1d"},
		{"G32D.TIF", 2464, 3248, 300, "tiff/g3-2d"}, {"G32DS.TIF", 2464, 3248, 300, "tiff/g3-2d"},
		{"G4.TIF", 2464, 3248, 300, "tiff/g4"}, {"G4S.TIF", 2464, 3248, 300, "tiff/g4"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			d, err := OpenFile(filepath.Join(conformanceDir, tc.file), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			if d.Format() != TIFF || d.NumPages() != 1 {
				t.Fatalf("%v, %d pages", d.Format(), d.NumPages())
			}
			p, err := d.Page(0)
			if err != nil {
				t.Fatal(err)
			}
			if p.Image.Rect.Dx() != tc.w || p.Image.Rect.Dy() != tc.h || p.XDPI != tc.dpi || p.YDPI != tc.dpi || p.Source != tc.source {
				t.Errorf("%v at %vx%v dpi, %q; want %dx%d at %v, %q", p.Image.Rect.Size(), p.XDPI, p.YDPI, p.Source, tc.w, tc.h, tc.dpi, tc.source)
			}
			if !isBilevel(p.Image) || darkShare(p.Image) < 0.01 {
				t.Errorf("not a black-and-white page with ink (%.3f dark)", darkShare(p.Image))
			}
			if tc.w == 2464 {
				if ref == nil {
					ref = p
				} else if !bytes.Equal(p.Image.Pix, ref.Image.Pix) {
					t.Errorf("%d pixels differ from G31D.TIF", bilevelDiff(p.Image, ref.Image))
				}
			}
		})
	}
	if ref == nil {
		t.Error("G31D.TIF did not decode")
	}
}

// Benchmarks for one page of each kind the Help Center receives most.
func BenchmarkPage(b *testing.B) {
	fsys := fixtures.Sample()
	names, _ := fixtures.Sequence(fsys)
	byFormat := map[string]string{}
	for _, n := range names {
		if tr, err := fixtures.Truth(fsys, n); err == nil {
			key := fmt.Sprintf("%s-%vdpi", tr.Input.Format, tr.PageInfo[0].YDPI)
			if byFormat[key] == "" {
				byFormat[key] = n
			}
		}
	}
	for key, name := range byFormat {
		data, _ := fs.ReadFile(fsys, name)
		b.Run(key, func(b *testing.B) {
			d := openBytes(b, data, Limits{})
			for b.Loop() {
				if _, err := d.Page(0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	var fine bytes.Buffer
	if err := scanout.WriteTIFF(&fine, []scanout.TIFFPage{{Image: testPage(1728, 2156, 10), XRes: 204, YRes: 196}},
		scanout.TIFFOptions{Compression: scanout.CompressionG3, G3TwoD: true, G3FillBits: true}); err != nil {
		b.Fatal(err)
	}
	b.Run("tiff/g3-2d-196dpi-generated", func(b *testing.B) {
		d := openBytes(b, fine.Bytes(), Limits{})
		for b.Loop() {
			if _, err := d.Page(0); err != nil {
				b.Fatal(err)
			}
		}
	})
	data, _ := os.ReadFile(filepath.Join(conformanceDir, "G32D.TIF"))
	b.Run("conformance-G32D-300dpi", func(b *testing.B) {
		d := openBytes(b, data, Limits{})
		for b.Loop() {
			if _, err := d.Page(0); err != nil {
				b.Fatal(err)
			}
		}
	})
}
