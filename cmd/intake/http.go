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
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"intake/pipeline"
	"intake/pipeline/ack"
	"intake/sinks/store"
)

// The service's HTTP side, on --http (127.0.0.1 only unless told otherwise): /healthz
// says the process is alive, /readyz whether it can work (store reachable, inboxes
// readable, OCR engines loaded, not stopping), /metrics what it has done, for Prometheus:
// counts, durations and ids of stages only, no health information. /review/ is the review
// station (pipeline/review): health information, behind its own sign-in, sessions and
// CSRF checks.

// metrics are the service's Prometheus metrics.
type metrics struct {
	reg       *prometheus.Registry
	inputs    *prometheus.CounterVec   // by status
	pages     prometheus.Counter       // pages read by OCR
	documents *prometheus.CounterVec   // by kind
	fields    *prometheus.CounterVec   // by decision: auto_accepted, needs_review
	stages    *prometheus.HistogramVec // by stage
	letters   prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		inputs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "intake_inputs_total",
			Help: "Input files committed, by status (processed, duplicate, quarantined)."}, []string{"status"}),
		pages: prometheus.NewCounter(prometheus.CounterOpts{Name: "intake_pages_ocr_total",
			Help: "Pages read by OCR, of the input files processed."}),
		documents: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "intake_documents_total",
			Help: "Documents found in the input files processed, by kind."}, []string{"kind"}),
		fields: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "intake_fields_total",
			Help: "Fields extracted, by decision: auto_accepted or needs_review."}, []string{"decision"}),
		stages: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "intake_stage_seconds",
			Help:    "Time an input file spends in each stage: hash, read (OCR), analyse, archive, commit.",
			Buckets: []float64{0.005, 0.02, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180, 600}}, []string{"stage"}),
		letters: prometheus.NewCounter(prometheus.CounterOpts{Name: "intake_ack_letters_total",
			Help: "Acknowledgement letters made."}),
	}
	m.reg.MustRegister(m.inputs, m.pages, m.documents, m.fields, m.stages, m.letters,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// outcome counts one committed input.
func (m *metrics) outcome(_ pipeline.Item, o *pipeline.Outcome) {
	if o == nil || o.AlreadyDone {
		return
	}
	r := o.Record
	m.inputs.WithLabelValues(r.Status).Inc()
	if r.Status != "processed" {
		return
	}
	m.pages.Add(float64(r.Input.Pages))
	for _, d := range r.Documents {
		m.documents.WithLabelValues(d.Kind).Inc()
		for _, f := range d.Fields {
			if f.NeedsReview {
				m.fields.WithLabelValues("needs_review").Inc()
			} else {
				m.fields.WithLabelValues("auto_accepted").Inc()
			}
		}
	}
}

func (m *metrics) stage(name string, d time.Duration) {
	m.stages.WithLabelValues(name).Observe(d.Seconds())
}

// watchState registers the gauges read from the folders and the store when scraped: the
// files claimed and not yet committed, the files in quarantine, the cases whose
// acknowledgement is due and overdue. The store and the quarantine are looked at once a
// minute at most.
func (m *metrics) watchState(st *store.Store, data string, inboxes []string, instance string) {
	var mu sync.Mutex
	var at time.Time
	var quarantined, due, overdue float64
	refresh := func() {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(at) < time.Minute {
			return
		}
		at = time.Now()
		quarantined = 0
		filepath.WalkDir(filepath.Join(data, "quarantine"), func(p string, d fs.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".reason.txt") {
				quarantined++
			}
			return nil
		})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		cases, err := st.CasesToAcknowledge(ctx)
		if err != nil {
			return
		}
		today := time.Now().In(pipeline.HelpCenterZone).Format("2006-01-02")
		due, overdue = 0, 0
		for _, c := range cases {
			switch {
			case c.AckDue < today:
				overdue++
			default:
				due++
			}
		}
	}
	gauge := func(name, help string, v func() float64) {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, v))
	}
	gauge("intake_queue_files", "Files claimed by this instance and not yet committed (in its spool folders).", func() float64 {
		n := 0
		for _, in := range inboxes {
			items, _ := filepath.Glob(filepath.Join(in, pipeline.SpoolDirName, instance, "*.item.json"))
			n += len(items)
		}
		return float64(n)
	})
	gauge("intake_quarantine_files", "Files in the quarantine folder.", func() float64 { refresh(); mu.Lock(); defer mu.Unlock(); return quarantined })
	gauge("intake_ack_due_cases", "Open cases not acknowledged yet whose acknowledgement is due today or later.", func() float64 {
		refresh()
		mu.Lock()
		defer mu.Unlock()
		return due
	})
	gauge("intake_ack_overdue_cases", "Open cases not acknowledged yet whose acknowledgement was due before today.", func() float64 {
		refresh()
		mu.Lock()
		defer mu.Unlock()
		return overdue
	})
}

// ackRun counts what a night of the acknowledgement job made.
func (m *metrics) ackRun(rep *ack.Report) { m.letters.Add(float64(len(rep.Letters))) }

// readiness is what /readyz checks.
type readiness struct {
	store    *store.Store
	inboxes  []string
	engines  func() int
	stopping atomic.Bool
}

// check runs every check; the map holds "ok" or what is wrong, in words without paths or
// addresses.
func (r *readiness) check(ctx context.Context) (bool, map[string]string) {
	out := map[string]string{}
	ready := true
	fail := func(k, why string) { out[k], ready = why, false }
	if r.stopping.Load() {
		fail("service", "stopping")
	} else {
		out["service"] = "ok"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := r.store.View(ctx, func(pipeline.Tx) error { return nil }); err != nil {
		fail("store", "unreachable")
	} else {
		out["store"] = "ok"
	}
	for i, in := range r.inboxes {
		k := fmt.Sprintf("inbox %d", i+1)
		f, err := os.Open(in)
		if err == nil {
			_, err = f.Readdirnames(1)
			f.Close()
			if errors.Is(err, io.EOF) {
				err = nil
			}
		}
		if err != nil {
			fail(k, "cannot be read")
		} else {
			out[k] = "ok"
		}
	}
	if r.engines() < 1 {
		fail("ocr", "no engine loaded")
	} else {
		out["ocr"] = "ok"
	}
	return ready, out
}

// serveHTTP serves the three endpoints, and the review station rv when not nil, on addr
// until ctx ends. It returns once listening,
// or with the error of listening.
func serveHTTP(ctx context.Context, addr string, m *metrics, r *readiness, rv http.Handler, log *slog.Logger) error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, req *http.Request) {
		ok, checks := r.check(req.Context())
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		json.NewEncoder(w).Encode(map[string]any{"ready": ok, "checks": checks})
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	if rv != nil {
		mux.Handle("/review/", rv) // the review station: its own sessions and CSRF checks
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--http %s: %w", addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("the HTTP server stopped", "error", err)
		}
	}()
	log.Info("serving health and metrics", "address", ln.Addr().String())
	return nil
}

// cmdHealthcheck: intake healthcheck [--url URL]: exit 0 when the URL answers 200 within
// 5 seconds (for a container's HEALTHCHECK, which has no curl).
func cmdHealthcheck(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("intake healthcheck", flag.ContinueOnError)
	fl.SetOutput(stderr)
	u := fl.String("url", "http://127.0.0.1:8080/healthz", "the address to ask")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(*u)
	if err != nil {
		fmt.Fprintf(stderr, "intake healthcheck: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "intake healthcheck: %s answered %s\n", *u, resp.Status)
		return 1
	}
	fmt.Fprintln(stdout, "ok")
	return 0
}
