package watch

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// settle is the settle time of most tests: short, but far above a scheduler's hiccup.
const settle = 100 * time.Millisecond

// wait bounds how long a test waits for a file that must come.
const wait = 5 * time.Second

// harness runs a Watcher for a test and collects what it hands out.
type harness struct {
	t      *testing.T
	out    chan File
	done   chan error
	cancel context.CancelFunc
	once   sync.Once
	err    error
}

// testLogger writes the watcher's log, debug included, to the test's log.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// options are the options of most tests: events only (no periodic rescan to hide a
// missed event), short settle.
func options(t *testing.T) Options {
	return Options{Settle: settle, Rescan: time.Hour, Logger: testLogger(t)}
}

func start(t *testing.T, inboxes []Inbox, o Options) *harness {
	t.Helper()
	w, err := New(inboxes, o)
	if err != nil {
		t.Fatal(err)
	}
	return startWatcher(t, w)
}

func startWatcher(t *testing.T, w *Watcher) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{t: t, out: make(chan File), done: make(chan error, 1), cancel: cancel}
	go func() { h.done <- w.Run(ctx, h.out) }()
	t.Cleanup(func() {
		if err := h.stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return h
}

// stop cancels Run and waits for it to return.
func (h *harness) stop() error {
	h.once.Do(func() {
		h.cancel()
		select {
		case h.err = <-h.done:
		case <-time.After(2 * time.Second):
			h.err = errors.New("Run did not return within 2s of its context ending")
		}
	})
	return h.err
}

// next waits for the next file handed out.
func (h *harness) next() File {
	h.t.Helper()
	select {
	case f := <-h.out:
		return f
	case err := <-h.done:
		h.t.Fatalf("Run returned early: %v", err)
	case <-time.After(wait):
		h.t.Fatal("no file handed out")
	}
	return File{}
}

// none checks that nothing is handed out for d.
func (h *harness) none(d time.Duration) {
	h.t.Helper()
	select {
	case f := <-h.out:
		h.t.Fatalf("handed out %s (%d bytes), want nothing", f.Path, f.Size)
	case <-time.After(d):
	}
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDroppedFileHandedOutOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	h := start(t, []Inbox{{Path: dir, Channel: "mail", Station: "station1"}}, options(t))
	h.none(settle / 2) // the start-up scan finds nothing
	p := filepath.Join(dir, "scan-station1-20261102-100657-001.pdf")
	write(t, p, "%PDF-1.4\nfirst")
	f := h.next()
	if f.Path != p || f.Size != 14 || f.Inbox.Channel != "mail" || f.Inbox.Station != "station1" || f.Inbox.Path != dir {
		t.Errorf("got %+v", f)
	}
	fi, _ := os.Stat(p)
	if !f.ModTime.Equal(fi.ModTime()) {
		t.Errorf("mod time %v, want %v", f.ModTime, fi.ModTime())
	}
	h.none(4 * settle) // unchanged in place: not again

	// Changed: handed out again with its new size.
	fh, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fh.WriteString(" more")
	fh.Close()
	if f := h.next(); f.Path != p || f.Size != 19 {
		t.Errorf("after a change got %+v", f)
	}
	h.none(2 * settle)

	// Gone and back, unchanged (size and time as before): handed out again.
	fi, _ = os.Stat(p)
	spool := filepath.Join(dir, ".spool")
	os.Mkdir(spool, 0o755)
	if err := os.Rename(p, filepath.Join(spool, "x.pdf")); err != nil {
		t.Fatal(err)
	}
	h.none(2 * settle)
	if err := os.Rename(filepath.Join(spool, "x.pdf"), p); err != nil {
		t.Fatal(err)
	}
	if f := h.next(); f.Path != p || f.Size != 19 || !f.ModTime.Equal(fi.ModTime()) {
		t.Errorf("after coming back got %+v", f)
	}
	h.none(2 * settle)
}

func TestStartupScan(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.pdf"), "a")
	write(t, filepath.Join(dir, "sub", "deeper", "b.tif"), "bb")
	h := start(t, []Inbox{{Path: dir, Channel: "mail"}}, options(t))
	got := map[string]int64{}
	for range 2 {
		f := h.next()
		got[f.Path] = f.Size
	}
	want := map[string]int64{filepath.Join(dir, "a.pdf"): 1, filepath.Join(dir, "sub", "deeper", "b.tif"): 2}
	if !equalMaps(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	h.none(2 * settle)
}

func equalMaps[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// A file written in pieces is handed out once, after the last piece, whole.
func TestSlowWriter(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	o := options(t)
	o.Settle = 250 * time.Millisecond // five times the gap between pieces
	h := start(t, []Inbox{{Path: dir, Channel: "mail"}}, o)
	p := filepath.Join(dir, "big.pdf")
	fh, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	piece := bytes.Repeat([]byte("x"), 1000)
	var last time.Time
	for range 20 { // about a second of writing
		if _, err := fh.Write(piece); err != nil {
			t.Fatal(err)
		}
		last = time.Now()
		select {
		case f := <-h.out:
			t.Fatalf("handed out while being written: %d bytes", f.Size)
		case <-time.After(50 * time.Millisecond):
		}
	}
	fh.Close()
	f := h.next()
	if f.Size != 20*1000 {
		t.Errorf("handed out with %d bytes, want 20000", f.Size)
	}
	if since := time.Since(last); since < o.Settle {
		t.Errorf("handed out %v after the last write, before the settle time", since)
	}
	h.none(2 * o.Settle)
}

func TestIgnoredFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ignored := []string{"x.tmp", "X.TMP", "y.part", ".hidden.pdf", "~$letter.docx", "Thumbs.db", ".DS_Store", "desktop.ini",
		"fax1.tif.json", "fax1.json", ".spool/a.pdf", ".intake-claim/b.pdf", "sub/.spool/c.pdf", ".hidden/d.pdf"}
	for _, name := range ignored {
		write(t, filepath.Join(dir, "before", name), "ignored")
	}
	h := start(t, []Inbox{{Path: dir, Channel: "mail"}}, options(t))
	h.none(3 * settle) // nothing at start
	for _, name := range ignored {
		write(t, filepath.Join(dir, name), "ignored")
	}
	write(t, filepath.Join(dir, "real.pdf"), "real")
	if f := h.next(); f.Path != filepath.Join(dir, "real.pdf") {
		t.Errorf("handed out %s, want real.pdf", f.Path)
	}
	h.none(3 * settle)
}

func TestIgnored(t *testing.T) {
	for _, c := range []struct {
		name string
		dir  bool
		want bool
	}{
		{"scan-station1-20261102-100657-001.pdf", false, false},
		{"fax001000.tif", false, false},
		{"x.tmp", false, true}, {"x.TMP", false, true}, {"x.part", false, true}, {"x.json", false, true},
		{"x.tif.json", false, true}, {"~$form.docx", false, true}, {"Thumbs.db", false, true},
		{".DS_Store", false, true}, {".x.pdf", false, true}, {"", false, true},
		{".spool", true, true}, {".intake-claims", true, true}, {"sub", true, false}, {"x.tmp", true, false},
	} {
		if got := Ignored(c.name, c.dir); got != c.want {
			t.Errorf("Ignored(%q, %v) = %v, want %v", c.name, c.dir, got, c.want)
		}
	}
}

func TestRenamedIntoPlace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	h := start(t, []Inbox{{Path: dir, Channel: "fax"}}, options(t))
	tmp := filepath.Join(dir, "fax001000.tmp")
	write(t, tmp, "II*\x00 a fax")
	write(t, filepath.Join(dir, "fax001000.tif.json"), `{"status": "ok"}`)
	h.none(3 * settle)
	if err := os.Rename(tmp, filepath.Join(dir, "fax001000.tif")); err != nil {
		t.Fatal(err)
	}
	if f := h.next(); f.Path != filepath.Join(dir, "fax001000.tif") || f.Size != 10 || f.Inbox.Channel != "fax" {
		t.Errorf("got %+v", f)
	}
	h.none(2 * settle)
}

// Folders made after the start are watched: their files come by events (the periodic
// rescan is an hour away).
func TestNewSubfolders(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	h := start(t, []Inbox{{Path: dir, Channel: "mail"}}, options(t))
	h.none(settle / 2)
	write(t, filepath.Join(dir, "station2", "a.pdf"), "a")
	if f := h.next(); f.Path != filepath.Join(dir, "station2", "a.pdf") {
		t.Errorf("got %s", f.Path)
	}
	// A file in a folder watched since it appeared.
	write(t, filepath.Join(dir, "station2", "b.pdf"), "b")
	if f := h.next(); f.Path != filepath.Join(dir, "station2", "b.pdf") {
		t.Errorf("got %s", f.Path)
	}
	// Several levels at once (mkdir -p), the file written before a watch could be set up.
	write(t, filepath.Join(dir, "x", "y", "z", "c.pdf"), "c")
	if f := h.next(); f.Path != filepath.Join(dir, "x", "y", "z", "c.pdf") {
		t.Errorf("got %s", f.Path)
	}
	write(t, filepath.Join(dir, "x", "y", "z", "d.pdf"), "d")
	if f := h.next(); f.Path != filepath.Join(dir, "x", "y", "z", "d.pdf") {
		t.Errorf("got %s", f.Path)
	}
	// A folder moved in from elsewhere, and one renamed inside the inbox.
	outside := t.TempDir()
	write(t, filepath.Join(outside, "moved", "e.pdf"), "e")
	if err := os.Rename(filepath.Join(outside, "moved"), filepath.Join(dir, "moved")); err != nil {
		t.Fatal(err)
	}
	if f := h.next(); f.Path != filepath.Join(dir, "moved", "e.pdf") {
		t.Errorf("got %s", f.Path)
	}
	if err := os.Rename(filepath.Join(dir, "moved"), filepath.Join(dir, "renamed")); err != nil {
		t.Fatal(err)
	}
	if f := h.next(); f.Path != filepath.Join(dir, "renamed", "e.pdf") {
		t.Errorf("got %s", f.Path)
	}
	write(t, filepath.Join(dir, "renamed", "f.pdf"), "f")
	if f := h.next(); f.Path != filepath.Join(dir, "renamed", "f.pdf") {
		t.Errorf("got %s", f.Path)
	}
	h.none(2 * settle)
}

// inotifyFDs counts this process's inotify instances (-1 where /proc cannot say).
func inotifyFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	n := 0
	for _, e := range ents {
		if l, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name())); err == nil && strings.Contains(l, "inotify") {
			n++
		}
	}
	return n
}

