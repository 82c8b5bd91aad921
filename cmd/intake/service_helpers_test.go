package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"intake/fixtures"
	"intake/fixtures/corpus"
	"intake/pipeline"
	"intake/pipeline/record"
	"intake/sinks/store"
)

// This file holds what the tests of `intake run` as a real process share: the binary, a
// running service, files delivered the way devices deliver them, waiting on the store, and
// a snapshot of what an operator would look at afterwards.

// sampleDir is the committed sample corpus.
const sampleDir = "../../fixtures/sample"

// built is the intake binary, built once per test run into a folder TestMain removes.
var built struct {
	once      sync.Once
	dir, path string
	err       error
}

// intakeBinary builds the command from this package's folder, once.
func intakeBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "intake-service-test-")
		if err != nil {
			built.err = err
			return
		}
		built.dir = dir
		path := filepath.Join(dir, "intake")
		out, err := exec.Command("go", "build", "-o", path, ".").CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		built.path = path
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// lockedBuffer collects a child's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// service is one `intake run` process.
type service struct {
	name   string
	cmd    *exec.Cmd
	stderr lockedBuffer
	done   chan struct{} // closed once the process has exited and its output is collected
}

// startService starts `intake run args...`. It is killed when t ends, whatever happened;
// when t failed, the end of what it logged goes to the test's output.
func startService(t *testing.T, name string, args ...string) *service {
	t.Helper()
	s := &service{name: name, done: make(chan struct{})}
	s.cmd = exec.Command(intakeBinary(t), append([]string{"run"}, args...)...)
	// The tests say which store and data folder they mean; the caller's settings must not.
	s.cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "INTAKE_") && !strings.HasPrefix(kv, "INTAKE_TEST_")
	})
	dieWithTest(s.cmd)
	s.cmd.Stdout = io.Discard
	s.cmd.Stderr = &s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	go func() {
		s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		s.kill()
		if t.Failed() {
			t.Logf("%s (pid %d) logged, last lines:\n%s", s.name, s.cmd.Process.Pid, lastLines(s.stderr.String(), 30))
		}
	})
	return s
}

func (s *service) pid() int { return s.cmd.Process.Pid }

func (s *service) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// kill ends the process with SIGKILL, if it still runs, and waits for it.
func (s *service) kill() {
	if s.exited() {
		return
	}
	s.cmd.Process.Kill()
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
	}
}

// stop sends sig and waits up to within for the process to exit, and returns its exit
// status: -1 when a signal ended it, or when it did not exit in time (the test then fails
// and the process is killed).
func (s *service) stop(t *testing.T, sig os.Signal, within time.Duration) (int, time.Duration) {
	t.Helper()
	start := time.Now()
	if err := s.cmd.Process.Signal(sig); err != nil && !s.exited() {
		t.Fatalf("signalling %s: %v", s.name, err)
	}
	select {
	case <-s.done:
	case <-time.After(within):
		t.Errorf("%s did not exit within %v of %v", s.name, within, sig)
		s.kill()
		return -1, time.Since(start)
	}
	return s.cmd.ProcessState.ExitCode(), time.Since(start)
}

// logLines are the JSON lines the process wrote to stderr so far.
func (s *service) logLines() []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s.stderr.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// logged counts the log lines whose message is msg.
func (s *service) logged(msg string) int {
	n := 0
	for _, l := range s.logLines() {
		if l["msg"] == msg {
			n++
		}
	}
	return n
}

