package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"intake/fixtures/corpus"
	"intake/fixtures/scanout"
	"intake/ocr/raster"
	"intake/sinks/store"
)

// allOptions are the flags of `intake-bench all` (`make bench`): every benchmark of issue 7
// in one run that fits a time budget, and one table.
type allOptions struct {
	Quick                bool
	Budget               time.Duration
	Workers              int
	Langs                string
	Intake, Go, DB, Work string
	Out                  string
	Seed                 uint64
	OCRPages             int           // pages wanted per kind of input (whole files are taken)
	RSSPages             int           // pages of the scanned PDF whose peak memory is measured
	RSSMin               time.Duration // the least time the memory part reads for, whatever the budget
	RSSMax               time.Duration // the most (0: until the whole file is read)
	E2ECount             int           // submissions of the reduced end to end
	LatencyRuns          int
	FloodFiles, FloodFew int
	FloodWindow          time.Duration
	Cases, Due           int // INTAKE_BENCH_CASES, INTAKE_BENCH_DUE
	AttachOps            int // -benchtime of BenchmarkAttachFollowUp (100 attachments each)
	SkipOCRmyPDF         bool
	DryRun               bool // setup and the plan only
}

func runAll(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("intake-bench all", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := allOptions{}
	fs.BoolVar(&o.Quick, "quick", false, "shrink every part to seconds (a check that the whole works, not a measurement); flags given explicitly still apply")
	fs.DurationVar(&o.Budget, "budget", 14*time.Minute, "wall time the whole run should fit in (quick: 6m); the memory part and the 1000-file window take what the other parts leave")
	fs.IntVar(&o.Workers, "workers", 2, "OCR engines of every contender and of the service")
	fs.StringVar(&o.Langs, "lang", "eng+spa", "Tesseract languages for every contender")
	fs.StringVar(&o.Intake, "intake", "bin/intake", "the intake binary")
	fs.StringVar(&o.Go, "go", "go", "the go command (builds the store benchmarks)")
	db := os.Getenv("INTAKE_TEST_DATABASE_URL")
	if db == "" {
		db = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	fs.StringVar(&o.DB, "db", db, "PostgreSQL database (schemas of their own are made and dropped)")
	fs.StringVar(&o.Work, "work", "", "folder for generated files (default: a temporary folder, removed after)")
	fs.StringVar(&o.Out, "out", "bench-results", "folder the table is also written to, as TIMESTAMP.md (empty: not written)")
	fs.Uint64Var(&o.Seed, "seed", 4242, "corpus seed")
	fs.IntVar(&o.OCRPages, "ocr-pages", 12, "OCR throughput: pages per kind of input (whole files are taken until there are at least this many)")
	fs.IntVar(&o.RSSPages, "rss-pages", 300, "memory: pages of the scanned PDF")
	fs.DurationVar(&o.RSSMin, "rss-min", 45*time.Second, "memory: read for at least this long even when the budget is spent")
	fs.DurationVar(&o.RSSMax, "rss-max", 0, "memory: read for at most this long (0: as long as the budget allows, up to the whole file; quick: 15s)")
	fs.IntVar(&o.E2ECount, "e2e-count", 8, "end to end: submissions dropped at once (the issue's 200: make bench-e2e E2E_COUNT=200)")
	fs.IntVar(&o.LatencyRuns, "latency-runs", 5, "end to end: times a 3-page fax is dropped alone")
	fs.IntVar(&o.FloodFiles, "flood-files", 1000, "one-page faxes dropped at once for the memory bound")
	fs.IntVar(&o.FloodFew, "flood-few", 10, "the same with this many files: the reference")
	fs.DurationVar(&o.FloodWindow, "flood-window", 60*time.Second, "how long the service's memory is sampled while the 1000 files queue (shortened when the budget is short)")
	fs.IntVar(&o.Cases, "cases", 100_000, "store at scale: cases loaded before attaching follow-ups")
	fs.IntVar(&o.Due, "due", 10_000, "store at scale: cases due in the acknowledgement night")
	fs.IntVar(&o.AttachOps, "attach-ops", 3, "store at scale: benchmark iterations of 100 attachments each")
	fs.BoolVar(&o.SkipOCRmyPDF, "skip-ocrmypdf", false, "do not run ocrmypdf")
	fs.BoolVar(&o.DryRun, "dry-run", false, "run the setup (corpus, benchmark binaries) and print the plan of every part, measure nothing")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.Quick {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		quick := map[string]func(){
			"budget":       func() { o.Budget = 6 * time.Minute },
			"ocr-pages":    func() { o.OCRPages = 1 },
			"rss-max":      func() { o.RSSMax = 15 * time.Second },
			"rss-min":      func() { o.RSSMin = 8 * time.Second },
			"e2e-count":    func() { o.E2ECount = 2 },
			"latency-runs": func() { o.LatencyRuns = 2 },
			"flood-files":  func() { o.FloodFiles = 40 },
			"flood-few":    func() { o.FloodFew = 3 },
			"flood-window": func() { o.FloodWindow = 10 * time.Second },
			"cases":        func() { o.Cases = 2000 },
			"due":          func() { o.Due = 200 },
			"attach-ops":   func() { o.AttachOps = 1 },
		}
		for name, apply := range quick {
			if !set[name] {
				apply()
			}
		}
	}
	if o.Workers < 1 || o.OCRPages < 1 || o.RSSPages < 1 || o.E2ECount < 1 || o.FloodFiles < 1 || o.FloodFew < 1 || o.Cases < 1 || o.Due < 1 || o.AttachOps < 1 {
		fmt.Fprintln(stderr, "intake-bench all: the sizes must be positive")
		return 2
	}
	if err := benchAll(o, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "intake-bench: %v\n", err)
		return 1
	}
	return 0
}

// figure is one row of the table.
type figure struct {
	part      string
	what      string
	measured  string
	reference string // measured in the same run, or "-"
	ratio     string
	target    string
	verdict   string // "met", "not met", "failed", "-"
}

// partTime is one part's budget and what it took.
type partTime struct {
	name           string
	budget, actual time.Duration
	what           string
}

// allRun is the state of one `intake-bench all`.
type allRun struct {
	o       allOptions
	start   time.Time
	say     func(string, ...any)
	work    string
	rate    float64 // intake's pages per second (OCR part), for the plans of the later parts
	figures []figure
	parts   []partTime
	notes   []string
}

func (a *allRun) add(f figure) { a.figures = append(a.figures, f) }

func (a *allRun) note(format string, args ...any) {
	a.notes = append(a.notes, fmt.Sprintf(format, args...))
}

// left is what remains of the budget.
func (a *allRun) left() time.Duration { return a.o.Budget - time.Since(a.start) }

// part runs fn as one timed part with the budget it was given.
func (a *allRun) part(name string, budget time.Duration, fn func() string) {
	a.say("== %s: budget %s (%s of %s left)", name, fmtDur(budget), fmtDur(a.left()), fmtDur(a.o.Budget))
	t := time.Now()
	what := fn()
	d := time.Since(t)
	a.parts = append(a.parts, partTime{name: name, budget: budget, actual: d, what: what})
	a.say("== %s: done in %s (budget %s)", name, fmtDur(d), fmtDur(budget))
}

// perPage is the time intake takes for n pages at the rate measured so far (1.1 pages/s
// with 2 engines until measured).
func (a *allRun) perPage(n int) time.Duration {
	r := a.rate
	if r <= 0 {
		r = 1.1 * float64(a.o.Workers) / 2
	}
	return time.Duration(float64(n) / r * float64(time.Second))
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "not met"
}

func benchAll(o allOptions, stdout, stderr io.Writer) error {
	a := &allRun{o: o, start: time.Now(), say: sayTo(stderr)}
	work, done, err := workDir(o.Work, "intake-bench-all-")
	if err != nil {
		return err
	}
	defer done()
	a.work = work
	if _, err := os.Stat(o.Intake); err != nil {
		return fmt.Errorf("the intake binary %s: %v (make build)", o.Intake, err)
	}
	loadStart := loadAvg()
	mode := "full"
	if o.Quick {
		mode = "quick (sizes shrunk to check that every part runs; not a measurement)"
	}
	a.say("intake-bench all, %s; budget %s", mode, fmtDur(o.Budget))

	// 0. Setup: the corpus, the page images, the store benchmarks' binaries.
	var (
		cdir      = filepath.Join(work, "corpus")
		groups    []*benchGroup
		inputs    []e2eInput
		testBins  = map[string]string{} // package import path: binary
		testDirs  = map[string]string{} // package import path: its folder
		setupErr  error
		versions  []string
		ocrFiles  int
		ocrPages  int
		e2ePages  int
		corpusLen = max(o.E2ECount, 24)
	)
	if o.Quick {
		corpusLen = max(o.E2ECount, 6)
	}
	storePlan := time.Duration(float64(o.Cases)/2000*float64(time.Second)) + // loading, ~50 s for 100,000
		time.Duration(o.AttachOps*100)*5*time.Millisecond +
		time.Duration(o.Due)*6*time.Millisecond + // loading and the night, ~27-60 s for 10,000
		10*time.Second
	a.part("0. setup", 40*time.Second, func() string {
		versions = toolVersions()
		for _, pkg := range []string{"intake/sinks/store", "intake/pipeline/ack"} {
			bin := filepath.Join(work, "bin", filepath.Base(pkg)+".test")
			a.say("building the benchmarks of %s...", pkg)
			out, err := exec.Command(o.Go, "test", "-c", "-o", bin, pkg).CombinedOutput()
			if err != nil {
				setupErr = fmt.Errorf("go test -c %s: %v: %s", pkg, err, firstLine(string(out)))
				continue
			}
			dir, err := exec.Command(o.Go, "list", "-f", "{{.Dir}}", pkg).Output()
			if err != nil {
				setupErr = fmt.Errorf("go list %s: %v", pkg, err)
				continue
			}
			testBins[pkg], testDirs[pkg] = bin, strings.TrimSpace(string(dir))
		}
		a.say("generating %d submissions (seed %d)...", corpusLen, o.Seed)
		if _, err := corpus.WriteDir(cdir, corpus.Options{Seed: o.Seed, Count: corpusLen}); err != nil {
			setupErr = err
			return "failed: " + err.Error()
		}
		var err error
		if inputs, err = e2eInputs(cdir); err != nil {
			setupErr = err
			return "failed: " + err.Error()
		}
		if groups, err = ocrGroups(cdir, work, o.OCRPages); err != nil {
			setupErr = err
			return "failed: " + err.Error()
		}
		for _, g := range groups {
			ocrFiles += len(g.files)
			ocrPages += g.pages
		}
		for _, in := range inputs[:min(o.E2ECount, len(inputs))] {
			e2ePages += in.pages
		}
		return fmt.Sprintf("built the store benchmarks; generated %d submissions (seed %d); extracted %d pages for the tesseract command", corpusLen, o.Seed, ocrPages)
	})
	if groups == nil || inputs == nil {
		return setupErr
	}
	if setupErr != nil {
		a.say("setup: %v (the parts that need it will say so)", setupErr)
	}
	contenders := 3
	if o.SkipOCRmyPDF {
		contenders = 2
	}
	ocrPlan := time.Duration(contenders)*a.perPage(ocrPages) + time.Duration(ocrFiles)*2*time.Second + 10*time.Second
	stores := 2
	e2ePlan := func() time.Duration {
		return time.Duration(stores+1)*a.perPage(e2ePages) + time.Duration(stores)*5*time.Second +
			time.Duration(o.LatencyRuns)*(a.perPage(3)+1500*time.Millisecond) + 10*time.Second
	}
	floodPlan := func() time.Duration {
		return a.perPage(o.FloodFew) + o.FloodWindow + 15*time.Second
	}
	rssFull := func() time.Duration { return a.perPage(o.RSSPages)*11/10 + 20*time.Second }
	const margin = 15 * time.Second
	// The memory part reads for what the others leave, at least RSSMin, at most the whole file.
	rssPlan := func(ahead time.Duration) time.Duration {
		w := a.left() - ahead - e2ePlan() - floodPlan() - storePlan - margin
		w = min(max(w, o.RSSMin), rssFull())
		if o.RSSMax > 0 {
			w = min(w, o.RSSMax)
		}
		return w
	}
	a.say("plan: 1. OCR ~%s, 2. memory: what is left, ~%s (all %d pages need ~%s), 3. end to end ~%s, 4. %d files ~%s, 5. store at scale ~%s",
		fmtDur(ocrPlan), fmtDur(rssPlan(ocrPlan)), o.RSSPages, fmtDur(rssFull()), fmtDur(e2ePlan()), o.FloodFiles, fmtDur(floodPlan()), fmtDur(storePlan))

	if o.DryRun {
		fmt.Fprintf(stdout, "plan for a budget of %s, at an assumed %.2f pages/s (the run measures it in part 1):\n", fmtDur(o.Budget), 1/a.perPage(1).Seconds())
		fmt.Fprintf(stdout, "  0. setup: %s (done)\n", fmtDur(a.parts[0].actual))
		fmt.Fprintf(stdout, "  1. OCR throughput: %d files, %d pages, %d contenders: ~%s\n", ocrFiles, ocrPages, contenders, fmtDur(ocrPlan))
		fmt.Fprintf(stdout, "  2. memory, %d-page PDF: what is left, ~%s (all pages need ~%s, at least %s)\n", o.RSSPages, fmtDur(rssPlan(ocrPlan)), fmtDur(rssFull()), fmtDur(o.RSSMin))
		fmt.Fprintf(stdout, "  3. end to end: %d submissions, %d pages, %d latency runs: ~%s\n", min(o.E2ECount, len(inputs)), e2ePages, o.LatencyRuns, fmtDur(e2ePlan()))
		fmt.Fprintf(stdout, "  4. %d files (and %d) at once, window %s: ~%s\n", o.FloodFiles, o.FloodFew, fmtDur(o.FloodWindow), fmtDur(floodPlan()))
		fmt.Fprintf(stdout, "  5. store at scale, %s cases, %s due: ~%s\n", thousands(o.Cases), thousands(o.Due), fmtDur(storePlan))
		return setupErr
	}

	// 1. OCR throughput.
	a.part("1. OCR throughput", ocrPlan, func() string { return a.ocrPart(groups) })

	// 2. Peak memory on a long scanned PDF, for as long as the budget allows.
	a.part("2. memory, long PDF", rssPlan(0), func() string { return a.rssPart(groups[0], func() time.Duration { return rssPlan(0) }) })

	// 3. End to end, reduced.
	a.part("3. end to end", e2ePlan(), func() string { return a.e2ePart(cdir, inputs) })

	// 4. Many files at once.
	// Its window shrinks (to 20 s at least) when the parts before overran.
	fw := min(o.FloodWindow, max(min(20*time.Second, o.FloodWindow), a.left()-storePlan-margin-a.perPage(o.FloodFew)-15*time.Second))
	a.part(fmt.Sprintf("4. %d files at once", o.FloodFiles), fw+a.perPage(o.FloodFew)+15*time.Second, func() string { return a.floodPart(cdir, inputs, fw) })

	// 5. The store at scale.
	a.part("5. store at scale", storePlan, func() string { return a.storePart(testBins, testDirs) })

	// 6. The table.
	total := time.Since(a.start)
	var b bytes.Buffer
	a.table(&b, mode, versions, loadStart, total)
	stdout.Write(b.Bytes())
	if o.Out != "" {
		name := time.Now().Format("20060102-150405")
		if o.Quick {
			name += "-quick"
		}
		path := filepath.Join(o.Out, name+".md")
		if err := os.MkdirAll(o.Out, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			return err
		}
		a.say("table written to %s", path)
	}
	return nil
}

// ocrPart: intake against (a) the tesseract command as 2 processes and (b) ocrmypdf.
func (a *allRun) ocrPart(groups []*benchGroup) string {
	o := a.o
	oo := ocrBenchOptions{Workers: o.Workers, Langs: o.Langs, Intake: o.Intake, SkipOCRmyPDF: o.SkipOCRmyPDF}
	rows, err := measureOCR(oo, a.work, groups, a.say)
	if err != nil {
		a.add(figure{part: "1", what: "OCR throughput", measured: "failed: " + err.Error(), verdict: "failed"})
		return "failed"
	}
	var pages int
	var wall time.Duration
	for _, r := range rows {
		if r.project.err == nil {
			pages += r.project.pages
			wall += r.project.wall
		}
	}
	if wall > 0 {
		a.rate = float64(pages) / wall.Seconds()
	}
	ps := func(c contender) string {
		if c.err != nil {
			return "failed: " + c.err.Error()
		}
		return fmt.Sprintf("%.2f pages/s", c.rate())
	}
	for _, r := range rows {
		name := strings.SplitN(r.g.name, " (", 2)[0]
		for _, ref := range []struct {
			label  string
			c      contender
			target float64
			skip   bool
		}{
			{fmt.Sprintf("(a) tesseract command x%d, OMP_THREAD_LIMIT=1", o.Workers), r.cli, 0.9, false},
			{fmt.Sprintf("(b) ocrmypdf --jobs %d", o.Workers), r.ocrpdf, 1.5, o.SkipOCRmyPDF},
		} {
			if ref.skip {
				continue
			}
			f := figure{part: "1", what: fmt.Sprintf("OCR %s, %d pages: intake vs %s", name, r.g.pages, ref.label),
				measured: ps(r.project), reference: ps(ref.c), ratio: "-", target: fmt.Sprintf("ratio ≥ %.1f", ref.target)}
			switch {
			case r.project.err != nil || ref.c.err != nil:
				f.verdict = "failed"
			default:
				ratio := r.project.rate() / ref.c.rate()
				f.ratio = fmt.Sprintf("%.2f", ratio)
				f.verdict = verdict(ratio >= ref.target)
			}
			a.add(f)
		}
		acc := func(c contender) string {
			if c.err != nil || c.pages == 0 {
				return "-"
			}
			return fmt.Sprintf("%.3f", c.accuracy)
		}
		a.note("OCR %s (%s, %d pages): word accuracy against the printed text, intake %s, tesseract command %s, ocrmypdf %s.",
			name, plural(len(r.g.files), "file"), r.g.pages, acc(r.project), acc(r.cli), acc(r.ocrpdf))
	}
	a.note("OCR: intake reads the files themselves (decoding, square pixels, orientation, deskew, recognition); the tesseract command gets the page images already extracted (uncompressed TIFF, --dpi given); ocrmypdf gets the files (--output-type pdf --sidecar). Each contender reads each group once: one run, so expect ±10%% on this shared machine. Languages %s, %d workers each.", o.Langs, o.Workers)
	return fmt.Sprintf("%d pages per contender (at least %d per kind of input, whole files), %d contenders", pagesOf(rows), o.OCRPages, 2+boolInt(!o.SkipOCRmyPDF))
}

func pagesOf(rows []ocrRow) int {
	n := 0
	for _, r := range rows {
		n += r.g.pages
	}
	return n
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// rssResult is what `intake ocr` used on a long PDF, read for a while.
type rssResult struct {
	total, read int   // pages of the file; pages read when it was stopped (or all)
	early       int64 // kB: high-water RSS once earlyPages were read
	earlyPages  int
	peak        int64 // kB, while reading (a stopped run: until it was stopped)
	marks       []rssMark
	wall        time.Duration
	complete    bool
	err         error
}

// rssMark is the high-water mark once so many pages were read.
type rssMark struct {
	pages int
	hwm   int64 // kB
}

// rssPart writes the long PDF, then reads it for window() (computed once it is written).
func (a *allRun) rssPart(g *benchGroup, window func() time.Duration) string {
	o := a.o
	a.say("writing a %d-page 300 dpi scanned PDF...", o.RSSPages)
	path, err := writeScanPDF(a.work, g, o.RSSPages)
	if err != nil {
		a.add(figure{part: "2", what: fmt.Sprintf("peak RSS, %d-page scanned PDF", o.RSSPages), measured: "failed: " + err.Error(), verdict: "failed"})
		return "failed"
	}
	size := int64(0)
	if st, err := os.Stat(path); err == nil {
		size = st.Size()
	}
	early := max(5, min(10, o.RSSPages/10))
	w := window()
	a.say("`intake ocr` on it for at most %s (all %d pages need about %s at %.2f pages/s)...", fmtDur(w), o.RSSPages, fmtDur(a.perPage(o.RSSPages)), a.rate)
	r := rssWithin(o.Intake, o.Workers, o.Langs, path, o.RSSPages, early, w)
	what := fmt.Sprintf("peak RSS of `intake ocr`, %d-page 300 dpi scanned PDF (%.0f MB)", o.RSSPages, float64(size)/(1<<20))
	if r.complete {
		what += fmt.Sprintf(", read whole in %s", fmtDur(r.wall))
	} else {
		what += fmt.Sprintf(", first %d pages read (%s; budget)", r.read, fmtDur(r.wall))
	}
	f := figure{part: "2", what: what, target: "≤ 500 MB", ratio: "-", reference: "-"}
	if r.err != nil {
		f.measured, f.verdict = "failed: "+r.err.Error(), "failed"
	} else {
		f.measured = fmt.Sprintf("%.0f MB", float64(r.peak)/1024)
		if r.early > 0 {
			f.reference = fmt.Sprintf("%.0f MB after the first %d pages", float64(r.early)/1024, r.earlyPages)
			f.ratio = fmt.Sprintf("%.2f", float64(r.peak)/float64(r.early))
		}
		f.verdict = verdict(float64(r.peak)/1024 <= 500)
	}
	a.add(f)
	if len(r.marks) > 0 {
		var ms []string
		for _, m := range r.marks {
			ms = append(ms, fmt.Sprintf("%d: %.0f MB", m.pages, float64(m.hwm)/1024))
		}
		a.note("Memory, high-water mark of `intake ocr` by pages read: %s; %d: %.0f MB.", strings.Join(ms, ", "), r.read, float64(r.peak)/1024)
	}
	if r.err == nil && !r.complete {
		a.note("Memory: reading all %d pages takes about %s here (%.2f pages/s), more than the budget leaves, so `intake ocr` opened the whole file (opening a long PDF costs about its size, and that counts), read its first %d pages and was stopped. The reference is the same process's high-water mark after its first %d pages; pages stream (at most %d in flight), so what still grows is allocator and heap settling, which the marks by pages read show. The whole file: `make bench-ocr` (about %s).",
			o.RSSPages, fmtDur(a.perPage(o.RSSPages)), a.rate, r.read, r.earlyPages, o.Workers, fmtDur(a.perPage(o.RSSPages)+30*time.Second))
	}
	if r.complete {
		return fmt.Sprintf("all %d pages", o.RSSPages)
	}
	return fmt.Sprintf("%d of %d pages, then stopped", r.read, o.RSSPages)
}

// rssWithin runs `intake ocr` on path (total pages) and samples its memory until it ends or
// window has passed, when it is stopped.
func rssWithin(intake string, workers int, langs, path string, total, earlyPages int, window time.Duration) rssResult {
	r := rssResult{total: total, earlyPages: earlyPages}
	cmd := exec.Command(intake, "ocr", "--workers", strconv.Itoa(workers), "--lang", langs, path)
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		r.err = err
		return r
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		r.err = err
		return r
	}
	var read atomic.Int64
	waited := make(chan error, 1)
	go func() {
		br := bufio.NewReaderSize(out, 1<<16)
		prefix := "=== " + path + " page "
		for {
			line, err := br.ReadString('\n')
			if strings.HasPrefix(line, prefix) {
				read.Add(1)
			}
			if err != nil {
				break
			}
		}
		waited <- cmd.Wait()
	}()
	pid := cmd.Process.Pid
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	deadline := time.NewTimer(window)
	defer deadline.Stop()
	stopped := false
	var werr error
loop:
	for {
		select {
		case werr = <-waited:
			break loop
		case <-tick.C:
			if stopped {
				continue
			}
			_, hwm := procMem(pid)
			r.peak = max(r.peak, hwm)
			n := int(read.Load())
			if r.early == 0 && n >= earlyPages {
				r.early = hwm
			}
			if len(r.marks) < len(markAt) && n >= markAt[len(r.marks)] {
				r.marks = append(r.marks, rssMark{pages: n, hwm: hwm})
			}
		case <-deadline.C:
			stopped = true
			r.read, r.wall = int(read.Load()), time.Since(start)
			_, hwm := procMem(pid)
			r.peak = max(r.peak, hwm)
			cmd.Process.Signal(syscall.SIGTERM)
			kill := time.AfterFunc(20*time.Second, func() { cmd.Process.Kill() })
			defer kill.Stop()
		}
	}
	// No ru_maxrss after the end: it counts intake-bench's own memory (see peak.go). The
	// samples above, every 200 ms, are the figure.
	if !stopped {
		r.read, r.wall = int(read.Load()), time.Since(start)
		if werr != nil {
			r.err = fmt.Errorf("%s ocr: %v: %s", intake, werr, firstLine(errb.String()))
		}
		r.complete = r.err == nil && r.read >= total
	}
	return r
}

// markAt are the pages read at which the memory part notes the high-water mark.
var markAt = []int{1, 5, 10, 25, 50, 100, 150, 200, 250, 300, 400, 500}

// procMem is a process's resident set and its high-water mark, in kB (0 when gone).
func procMem(pid int) (rss, hwm int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "VmRSS:":
			rss, _ = strconv.ParseInt(f[1], 10, 64)
		case "VmHWM:":
			hwm, _ = strconv.ParseInt(f[1], 10, 64)
		}
	}
	return rss, hwm
}

