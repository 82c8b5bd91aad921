package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"intake/ocr"
	"intake/ocr/raster"
	"intake/pipeline"
	"intake/pipeline/source"
	"intake/sinks/archive"
	"intake/sinks/store"
)

// common holds the flags every command that touches the store shares.
type common struct {
	db, data string
	workers  int
	lang     string
	logLevel string
	due      pipeline.DueRule

	limits                   raster.Limits // sizes in MiB as given
	pageTimeout, fileTimeout time.Duration
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.db, "db", os.Getenv("INTAKE_DB"), "store: postgres://... for PostgreSQL (default: the embedded store in the data folder)")
	fs.StringVar(&c.data, "data", envOr("INTAKE_DATA", "./intake-data"), "data folder: embedded store, archive, letters, quarantine")
	fs.IntVar(&c.workers, "workers", 0, "OCR engines (default: one per CPU)")
	fs.StringVar(&c.lang, "lang", "eng+spa", "Tesseract languages, joined with +")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.IntVar(&c.due.Days, "ack-days", 5, "days after receipt by which a new case's acknowledgement is due")
	fs.BoolVar(&c.due.BusinessDays, "ack-business-days", false, "count --ack-days as business days (no weekends or California state holidays)")
	// Limits on what one input may cost: over them, it goes to quarantine saying which.
	fs.Int64Var(&c.limits.MaxFileBytes, "max-file-mb", raster.DefaultMaxFileBytes>>20, "largest input file, in MiB")
	fs.IntVar(&c.limits.MaxPages, "max-pages", raster.DefaultMaxPages, "most pages in one input")
	fs.Int64Var(&c.limits.MaxPagePixels, "max-page-pixels", raster.DefaultMaxPagePixels, "most pixels (width x height) of one page image")
	fs.Int64Var(&c.limits.MaxDecodedBytes, "max-decoded-mb", raster.DefaultMaxDecoded>>20, "most a PDF page's content, or one of its object streams, may decompress to, in MiB")
	fs.DurationVar(&c.pageTimeout, "page-timeout", 60*time.Second, "longest time to read one page")
	fs.DurationVar(&c.fileTimeout, "file-timeout", 30*time.Minute, "longest time to read one input, all its pages")
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// logger writes JSON lines to w (stderr) at the level asked for. Logs carry ids, never
// health information.
func (c *common) logger(w io.Writer) *slog.Logger {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.logLevel)); err != nil {
		lvl = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lvl}))
}

func (c *common) openStore(ctx context.Context) (*store.Store, error) {
	return store.Open(ctx, c.db, c.data)
}

