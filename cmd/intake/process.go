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

// common holds the configuration every command that touches the store shares: the
// file's, the environment's, then the command line's (see config.go).
type common struct {
	cfg        *Config
	fs         *flag.FlagSet
	inboxGiven bool // --inbox was given: the command line's inboxes replace the file's
}

// register loads the configuration named in args (or INTAKE_CONFIG) and the environment,
// and defines the shared flags with what they hold as defaults, so that a flag given
// overrides both and the help shows what is in force.
func (c *common) register(fs *flag.FlagSet, args []string) error {
	cfg, err := loadConfig(configPath(args))
	if err != nil {
		return err
	}
	c.cfg, c.fs = &cfg, fs
	fs.String("config", configPath(args), "configuration file (TOML; see intake.example.toml); or INTAKE_CONFIG")
	fs.StringVar(&cfg.DB, "db", cfg.DB, "store: postgres://USER@HOST/DB for PostgreSQL, the password in INTAKE_DB_PASSWORD (default: the embedded store in the data folder); or INTAKE_DB")
	fs.StringVar(&cfg.DBSSLMode, "db-sslmode", cfg.DBSSLMode, "PostgreSQL TLS: disable, require, verify-ca, verify-full (default: the URL's, else lib/pq's)")
	fs.StringVar(&cfg.Data, "data", cfg.Data, "data folder: embedded store, archive, letters, quarantine; or INTAKE_DATA")
	fs.IntVar(&cfg.OCR.Workers, "workers", cfg.OCR.Workers, "OCR engines (0: one per CPU)")
	fs.Func("lang", "Tesseract languages, joined with + (default "+strings.Join(cfg.OCR.Languages, "+")+")", func(v string) error {
		cfg.OCR.Languages = strings.Split(v, "+")
		return nil
	})
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "log level: debug, info, warn, error; or INTAKE_LOG_LEVEL")
	fs.IntVar(&cfg.Ack.Days, "ack-days", cfg.Ack.Days, "days after receipt by which a new case's acknowledgement is due")
	fs.BoolVar(&cfg.Ack.BusinessDays, "ack-business-days", cfg.Ack.BusinessDays, "count --ack-days as business days (no weekends or California state holidays)")
	// Limits on what one input may cost: over them, it goes to quarantine saying which.
	fs.Int64Var(&cfg.Limits.MaxFileMB, "max-file-mb", cfg.Limits.MaxFileMB, "largest input file, in MiB")
	fs.IntVar(&cfg.Limits.MaxPages, "max-pages", cfg.Limits.MaxPages, "most pages in one input")
	fs.Int64Var(&cfg.Limits.MaxPagePixels, "max-page-pixels", cfg.Limits.MaxPagePixels, "most pixels (width x height) of one page image")
	fs.Int64Var(&cfg.Limits.MaxDecodedMB, "max-decoded-mb", cfg.Limits.MaxDecodedMB, "most a PDF page's content, or one of its object streams, may decompress to, in MiB")
	fs.DurationVar((*time.Duration)(&cfg.OCR.PageTimeout), "page-timeout", time.Duration(cfg.OCR.PageTimeout), "longest time to read one page")
	fs.DurationVar((*time.Duration)(&cfg.Limits.FileTimeout), "file-timeout", time.Duration(cfg.Limits.FileTimeout), "longest time to read one input, all its pages")
	return nil
}

// registerService defines the flags of the service (intake run, intake config check).
func (c *common) registerService(fs *flag.FlagSet) {
	cfg := c.cfg
	fs.Func("inbox", "an inbox folder to watch: DIR[,channel=mail|fax][,station=NAME] (repeatable; replaces the configuration's inboxes)", func(v string) error {
		in, err := parseInbox(v)
		if err != nil {
			return err
		}
		if !c.inboxGiven {
			cfg.Inboxes, c.inboxGiven = nil, true
		}
		cfg.Inboxes = append(cfg.Inboxes, in)
		return nil
	})
	fs.DurationVar((*time.Duration)(&cfg.Watch.Poll), "poll", time.Duration(cfg.Watch.Poll), "look for new files at this interval instead of waiting for events (network shares)")
	fs.DurationVar((*time.Duration)(&cfg.Watch.Settle), "settle", time.Duration(cfg.Watch.Settle), "a file is taken once its size and time have not changed for this long")
	fs.DurationVar((*time.Duration)(&cfg.Watch.Rescan), "rescan", time.Duration(cfg.Watch.Rescan), "a full rescan of every inbox at this interval, in any mode")
	fs.DurationVar((*time.Duration)(&cfg.Watch.GiveUp), "give-up", time.Duration(cfg.Watch.GiveUp), "a file that still does not look complete (a PDF without its end) after this long is taken anyway, and quarantined if it is damaged")
	fs.StringVar(&cfg.Instance, "instance", cfg.Instance, "this instance's name, for its spool inside each inbox (default: the host name); instances sharing an inbox need different names; or INTAKE_INSTANCE")
	fs.IntVar(&cfg.Files, "files", cfg.Files, "files processed at once")
	fs.DurationVar((*time.Duration)(&cfg.Grace), "grace", time.Duration(cfg.Grace), "on SIGTERM, how long to wait for the workers to stop")
	fs.StringVar(&cfg.Ack.Schedule, "ack-schedule", cfg.Ack.Schedule, "when to make the acknowledgement letters (cron, Help Center time); \"off\" for never")
	fs.StringVar(&cfg.HTTP, "http", cfg.HTTP, "address for /healthz, /readyz and /metrics, e.g. 127.0.0.1:8080 (default: none); or INTAKE_HTTP")
}

