package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Channels an inbox may be.
const (
	ChannelMail = "mail"
	ChannelFax  = "fax"
)

// Defaults of Options.
const (
	DefaultSettle = 2 * time.Second
	DefaultRescan = 5 * time.Minute
)

// Configuration errors of New.
var (
	ErrNoInbox = errors.New("watch: no inbox to watch")
	ErrInbox   = errors.New("watch: bad inbox")
	ErrOptions = errors.New("watch: bad options")
)

// Inbox is a folder that devices drop files into.
type Inbox struct {
	Path    string // the folder; its sub-folders are watched too
	Channel string // ChannelMail or ChannelFax
	Station string // the scanning station or fax line; may be empty
}

// Options tune a Watcher; the zero value is a good default.
type Options struct {
	// Settle is how long a file's size and modification time must stay the same before it
	// is handed out (default 2s).
	Settle time.Duration
	// Poll, when above zero, walks the inboxes at this interval instead of listening for
	// file system events: for SMB/NFS shares, which send none.
	Poll time.Duration
	// Rescan is the interval of full rescans, made in either mode to catch what events
	// missed (default 5m; each interval is drawn within ±10%).
	Rescan time.Duration
	// Ready, if set, is asked about a settled file before it is handed out (e.g. "does it
	// parse"); false means not yet: it is asked again later, less and less often (up to
	// once a minute) while the file stays unchanged. It runs on the watcher's goroutine, so
	// it should be quick.
	Ready func(path string) bool
	// Logger gets what the watcher has to say; nil discards it.
	Logger *slog.Logger
}

// File is a complete file in an inbox.
type File struct {
	Path    string // absolute
	Inbox   Inbox  // the inbox it is in, Path absolute
	Size    int64
	ModTime time.Time
}

// Watcher watches inboxes. Run it once at a time.
type Watcher struct {
	inboxes []*inbox
	o       Options
	log     *slog.Logger
	// onEvents, when set (by tests), is given the event watcher once it exists.
	onEvents func(*fsnotify.Watcher)
}

// inbox is an Inbox with its path made absolute and clean.
type inbox struct {
	Inbox
	real string // Path with symlinks resolved: where a symlink may point
}

// New checks the inboxes and options and returns a Watcher for them.
func New(inboxes []Inbox, o Options) (*Watcher, error) {
	if len(inboxes) == 0 {
		return nil, ErrNoInbox
	}
	if o.Settle < 0 || o.Poll < 0 || o.Rescan < 0 {
		return nil, fmt.Errorf("%w: a negative duration", ErrOptions)
	}
	if o.Settle == 0 {
		o.Settle = DefaultSettle
	}
	if o.Rescan == 0 {
		o.Rescan = DefaultRescan
	}
	w := &Watcher{o: o, log: o.Logger}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	for _, in := range inboxes {
		if in.Channel != ChannelMail && in.Channel != ChannelFax {
			return nil, fmt.Errorf("%w: %s: channel %q is not %s or %s", ErrInbox, in.Path, in.Channel, ChannelMail, ChannelFax)
		}
		if in.Path == "" {
			return nil, fmt.Errorf("%w: no folder", ErrInbox)
		}
		abs, err := filepath.Abs(in.Path)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrInbox, in.Path, err)
		}
		fi, err := os.Stat(abs)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInbox, err)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("%w: %s is not a folder", ErrInbox, in.Path)
		}
		real, err := filepath.EvalSymlinks(abs)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInbox, err)
		}
		for _, other := range w.inboxes {
			if within(real, other.real) || within(other.real, real) {
				return nil, fmt.Errorf("%w: %s and %s overlap", ErrInbox, in.Path, other.Path)
			}
		}
		in.Path = abs
		w.inboxes = append(w.inboxes, &inbox{Inbox: in, real: real})
	}
	return w, nil
}

// within reports whether path is dir or inside it (both clean and absolute).
func within(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, strings.TrimSuffix(dir, string(filepath.Separator))+string(filepath.Separator))
}

// Run watches the inboxes and sends each complete file on out, until ctx ends; then it
// returns nil, once every goroutine it started has ended. It fails only when it cannot
// start listening for file system events. It does not close out.
func (w *Watcher) Run(ctx context.Context, out chan<- File) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait() // deferred calls run last to first: close events, cancel, wait
	defer cancel()

	r := newRun(w, out)
	mode := "events"
	if w.o.Poll > 0 {
		mode = "poll"
	} else {
		fsw, err := fsnotify.NewWatcher()
		if err != nil {
			return fmt.Errorf("watch: listening for file system events: %w", err)
		}
		defer fsw.Close()
		r.fsw = fsw
		wg.Go(func() { r.forward(ctx) })
		if w.onEvents != nil {
			w.onEvents(fsw)
		}
	}
	w.log.Info("watch: watching inboxes", "inboxes", len(w.inboxes), "mode", mode,
		"settle", w.o.Settle, "poll", w.o.Poll, "rescan", w.o.Rescan)
	return r.loop(ctx)
}