func TestPollMode(t *testing.T) {
	dir := t.TempDir()
	before := inotifyFDs()
	write(t, filepath.Join(dir, "old.pdf"), "old")
	o := options(t)
	o.Poll = 100 * time.Millisecond
	h := start(t, []Inbox{{Path: dir, Channel: "mail"}}, o)
	if f := h.next(); f.Path != filepath.Join(dir, "old.pdf") {
		t.Errorf("got %s", f.Path)
	}
	if n := inotifyFDs(); n != before {
		t.Errorf("poll mode opened %d inotify instances", n-before)
	}
	write(t, filepath.Join(dir, "sub", "new.pdf"), "new")
	if f := h.next(); f.Path != filepath.Join(dir, "sub", "new.pdf") || f.Size != 3 {
		t.Errorf("got %+v", f)
	}
	write(t, filepath.Join(dir, "sub", "new.pdf"), "newer")
	if f := h.next(); f.Path != filepath.Join(dir, "sub", "new.pdf") || f.Size != 5 {
		t.Errorf("after a change got %+v", f)
	}
	h.none(3 * settle)
}

func TestReadyDefers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var ready atomic.Bool
	var asked atomic.Int32
	o := options(t)
	o.Ready = func(path string) bool {
		asked.Add(1)
		return ready.Load()
	}
	h := start(t, []Inbox{{Path: dir, Channel: "mail"}}, o)
	write(t, filepath.Join(dir, "a.pdf"), "%PDF-1.")
	h.none(5 * settle)
	if n := asked.Load(); n < 2 {
		t.Errorf("Ready asked %d times in 5 settle times, want it asked again after saying no", n)
	}
	ready.Store(true)
	if f := h.next(); f.Path != filepath.Join(dir, "a.pdf") {
		t.Errorf("got %s", f.Path)
	}
	h.none(2 * settle)
}

