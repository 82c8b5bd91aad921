package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/lib/pq"

	"intake/fixtures/corpus"
	"intake/pipeline/record"
	"intake/sinks/store"
)

type e2eOptions struct {
	Count, Workers, LatencyRuns int
	Stores, DB, Intake, Work    string
	Seed                        uint64
	Timeout                     time.Duration
}

// e2eInput is one file of the corpus and what arrives with it.
type e2eInput struct {
	name, sidecar, channel string
	pages                  int
}

// e2eRun is what one store's run measured.
type e2eRun struct {
	store      string
	inputs     int
	pages      int
	wall       time.Duration
	peakRSS    int64 // kB, of the intake run process
	err        error
	quarantine int
}

// benchE2E drops a corpus of submissions into two watched inboxes (mail and fax) of a
// running `intake run` at once and waits until the store has committed every file, on each
// store; then reads the same files with `intake ocr` alone, for the pipeline's overhead;
// then drops a 3-page fax alone into an idle service, several times, for the latency.
func benchE2E(o e2eOptions, stdout, stderr io.Writer) error {
	work, done, err := workDir(o.Work, "intake-e2e-")
	if err != nil {
		return err
	}
	defer done()
	say := sayTo(stderr)
	say("generating %d submissions (seed %d)...", o.Count, o.Seed)
	cdir := filepath.Join(work, "corpus")
	if _, err := corpus.WriteDir(cdir, corpus.Options{Seed: o.Seed, Count: o.Count}); err != nil {
		return err
	}
	inputs, err := e2eInputs(cdir)
	if err != nil {
		return err
	}
	res := e2eMeasure(o, work, cdir, inputs, say)
	runs, pages := res.runs, res.pages
	ocrWall := res.ocrWall
	lat, latPages, latErr := res.lat, res.latPages, res.latErr

	host, _ := os.Hostname()
	fmt.Fprintf(stdout, "End to end, %s, %s, %d workers, %s\n\n", host, cpuModel(), o.Workers, time.Now().Format("2006-01-02 15:04"))
	fmt.Fprintf(stdout, "| store | files | pages | wall | pages/s | OCR alone pages/s | pipeline overhead | peak RSS |\n|---|---|---|---|---|---|---|---|\n")
	ocrRate := float64(pages) / ocrWall.Seconds()
	for _, r := range runs {
		if r.err != nil {
			fmt.Fprintf(stdout, "| %s | %d | %d | failed: %v | | | | |\n", r.store, len(inputs), r.pages, r.err)
			continue
		}
		rate := float64(r.pages) / r.wall.Seconds()
		fmt.Fprintf(stdout, "| %s | %d | %d | %s | %.2f | %.2f | %+.0f%% | %.0f MB |\n", r.store, r.inputs, r.pages,
			r.wall.Round(time.Second), rate, ocrRate, 100*(r.wall.Seconds()/ocrWall.Seconds()-1), float64(r.peakRSS)/1024)
	}
	if latErr != nil {
		fmt.Fprintf(stdout, "\nLatency of a fax alone: failed: %v\n", latErr)
	} else if len(lat) > 0 {
		slices.Sort(lat)
		fmt.Fprintf(stdout, "\nLatency from drop to committed case, a %d-page fax alone in the inbox (embedded store, settle 300 ms), %d runs: median %.1f s, min %.1f s, max %.1f s\n",
			latPages, len(lat), lat[len(lat)/2].Seconds(), lat[0].Seconds(), lat[len(lat)-1].Seconds())
	}
	fmt.Fprintf(stdout, "\nThe overhead is the whole run's wall time against `intake ocr` reading the same files with the same workers: watching, settling, claiming, hashing, archiving, classifying and committing.\n")
	return nil
}

// e2eResult is what benchE2E measured.
type e2eResult struct {
	pages    int // of all the inputs
	runs     []e2eRun
	ocrWall  time.Duration // `intake ocr` alone on the same files
	ocrRSS   int64         // kB, its peak resident memory
	ocrErr   error
	lat      []time.Duration // drop to committed case, a fax alone, in run order
	latPages int
	latErr   error
}

