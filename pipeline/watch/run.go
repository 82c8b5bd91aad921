package watch

import (
	"cmp"
	"context"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"intake/pipeline/source"
)

// maxDirty bounds the paths waiting to be looked at; beyond it they are dropped for a full
// rescan.
const maxDirty = 10000

// maxReadyWait bounds how long a file Ready refused waits before it is asked again.
const maxReadyWait = time.Minute

// run is the state of one Run. Only the goroutine running loop touches it, except dirty
// (under mu), which the event goroutine fills.
type run struct {
	w     *Watcher
	out   chan<- File
	fsw   *fsnotify.Watcher // nil when polling
	files map[string]*entry // files seen, by path
	dirs  map[string]bool   // folders walked (and watched, when listening for events)
	down  map[*inbox]bool   // inboxes that could not be walked at the last try
	gen   uint64            // counts full scans; entry.seen says which one saw a file

	rescanT  *time.Timer // the next full rescan
	rescanAt time.Time

	kick   chan struct{} // 1-buffered: paths wait in dirty
	rescan chan struct{} // 1-buffered: look at everything (the event queue overflowed)
	mu     sync.Mutex
	dirty  map[string]struct{}
}

// entry is what is known of one file.
type entry struct {
	in       *inbox
	size     int64
	mod      time.Time
	due      time.Time // when to look at it next: Settle after size or mod last changed, or later
	handed   bool      // handed out, and unchanged since
	waited   bool      // a fax waited its extra Settle for a sidecar
	refusals int       // times Ready said not yet since the last change
	seen     uint64    // the full scan that last saw it
}

func newRun(w *Watcher, out chan<- File) *run {
	return &run{
		w:      w,
		out:    out,
		files:  make(map[string]*entry),
		dirs:   make(map[string]bool),
		down:   make(map[*inbox]bool),
		kick:   make(chan struct{}, 1),
		rescan: make(chan struct{}, 1),
		dirty:  make(map[string]struct{}),
	}
}

// signal wakes the loop without ever blocking: a pending signal already says it all.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// forward turns file system events into paths to look at, and errors into rescans, until
// the event watcher is closed or ctx ends.
func (r *run) forward(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-r.fsw.Events:
			if !ok {
				return
			}
			r.mu.Lock()
			full := len(r.dirty) >= maxDirty
			if full {
				clear(r.dirty)
			} else {
				r.dirty[ev.Name] = struct{}{}
			}
			r.mu.Unlock()
			if full {
				signal(r.rescan)
			} else {
				signal(r.kick)
			}
		case err, ok := <-r.fsw.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				r.w.log.Info("watch: the event queue overflowed; rescanning")
			} else {
				r.w.log.Warn("watch: the event watcher failed; rescanning")
				r.w.log.Debug("watch: event watcher error", "err", err)
			}
			signal(r.rescan)
		}
	}
}

// loop owns the state: it looks where events point, rescans, and hands out files as they
// come due, until ctx ends.
func (r *run) loop(ctx context.Context) error {
	o := r.w.o
	r.rescanT = time.NewTimer(o.Rescan)
	defer r.rescanT.Stop()
	due := time.NewTimer(time.Hour)
	due.Stop()
	defer due.Stop()
	var pollC <-chan time.Time
	if o.Poll > 0 {
		t := time.NewTicker(o.Poll)
		defer t.Stop()
		pollC = t.C
	}

	r.fullScan(ctx)
	for {
		if next, ok := r.nextDue(); ok {
			due.Reset(time.Until(next))
		} else {
			due.Stop()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-r.kick:
			r.lookDirty(ctx)
		case <-r.rescan:
			r.fullScan(ctx)
		case <-r.rescanT.C:
			r.fullScan(ctx)
		case <-pollC:
			r.fullScan(ctx)
		case <-due.C:
			r.handOut(ctx)
		}
	}
}

// jitter draws an interval within ±10% of d.
func jitter(d time.Duration) time.Duration {
	return d - d/10 + rand.N(d/5+1)
}

// scheduleRescan sets the next full rescan d from now.
func (r *run) scheduleRescan(d time.Duration) {
	r.rescanAt = time.Now().Add(d)
	r.rescanT.Reset(d)
}

// rescanSoon brings the next full rescan forward to one Settle from now: after a folder
// moved or vanished, so that a watch the event library dropped is set up again.
func (r *run) rescanSoon() {
	if d := r.w.o.Settle; time.Now().Add(d).Before(r.rescanAt) {
		r.scheduleRescan(d)
	}
}

