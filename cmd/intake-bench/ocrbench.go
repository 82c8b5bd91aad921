package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/image/tiff"

	"intake/fixtures/corpus"
	"intake/fixtures/scanout"
	"intake/ocr"
	"intake/ocr/raster"
)

type ocrBenchOptions struct {
	Pages, RSSPages, Workers int
	Langs, Intake, Work      string
	SkipOCRmyPDF             bool
	Seed                     uint64
}

// benchGroup is one row of the table: the files of one kind of input.
type benchGroup struct {
	name       string
	conditions []string
	files      []string // corpus file paths
	truths     []corpus.Truth
	pages      int
	images     []pageImage // the pages, extracted, for the tesseract command
}

type pageImage struct {
	path string
	dpi  float64
	text string // printed text (truth)
}

type contender struct {
	wall     time.Duration
	pages    int
	accuracy float64 // mean word accuracy over the pages
	err      error
}

func (c contender) rate() float64 {
	if c.wall <= 0 || c.err != nil {
		return 0
	}
	return float64(c.pages) / c.wall.Seconds()
}

func benchOCR(o ocrBenchOptions, stdout, stderr io.Writer) error {
	work, done, err := workDir(o.Work, "intake-bench-")
	if err != nil {
		return err
	}
	defer done()
	say := sayTo(stderr)

	say("generating the corpus (seed %d)...", o.Seed)
	cdir := filepath.Join(work, "corpus")
	if _, err := corpus.WriteDir(cdir, corpus.Options{Seed: o.Seed, Count: 48}); err != nil {
		return err
	}
	groups, err := ocrGroups(cdir, work, o.Pages)
	if err != nil {
		return err
	}
	rows, err := measureOCR(o, work, groups, say)
	if err != nil {
		return err
	}

	var rss int64
	var rssErr error
	var rssWall time.Duration
	if o.RSSPages > 0 {
		say("peak memory of `intake ocr` on a %d-page scanned PDF...", o.RSSPages)
		rss, rssWall, rssErr = measureRSS(o, work, groups[0])
	}

	host, _ := os.Hostname()
	cpu := cpuModel()
	fmt.Fprintf(stdout, "OCR throughput, %s, %s, %d workers each, languages %s, %s\n\n", host, cpu, o.Workers, o.Langs, time.Now().Format("2006-01-02 15:04"))
	fmt.Fprintf(stdout, "| input | pages | (a) intake p/s | (b) tesseract x%d p/s | (c) ocrmypdf p/s | a/b | a/c | word accuracy a / b / c |\n", o.Workers)
	fmt.Fprintf(stdout, "|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		ratio := func(a, b contender) string {
			if a.rate() == 0 || b.rate() == 0 {
				return "-"
			}
			return fmt.Sprintf("%.2f", a.rate()/b.rate())
		}
		cell := func(c contender) string {
			if c.err != nil {
				return "failed: " + c.err.Error()
			}
			if c.pages == 0 {
				return "-"
			}
			return fmt.Sprintf("%.2f", c.rate())
		}
		acc := func(c contender) string {
			if c.err != nil || c.pages == 0 {
				return "-"
			}
			return fmt.Sprintf("%.3f", c.accuracy)
		}
		fmt.Fprintf(stdout, "| %s | %d | %s | %s | %s | %s | %s | %s / %s / %s |\n", r.g.name, r.g.pages,
			cell(r.project), cell(r.cli), cell(r.ocrpdf), ratio(r.project, r.cli), ratio(r.project, r.ocrpdf),
			acc(r.project), acc(r.cli), acc(r.ocrpdf))
	}
	if o.RSSPages > 0 {
		if rssErr != nil {
			fmt.Fprintf(stdout, "\nPeak RSS on a %d-page scanned PDF: failed: %v\n", o.RSSPages, rssErr)
		} else {
			fmt.Fprintf(stdout, "\nPeak RSS of `intake ocr` on a %d-page 300 dpi scanned PDF: %.0f MB (read in %s, %.2f pages/s)\n",
				o.RSSPages, float64(rss)/1024, rssWall.Round(time.Second), float64(o.RSSPages)/rssWall.Seconds())
		}
	}
	fmt.Fprintf(stdout, "\n(a) reads the files themselves: decoding, resampling, orientation, deskew and recognition. (b) gets the page images already extracted (uncompressed TIFF, --dpi given). Word accuracy is against the corpus's printed text.\n")
	return nil
}