// e2eMeasure drops inputs (files of the corpus in cdir) at once into a running service on
// each of o.Stores, reads them with `intake ocr` alone, and times a fax alone o.LatencyRuns
// times (none when 0).
func e2eMeasure(o e2eOptions, work, cdir string, inputs []e2eInput, say func(string, ...any)) e2eResult {
	pages := 0
	for _, in := range inputs {
		pages += in.pages
	}

	var runs []e2eRun
	for _, st := range strings.Split(o.Stores, ",") {
		say("%s: %d files, %d pages dropped at once...", st, len(inputs), pages)
		r := e2eDrop(o, work, st, cdir, inputs)
		r.pages = pages
		if r.err != nil {
			say("  failed: %v", r.err)
		} else {
			say("  %s", r.wall.Round(time.Second))
		}
		runs = append(runs, r)
	}

	say("the same files read by `intake ocr` alone...")
	var files []string
	for _, in := range inputs {
		files = append(files, filepath.Join(cdir, in.name))
	}
	res := e2eResult{pages: pages, runs: runs}
	t := time.Now()
	cmd := exec.Command(o.Intake, append([]string{"ocr", "--workers", strconv.Itoa(o.Workers)}, files...)...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if res.ocrErr = cmd.Start(); res.ocrErr == nil {
		w := watchPeak(cmd.Process.Pid, 100*time.Millisecond) // not ru_maxrss: see peak.go
		res.ocrErr = cmd.Wait()
		res.ocrRSS = w.end()
	}
	res.ocrWall = time.Since(t)
	if res.ocrErr != nil {
		// Files the pipeline quarantines fail here too; the time still counts what was read.
		say("  intake ocr: %v (some inputs are damaged on purpose)", res.ocrErr)
	}

	if o.LatencyRuns > 0 {
		say("latency of a 3-page fax alone, %d times...", o.LatencyRuns)
		res.lat, res.latPages, res.latErr = e2eLatency(o, work, cdir, inputs)
	}
	return res
}

// e2eInputs lists the corpus's files with their sidecars, channels and pages.
func e2eInputs(dir string) ([]e2eInput, error) {
	seq, err := os.ReadFile(filepath.Join(dir, "sequence.txt"))
	if err != nil {
		return nil, err
	}
	var out []e2eInput
	for _, name := range strings.Fields(string(seq)) {
		b, err := os.ReadFile(filepath.Join(dir, corpus.TruthName(name)))
		if err != nil {
			return nil, err
		}
		var t corpus.Truth
		if err := json.Unmarshal(b, &t); err != nil {
			return nil, err
		}
		ch := t.Input.Channel
		if ch != "fax" {
			ch = "mail"
		}
		out = append(out, e2eInput{name: name, sidecar: t.Input.Sidecar, channel: ch, pages: t.Input.Pages})
	}
	return out, nil
}

// service is a running `intake run`.
type service struct {
	cmd  *exec.Cmd
	logs chan string
}

// startIntake starts `intake run` on the inboxes (channel: folder) with extra flags added,
// and returns once it watches.
func startIntake(o e2eOptions, data, dsn string, inboxes map[string]string, settle time.Duration, extra ...string) (*service, error) {
	args := []string{"run", "--data", data, "--workers", strconv.Itoa(o.Workers), "--settle", settle.String(),
		"--instance", "bench", "--ack-schedule", "off", "--log-level", "info"}
	args = append(args, extra...)
	if dsn != "" {
		args = append(args, "--db", dsn)
	}
	for ch, dir := range inboxes {
		args = append(args, "--inbox", dir+",channel="+ch)
	}
	cmd := exec.Command(o.Intake, args...)
	errs, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &service{cmd: cmd, logs: make(chan string, 1024)}
	go func() {
		sc := bufio.NewScanner(errs)
		for sc.Scan() {
			select {
			case s.logs <- sc.Text():
			default:
			}
		}
	}()
	deadline := time.After(2 * time.Minute)
	for {
		select {
		case l := <-s.logs:
			if strings.Contains(l, "watching") {
				return s, nil
			}
		case <-deadline:
			s.stop()
			return nil, errors.New("intake run did not start watching within 2 minutes")
		}
	}
}

func (s *service) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		s.cmd.Process.Kill()
		<-done
	}
}

// peakRSS is the process's high-water resident set (kB), from /proc.
func (s *service) peakRSS() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return 0
}

// deliver puts a file into an inbox the way stations and fax servers do: sidecar first,
// each written under a hidden temporary name and renamed.
func deliver(src, inbox string, in e2eInput, as string) error {
	put := func(from, to string) error {
		b, err := os.ReadFile(from)
		if err != nil {
			return err
		}
		if as != in.name && to == as {
			b = append(b, nonce()...) // a new file, not a duplicate of the last run's
		}
		tmp := filepath.Join(inbox, ".tmp-"+filepath.Base(to))
		if err := os.WriteFile(tmp, b, 0o644); err != nil {
			return err
		}
		return os.Rename(tmp, filepath.Join(inbox, to))
	}
	if in.sidecar != "" {
		side := in.sidecar
		if as != in.name {
			side = as + ".json"
		}
		if err := put(filepath.Join(src, in.sidecar), side); err != nil {
			return err
		}
	}
	return put(filepath.Join(src, in.name), as)
}