// fullScan walks every inbox, and forgets the files it no longer finds.
func (r *run) fullScan(ctx context.Context) {
	r.gen++
	clear(r.dirs)
	for _, in := range r.w.inboxes {
		err := r.walk(ctx, in, in.Path)
		switch {
		case err != nil && !r.down[in]:
			r.down[in] = true
			r.w.log.Warn("watch: inbox unavailable; looking again at each rescan", "inbox", in.Path, "err", err)
		case err == nil && r.down[in]:
			r.down[in] = false
			r.w.log.Info("watch: inbox available again", "inbox", in.Path)
		}
	}
	for p, e := range r.files {
		if e.seen != r.gen {
			delete(r.files, p)
		}
	}
	r.scheduleRescan(jitter(r.w.o.Rescan))
}

// walk watches dir (when listening for events), then looks at everything in it, sub-folders
// included. Watching first means a file made meanwhile is either listed or announced.
func (r *run) walk(ctx context.Context, in *inbox, dir string) error {
	if ctx.Err() != nil {
		return nil
	}
	if r.fsw != nil {
		if err := r.fsw.Add(dir); err != nil {
			r.w.log.Debug("watch: cannot watch a folder; relying on rescans", "folder", dir, "err", err)
		}
	}
	r.dirs[dir] = true
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, d := range ents {
		p := filepath.Join(dir, d.Name())
		if Ignored(d.Name(), d.IsDir()) {
			continue
		}
		if d.IsDir() {
			if err := r.walk(ctx, in, p); err != nil {
				r.w.log.Debug("watch: cannot read a folder", "folder", p, "err", err)
			}
			continue
		}
		fi, err := d.Info() // Lstat: a symlink is looked at as one
		if err != nil {
			continue // gone meanwhile
		}
		r.observe(in, p, fi)
	}
	return nil
}

// lookDirty looks at every path events named since the last time.
func (r *run) lookDirty(ctx context.Context) {
	r.mu.Lock()
	paths := make([]string, 0, len(r.dirty))
	for p := range r.dirty {
		paths = append(paths, p)
	}
	clear(r.dirty)
	r.mu.Unlock()
	slices.Sort(paths)
	for _, p := range paths {
		r.look(ctx, p)
	}
}

// look looks at one path an event named: a file, a folder (walked, and watched if new) or
// something that is no longer there (forgotten).
func (r *run) look(ctx context.Context, path string) {
	in, rel := r.inboxOf(path)
	if in == nil {
		return
	}
	parts := strings.Split(rel, string(filepath.Separator))
	for _, c := range parts[:len(parts)-1] {
		if Ignored(c, true) {
			return
		}
	}
	fi, err := os.Lstat(path)
	if err != nil {
		r.forget(path)
		return
	}
	if rel != "." && Ignored(fi.Name(), fi.IsDir()) {
		return
	}
	if fi.IsDir() {
		if err := r.walk(ctx, in, path); err != nil {
			r.w.log.Debug("watch: cannot read a folder", "folder", path, "err", err)
		}
		return
	}
	r.observe(in, path, fi)
}

// inboxOf finds the inbox path is in, and path relative to it.
func (r *run) inboxOf(path string) (*inbox, string) {
	path = filepath.Clean(path)
	for _, in := range r.w.inboxes {
		if within(path, in.Path) {
			rel, err := filepath.Rel(in.Path, path)
			if err != nil {
				return nil, ""
			}
			return in, rel
		}
	}
	return nil, ""
}

// forget drops what is known of path and of everything under it.
func (r *run) forget(path string) {
	delete(r.files, path)
	prefix := path + string(filepath.Separator)
	for p := range r.files {
		if strings.HasPrefix(p, prefix) {
			delete(r.files, p)
		}
	}
	wasDir := false
	for d := range r.dirs {
		if d == path || strings.HasPrefix(d, prefix) {
			delete(r.dirs, d)
			wasDir = true
		}
	}
	if wasDir {
		r.rescanSoon()
	}
}

// observe records what a look at a file found (fi from Lstat). A change of size or
// modification time starts its settle time again.
func (r *run) observe(in *inbox, path string, fi fs.FileInfo) {
	size, mod, ok := r.target(in, path, fi)
	if !ok {
		delete(r.files, path)
		return
	}
	e := r.files[path]
	if e == nil {
		e = &entry{in: in}
		r.files[path] = e
		e.changed(size, mod, r.w.o.Settle)
	} else if e.size != size || !e.mod.Equal(mod) {
		e.changed(size, mod, r.w.o.Settle)
	}
	e.seen = r.gen
}