func (a *allRun) e2eOptions() e2eOptions {
	return e2eOptions{Workers: a.o.Workers, Stores: "sqlite,postgres", DB: a.o.DB, Intake: a.o.Intake, Seed: a.o.Seed}
}

// e2ePart: the reduced corpus dropped at once on each store, the same files through
// `intake ocr` alone, and a 3-page fax alone.
func (a *allRun) e2ePart(cdir string, all []e2eInput) string {
	o := a.o
	eo := a.e2eOptions()
	inputs := all[:min(o.E2ECount, len(all))]
	pages := 0
	for _, in := range inputs {
		pages += in.pages
	}
	eo.Timeout = max(3*time.Minute, 4*a.perPage(pages))
	res := e2eMeasure(eo, a.work, cdir, inputs, a.say)
	ocrRate := float64(res.pages) / res.ocrWall.Seconds()
	storeName := map[string]string{"sqlite": "embedded store (SQLite)", "postgres": "PostgreSQL"}
	for _, r := range res.runs {
		f := figure{part: "3", what: fmt.Sprintf("end to end, %s: %d submissions (%d pages) dropped at once, until all committed", storeName[r.store], len(inputs), res.pages),
			reference: fmt.Sprintf("`intake ocr` alone %.2f pages/s (%s)", ocrRate, fmtDur(res.ocrWall)), target: "overhead ≤ +10%"}
		if r.err != nil {
			f.measured, f.verdict, f.ratio = "failed: "+r.err.Error(), "failed", "-"
			a.add(f)
			continue
		}
		over := r.wall.Seconds()/res.ocrWall.Seconds() - 1
		f.measured = fmt.Sprintf("%.2f pages/s (%s)", float64(r.pages)/r.wall.Seconds(), fmtDur(r.wall))
		f.ratio = fmt.Sprintf("overhead %+.0f%%", 100*over)
		f.verdict = verdict(over <= 0.10)
		a.add(f)
		rf := figure{part: "3", what: fmt.Sprintf("peak RSS of `intake run` in that run, %s", storeName[r.store]),
			measured: fmt.Sprintf("%.0f MB", float64(r.peakRSS)/1024), reference: "-", ratio: "-", target: "- (none set)", verdict: "-"}
		if res.ocrRSS > 0 && r.peakRSS > 0 {
			rf.reference = fmt.Sprintf("`intake ocr` alone, same files: %.0f MB", float64(res.ocrRSS)/1024)
			rf.ratio = fmt.Sprintf("%.2f", float64(r.peakRSS)/float64(res.ocrRSS))
		}
		a.add(rf)
		if r.quarantine > 0 {
			a.note("End to end, %s: %d of the %d inputs were quarantined (damaged on purpose by the corpus); they count in the wall time.", storeName[r.store], r.quarantine, r.inputs)
		}
	}
	if res.ocrErr != nil {
		a.note("End to end: `intake ocr` alone ended with %v (the corpus damages some inputs on purpose); its time still counts what it read.", res.ocrErr)
	}
	a.note("End to end: reduced to %d submissions (%d pages) to fit the budget; the issue's 200 take about an hour here: `make bench-e2e E2E_COUNT=200`. One run per store; the overhead is the whole run's wall time against `intake ocr` reading the same files with the same %d engines (watching, settling, claiming, hashing, archiving, classifying, committing).", len(inputs), pages, o.Workers)

	// The latency of a fax alone: from the whole corpus, so that a 3-page fax is there.
	if o.LatencyRuns > 0 {
		a.say("latency of a 3-page fax alone, %d times...", o.LatencyRuns)
		eo.LatencyRuns = o.LatencyRuns
		lat, latPages, err := e2eLatency(eo, a.work, cdir, all)
		f := figure{part: "3", what: fmt.Sprintf("latency, drop to committed case, a %d-page fax alone (embedded store, settle 300 ms), %d runs", latPages, len(lat)),
			target: "median ≤ 3 s", ratio: "-"}
		if err != nil || len(lat) == 0 {
			if err == nil {
				err = errors.New("no run")
			}
			f.what = "latency, drop to committed case, a fax alone"
			f.measured, f.verdict, f.reference = "failed: "+err.Error(), "failed", "-"
		} else {
			s := slices.Clone(lat)
			slices.Sort(s)
			med := s[len(s)/2]
			if len(s)%2 == 0 {
				med = (s[len(s)/2-1] + s[len(s)/2]) / 2
			}
			f.measured = fmt.Sprintf("median %.1f s (%.1f–%.1f s)", med.Seconds(), s[0].Seconds(), s[len(s)-1].Seconds())
			if res.ocrWall > 0 && res.pages > 0 {
				f.reference = fmt.Sprintf("%d pages at the `intake ocr` rate above: %.1f s", latPages, float64(latPages)/ocrRate)
			} else {
				f.reference = "-"
			}
			f.verdict = verdict(med <= 3*time.Second)
		}
		a.add(f)
	}
	return fmt.Sprintf("%d submissions (%d pages) on 2 stores, `intake ocr` alone, %d latency runs", len(inputs), pages, o.LatencyRuns)
}

