package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/robfig/cron/v3"

	"intake/pipeline"
	"intake/pipeline/record"
	"intake/pipeline/review"
	"intake/pipeline/watch"
	"intake/sinks/archive"
	"intake/sinks/store"
)

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
	if err := c.register(fl, args); err != nil {
		fmt.Fprintf(stderr, "intake run: %v\n", err)
		return 2
	}
	c.registerService(fl)
	if err := fl.Parse(args); err != nil {
		return 2
	}
	cfg := c.cfg
	if len(cfg.Inboxes) == 0 {
		fmt.Fprintln(stderr, "usage: intake run --inbox DIR[,channel=mail|fax][,station=NAME] [--inbox ...] [--db URL] [--data DIR] [--poll 30s], or inboxes in --config FILE")
		return 2
	}
	if err := c.ready(true); err != nil {
		fmt.Fprintf(stderr, "intake run: %v\n", err)
		return 2
	}
	if cfg.Instance == "" {
		h, err := os.Hostname()
		if err != nil || h == "" {
			h = "intake"
		}
		cfg.Instance = h
	}
	inboxes := make([]watch.Inbox, len(cfg.Inboxes))
	for i, in := range cfg.Inboxes {
		inboxes[i] = watch.Inbox{Path: in.Path, Channel: in.Channel, Station: in.Station}
	}
	grace := time.Duration(cfg.Grace)
	log := c.logger(stderr)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, proc, closeAll, err := c.openPipeline(ctx, log)
	if err != nil {
		fmt.Fprintf(stderr, "intake run: %v\n", err)
		return 2
	}
	defer closeAll()
	var m *metrics
	ready := &readiness{store: st, engines: proc.Pool.Workers}
	for _, in := range inboxes {
		ready.inboxes = append(ready.inboxes, in.Path)
	}
	if cfg.HTTP != "" {
		m = newMetrics()
		proc.Stage = m.stage
		m.watchState(st, cfg.Data, ready.inboxes, cfg.Instance)
		// The endpoints answer until the very end, through the grace period: /readyz says
		// "stopping" meanwhile.
		httpCtx, stopHTTP := context.WithCancel(context.Background())
		defer stopHTTP()
		arc, err := archive.New(cfg.Data, pipeline.HelpCenterZone)
		if err != nil {
			fmt.Fprintf(stderr, "intake run: %v\n", err)
			return 2
		}
		rv := review.New(st, arc, review.Options{Log: log, Limits: c.rasterLimits(),
			Attached: func(ctx context.Context, docID int64, cs *record.Case) error {
				in, err := st.InputOfDocument(ctx, docID)
				if err != nil || in == nil || in.Archive == "" {
					return err
				}
				return arc.LinkCase(in.Archive, cs.Number, in.ReceivedAt)
			},
			Recompute: func(ctx context.Context, caseID int64, actor string) error {
				_, err := pipeline.Recompute(ctx, st, caseID, actor, c.due())
				return err
			}})
		if err := serveHTTP(httpCtx, cfg.HTTP, m, ready, rv, log); err != nil {
			fmt.Fprintf(stderr, "intake run: %v\n", err)
			return 2
		}
	}
	svc := &pipeline.Service{
		Inboxes:  inboxes,
		Instance: cfg.Instance,
		Watch: watch.Options{Settle: time.Duration(cfg.Watch.Settle), Poll: time.Duration(cfg.Watch.Poll),
			Rescan: time.Duration(cfg.Watch.Rescan)},
		Runner: &pipeline.Runner{Processor: proc, Workers: cfg.Files, Refused: store.Refused, Log: log,
			Outcome: func(it pipeline.Item, o *pipeline.Outcome) {
				if m != nil {
					m.outcome(it, o)
				}
			}},
		Log: log,

		GiveUpWaiting: time.Duration(cfg.Watch.GiveUp),
	}
	if cfg.Ack.Schedule != "off" {
		job := newAckJob(st, cfg.Data, log)
		cl := cronLogger{log}
		cr := cron.New(cron.WithLocation(pipeline.HelpCenterZone), cron.WithLogger(cl),
			cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)))
		if _, err := cr.AddFunc(cfg.Ack.Schedule, func() {
			rep, err := job.Run(ctx, time.Now(), false)
			if err != nil {
				log.Error("acknowledgement run failed", "error", err)
				return
			}
			if m != nil {
				m.ackRun(rep)
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
	log.Info("watching", "inboxes", len(inboxes), "store", st.Backend(), "instance", cfg.Instance)
	select {
	case err = <-done:
	case <-ctx.Done():
		ready.stopping.Store(true)
		log.Info("stopping: files in flight are abandoned uncommitted and resume at the next start", "grace", grace.String())
		cancelWork()
		select {
		case err = <-done:
		case <-time.After(grace):
			log.Warn("grace period over; unfinished files stay in the spool and resume at the next start")
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "intake run: %v\n", err)
		return 1
	}
	return 0
}
