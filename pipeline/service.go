package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"intake/ocr/raster"
	"intake/pipeline/source"
	"intake/pipeline/watch"
)

// Service is intake's always-on part: it watches the inboxes, claims each complete file
// into its inbox's spool, and runs the pipeline on it; on start it first resumes what an
// earlier run claimed but did not finish.
type Service struct {
	Inboxes []watch.Inbox
	// Instance names this instance's spool inside each inbox; instances sharing an inbox
	// need different names, and a restarted instance the same one.
	Instance string
	Watch    watch.Options
	Runner   *Runner
	Log      *slog.Logger
	// GiveUpWaiting: a file that still does not look complete after this long is taken
	// anyway (and quarantined if it cannot be read). Default 2 minutes.
	GiveUpWaiting time.Duration
}

// Run runs until ctx ends. Files in flight when it ends stay in the spool, uncommitted,
// and are resumed by the next start.
func (s *Service) Run(ctx context.Context) error {
	log := s.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if s.Instance == "" {
		return errors.New("the service needs an instance name")
	}
	spools := map[string]*Spool{}
	for _, in := range s.Inboxes {
		sp, err := OpenSpool(in.Path, s.Instance)
		if err != nil {
			return fmt.Errorf("inbox %s: %w", in.Path, err)
		}
		abs, _ := filepath.Abs(in.Path)
		spools[abs] = sp
	}
	wo := s.Watch
	wo.Logger = log
	wo.Ready = s.readiness()
	w, err := watch.New(s.Inboxes, wo)
	if err != nil {
		return err
	}

	jobs := make(chan Job)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.Runner.Run(ctx, jobs)
	}()
	send := func(j Job) bool {
		select {
		case jobs <- j:
			return true
		case <-ctx.Done():
			return false
		}
	}

	// What an earlier run claimed and did not finish comes first.
	for _, sp := range spools {
		items, err := sp.Pending()
		if err != nil {
			log.Error("cannot read the spool", "spool", sp.Dir(), "error", err)
			continue
		}
		for _, it := range items {
			log.Info("resuming a claimed file", "claim", it.ClaimID)
			if !send(Job{Item: it, Done: doneFunc(sp, it)}) {
				break
			}
		}
	}

	files := make(chan watch.File)
	wg.Add(1)
	var watchErr error
	go func() {
		defer wg.Done()
		watchErr = w.Run(ctx, files)
	}()
	for {
		select {
		case <-ctx.Done():
			close(jobs)
			wg.Wait()
			return watchErr
		case f := <-files:
			abs, _ := filepath.Abs(f.Inbox.Path)
			sp := spools[abs]
			if sp == nil {
				continue
			}
			it, sidecar, err := itemFor(f)
			if err != nil {
				if errors.Is(err, os.ErrNotExist) {
					continue // another instance took it
				}
				log.Warn("cannot describe a file; it stays in the inbox", "error", withoutPath(err))
				continue
			}
			it, err = sp.Claim(f.Path, sidecar, it)
			if err != nil {
				if errors.Is(err, os.ErrNotExist) {
					continue // another instance took it
				}
				log.Error("cannot claim a file; it stays in the inbox", "error", withoutPath(err))
				continue
			}
			log.Info("claimed", "claim", it.ClaimID, "channel", it.Channel, "station", it.Station)
			if !send(Job{Item: it, Done: doneFunc(sp, it)}) {
				close(jobs)
				wg.Wait()
				return watchErr
			}
		}
	}
}

// withoutPath is what went wrong with a file, without its name: an inbox file's name may
// carry a caller's number or a patient's name, which the log must not.
func withoutPath(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Op + ": " + le.Err.Error()
	}
	return err.Error()
}

func doneFunc(sp *Spool, it Item) func() error { return func() error { return sp.Done(it) } }

// itemFor describes a file the watcher handed out.
func itemFor(f watch.File) (Item, string, error) {
	m, err := source.Describe(f.Path, source.Hints{Channel: f.Inbox.Channel, Station: f.Inbox.Station}, HelpCenterZone)
	if err != nil {
		return Item{}, "", err
	}
	it := Item{Name: ItemName(f.Path), Channel: m.Channel, Station: m.Station, ReceivedAt: m.ReceivedAt}
	if m.Fax != nil {
		it.Fax, _ = json.Marshal(m.Fax)
	}
	return it, m.Sidecar, nil
}

// readiness tells the watcher whether a settled file looks complete: a PDF ends with its
// %%EOF marker, a TIFF has its header. Anything else, and a file that keeps failing the
// check for GiveUpWaiting, is taken anyway so that it reaches quarantine with a reason.
func (s *Service) readiness() func(string) bool {
	giveUp := s.GiveUpWaiting
	if giveUp <= 0 {
		giveUp = 2 * time.Minute
	}
	var mu sync.Mutex
	first := map[string]time.Time{}
	return func(path string) bool {
		if looksComplete(path) {
			mu.Lock()
			delete(first, path)
			mu.Unlock()
			return true
		}
		mu.Lock()
		defer mu.Unlock()
		t, ok := first[path]
		if !ok {
			first[path] = time.Now()
			return false
		}
		if time.Since(t) >= giveUp {
			delete(first, path)
			return true
		}
		return false
	}
}

func looksComplete(path string) bool {
	f, err := openRegular(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 1024)
	n, _ := io.ReadFull(f, head)
	switch raster.Sniff(head[:n]) {
	case raster.PDF:
		st, err := f.Stat()
		if err != nil {
			return false
		}
		tail := make([]byte, 1024)
		off := max(st.Size()-int64(len(tail)), 0)
		m, _ := f.ReadAt(tail, off)
		return containsEOF(tail[:m])
	case raster.TIFF:
		return n >= 8
	}
	return n > 0 // not an input we read: taken, and quarantined with a reason
}

func containsEOF(b []byte) bool {
	for i := len(b) - 5; i >= 0; i-- {
		if string(b[i:i+5]) == "%%EOF" {
			return true
		}
	}
	return false
}