// floodRun is one drop of many one-page faxes into a running service.
type floodRun struct {
	files, committed int
	window           time.Duration
	peak             int64    // kB
	halves           [2]int64 // highest RSS sampled in the first and the second half of the window
	err              error
}

// floodPart drops FloodFew, then FloodFiles one-page faxes at once into `intake run` and
// compares the service's peak memory.
func (a *allRun) floodPart(cdir string, inputs []e2eInput, window time.Duration) string {
	o := a.o
	page, err := floodPage(cdir, inputs)
	what := fmt.Sprintf("%d one-page faxes dropped at once: peak RSS of `intake run`", o.FloodFiles)
	if err != nil {
		a.add(figure{part: "4", what: what, measured: "failed: " + err.Error(), verdict: "failed"})
		return "failed"
	}
	eo := a.e2eOptions()
	a.say("%d one-page faxes dropped at once, until committed...", o.FloodFew)
	few := floodDrop(eo, filepath.Join(a.work, "flood-few"), page, o.FloodFew, max(2*time.Minute, 3*a.perPage(o.FloodFew)), true)
	a.say("%d one-page faxes dropped at once, memory sampled for %s...", o.FloodFiles, fmtDur(window))
	many := floodDrop(eo, filepath.Join(a.work, "flood-many"), page, o.FloodFiles, window, false)
	f := figure{part: "4", what: fmt.Sprintf("%s, sampled for %s while they queue (%d committed, %d waiting)", what, fmtDur(many.window), many.committed, o.FloodFiles-many.committed),
		target: fmt.Sprintf("bounded: ≤ 1.5 × the %d-file peak", o.FloodFew), ratio: "-"}
	switch {
	case many.err != nil:
		f.measured, f.verdict = "failed: "+many.err.Error(), "failed"
	case few.err != nil:
		f.measured, f.verdict = fmt.Sprintf("%.0f MB", float64(many.peak)/1024), "failed"
		f.reference = "failed: " + few.err.Error()
	default:
		f.measured = fmt.Sprintf("%.0f MB", float64(many.peak)/1024)
		f.reference = fmt.Sprintf("%d files: %.0f MB (%d committed in %s)", o.FloodFew, float64(few.peak)/1024, few.committed, fmtDur(few.window))
		ratio := float64(many.peak) / float64(few.peak)
		f.ratio = fmt.Sprintf("%.2f", ratio)
		f.verdict = verdict(ratio <= 1.5)
	}
	a.add(f)
	if many.err == nil {
		a.note("%d files: highest RSS in the first half of the window %.0f MB, in the second half %.0f MB. Bounded here means not growing with the files waiting: %d times the files may cost at most 1.5 times the memory (the longer run also reads more pages, so allocator arenas and the Go heap settle higher than after a few). What bounds it: the watcher keeps only paths (no file content), hands out one file at a time to each of the `--files` workers (2), and each file's pages stream (at most three page images in flight per file); the engines (%d, eng+spa) are most of it. The files are copies of one generated fax page (fax fine, G4 TIFF) with 16 random bytes appended, so each is new content (a distinct SHA-256), not a duplicate.",
			o.FloodFiles, float64(many.halves[0])/1024, float64(many.halves[1])/1024, o.FloodFiles/o.FloodFew, o.Workers)
	}
	return fmt.Sprintf("%d files until committed, then %d files sampled for %s", o.FloodFew, o.FloodFiles, fmtDur(many.window))
}

