// Command intake-bench measures intake on this machine and prints a table; every figure
// stands beside its reference measured in the same run. It is a benchmark, not a test:
// nothing fails on timing. `make bench` runs `intake-bench all` (every part, reduced to fit
// 15 minutes, one table), `make bench-ocr` runs `intake-bench ocr` and `make bench-e2e`
// runs `intake-bench e2e`.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"intake/ocr"
)

func main() {
	if err := ocr.SingleThreaded(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "e2e" {
		return runE2E(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "all" {
		return runAll(args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "ocr" {
		fmt.Fprintln(stderr, "usage: intake-bench all|ocr|e2e [flags]   (see -h)")
		return 2
	}
	fs := flag.NewFlagSet("intake-bench ocr", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := ocrBenchOptions{}
	fs.IntVar(&o.Pages, "pages", 16, "pages per condition (whole files are taken until there are at least this many)")
	fs.IntVar(&o.RSSPages, "rss-pages", 300, "pages of the scanned PDF whose peak memory is measured (0 to skip)")
	fs.IntVar(&o.Workers, "workers", 2, "parallel workers for every contender")
	fs.StringVar(&o.Langs, "lang", "eng+spa", "Tesseract languages for every contender")
	fs.BoolVar(&o.SkipOCRmyPDF, "skip-ocrmypdf", false, "do not run ocrmypdf")
	fs.StringVar(&o.Intake, "intake", "bin/intake", "the intake binary measured for memory")
	fs.StringVar(&o.Work, "work", "", "folder for generated files (default: a temporary folder, removed after)")
	fs.Uint64Var(&o.Seed, "seed", 4242, "corpus seed")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if err := benchOCR(o, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "intake-bench: %v\n", err)
		return 1
	}
	return 0
}

func runE2E(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("intake-bench e2e", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := e2eOptions{}
	fs.IntVar(&o.Count, "count", 200, "submissions dropped at once")
	fs.IntVar(&o.Workers, "workers", 2, "OCR engines of the service and of `intake ocr`")
	fs.IntVar(&o.LatencyRuns, "latency-runs", 7, "times a 3-page fax is dropped alone")
	fs.StringVar(&o.Stores, "stores", "sqlite,postgres", "stores to run on, comma-separated: sqlite, postgres")
	db := os.Getenv("INTAKE_TEST_DATABASE_URL")
	if db == "" {
		db = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	fs.StringVar(&o.DB, "db", db, "PostgreSQL database (a schema of its own is made and dropped)")
	fs.StringVar(&o.Intake, "intake", "bin/intake", "the intake binary")
	fs.StringVar(&o.Work, "work", "", "folder for generated files (default: a temporary folder, removed after)")
	fs.Uint64Var(&o.Seed, "seed", 4242, "corpus seed")
	fs.DurationVar(&o.Timeout, "timeout", time.Hour, "give up on a run after this long")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := benchE2E(o, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "intake-bench: %v\n", err)
		return 1
	}
	return 0
}

// workDir is the folder a benchmark writes in: dir when given (kept), else a temporary
// one that done removes.
func workDir(dir, prefix string) (work string, done func(), err error) {
	if dir != "" {
		return dir, func() {}, nil
	}
	d, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", nil, err
	}
	return d, func() { os.RemoveAll(d) }, nil
}

// sayTo prints a progress line to w.
func sayTo(w io.Writer) func(format string, a ...any) {
	return func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
}