// ocrRow is one row of the OCR table: one group read by each contender.
type ocrRow struct {
	g                    *benchGroup
	project, cli, ocrpdf contender
}

// ocrGroups picks, from the corpus in cdir, whole files of each kind of input until each
// has at least pages pages, and extracts their page images under work.
func ocrGroups(cdir, work string, pages int) ([]*benchGroup, error) {
	groups := []*benchGroup{
		{name: "mail scan (300 dpi grey JPEG and G4)", conditions: []string{"mail_jpeg300", "mail_g4_300"}},
		{name: "fax fine (204x196)", conditions: []string{"fax_fine"}},
		{name: "fax normal (204x98)", conditions: []string{"fax_normal"}},
	}
	if err := pickFiles(cdir, groups, pages); err != nil {
		return nil, err
	}
	for _, g := range groups {
		if err := extract(work, g); err != nil {
			return nil, err
		}
	}
	return groups, nil
}

// measureOCR reads every group with `intake ocr`, the tesseract command and ocrmypdf
// (unless skipped).
func measureOCR(o ocrBenchOptions, work string, groups []*benchGroup, say func(string, ...any)) ([]ocrRow, error) {
	var rows []ocrRow
	for _, g := range groups {
		say("%s: %d files, %d pages", g.name, len(g.files), g.pages)
		r := ocrRow{g: g}
		say("  intake ocr (decode, prepare, recognise)...")
		r.project = runProject(o, g)
		say("  tesseract command x%d...", o.Workers)
		r.cli = runTesseractCLI(o, g)
		if !o.SkipOCRmyPDF {
			say("  ocrmypdf --jobs %d...", o.Workers)
			r.ocrpdf = runOCRmyPDF(o, work, g)
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// pickFiles takes whole files of each group's conditions, in sequence order, until the
// group has at least want pages. Exact duplicates are skipped (they repeat a page set).
func pickFiles(dir string, groups []*benchGroup, want int) error {
	seq, err := os.ReadFile(filepath.Join(dir, "sequence.txt"))
	if err != nil {
		return err
	}
	for _, name := range strings.Fields(string(seq)) {
		b, err := os.ReadFile(filepath.Join(dir, corpus.TruthName(name)))
		if err != nil {
			return err
		}
		var t corpus.Truth
		if err := json.Unmarshal(b, &t); err != nil {
			return err
		}
		if t.Status == "duplicate" {
			continue
		}
		for _, g := range groups {
			if g.pages >= want {
				continue
			}
			for _, c := range g.conditions {
				if t.Input.Condition == c {
					g.files = append(g.files, filepath.Join(dir, name))
					g.truths = append(g.truths, t)
					g.pages += t.Input.Pages
				}
			}
		}
	}
	for _, g := range groups {
		if g.pages == 0 {
			return fmt.Errorf("the corpus has no %s pages", g.name)
		}
	}
	return nil
}

// extract writes every page of the group as PGM for the tesseract command.
func extract(work string, g *benchGroup) error {
	dir := filepath.Join(work, "pages", strings.Fields(g.name)[0]+"-"+strings.Fields(g.name)[1])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for fi, f := range g.files {
		doc, err := raster.OpenFile(f, raster.Limits{})
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		for i := 0; i < doc.NumPages(); i++ {
			p, err := doc.Page(i)
			if err != nil {
				doc.Close()
				return fmt.Errorf("%s page %d: %w", f, i+1, err)
			}
			path := filepath.Join(dir, fmt.Sprintf("%03d-%03d.tif", fi, i+1))
			if err := writeTIFF(path, p.Image); err != nil {
				doc.Close()
				return err
			}
			g.images = append(g.images, pageImage{path: path, dpi: p.XDPI, text: g.truths[fi].PageText[i]})
		}
		doc.Close()
	}
	return nil
}

// writeTIFF writes an uncompressed greyscale TIFF: the cheapest format for Leptonica
// (and so the tesseract command) to read, so the reference pays nothing extra for input.
func writeTIFF(path string, img *image.Gray) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := tiff.Encode(w, img, &tiff.Options{Compression: tiff.Uncompressed}); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// accuracy is the mean word accuracy over the pages that have printed text.
func accuracy(want, got []string) float64 {
	var sum float64
	n := 0
	for i := range want {
		if strings.TrimSpace(want[i]) == "" {
			continue
		}
		sum += ocr.WordAccuracy(want[i], got[i])
		n++
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// runProject reads the group's files with `intake ocr`, as a person runs it: the command
// decodes, prepares and recognises the pages with its engines, and its start (the engines
// loading their models) counts, as the other contenders' starts do.
func runProject(o ocrBenchOptions, g *benchGroup) contender {
	args := append([]string{"ocr", "--json", "--workers", strconv.Itoa(o.Workers), "--lang", o.Langs}, g.files...)
	cmd := exec.Command(o.Intake, args...)
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return contender{err: fmt.Errorf("%s ocr: %v: %s", o.Intake, err, firstLine(errb.String()))}
	}
	wall := time.Since(start)
	texts := map[string][]string{}
	dec := json.NewDecoder(&out)
	for {
		var p struct {
			File        string
			Page, Pages int
			Text, Error string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return contender{err: fmt.Errorf("%s ocr --json: %v", o.Intake, err)}
		}
		if p.Error != "" {
			return contender{err: fmt.Errorf("%s page %d: %s", filepath.Base(p.File), p.Page, p.Error)}
		}
		if len(texts[p.File]) < p.Pages {
			texts[p.File] = append(texts[p.File], make([]string, p.Pages-len(texts[p.File]))...)
		}
		if p.Page >= 1 && p.Page <= p.Pages {
			texts[p.File][p.Page-1] = p.Text
		}
	}
	var want, got []string
	for fi, f := range g.files {
		want = append(want, g.truths[fi].PageText...)
		got = append(got, texts[f]...)
	}
	return contender{wall: wall, pages: g.pages, accuracy: accuracy(want, got)}
}

func runTesseractCLI(o ocrBenchOptions, g *benchGroup) contender {
	if _, err := exec.LookPath("tesseract"); err != nil {
		return contender{err: fmt.Errorf("tesseract is missing (Debian package tesseract-ocr)")}
	}
	texts := make([]string, len(g.images))
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	start := time.Now()
	for w := 0; w < o.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				im := g.images[i]
				cmd := exec.Command("tesseract", im.path, "stdout", "--dpi", fmt.Sprint(int(im.dpi+0.5)), "-l", o.Langs)
				cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
				out, err := cmd.Output()
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("tesseract: %w", err)
				}
				texts[i] = string(out)
				mu.Unlock()
			}
		}()
	}
	for i := range g.images {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return contender{err: firstErr}
	}
	want := make([]string, len(g.images))
	for i, im := range g.images {
		want[i] = im.text
	}
	return contender{wall: time.Since(start), pages: len(g.images), accuracy: accuracy(want, texts)}
}