func nonce() []byte {
	b := make([]byte, 16)
	rand.Read(b)
	return b
}

// committed is how many inputs the store holds.
func committed(ctx context.Context, st *store.Store) (int, int, error) {
	ins, err := st.Inputs(ctx, store.InputFilter{})
	if err != nil {
		return 0, 0, err
	}
	q := 0
	for _, in := range ins {
		if in.Status == record.Quarantined {
			q++
		}
	}
	return len(ins), q, nil
}

func e2eDrop(o e2eOptions, work, which, cdir string, inputs []e2eInput) e2eRun {
	r := e2eRun{store: which}
	root := filepath.Join(work, "run-"+which)
	os.RemoveAll(root)
	data := filepath.Join(root, "data")
	inboxes := map[string]string{"mail": filepath.Join(root, "mail"), "fax": filepath.Join(root, "fax")}
	for _, d := range inboxes {
		if err := os.MkdirAll(d, 0o755); err != nil {
			r.err = err
			return r
		}
	}
	dsn := ""
	if which == "postgres" {
		d, drop, err := freshSchema(o.DB)
		if err != nil {
			r.err = err
			return r
		}
		defer drop()
		dsn = d
	}
	svc, err := startIntake(o, data, dsn, inboxes, 500*time.Millisecond)
	if err != nil {
		r.err = err
		return r
	}
	defer svc.stop()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, data)
	if err != nil {
		r.err = err
		return r
	}
	defer st.Close()

	start := time.Now()
	for _, in := range inputs {
		if err := deliver(cdir, inboxes[in.channel], in, in.name); err != nil {
			r.err = err
			return r
		}
	}
	for {
		n, q, err := committed(ctx, st)
		if err == nil && n >= len(inputs) {
			r.wall, r.inputs, r.quarantine = time.Since(start), n, q
			break
		}
		if time.Since(start) > o.Timeout {
			r.err = fmt.Errorf("%d of %d files committed after %s", n, len(inputs), o.Timeout)
			return r
		}
		time.Sleep(250 * time.Millisecond)
	}
	r.peakRSS = svc.peakRSS()
	return r
}

// e2eLatency drops a 3-page fax (TIFF: bytes added at its end leave it readable and make it
// new each time) into an idle service on the embedded store and times it until committed.
func e2eLatency(o e2eOptions, work, cdir string, inputs []e2eInput) ([]time.Duration, int, error) {
	// A 3-page TIFF fax, or the TIFF fax nearest 3 pages.
	var fax *e2eInput
	for i, in := range inputs {
		if in.channel != "fax" || !strings.HasSuffix(in.name, ".tif") {
			continue
		}
		if fax == nil || abs(in.pages-3) < abs(fax.pages-3) {
			fax = &inputs[i]
		}
	}
	if fax == nil {
		return nil, 0, errors.New("the corpus has no TIFF fax")
	}
	root := filepath.Join(work, "latency")
	os.RemoveAll(root)
	data, inbox := filepath.Join(root, "data"), filepath.Join(root, "fax")
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		return nil, 0, err
	}
	svc, err := startIntake(o, data, "", map[string]string{"fax": inbox}, 300*time.Millisecond)
	if err != nil {
		return nil, 0, err
	}
	defer svc.stop()
	ctx := context.Background()
	st, err := store.Open(ctx, "", data)
	if err != nil {
		return nil, 0, err
	}
	defer st.Close()
	var out []time.Duration
	for i := range o.LatencyRuns {
		before, _, err := committed(ctx, st)
		if err != nil {
			return nil, 0, err
		}
		start := time.Now()
		// Named the fax server's way (its time and caller), as the fax server delivers.
		name := fmt.Sprintf("20261127-1200%02d-5550100%03d.tif", i%60, i)
		if err := deliver(cdir, inbox, *fax, name); err != nil {
			return nil, 0, err
		}
		for {
			n, _, err := committed(ctx, st)
			if err == nil && n > before {
				out = append(out, time.Since(start))
				break
			}
			if time.Since(start) > 2*time.Minute {
				return nil, 0, errors.New("the fax was not committed within 2 minutes")
			}
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(time.Second) // idle again
	}
	return out, fax.pages, nil
}

// freshSchema makes a schema of its own in the PostgreSQL database base names and returns
// a DSN that uses it and a function that drops it.
func freshSchema(base string) (string, func(), error) {
	admin, err := sql.Open("postgres", base)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "intake_bench_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("PostgreSQL at %s: %w", redacted(base), err)
	}
	u, err := url.Parse(base)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	}, nil
}

func redacted(dsn string) string {
	if u, err := url.Parse(dsn); err == nil {
		return u.Redacted()
	}
	return "(the database)"
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