func TestReadyWait(t *testing.T) {
	s := 2 * time.Second
	for n, want := range map[int]time.Duration{1: s, 2: 2 * s, 3: 4 * s, 5: 16 * s, 6: time.Minute, 60: time.Minute} {
		if got := readyWait(s, n); got != want {
			t.Errorf("readyWait(2s, %d) = %v, want %v", n, got, want)
		}
	}
	if got := readyWait(2*time.Minute, 5); got != 2*time.Minute {
		t.Errorf("readyWait(2m, 5) = %v", got)
	}
}

// A fax with no sidecar waits one more settle time for it; one with a sidecar, one named by
// the fax server, and mail, do not.
func TestFaxWaitsForSidecar(t *testing.T) {
	t.Parallel()
	const s = 300 * time.Millisecond
	fax, mail := t.TempDir(), t.TempDir()
	o := options(t)
	o.Settle = s
	h := start(t, []Inbox{{Path: fax, Channel: "fax"}, {Path: mail, Channel: "mail"}}, o)
	h.none(s / 2)

	t0 := time.Now()
	write(t, filepath.Join(fax, "fax001.tif"), "II*\x00")
	f := h.next()
	if el := time.Since(t0); f.Path != filepath.Join(fax, "fax001.tif") || el < 2*s {
		t.Errorf("fax with no sidecar: %s after %v, want it after two settle times (%v)", f.Path, el, 2*s)
	}

	// Named by the fax server, with its time and caller: no wait for a sidecar.
	t0 = time.Now()
	write(t, filepath.Join(fax, "20261102-154135-5306420077.tif"), "II*\x00")
	f = h.next()
	if el := time.Since(t0); f.Path != filepath.Join(fax, "20261102-154135-5306420077.tif") || el < s || el >= 2*s {
		t.Errorf("fax named by the fax server: %s after %v, want it after one settle time (%v)", f.Path, el, s)
	}

	write(t, filepath.Join(fax, "fax002.tif.json"), `{"status": "ok"}`)
	t0 = time.Now()
	write(t, filepath.Join(fax, "fax002.tif"), "II*\x00")
	f = h.next()
	if el := time.Since(t0); f.Path != filepath.Join(fax, "fax002.tif") || el < s || el >= 2*s {
		t.Errorf("fax with a sidecar: %s after %v, want it after one settle time (%v)", f.Path, el, s)
	}

	t0 = time.Now()
	write(t, filepath.Join(mail, "scan.pdf"), "%PDF")
	f = h.next()
	if el := time.Since(t0); f.Path != filepath.Join(mail, "scan.pdf") || el >= 2*s {
		t.Errorf("mail: %s after %v, want it after one settle time (%v)", f.Path, el, s)
	}
}

