package ocr_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/image/tiff"

	"intake/fixtures/device"
	"intake/ocr"
	"intake/ocr/raster"
)

// benchPages are the pages the benchmarks read: a 300 dpi letter fed slightly crooked,
// the same letter by fax at normal resolution, and the letter fed upside down (which
// Tesseract's orientation detection has to look at).
func benchPages(b testing.TB) map[string]*raster.Page {
	page, _ := sample(b, "letter")
	return map[string]*raster.Page{
		"300dpi":             scan(page, device.MailG4300, device.Effects{Skew: 1, Noise: 0.3}, 7),
		"fax_normal":         scan(page, device.FaxNormal, device.Effects{Skew: 1, Noise: 0.3}, 7),
		"300dpi_upside_down": scan(page, device.MailG4300, device.Effects{Skew: 1, Noise: 0.3, Rotate: 180}, 7),
	}
}

// BenchmarkPrepare measures the preparation of a page and each of its steps (ms/op of
// resample, orient, deskew: conversions in and out are in prepare's total).
func BenchmarkPrepare(b *testing.B) {
	e := engine(b)
	for _, name := range []string{"300dpi", "fax_normal", "300dpi_upside_down"} {
		pg := benchPages(b)[name]
		b.Run(name, func(b *testing.B) {
			var sum ocr.Timings
			for b.Loop() {
				p, err := ocr.Prepare(pg, ocr.PrepareOptions{Orienter: e})
				if err != nil {
					b.Fatal(err)
				}
				t := p.Info.Timings
				sum.Resample += t.Resample
				sum.Orient += t.Orient
				sum.Deskew += t.Deskew
			}
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
			b.ReportMetric(ms(sum.Resample), "resample-ms/op")
			b.ReportMetric(ms(sum.Orient), "orient-ms/op")
			b.ReportMetric(ms(sum.Deskew), "deskew-ms/op")
		})
	}
}

// BenchmarkRecognize measures the engine's recognition of a prepared page, English and
// Spanish against English alone.
func BenchmarkRecognize(b *testing.B) {
	for _, langs := range [][]string{{"eng", "spa"}, {"eng"}} {
		e := engine(b, langs...)
		for _, name := range []string{"300dpi", "fax_normal"} {
			p, err := ocr.Prepare(benchPages(b)[name], ocr.PrepareOptions{})
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("%s/%s", name, langName(langs)), func(b *testing.B) {
				for b.Loop() {
					if _, err := e.Recognize(p.Image, p.DPI); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func langName(langs []string) string {
	s := langs[0]
	for _, l := range langs[1:] {
		s += "+" + l
	}
	return s
}

// BenchmarkThroughput compares the pool with the tesseract command run as two processes
// at a time (OMP_THREAD_LIMIT=1, the same languages) on the same eight pages: six mail
// pages at 300 dpi and two faxes at normal resolution. The command gets the page images
// as uncompressed TIFF (which it reads fastest), the faxes already resampled to square
// pixels (it cannot read 204x98 dpi pages); the pool gets the raw pages and prepares them
// itself. Run with -benchtime=2x or more; pages/min is the figure to compare, cpu-s/page
// (processor time per page) the steadier one on a shared machine.
func BenchmarkThroughput(b *testing.B) {
	type item struct {
		pg   *raster.Page
		file string
		dpi  float64
	}
	var items []item
	dir := b.TempDir()
	i := 0
	add := func(name string, c device.Condition) {
		page, _ := sample(b, name)
		pg := scan(page, c, device.Effects{Skew: 0.7, Noise: 0.3}, uint64(20+i))
		img, dpi := pg.Image, pg.XDPI
		if pg.XDPI != pg.YDPI {
			p, err := ocr.Prepare(pg, ocr.PrepareOptions{NoDeskew: true})
			if err != nil {
				b.Fatal(err)
			}
			img = p.Image
		}
		f := filepath.Join(dir, fmt.Sprintf("page%d.tif", i))
		w, err := os.Create(f)
		if err != nil {
			b.Fatal(err)
		}
		if err := tiff.Encode(w, img, nil); err != nil {
			b.Fatal(err)
		}
		w.Close()
		items = append(items, item{pg, f, dpi})
		i++
	}
	for _, n := range []string{"letter", "letter 1", "note", "form"} {
		add(n, device.MailG4300)
	}
	for _, n := range []string{"letter es", "lab"} {
		add(n, device.MailJPEG300)
	}
	for _, n := range []string{"fax cover", "form es p2"} {
		add(n, device.FaxNormal)
	}
	const workers = 2
	b.Run("pool", func(b *testing.B) {
		pool, err := ocr.NewPool(ocr.PoolOptions{Workers: workers})
		if err != nil {
			b.Fatal(err)
		}
		defer pool.Close()
		cpu0 := cpuTime()
		for b.Loop() {
			// Pages are handed out in the same order as to the commands below.
			next := make(chan item)
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for it := range next {
						if _, err := pool.Recognize(context.Background(), it.pg); err != nil {
							b.Error(err)
						}
					}
				})
			}
			for _, it := range items {
				next <- it
			}
			close(next)
			wg.Wait()
		}
		b.ReportMetric(float64(len(items)*b.N)/b.Elapsed().Minutes(), "pages/min")
		b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(len(items)*b.N), "cpu-s/page")
	})
	b.Run("tesseract_command", func(b *testing.B) {
		if _, err := exec.LookPath("tesseract"); err != nil {
			b.Skip(err)
		}
		cpu0 := childCPUTime()
		for b.Loop() {
			next := make(chan item)
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for it := range next {
						cmd := exec.Command("tesseract", it.file, "-", "-l", "eng+spa", "--dpi", fmt.Sprint(it.dpi))
						cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
						if out, err := cmd.CombinedOutput(); err != nil {
							b.Errorf("%v: %s", err, out)
						}
					}
				})
			}
			for _, it := range items {
				next <- it
			}
			close(next)
			wg.Wait()
		}
		b.ReportMetric(float64(len(items)*b.N)/b.Elapsed().Minutes(), "pages/min")
		b.ReportMetric((childCPUTime()-cpu0).Seconds()/float64(len(items)*b.N), "cpu-s/page")
	})
}

// childCPUTime is the processor time the test's finished child processes have used.
func childCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