func runOCRmyPDF(o ocrBenchOptions, work string, g *benchGroup) contender {
	if _, err := exec.LookPath("ocrmypdf"); err != nil {
		return contender{err: fmt.Errorf("ocrmypdf is missing (Debian package ocrmypdf; make bench-ocr installs it)")}
	}
	dir := filepath.Join(work, "ocrmypdf")
	os.MkdirAll(dir, 0o755)
	var want, got []string
	var total time.Duration
	for i, f := range g.files {
		out := filepath.Join(dir, fmt.Sprintf("%03d.pdf", i))
		side := filepath.Join(dir, fmt.Sprintf("%03d.txt", i))
		cmd := exec.Command("ocrmypdf", "--jobs", fmt.Sprint(o.Workers), "--output-type", "pdf", "--sidecar", side, "-l", o.Langs, "--quiet", f, out)
		cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
		var errb bytes.Buffer
		cmd.Stderr = &errb
		start := time.Now()
		err := cmd.Run()
		total += time.Since(start)
		if err != nil {
			return contender{err: fmt.Errorf("ocrmypdf on %s: %v: %s", filepath.Base(f), err, firstLine(errb.String()))}
		}
		b, _ := os.ReadFile(side)
		pages := strings.Split(string(b), "\f")
		for len(pages) < g.truths[i].Input.Pages {
			pages = append(pages, "")
		}
		want = append(want, g.truths[i].PageText...)
		got = append(got, pages[:g.truths[i].Input.Pages]...)
	}
	return contender{wall: total, pages: g.pages, accuracy: accuracy(want, got)}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// measureRSS builds a scanned PDF of o.RSSPages pages from the group's page images (see
// writeScanPDF) and runs `intake ocr` on it as a child process, returning its peak resident
// memory in KiB, sampled from /proc.
func measureRSS(o ocrBenchOptions, work string, g *benchGroup) (int64, time.Duration, error) {
	path, err := writeScanPDF(work, g, o.RSSPages)
	if err != nil {
		return 0, 0, err
	}
	cmd := exec.Command(o.Intake, "ocr", "--workers", fmt.Sprint(o.Workers), "--lang", o.Langs, path)
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	cmd.Stdout = io.Discard
	var errb bytes.Buffer
	cmd.Stderr = &errb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	w := watchPeak(cmd.Process.Pid, 100*time.Millisecond) // not ru_maxrss: see peak.go
	err = cmd.Wait()
	peak := w.end()
	if err != nil {
		return 0, 0, fmt.Errorf("%s ocr: %v: %s", o.Intake, err, firstLine(errb.String()))
	}
	return peak, time.Since(start), nil
}

// writeScanPDF writes a scanned PDF of n pages made from the group's 300 dpi page images
// (re-encoded as grey JPEG, as a scanning station writes them, up to 12 distinct pages
// repeated) and returns its path.
func writeScanPDF(work string, g *benchGroup, n int) (string, error) {
	var jpegs [][]byte
	var sizes []image.Point
	for _, im := range g.images {
		if im.dpi != 300 || len(jpegs) >= 12 {
			continue
		}
		img, err := readTIFF(im.path)
		if err != nil {
			return "", err
		}
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 75}); err != nil {
			return "", err
		}
		jpegs = append(jpegs, b.Bytes())
		sizes = append(sizes, img.Rect.Size())
	}
	if len(jpegs) == 0 {
		return "", fmt.Errorf("no 300 dpi pages to build the PDF from")
	}
	pages := make([]scanout.PDFPage, n)
	for i := range pages {
		k := i % len(jpegs)
		pages[i] = scanout.PDFPage{JPEG: jpegs[k], JPEGGray: true, PixW: sizes[k].X, PixH: sizes[k].Y, XDPI: 300, YDPI: 300}
	}
	path := filepath.Join(work, fmt.Sprintf("scan-%dpages.pdf", n))
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	if err := scanout.WritePDF(f, pages, scanout.PDFInfo{Producer: "intake-bench"}); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}

func readTIFF(path string) (*image.Gray, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := tiff.Decode(bufio.NewReader(f))
	if err != nil {
		return nil, err
	}
	g, ok := img.(*image.Gray)
	if !ok {
		return nil, fmt.Errorf("%s: not a greyscale TIFF written by this program", path)
	}
	return g, nil
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "model name") {
			if i := strings.IndexByte(line, ':'); i >= 0 {
				n := 0
				for _, l := range strings.Split(string(b), "\n") {
					if strings.HasPrefix(l, "processor") {
						n++
					}
				}
				return fmt.Sprintf("%d x %s", n, strings.TrimSpace(line[i+1:]))
			}
		}
	}
	return "unknown CPU"
}