// floodPage is a one-page fax (G4 TIFF, fax fine): the first page of the corpus's first
// TIFF fax.
func floodPage(cdir string, inputs []e2eInput) ([]byte, error) {
	for _, in := range inputs {
		if in.channel != "fax" || !strings.HasSuffix(in.name, ".tif") {
			continue
		}
		doc, err := raster.OpenFile(filepath.Join(cdir, in.name), raster.Limits{})
		if err != nil {
			return nil, err
		}
		p, err := doc.Page(0)
		doc.Close()
		if err != nil {
			return nil, err
		}
		xres, yres := p.XDPI, p.YDPI
		if xres <= 0 || yres <= 0 {
			xres, yres = 204, 196
		}
		var b bytes.Buffer
		err = scanout.WriteTIFF(&b, []scanout.TIFFPage{{Image: p.Image, XRes: xres, YRes: yres}}, scanout.TIFFOptions{Compression: scanout.CompressionG4})
		return b.Bytes(), err
	}
	return nil, fmt.Errorf("the corpus has no TIFF fax")
}

// floodDrop writes n copies of page (each made new by bytes appended) into a staging
// folder, starts `intake run` on the embedded store, renames them all into its fax inbox
// and samples its memory for window, or until all are committed when untilDone.
func floodDrop(eo e2eOptions, root string, page []byte, n int, window time.Duration, untilDone bool) floodRun {
	r := floodRun{files: n}
	os.RemoveAll(root)
	data, inbox, stage := filepath.Join(root, "data"), filepath.Join(root, "fax"), filepath.Join(root, "stage")
	for _, d := range []string{inbox, stage} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			r.err = err
			return r
		}
	}
	names := make([]string, n)
	for i := range n {
		// Named the fax server's way (its time and caller): no wait for a sidecar.
		names[i] = fmt.Sprintf("20261127-%02d%02d%02d-555%07d.tif", 8+i/3600, i/60%60, i%60, i)
		if err := os.WriteFile(filepath.Join(stage, names[i]), append(slices.Clip(page), nonce()...), 0o644); err != nil {
			r.err = err
			return r
		}
	}
	svc, err := startIntake(eo, data, "", map[string]string{"fax": inbox}, 500*time.Millisecond, "--grace", "2s")
	if err != nil {
		r.err = err
		return r
	}
	defer svc.stop()
	ctx := context.Background()
	st, err := store.Open(ctx, "", data)
	if err != nil {
		r.err = err
		return r
	}
	defer st.Close()
	pid := svc.cmd.Process.Pid
	start := time.Now()
	for _, name := range names {
		if err := os.Rename(filepath.Join(stage, name), filepath.Join(inbox, name)); err != nil {
			r.err = err
			return r
		}
	}
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	lastCount := time.Now()
	for range tick.C {
		el := time.Since(start)
		rss, hwm := procMem(pid)
		if rss == 0 {
			r.err = fmt.Errorf("intake run exited")
			return r
		}
		r.peak = max(r.peak, hwm)
		h := 0
		if el >= window/2 {
			h = 1
		}
		r.halves[h] = max(r.halves[h], rss)
		if untilDone && time.Since(lastCount) >= time.Second {
			lastCount = time.Now()
			if c, _, err := committed(ctx, st); err == nil {
				r.committed = c
				if c >= n {
					break
				}
			}
		}
		if el >= window {
			if untilDone {
				r.err = fmt.Errorf("%d of %d committed after %s", r.committed, n, fmtDur(window))
			}
			break
		}
	}
	r.window = time.Since(start)
	if c, _, err := committed(ctx, st); err == nil {
		r.committed = c
	}
	return r
}