// eventsOff starts a watcher whose event watcher the test can reach, waits until it runs,
// and stops its events for the inbox: what then arrives is found only by a rescan.
func eventsOff(t *testing.T, dir string, o Options) (*harness, *fsnotify.Watcher) {
	t.Helper()
	w, err := New([]Inbox{{Path: dir, Channel: "mail"}}, o)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan *fsnotify.Watcher, 1)
	w.onEvents = func(fsw *fsnotify.Watcher) { got <- fsw }
	write(t, filepath.Join(dir, "probe.pdf"), "probe")
	h := startWatcher(t, w)
	fsw := <-got
	h.next() // the probe: the start-up scan is over
	if err := fsw.Remove(dir); err != nil {
		t.Fatal(err)
	}
	return h, fsw
}

func TestOverflowRescans(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	h, fsw := eventsOff(t, dir, options(t))
	write(t, filepath.Join(dir, "missed.pdf"), "missed")
	h.none(3 * settle) // no event, no rescan
	fsw.Errors <- fsnotify.ErrEventOverflow
	if f := h.next(); f.Path != filepath.Join(dir, "missed.pdf") {
		t.Errorf("got %s", f.Path)
	}
	// The rescan watches the inbox again.
	write(t, filepath.Join(dir, "after.pdf"), "after")
	if f := h.next(); f.Path != filepath.Join(dir, "after.pdf") {
		t.Errorf("got %s", f.Path)
	}
}