// openPipeline opens the store, the archive and the OCR engines and wires a Processor over
// them; closeAll releases them.
func (c *common) openPipeline(ctx context.Context, log *slog.Logger) (*store.Store, *pipeline.Processor, func(), error) {
	st, err := c.openStore(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	arc, err := archive.New(c.data, pipeline.HelpCenterZone)
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	pool, err := ocr.NewPool(ocr.PoolOptions{Workers: c.workers, Languages: strings.Split(c.lang, "+"), KeepImage: true, PageTimeout: c.pageTimeout})
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	lim := c.limits
	lim.MaxFileBytes <<= 20
	lim.MaxDecodedBytes <<= 20
	proc := &pipeline.Processor{Pool: pool, Store: st, Archive: arc, Actor: actor(), Log: log, Inflight: pool.Workers() + 1, Due: c.due,
		Limits: lim, FileTimeout: c.fileTimeout}
	return st, proc, func() { pool.Close(); st.Close() }, nil
}

// actor names this process in the event log.
func actor() string {
	h, _ := os.Hostname()
	return fmt.Sprintf("intake@%s:%d", h, os.Getpid())
}

func cmdProcess(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("intake process", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var c common
	c.register(fl)
	asJSON := fl.Bool("json", false, "print one result record per input file as JSON Lines")
	channel := fl.String("channel", "", "mail or fax (default: from the sidecar or the file name)")
	receivedFlag := fl.String("received", "", "received time (RFC 3339) for every file given (default: from the fax metadata, the file name or the file's time)")
	fl.String("config", "", "configuration file (not read yet)")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: intake process [--json] [--db URL] [--data DIR] [--channel mail|fax] [--received TIME] PATH...")
		return 2
	}
	if *channel != "" && *channel != "mail" && *channel != "fax" {
		fmt.Fprintf(stderr, "intake process: --channel must be mail or fax\n")
		return 2
	}
	var received time.Time
	if *receivedFlag != "" {
		t, err := time.Parse(time.RFC3339, *receivedFlag)
		if err != nil {
			fmt.Fprintf(stderr, "intake process: --received must be a time like 2026-11-24T09:30:12-08:00\n")
			return 2
		}
		received = t
	}
	paths, err := inputFiles(fl.Args())
	if err != nil {
		fmt.Fprintf(stderr, "intake process: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := c.logger(stderr)

	_, proc, closeAll, err := c.openPipeline(ctx, log)
	if err != nil {
		fmt.Fprintf(stderr, "intake process: %v\n", err)
		return 2
	}
	defer closeAll()

	var counts = map[string]int{}
	var cases []string
	for _, path := range paths {
		it, err := describe(path, *channel, received)
		if err != nil {
			fmt.Fprintf(stderr, "intake process: %v\n", err)
			return 2
		}
		var o *pipeline.Outcome
		for attempt := 0; ; attempt++ {
			o, err = proc.Process(ctx, it)
			var perm *pipeline.Permanent
			if errors.As(err, &perm) {
				o, err = proc.Quarantine(ctx, it, perm.Reason)
			}
			if err == nil || ctx.Err() != nil || attempt == 4 || !(store.Transient(err) || pipeline.IsDiskFull(err)) {
				break
			}
			log.Warn("waiting to retry", "claim", it.ClaimID, "error", err)
			time.Sleep(time.Duration(attempt+1) * 2 * time.Second)
		}
		if err != nil {
			fmt.Fprintf(stderr, "intake process: %s: %v\n", it.Name, err)
			return 1
		}
		counts[o.Record.Status]++
		if *asJSON {
			b, _ := json.Marshal(o.Record)
			fmt.Fprintf(stdout, "%s\n", b)
			continue
		}
		fmt.Fprintln(stdout, summaryLine(path, o.Record))
		for _, cs := range o.Record.Cases {
			if cs.Number != nil && cs.Action == "created" {
				cases = append(cases, *cs.Number)
			}
		}
	}
	if !*asJSON {
		fmt.Fprintf(stdout, "\n%d files: %d processed, %d duplicates, %d quarantined; %d cases opened. Data folder: %s\n",
			len(paths), counts["processed"], counts["duplicate"], counts["quarantined"], len(cases), c.data)
	}
	if counts["quarantined"] > 0 {
		return 1
	}
	return 0
}

// summaryLine is one line for a person: the file, what it held, what became of its cases.
// It names files and case numbers, never what the documents say.
func summaryLine(path string, r pipeline.ResultRecord) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", filepath.Base(path), r.Status)
	if r.Error != nil {
		fmt.Fprintf(&b, ": %s", *r.Error)
		return b.String()
	}
	if len(r.Documents) > 0 {
		kinds := map[string]int{}
		for _, d := range r.Documents {
			kinds[d.Kind]++
		}
		var ks []string
		for k, n := range kinds {
			if n > 1 {
				ks = append(ks, fmt.Sprintf("%d %s", n, k))
			} else {
				ks = append(ks, k)
			}
		}
		sort.Strings(ks)
		fmt.Fprintf(&b, ", %d pages (%s)", r.Input.Pages, strings.Join(ks, ", "))
	}
	for _, c := range r.Cases {
		n := "no case"
		if c.Number != nil {
			n = "case " + *c.Number
		}
		fmt.Fprintf(&b, "; %s %s", n, c.Action)
		if c.Action == "created" {
			fmt.Fprintf(&b, " (%s", c.Kind)
			if c.Urgent {
				b.WriteString(", urgent")
			}
			b.WriteString(")")
		}
		if c.Reason != "" {
			fmt.Fprintf(&b, ": %s", c.Reason)
		}
	}
	return b.String()
}

// inputFiles expands the paths given: files as they are, folders recursively (in the order
// of a sequence.txt when the folder has one), skipping hidden files, sidecars and other
// files that are not inputs.
func inputFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("%s: no such file or folder", a)
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		if b, err := os.ReadFile(filepath.Join(a, "sequence.txt")); err == nil {
			for _, l := range strings.Split(string(b), "\n") {
				if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
					out = append(out, filepath.Join(a, l))
				}
			}
			continue
		}
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if p != a && strings.HasPrefix(name, ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			switch strings.ToLower(filepath.Ext(name)) {
			case ".json", ".txt", ".md", ".tmp", ".part":
				return nil
			}
			out = append(out, p)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// describe makes the item for a file given to intake process. Its claim is unique to this
// run: giving the same file again later records a duplicate.
func describe(path, channel string, received time.Time) (pipeline.Item, error) {
	m, err := source.Describe(path, source.Hints{Channel: channel}, pipeline.HelpCenterZone)
	if err != nil {
		return pipeline.Item{}, err
	}
	it := pipeline.Item{Path: path, Name: pipeline.ItemName(path), Channel: m.Channel, Station: m.Station, ReceivedAt: m.ReceivedAt}
	if !received.IsZero() {
		it.ReceivedAt = received
	}
	if m.Fax != nil {
		it.Fax, _ = json.Marshal(m.Fax)
	}
	id, err := pipeline.NewClaimID()
	if err != nil {
		return pipeline.Item{}, err
	}
	it.ClaimID = "process-" + id
	return it, nil
}