// storePart runs the two Go benchmarks on PostgreSQL and reads the metrics they report.
func (a *allRun) storePart(bins, dirs map[string]string) string {
	o := a.o
	env := []string{"INTAKE_TEST_DATABASE_URL=" + o.DB, "INTAKE_BENCH_CASES=" + strconv.Itoa(o.Cases), "INTAKE_BENCH_DUE=" + strconv.Itoa(o.Due)}

	attach := figure{part: "5", what: fmt.Sprintf("attaching a follow-up letter among %s cases on PostgreSQL (both matching queries, document, fields, link, event; one transaction), %d attachments", thousands(o.Cases), 100*o.AttachOps),
		reference: "-", ratio: "-", target: "median ≤ 20 ms"}
	a.say("BenchmarkAttachFollowUp, %s cases (loading them is not timed)...", thousands(o.Cases))
	m, err := goBench(bins["intake/sinks/store"], dirs["intake/sinks/store"], env, "AttachFollowUp", o.AttachOps)
	if err != nil {
		attach.measured, attach.verdict = "failed: "+err.Error(), "failed"
	} else {
		attach.measured = fmt.Sprintf("median %.1f ms (95th percentile %.1f ms)", m["median-ms"], m["p95-ms"])
		attach.verdict = verdict(m["median-ms"] <= 20)
	}
	a.add(attach)

	night := figure{part: "5", what: fmt.Sprintf("one night of the acknowledgement job, %s due cases on PostgreSQL (letters rendered, recorded, print batch and manifest)", thousands(o.Due)),
		reference: "-", ratio: "-", target: "≤ 60 s"}
	a.say("BenchmarkNightAtScale, %s due cases...", thousands(o.Due))
	m, err = goBench(bins["intake/pipeline/ack"], dirs["intake/pipeline/ack"], env, "NightAtScale", 1)
	if err != nil {
		night.measured, night.verdict = "failed: "+err.Error(), "failed"
	} else {
		d := time.Duration(m["ns/op"])
		night.measured = fmt.Sprintf("%s (%.0f letters)", fmtDur(d), m["letters"])
		night.verdict = verdict(d <= time.Minute)
	}
	a.add(night)
	a.note("Store at scale: `go test -run '^$' -bench AttachFollowUp -benchtime %dx ./sinks/store` and `-bench NightAtScale -benchtime 1x ./pipeline/ack` with INTAKE_BENCH_CASES=%d, INTAKE_BENCH_DUE=%d (`make bench-go` runs every Go benchmark); loading the cases is not timed. Absolute targets: there is no other store to compare with.", o.AttachOps, o.Cases, o.Due)
	return fmt.Sprintf("%s cases, %d attachments; a night of %s due cases", thousands(o.Cases), 100*o.AttachOps, thousands(o.Due))
}