// parseInbox reads DIR[,channel=mail|fax][,station=NAME].
func parseInbox(v string) (InboxConfig, error) {
	parts := strings.Split(v, ",")
	in := InboxConfig{Path: parts[0]}
	if in.Path == "" {
		return in, errors.New("an inbox needs a folder")
	}
	for _, p := range parts[1:] {
		k, val, ok := strings.Cut(p, "=")
		switch {
		case ok && k == "channel" && (val == "mail" || val == "fax"):
			in.Channel = val
		case ok && k == "station":
			in.Station = val
		default:
			return in, fmt.Errorf("%q: expected channel=mail|fax or station=NAME", p)
		}
	}
	return in, nil
}

// problems checks the configuration once the flags are parsed, reading the password file;
// each is a sentence.
func (c *common) problems(service bool) []string {
	var out []string
	// Anyone on the machine can read a command line.
	c.fs.Visit(func(f *flag.Flag) {
		if f.Name == "db" && hasPassword(f.Value.String()) {
			out = append(out, "--db holds a password, which anyone on the machine can read; give it in INTAKE_DB_PASSWORD or db_password_file instead")
		}
	})
	if err := c.cfg.finish(); err != nil {
		out = append(out, err.Error())
	}
	return append(out, c.cfg.Validate(service)...)
}

// ready is problems as one error, a usage error.
func (c *common) ready(service bool) error {
	if p := c.problems(service); len(p) > 0 {
		return errors.New(strings.Join(p, "; "))
	}
	return nil
}

// logger writes to w (stderr) at the level asked for: JSON lines, for a journal or a log
// collector, unless w is a terminal, where a person reads key=value lines. Logs carry ids,
// never health information.
func (c *common) logger(w io.Writer) *slog.Logger { return c.loggerAs(w, isTerminal(w)) }

// loggerAs is logger, text or JSON as told.
func (c *common) loggerAs(w io.Writer, text bool) *slog.Logger {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.cfg.LogLevel)); err != nil {
		lvl = slog.LevelInfo
	}
	o := &slog.HandlerOptions{Level: lvl}
	if text {
		return slog.New(slog.NewTextHandler(w, o))
	}
	return slog.New(slog.NewJSONHandler(w, o))
}

func (c *common) openStore(ctx context.Context) (*store.Store, error) {
	dsn, err := c.cfg.dsn()
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, dsn, c.cfg.Data)
}

// rasterLimits are the limits on what one input may cost, in bytes.
func (c *common) rasterLimits() raster.Limits {
	l := c.cfg.Limits
	return raster.Limits{MaxFileBytes: l.MaxFileMB << 20, MaxPages: l.MaxPages, MaxPagePixels: l.MaxPagePixels,
		MaxDecodedBytes: l.MaxDecodedMB << 20}
}

func (c *common) due() pipeline.DueRule {
	return pipeline.DueRule{Days: c.cfg.Ack.Days, BusinessDays: c.cfg.Ack.BusinessDays}
}

// openPipeline opens the store, the archive and the OCR engines and wires a Processor over
// them; closeAll releases them.
func (c *common) openPipeline(ctx context.Context, log *slog.Logger) (*store.Store, *pipeline.Processor, func(), error) {
	st, err := c.openStore(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	cfg := c.cfg
	arc, err := archive.New(cfg.Data, pipeline.HelpCenterZone)
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	pool, err := ocr.NewPool(ocr.PoolOptions{Workers: cfg.OCR.Workers, Languages: cfg.OCR.Languages, KeepImage: true,
		PageTimeout: time.Duration(cfg.OCR.PageTimeout)})
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	proc := &pipeline.Processor{Pool: pool, Store: st, Archive: arc, Actor: actor(), Log: log, Inflight: pool.Workers() + 1,
		Due: c.due(), Limits: c.rasterLimits(), FileTimeout: time.Duration(cfg.Limits.FileTimeout)}
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
	if err := c.register(fl, args); err != nil {
		fmt.Fprintf(stderr, "intake process: %v\n", err)
		return 2
	}
	asJSON := fl.Bool("json", false, "print one result record per input file as JSON Lines")
	channel := fl.String("channel", "", "mail or fax (default: from the sidecar or the file name)")
	receivedFlag := fl.String("received", "", "received time (RFC 3339) for every file given (default: from the fax metadata, the file name or the file's time)")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if err := c.ready(false); err != nil {
		fmt.Fprintf(stderr, "intake process: %v\n", err)
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
	prog := newProgress(stderr, paths, c.rasterLimits())
	defer prog.hide()
	log := c.loggerAs(prog.under(stderr), isTerminal(stderr))

	_, proc, closeAll, err := c.openPipeline(ctx, log)
	if err != nil {
		fmt.Fprintf(stderr, "intake process: %v\n", err)
		return 2
	}
	defer closeAll()
	proc.PageRead = prog.page

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
		prog.hide()
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
			len(paths), counts["processed"], counts["duplicate"], counts["quarantined"], len(cases), c.cfg.Data)
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