// changed starts the file's settle time again with its new size and time.
func (e *entry) changed(size int64, mod time.Time, settle time.Duration) {
	now := time.Now()
	e.size, e.mod, e.due = size, mod, now.Add(settle)
	e.handed, e.waited, e.refusals = false, false, 0
}

// target says whether path (fi from Lstat) is a file to hand out, and gives the size and
// time of what it holds: a regular file, or a symlink to a regular file inside the same
// inbox and not in a hidden folder. Nothing is opened.
func (r *run) target(in *inbox, path string, fi fs.FileInfo) (int64, time.Time, bool) {
	m := fi.Mode()
	if m.IsRegular() {
		return fi.Size(), fi.ModTime(), true
	}
	if m&fs.ModeSymlink == 0 {
		r.w.log.Debug("watch: skipping what is not a regular file", "path", path, "mode", m.Type().String())
		return 0, time.Time{}, false
	}
	real, err := filepath.EvalSymlinks(path) // Lstat and Readlink only
	if err != nil {
		r.w.log.Debug("watch: skipping a broken symlink", "path", path)
		return 0, time.Time{}, false
	}
	rel, err := filepath.Rel(in.real, real)
	if err != nil || !filepath.IsLocal(rel) || rel == "." {
		r.w.log.Debug("watch: skipping a symlink that leads out of its inbox", "path", path)
		return 0, time.Time{}, false
	}
	parts := strings.Split(rel, string(filepath.Separator))
	for i, c := range parts {
		if Ignored(c, i < len(parts)-1) {
			r.w.log.Debug("watch: skipping a symlink to an ignored file", "path", path)
			return 0, time.Time{}, false
		}
	}
	tfi, err := os.Lstat(real)
	if err != nil || !tfi.Mode().IsRegular() {
		r.w.log.Debug("watch: skipping a symlink to what is not a regular file", "path", path)
		return 0, time.Time{}, false
	}
	return tfi.Size(), tfi.ModTime(), true
}

// nextDue is the earliest time a file not yet handed out is due.
func (r *run) nextDue() (time.Time, bool) {
	var next time.Time
	for _, e := range r.files {
		if !e.handed && (next.IsZero() || e.due.Before(next)) {
			next = e.due
		}
	}
	return next, !next.IsZero()
}

// handOut looks again at every file that is due and sends those that stayed the same, are
// not waiting for a sidecar and are Ready. It returns early when ctx ends.
func (r *run) handOut(ctx context.Context) {
	now := time.Now()
	var due []string
	for p, e := range r.files {
		if !e.handed && !e.due.After(now) {
			due = append(due, p)
		}
	}
	slices.SortFunc(due, func(a, b string) int {
		return cmp.Or(r.files[a].due.Compare(r.files[b].due), strings.Compare(a, b))
	})
	settle := r.w.o.Settle
	for _, p := range due {
		e := r.files[p]
		if e == nil || e.handed {
			continue
		}
		fi, err := os.Lstat(p)
		if err != nil {
			r.forget(p)
			continue
		}
		if fi.IsDir() {
			r.forget(p)
			r.rescanSoon()
			continue
		}
		size, mod, ok := r.target(e.in, p, fi)
		if !ok {
			delete(r.files, p)
			continue
		}
		if size != e.size || !mod.Equal(e.mod) {
			e.changed(size, mod, settle)
			continue
		}
		if e.in.Channel == ChannelFax && !e.waited && !hasSidecar(p) && !source.NamedByFaxServer(p) {
			e.waited = true
			e.due = time.Now().Add(settle)
			continue
		}
		if ready := r.w.o.Ready; ready != nil && !ready(p) {
			e.refusals++
			e.due = time.Now().Add(readyWait(settle, e.refusals))
			r.w.log.Debug("watch: not ready yet", "path", p, "refusals", e.refusals)
			continue
		}
		select {
		case r.out <- File{Path: p, Inbox: e.in.Inbox, Size: size, ModTime: mod}:
			e.handed = true
			r.w.log.Debug("watch: handed out", "path", p, "size", size)
		case <-ctx.Done():
			return
		}
	}
}

// readyWait is how long to wait before asking Ready again after n refusals: Settle,
// doubling each time, up to a minute (or Settle, if that is longer).
func readyWait(settle time.Duration, n int) time.Duration {
	limit := max(settle, maxReadyWait)
	d := settle
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

// hasSidecar reports whether a fax sidecar is beside path.
func hasSidecar(path string) bool {
	for _, p := range source.SidecarPaths(path) {
		if _, err := os.Lstat(p); err == nil {
			return true
		}
	}
	return false
}