// waitLogged waits until the process has logged msg.
func (s *service) waitLogged(t *testing.T, msg string, timeout time.Duration) {
	t.Helper()
	waitUntil(t, timeout, fmt.Sprintf("%s to log %q", s.name, msg), func() (bool, string) {
		return s.logged(msg) > 0, "not logged yet"
	}, s)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// waitUntil polls cond until it holds, failing the test after timeout or when one of the
// services it depends on has exited. status says what is still missing.
func waitUntil(t *testing.T, timeout time.Duration, what string, cond func() (ok bool, status string), running ...*service) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, status := cond()
		if ok {
			return
		}
		for _, s := range running {
			if s.exited() {
				t.Fatalf("%s exited (status %d) while waiting for %s (%s)", s.name, s.cmd.ProcessState.ExitCode(), what, status)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s after %v: %s", what, timeout, status)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// openStore opens the store the service writes to (the embedded one in data when dsn is
// empty), for reading; it is closed when t ends.
func openStore(t *testing.T, dsn, data string) *store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), dsn, data)
	if err != nil {
		t.Fatalf("opening the store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// inputsByName lists the store's inputs by file name.
func inputsByName(ctx context.Context, st *store.Store) (map[string][]record.Input, error) {
	ins, err := st.Inputs(ctx, store.InputFilter{})
	if err != nil {
		return nil, err
	}
	out := map[string][]record.Input{}
	for _, in := range ins {
		out[in.Name] = append(out[in.Name], in)
	}
	return out, nil
}

// waitCommitted waits until every file named (dropped into one of inboxes) is in the store.
// It fails at once when one is lost: neither committed nor anywhere in the inboxes, their
// spools included (a claim moves a file into the spool, and only its commit lets it leave).
func waitCommitted(t *testing.T, st *store.Store, inboxes, names []string, running ...*service) {
	t.Helper()
	commit := committed(t, st, names...)
	waitUntil(t, longDeadline, fmt.Sprintf("%v to be committed", names), func() (bool, string) {
		if ok, status := commit(); ok {
			return true, status
		}
		if lost := lostFiles(t, st, inboxes, names); len(lost) > 0 {
			t.Fatalf("%v are neither committed nor in an inbox or its spool: lost", lost)
		}
		return commit()
	}, running...)
}

// lostFiles lists the files named that are neither in an inbox (or its spool) nor committed.
// A file being claimed may move between two folders while they are listed, so a file counts
// as missing from the inboxes only when two looks in a row miss it; the store is asked last,
// so that a file committed and removed meanwhile is not taken for lost.
func lostFiles(t *testing.T, st *store.Store, inboxes, names []string) []string {
	t.Helper()
	missing := missingFiles(t, inboxes, names)
	if len(missing) == 0 {
		return nil
	}
	time.Sleep(200 * time.Millisecond)
	if missing = missingFiles(t, inboxes, missing); len(missing) == 0 {
		return nil
	}
	by, err := inputsByName(t.Context(), st)
	if err != nil {
		t.Fatal(err)
	}
	var lost []string
	for _, n := range missing {
		if len(by[n]) == 0 {
			lost = append(lost, n)
		}
	}
	return lost
}

// missingFiles lists the files named whose content is nowhere under the inboxes, their
// spools included.
func missingFiles(t *testing.T, inboxes, names []string) []string {
	t.Helper()
	have := map[string]bool{}
	for _, inbox := range inboxes {
		err := filepath.WalkDir(inbox, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() {
				if b, err := os.ReadFile(p); err == nil {
					have[sha(b)] = true
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var missing []string
	for _, n := range names {
		if !have[sha(content(t, n))] {
			missing = append(missing, n)
		}
	}
	return missing
}

// committed is a waitUntil condition: every input named is in the store.
func committed(t *testing.T, st *store.Store, names ...string) func() (bool, string) {
	return func() (bool, string) {
		by, err := inputsByName(t.Context(), st)
		if err != nil {
			return false, err.Error()
		}
		var missing []string
		for _, n := range names {
			if len(by[n]) == 0 {
				missing = append(missing, n)
			}
		}
		return len(missing) == 0, fmt.Sprintf("%d of %d inputs committed; not yet %v", len(names)-len(missing), len(names), missing)
	}
}

// sample reads a file of the sample corpus.
func sample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sampleDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// deliver puts a sample file into an inbox the way a device does: written under a hidden
// name, then renamed into place. A fax's sidecar, when the sample has one, goes in first,
// as a fax server's hook writes it.
func deliver(t *testing.T, inbox, name string) {
	t.Helper()
	if b, err := os.ReadFile(filepath.Join(sampleDir, name+".json")); err == nil {
		putFile(t, inbox, name+".json", b)
	}
	putFile(t, inbox, name, sample(t, name))
}

// putFile writes data to dir/name through a hidden temporary file and a rename.
func putFile(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	tmp := filepath.Join(dir, "."+name+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
}

func mkdirs(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// content is what the tests drop under name: a sample file, or a damaged one they make.
func content(t *testing.T, name string) []byte {
	t.Helper()
	switch name {
	case damaged:
		return damagedPDF(t)
	case damagedFax:
		return damagedTIFF(t)
	}
	return sample(t, name)
}

// damagedPDF is a scan cut short that still ends like a PDF: the watcher takes it at once
// and the reader finds it damaged.
func damagedPDF(t *testing.T) []byte {
	b := sample(t, scanForm)[:30000]
	return append(b, "\n%%EOF\n"...)
}

// damagedTIFF is a fax cut short: a TIFF header and part of its first page.
func damagedTIFF(t *testing.T) []byte { return sample(t, faxLetter)[:20000] }

// inboxContents lists what is in an inbox outside its spool folders, and what is in each
// instance's spool, as paths relative to the inbox.
func inboxContents(t *testing.T, inbox string) (left, spooled []string) {
	t.Helper()
	err := filepath.WalkDir(inbox, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(inbox, p)
		if strings.HasPrefix(rel, pipeline.SpoolDirName+string(filepath.Separator)) {
			spooled = append(spooled, rel)
		} else {
			left = append(left, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return left, spooled
}

// serviceState is what an operator would look at after a run: the inputs and what became
// of them, the cases with their documents, what waits for a person, the archive.
type serviceState struct {
	Inputs     map[string][]string    // input name -> the status of each of its records
	Cases      map[string]caseSummary // by case number
	Unmatched  []string               // "input name: document kind", sorted
	Originals  []string               // archived originals, relative to the data folder, sorted
	CaseFiles  []string               // originals filed under their cases, relative to the data folder, sorted
	Quarantine []string               // names of the files in quarantine (claim dropped), sorted
}

type caseSummary struct {
	Kind   string
	Urgent bool
	Flags  []string // sorted
	Docs   []string // "input name: document kind", sorted
}

func (c caseSummary) String() string {
	return fmt.Sprintf("%s urgent=%v flags=%v docs=%v", c.Kind, c.Urgent, c.Flags, c.Docs)
}

var (
	originalName = regexp.MustCompile(`^[0-9a-f]{64}\.(pdf|tif|bin)$`)
	claimPrefix  = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}\.[0-9]{6}-[0-9a-f]{12}-`)
)

// snapshot reads the state from the store and the data folders.
func snapshot(t *testing.T, st *store.Store, data ...string) serviceState {
	t.Helper()
	ctx := t.Context()
	s := serviceState{Inputs: map[string][]string{}, Cases: map[string]caseSummary{}}
	ins, err := st.Inputs(ctx, store.InputFilter{})
	if err != nil {
		t.Fatal(err)
	}
	names := map[int64]string{}
	for _, in := range ins {
		names[in.ID] = in.Name
		s.Inputs[in.Name] = append(s.Inputs[in.Name], in.Status)
	}
	for n := range s.Inputs {
		sort.Strings(s.Inputs[n])
	}
	cases, err := st.ListCases(ctx, store.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		docs, err := st.CaseDocuments(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		cs := caseSummary{Kind: c.Kind, Urgent: c.Urgent, Flags: sorted(c.Flags)}
		for _, d := range docs {
			cs.Docs = append(cs.Docs, names[d.InputID]+": "+d.Kind)
		}
		sort.Strings(cs.Docs)
		if _, dup := s.Cases[c.Number]; dup {
			t.Errorf("two cases numbered %s", c.Number)
		}
		s.Cases[c.Number] = cs
	}
	un, err := st.Unmatched(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range un {
		s.Unmatched = append(s.Unmatched, names[d.InputID]+": "+d.Kind)
	}
	sort.Strings(s.Unmatched)
	for _, dir := range data {
		s.Originals = append(s.Originals, filesUnder(t, filepath.Join(dir, "archive"), func(rel string) (string, bool) {
			return filepath.Join("archive", rel), originalName.MatchString(filepath.Base(rel))
		})...)
		s.CaseFiles = append(s.CaseFiles, filesUnder(t, filepath.Join(dir, "cases"), func(rel string) (string, bool) {
			return filepath.Join("cases", rel), !strings.HasPrefix(filepath.Base(rel), ".")
		})...)
		s.Quarantine = append(s.Quarantine, filesUnder(t, filepath.Join(dir, "quarantine"), func(rel string) (string, bool) {
			base := filepath.Base(rel)
			if strings.HasSuffix(base, ".reason.txt") || strings.HasPrefix(base, ".") {
				return "", false
			}
			return claimPrefix.ReplaceAllString(base, ""), true
		})...)
	}
	sort.Strings(s.Originals)
	sort.Strings(s.CaseFiles)
	sort.Strings(s.Quarantine)
	return s
}

// filesUnder lists the files under root (none when it does not exist) that keep says to keep,
// as keep renames them.
func filesUnder(t *testing.T, root string, keep func(rel string) (string, bool)) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == root {
			return filepath.SkipAll
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if name, ok := keep(rel); ok {
			out = append(out, name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	if out == nil {
		out = []string{}
	}
	sort.Strings(out)
	return out
}

// compareStates reports every difference between got and want, each in words.
func compareStates(t *testing.T, what string, got, want serviceState) {
	t.Helper()
	for _, n := range unionKeys(got.Inputs, want.Inputs) {
		if !slices.Equal(got.Inputs[n], want.Inputs[n]) {
			t.Errorf("%s: input %s recorded as %v, want %v", what, n, got.Inputs[n], want.Inputs[n])
		}
	}
	for _, n := range unionKeys(got.Cases, want.Cases) {
		g, gok := got.Cases[n]
		w, wok := want.Cases[n]
		switch {
		case !gok:
			t.Errorf("%s: no case %s, want one (%v)", what, n, w)
		case !wok:
			t.Errorf("%s: case %s (%v) should not exist", what, n, g)
		case g.String() != w.String():
			t.Errorf("%s: case %s is\n\t%v\nwant\n\t%v", what, n, g, w)
		}
	}
	if !slices.Equal(got.Unmatched, want.Unmatched) {
		t.Errorf("%s: documents waiting for a person %v, want %v", what, got.Unmatched, want.Unmatched)
	}
	if !slices.Equal(got.Originals, want.Originals) {
		t.Errorf("%s: archived originals\n\t%v\nwant\n\t%v", what, got.Originals, want.Originals)
	}
	if !slices.Equal(got.CaseFiles, want.CaseFiles) {
		t.Errorf("%s: originals filed under cases\n\t%v\nwant\n\t%v", what, got.CaseFiles, want.CaseFiles)
	}
	if !slices.Equal(got.Quarantine, want.Quarantine) {
		t.Errorf("%s: quarantined files %v, want %v", what, got.Quarantine, want.Quarantine)
	}
}

func unionKeys[V any](a, b map[string]V) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// truth is the ground truth of a sample file.
func truth(t *testing.T, name string) corpus.Truth {
	t.Helper()
	tr, err := fixtures.Truth(fixtures.Sample(), name)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func truthCases(tr corpus.Truth) []corpus.TruthCase {
	if len(tr.Cases) > 0 {
		return tr.Cases
	}
	if tr.Case != nil {
		return []corpus.TruthCase{*tr.Case}
	}
	return nil
}

// expectedState is what the ground truth says a fresh store holds after the sample files
// names were fed in this order (which must keep the numbering of sequence.txt), with
// quarantined the names of damaged files fed as well.
func expectedState(t *testing.T, names, quarantined []string) serviceState {
	t.Helper()
	s := serviceState{Inputs: map[string][]string{}, Cases: map[string]caseSummary{}, Unmatched: []string{},
		Originals: []string{}, CaseFiles: []string{}, Quarantine: sorted(quarantined)}
	for _, n := range quarantined {
		s.Inputs[n] = []string{record.Quarantined}
	}
	for _, n := range names {
		tr := truth(t, n)
		s.Inputs[n] = []string{tr.Status}
		received, err := time.Parse(time.RFC3339, tr.Input.ReceivedAt)
		if err != nil {
			t.Fatal(err)
		}
		day, hash, ext := received.In(pipeline.HelpCenterZone), sha(sample(t, n)), filepath.Ext(n)
		if tr.Status == record.Processed {
			s.Originals = append(s.Originals, filepath.Join("archive", day.Format("2006/01/02"), hash+ext))
		}
		for _, tc := range truthCases(tr) {
			var docs []string
			for _, i := range tc.Documents {
				docs = append(docs, n+": "+tr.Documents[i].Kind)
			}
			if tc.Action == "created" || tc.Action == "attached" {
				s.CaseFiles = append(s.CaseFiles, filepath.Join("cases", tc.Number, day.Format("2006-01-02")+"-"+hash[:12]+ext))
			}
			switch tc.Action {
			case "created":
				s.Cases[tc.Number] = caseSummary{Kind: tc.Kind, Urgent: tc.Urgent, Flags: sorted(tc.Flags), Docs: sorted(docs)}
			case "attached":
				c := s.Cases[tc.Number]
				c.Docs = sorted(append(c.Docs, docs...))
				s.Cases[tc.Number] = c
			case "needs_review":
				s.Unmatched = sorted(append(s.Unmatched, docs...))
			}
		}
	}
	sort.Strings(s.Originals)
	sort.Strings(s.CaseFiles)
	return s
}

// assertNoHealthInfo checks that no string the documents of these sample files hold (names,
// dates of birth, member ids, addresses, ... of five characters or more) appears in log.
// Case numbers are left out: they are the Help Center's own reference, which logs name.
func assertNoHealthInfo(t *testing.T, log string, names ...string) {
	t.Helper()
	checked := 0
	for _, n := range names {
		for _, d := range truth(t, n).Documents {
			for k, v := range d.Fields {
				s, ok := v.(string)
				// The case number is the Help Center's own reference; a letter's reason and
				// decision are codes of the contract ("other", "denied"), not about anyone.
				if !ok || len(s) < 5 || k == "case.number" || k == "reason" || k == "decision" {
					continue
				}
				checked++
				if strings.Contains(log, s) {
					t.Errorf("the log holds the %s of %s's %s (%q)", k, n, d.Kind, s)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatalf("no field values to look for in %v", names)
	}
}

// pgProxy forwards TCP connections to PostgreSQL and can go down: it then closes every
// connection and stops listening, so new ones are refused, until it comes back on the
// same address.
type pgProxy struct {
	t      *testing.T
	addr   string
	target string
	mu     sync.Mutex
	ln     net.Listener // nil while down
	conns  map[net.Conn]struct{}
	wg     sync.WaitGroup
}

func startProxy(t *testing.T, target string) *pgProxy {
	t.Helper()
	p := &pgProxy{t: t, target: target, conns: map[net.Conn]struct{}{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(func() {
		p.down()
		p.wg.Wait()
	})
	return p
}

func (p *pgProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed: down
			}
			p.wg.Add(1)
			go p.forward(c)
		}
	}()
}

// track registers c, or closes it when the proxy is down.
func (p *pgProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil {
		c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *pgProxy) forward(c net.Conn) {
	defer p.wg.Done()
	if !p.track(c) {
		return
	}
	s, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		c.Close()
		return
	}
	if !p.track(s) {
		c.Close()
		return
	}
	done := make(chan struct{})
	go func() {
		io.Copy(s, c)
		s.Close()
		c.Close()
		close(done)
	}()
	io.Copy(c, s)
	c.Close()
	s.Close()
	<-done
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, s)
	p.mu.Unlock()
}

// down closes the listener and every connection.
func (p *pgProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// up listens again on the same address.
func (p *pgProxy) up() {
	p.t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("the proxy cannot listen on %s again: %v", p.addr, err)
	}
	p.serve(ln)
}

// waitsOut checks, for d, that the service keeps running with every one of files in the
// inbox or the spool and nothing quarantined: what it must do while something it needs
// (the store, disk space) is away.
func waitsOut(t *testing.T, svc *service, inbox, data string, files []string, d time.Duration, while string) {
	t.Helper()
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		if svc.exited() {
			t.Fatalf("intake run exited (status %d) while %s", svc.cmd.ProcessState.ExitCode(), while)
		}
		// A file being claimed may move between two folders while they are listed: a file
		// is missing only when two looks in a row miss it.
		if missing := missingFiles(t, []string{inbox}, files); len(missing) > 0 {
			time.Sleep(200 * time.Millisecond)
			if missing := missingFiles(t, []string{inbox}, files); len(missing) > 0 {
				t.Fatalf("%v neither in the inbox nor in the spool while %s", missing, while)
			}
		}
		if q, _ := filepath.Glob(filepath.Join(data, "quarantine", "*", "*")); len(q) > 0 {
			t.Fatalf("quarantined while %s: %v", while, q)
		}
		time.Sleep(time.Second)
	}
}

// recoversAll checks what must follow an outage once what was away is back: every one of
// files committed once, processed, the service stopping cleanly on SIGTERM, nothing left
// in the inbox or the spool, and no health information in the log. since is when it came
// back, for the log; what names it.
func recoversAll(t *testing.T, svc *service, st *store.Store, inbox string, files []string, since time.Time, what string) {
	t.Helper()
	waitCommitted(t, st, []string{inbox}, files, svc)
	t.Logf("committed %v after %s", time.Since(since).Round(time.Second), what)
	if code, _ := svc.stop(t, syscall.SIGTERM, 10*time.Second); code != 0 {
		t.Errorf("intake run exited with status %d on SIGTERM, want 0", code)
	}
	byName, err := inputsByName(t.Context(), st)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range files {
		if len(byName[n]) != 1 || byName[n][0].Status != record.Processed {
			t.Errorf("%s recorded %d times, want once, processed", n, len(byName[n]))
		}
	}
	if left, spooled := inboxContents(t, inbox); len(left) > 0 || len(spooled) > 0 {
		t.Errorf("left behind: in the inbox %v, in the spool %v", left, spooled)
	}
	assertNoHealthInfo(t, svc.stderr.String(), files...)
}
