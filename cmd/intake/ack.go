package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"intake/pipeline"
	"intake/pipeline/ack"
	"intake/sinks/letters"
	"intake/sinks/store"
)

func newAckJob(st *store.Store, data string, log *slog.Logger) *ack.Job {
	return &ack.Job{Store: st, Renderer: letters.Renderer{}, DataDir: data, Actor: actor(), Zone: pipeline.HelpCenterZone, Log: log}
}

func cmdAck(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("intake ack", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var c common
	if err := c.register(fl, args); err != nil {
		fmt.Fprintf(stderr, "intake ack: %v\n", err)
		return 2
	}
	atFlag := fl.String("at", "", "run as if it were this time (RFC 3339, or YYYY-MM-DD for 02:00 that day in California); default now")
	dry := fl.Bool("dry-run", false, "report what would be made; write nothing")
	asJSON := fl.Bool("json", false, "print the report as one JSON object")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if err := c.ready(false); err != nil {
		fmt.Fprintf(stderr, "intake ack: %v\n", err)
		return 2
	}
	at := time.Now()
	if *atFlag != "" {
		t, err := parseAt(*atFlag)
		if err != nil {
			fmt.Fprintln(stderr, "intake ack: --at must be a time like 2026-11-27T02:00:00-08:00 or a date like 2026-11-27")
			return 2
		}
		at = t
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := c.openStore(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "intake ack: %v\n", err)
		return 2
	}
	defer st.Close()
	rep, err := newAckJob(st, c.cfg.Data, c.logger(stderr)).Run(ctx, at, *dry)
	if err != nil {
		fmt.Fprintf(stderr, "intake ack: %v\n", err) // ack.ErrBusy says another instance is at it
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return exitOf(enc.Encode(rep))
	}
	printAckReport(stdout, rep, c.cfg.Data)
	return 0
}

func parseAt(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.ParseInLocation("2006-01-02", s, pipeline.HelpCenterZone)
	if err != nil {
		return time.Time{}, err
	}
	return d.Add(2 * time.Hour), nil
}

func printAckReport(w io.Writer, r *ack.Report, data string) {
	verb := "made"
	if r.DryRun {
		verb = "would be made (dry run)"
	}
	fmt.Fprintf(w, "Acknowledgement run as of %s: %d letters %s.\n", r.At, len(r.Letters), verb)
	for _, l := range r.Letters {
		fmt.Fprintf(w, "  %s  %-9s %s  %d pages  %s\n", l.Case, l.Recipient, l.Language, l.Pages, filepath.Join(data, l.Path))
	}
	if r.BatchPDF != "" {
		fmt.Fprintf(w, "Print batch for the mailroom: %s\nManifest: %s\n", filepath.Join(data, r.BatchPDF), filepath.Join(data, r.Manifest))
	}
	if len(r.CannotAcknowledge) > 0 {
		fmt.Fprintf(w, "Due within a day and cannot be acknowledged by letter (%d):\n", len(r.CannotAcknowledge))
		for _, p := range r.CannotAcknowledge {
			fmt.Fprintf(w, "  %s  due %s: %s\n", p.Case, p.Due, p.Reason)
		}
	}
	if len(r.Overdue) > 0 {
		fmt.Fprintf(w, "Overdue (%d):\n", len(r.Overdue))
		for _, p := range r.Overdue {
			fmt.Fprintf(w, "  %s  due %s: %s\n", p.Case, p.Due, p.Reason)
		}
	}
}
