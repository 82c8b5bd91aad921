package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/robfig/cron/v3"

	"intake/pipeline"
	"intake/pipeline/watch"
	"intake/sinks/store"
)

// inboxFlags collects --inbox DIR[,channel=mail|fax][,station=NAME].
type inboxFlags []watch.Inbox

func (f *inboxFlags) String() string { return fmt.Sprint(*f) }

func (f *inboxFlags) Set(v string) error {
	parts := strings.Split(v, ",")
	in := watch.Inbox{Path: parts[0]}
	if in.Path == "" {
		return errors.New("an inbox needs a folder")
	}
	for _, p := range parts[1:] {
		k, val, ok := strings.Cut(p, "=")
		switch {
		case ok && k == "channel" && (val == "mail" || val == "fax"):
			in.Channel = val
		case ok && k == "station":
			in.Station = val
		default:
			return fmt.Errorf("%q: expected channel=mail|fax or station=NAME", p)
		}
	}
	*f = append(*f, in)
	return nil
}

// cronLogger writes robfig/cron's messages to the service's log.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("schedule: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("schedule: "+msg, append(kv, "error", err)...)
}

func cmdRun(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("intake run", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var c common
	c.register(fl)
	var inboxes inboxFlags
	fl.Var(&inboxes, "inbox", "an inbox folder to watch: DIR[,channel=mail|fax][,station=NAME] (repeatable)")
	poll := fl.Duration("poll", 0, "look for new files at this interval instead of waiting for events (network shares)")
	settle := fl.Duration("settle", watch.DefaultSettle, "a file is taken once its size and time have not changed for this long")
	rescan := fl.Duration("rescan", watch.DefaultRescan, "a full rescan of every inbox at this interval, in any mode")
	instance := fl.String("instance", "", "this instance's name, for its spool inside each inbox (default: the host name); instances sharing an inbox need different names")
	files := fl.Int("files", 2, "files processed at once")
	giveUp := fl.Duration("give-up", 2*time.Minute, "a file that still does not look complete (a PDF without its end) after this long is taken anyway, and quarantined if it is damaged")
	grace := fl.Duration("grace", 30*time.Second, "on SIGTERM, how long to wait for the workers to stop")
	ackSchedule := fl.String("ack-schedule", "0 2 * * *", "when to make the acknowledgement letters (cron, Help Center time); \"off\" for never")
	fl.String("http", "", "address for health and metrics (not built yet)")
	fl.String("config", "", "configuration file (not read yet)")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if len(inboxes) == 0 {
		fmt.Fprintln(stderr, "usage: intake run --inbox DIR[,channel=mail|fax][,station=NAME] [--inbox ...] [--db URL] [--data DIR] [--poll 30s]")
		return 2
	}
	if *instance == "" {
		h, err := os.Hostname()
		if err != nil || h == "" {
			h = "intake"
		}
		*instance = h
	}
	log := c.logger(stderr)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, proc, closeAll, err := c.openPipeline(ctx, log)
	if err != nil {
		fmt.Fprintf(stderr, "intake run: %v\n", err)
		return 2
	}
	defer closeAll()
	svc := &pipeline.Service{
		Inboxes:  inboxes,
		Instance: *instance,
		Watch:    watch.Options{Settle: *settle, Poll: *poll, Rescan: *rescan},
		Runner:   &pipeline.Runner{Processor: proc, Workers: *files, Refused: store.Refused, Log: log},
		Log:      log,

		GiveUpWaiting: *giveUp,
	}
	if *ackSchedule != "off" {
		job := newAckJob(st, c.data, log)
		cl := cronLogger{log}
		cr := cron.New(cron.WithLocation(pipeline.HelpCenterZone), cron.WithLogger(cl),
			cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)))
		if _, err := cr.AddFunc(*ackSchedule, func() {
			rep, err := job.Run(ctx, time.Now(), false)
			if err != nil {
				log.Error("acknowledgement run failed", "error", err)
				return
			}
			log.Info("acknowledgement run", "letters", len(rep.Letters), "cannot_acknowledge", len(rep.CannotAcknowledge),
				"overdue", len(rep.Overdue), "batch", rep.BatchPDF)
		}); err != nil {
			fmt.Fprintf(stderr, "intake run: --ack-schedule: %v\n", err)
			return 2
		}
		cr.Start()
		defer func() { <-cr.Stop().Done() }()
	}
	// The service stops taking files at the signal; files in flight get the grace period.
	work, cancelWork := context.WithCancel(context.Background())
	defer cancelWork()
	done := make(chan error, 1)
	go func() { done <- svc.Run(work) }()
	log.Info("watching", "inboxes", len(inboxes), "store", st.Backend(), "instance", *instance)
	select {
	case err = <-done:
	case <-ctx.Done():
		log.Info("stopping: files in flight are abandoned uncommitted and resume at the next start", "grace", grace.String())
		cancelWork()
		select {
		case err = <-done:
		case <-time.After(*grace):
			log.Warn("grace period over; unfinished files stay in the spool and resume at the next start")
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "intake run: %v\n", err)
		return 1
	}
	return 0
}