// goBench runs one benchmark of a compiled test binary and returns the metrics of its result
// line by unit (ns/op and what it reports).
func goBench(bin, dir string, env []string, name string, times int) (map[string]float64, error) {
	if bin == "" {
		return nil, fmt.Errorf("the benchmark was not built (see the setup message)")
	}
	cmd := exec.Command(bin, "-test.run", "^$", "-test.bench", "^Benchmark"+name+"$", "-test.benchtime", fmt.Sprintf("%dx", times), "-test.timeout", "30m")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark"+name) {
			continue
		}
		m := map[string]float64{}
		for i := 2; i+1 < len(f); i += 2 {
			v, perr := strconv.ParseFloat(f[i], 64)
			if perr == nil {
				m[f[i+1]] = v
			}
		}
		if _, ok := m["ns/op"]; ok {
			return m, nil
		}
	}
	if err == nil {
		err = fmt.Errorf("no result line")
	}
	// The reason is in the output: a FAIL line or the first error.
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for _, l := range lines {
		if t := strings.TrimSpace(l); strings.Contains(t, ".go:") {
			return nil, fmt.Errorf("%v: %s", err, t)
		}
	}
	return nil, fmt.Errorf("%v: %s", err, firstLine(string(out)))
}

// table writes the results as Markdown.
func (a *allRun) table(w io.Writer, mode string, versions []string, loadStart string, total time.Duration) {
	o := a.o
	host, _ := os.Hostname()
	fmt.Fprintf(w, "# intake benchmarks (`make bench`), %s\n\n", time.Now().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "Machine: %s (%s), %d cores, %s memory; load average %s at the start, %s at the end; %s; %s.\n\n",
		host, cpuName(), runtime.NumCPU(), memTotal(), loadStart, loadAvg(), runtime.Version(), strings.Join(versions, ", "))
	fmt.Fprintf(w, "Mode: %s. Total %s for a budget of %s. %d OCR engines everywhere, languages %s. Every figure stands beside its reference measured in this run; benchmarks never fail on timing.\n\n",
		mode, fmtDur(total), fmtDur(o.Budget), o.Workers, o.Langs)
	fmt.Fprintf(w, "| # | figure | measured | reference (same run) | ratio | target | verdict |\n|---|---|---|---|---|---|---|\n")
	cell := func(s string) string {
		if s == "" {
			return "-"
		}
		return strings.ReplaceAll(strings.ReplaceAll(s, "|", "\\|"), "\n", " ")
	}
	met, notMet, failed := 0, 0, 0
	for _, f := range a.figures {
		switch f.verdict {
		case "met":
			met++
		case "not met":
			notMet++
		case "failed":
			failed++
		}
		v := f.verdict
		if v == "not met" || v == "failed" {
			v = "**" + v + "**"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", f.part, cell(f.what), cell(f.measured), cell(f.reference), cell(f.ratio), cell(f.target), cell(v))
	}
	fmt.Fprintf(w, "\nTargets: %d met, %d not met, %d failed to measure.\n\n", met, notMet, failed)
	fmt.Fprintf(w, "| part | budget | actual | what it ran |\n|---|---|---|---|\n")
	for _, p := range a.parts {
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", p.name, fmtDur(p.budget), fmtDur(p.actual), cell(p.what))
	}
	fmt.Fprintf(w, "| total | %s | %s | |\n\n", fmtDur(o.Budget), fmtDur(total))
	for _, n := range a.notes {
		fmt.Fprintf(w, "- %s\n", n)
	}
}

// fmtDur prints a duration for people: 850 ms, 4.2 s, 1 min 3 s.
func fmtDur(d time.Duration) string {
	switch {
	case d < 0:
		return "-" + fmtDur(-d)
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%.0f s", d.Seconds())
	}
	s := int(math.Round(d.Seconds()))
	if s%60 == 0 {
		return fmt.Sprintf("%d min", s/60)
	}
	return fmt.Sprintf("%d min %d s", s/60, s%60)
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// cpuName is the CPU's model name.
func cpuName() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func memTotal() string {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "MemTotal:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return fmt.Sprintf("%.1f GiB", kb/(1<<20))
		}
	}
	return "unknown"
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// toolVersions names the versions of the references.
func toolVersions() []string {
	var out []string
	for _, t := range []struct{ name, arg string }{{"tesseract", "--version"}, {"ocrmypdf", "--version"}} {
		b, err := exec.Command(t.name, t.arg).CombinedOutput()
		v := firstLine(string(b))
		switch {
		case err != nil:
			out = append(out, t.name+" missing")
		case strings.HasPrefix(v, t.name):
			out = append(out, v)
		default:
			out = append(out, t.name+" "+v)
		}
	}
	return out
}