func TestPeriodicRescan(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	o := options(t)
	o.Rescan = 600 * time.Millisecond
	h, _ := eventsOff(t, dir, o)
	write(t, filepath.Join(dir, "missed.pdf"), "missed")
	if f := h.next(); f.Path != filepath.Join(dir, "missed.pdf") {
		t.Errorf("got %s", f.Path)
	}
}

func TestJitter(t *testing.T) {
	d := 5 * time.Minute
	seen := map[time.Duration]bool{}
	for range 1000 {
		j := jitter(d)
		if j < d*9/10 || j > d*11/10 {
			t.Fatalf("jitter(%v) = %v, outside ±10%%", d, j)
		}
		seen[j] = true
	}
	if len(seen) < 100 {
		t.Errorf("jitter gave only %d different intervals in 1000", len(seen))
	}
}

// Cancelling the context ends Run promptly, even while it waits for the consumer, and
// leaves no goroutine and no inotify instance behind.
func TestCancelEndsEverything(t *testing.T) {
	for _, mode := range []string{"events", "poll"} {
		t.Run(mode, func(t *testing.T) {
			baseline, fds := runtime.NumGoroutine(), inotifyFDs()
			dir := t.TempDir()
			o := options(t)
			if mode == "poll" {
				o.Poll = 50 * time.Millisecond
			}
			w, err := New([]Inbox{{Path: dir, Channel: "mail"}}, o)
			if err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir, "a.pdf"), "a")
			write(t, filepath.Join(dir, "sub", "b.pdf"), "b")
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			out := make(chan File) // nobody reads: Run blocks handing out a.pdf
			go func() { done <- w.Run(ctx, out) }()
			time.Sleep(3 * settle)
			t0 := time.Now()
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
				if el := time.Since(t0); el > 500*time.Millisecond {
					t.Errorf("Run took %v to return", el)
				}
			case <-time.After(2 * time.Second):
				t.Fatal("Run did not return")
			}
			deadline := time.Now().Add(2 * time.Second)
			for runtime.NumGoroutine() > baseline && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if n := runtime.NumGoroutine(); n > baseline {
				buf := make([]byte, 1<<16)
				t.Errorf("%d goroutines left behind:\n%s", n-baseline, buf[:runtime.Stack(buf, true)])
			}
			if n := inotifyFDs(); n != fds {
				t.Errorf("%d inotify instances left open", n-fds)
			}
		})
	}
}

func TestNewRefuses(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.pdf")
	write(t, file, "x")
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	other := t.TempDir()
	for _, c := range []struct {
		name    string
		inboxes []Inbox
		o       Options
		want    error
	}{
		{"no inbox", nil, Options{}, ErrNoInbox},
		{"bad channel", []Inbox{{Path: dir, Channel: "email"}}, Options{}, ErrInbox},
		{"no path", []Inbox{{Channel: "mail"}}, Options{}, ErrInbox},
		{"missing folder", []Inbox{{Path: filepath.Join(dir, "nope"), Channel: "mail"}}, Options{}, ErrInbox},
		{"a file", []Inbox{{Path: file, Channel: "mail"}}, Options{}, ErrInbox},
		{"nested", []Inbox{{Path: dir, Channel: "mail"}, {Path: filepath.Join(dir, "sub"), Channel: "fax"}}, Options{}, ErrInbox},
		{"same twice", []Inbox{{Path: dir, Channel: "mail"}, {Path: dir + "/.", Channel: "fax"}}, Options{}, ErrInbox},
		{"negative settle", []Inbox{{Path: dir, Channel: "mail"}}, Options{Settle: -1}, ErrOptions},
		{"negative poll", []Inbox{{Path: dir, Channel: "mail"}}, Options{Poll: -time.Second}, ErrOptions},
	} {
		if _, err := New(c.inboxes, c.o); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	w, err := New([]Inbox{{Path: dir, Channel: "mail"}, {Path: other, Channel: "fax", Station: "line1"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if w.o.Settle != DefaultSettle || w.o.Rescan != DefaultRescan || w.o.Poll != 0 {
		t.Errorf("defaults: %+v", w.o)
	}
}
