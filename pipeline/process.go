package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"intake/classify"
	"intake/ocr"
	"intake/ocr/raster"
	"intake/pipeline/record"
)

// HelpCenterZone is the Help Center's time zone: received dates, due dates and case-number
// years are counted there.
var HelpCenterZone = func() *time.Location {
	if l, err := time.LoadLocation("America/Los_Angeles"); err == nil {
		return l
	}
	return time.FixedZone("PST", -8*3600)
}()

// Item is one input file handed to the pipeline, with what is known before it is read.
type Item struct {
	Path    string // where the file is now (the spool, or the path given to intake process)
	Name    string // its base name as it arrived
	ClaimID string // unique per delivery: committing a claim twice is refused
	Channel string // mail, fax
	Station string
	// ReceivedAt comes from the fax metadata, the sidecar, the file name or the file's
	// modification time; never the time of processing.
	ReceivedAt time.Time
	Fax        json.RawMessage // fax metadata to keep with the input; nil when none
}

// PagesSuffix names the archived file, beside an original, that says how each page was
// turned to be read (PageTurn, as JSON): the review station shows a page as it was read,
// so that the word boxes of its fields fall where they belong.
const PagesSuffix = ".pages.json"

// PageTurn is how one page was turned before it was read.
type PageTurn struct {
	Page     int     `json:"page"`     // 1-based
	Rotation int     `json:"rotation"` // clockwise degrees: 0, 90, 180, 270
	Read     bool    `json:"read"`     // false when the page could not be read
	Skew     float64 `json:"skew"`     // degrees, as ocr.Page.Skew
}

func pagesJSON(pages []classify.Page) []byte {
	out := make([]PageTurn, len(pages))
	for i, pg := range pages {
		out[i] = PageTurn{Page: i + 1}
		if pg.OCR != nil {
			out[i].Rotation, out[i].Skew, out[i].Read = pg.OCR.Rotation, pg.OCR.Skew, true
		}
	}
	b, _ := json.Marshal(out)
	return b
}

// ItemName is the name an input is known by: its base name, with bytes that are not UTF-8
// (a scanner on another code page) replaced, since the store keeps text.
func ItemName(path string) string {
	return strings.ToValidUTF8(filepath.Base(path), "\uFFFD")
}

// Archive keeps originals and what was made of them. Paths it returns are relative to the
// data folder.
type Archive interface {
	// Keep stores a copy of the original at src, write-once, synced to disk, and returns
	// where it is.
	Keep(src, sha256, ext string, received time.Time) (string, error)
	// Put writes a file derived from the original (its OCR text, its result record) beside it.
	Put(originalRel, suffix string, data []byte) error
	// Quarantine stores a copy of a file that could not be processed, with NAME.reason.txt
	// holding reason, and returns where it is.
	Quarantine(src, name, claimID, reason string, received time.Time) (string, error)
	// LinkCase files the archived original under the case's folder as well.
	LinkCase(originalRel, caseNumber string, received time.Time) error
}

// Outcome is what became of an item.
type Outcome struct {
	Record ResultRecord
	// AlreadyDone: the claim had been committed before (a restart after a crash); Record
	// holds only the input part.
	AlreadyDone bool
}

// Processor runs the stages on one item: hash, read (OCR), analyse, archive, decide the
// cases and commit, all or nothing.
type Processor struct {
	Pool    *ocr.Pool // must keep page images (ocr.PoolOptions.KeepImage)
	Store   Store
	Archive Archive
	Limits  raster.Limits
	// Inflight is how many pages of one file are in flight at once (default: 3).
	Inflight int
	// FileTimeout bounds the reading of one file, all its pages (0: no bound beyond the
	// pool's time per page). A file over it is quarantined.
	FileTimeout time.Duration
	// PageRead, when set, is called as each page of a file has been read (or failed), for
	// a progress display.
	PageRead func()
	// Stage, when set, is told how long each stage of a processed input took: "hash",
	// "read" (OCR and inspection), "analyse", "archive", "commit".
	Stage func(name string, d time.Duration)
	// Due counts the acknowledgement's due date (default: 5 calendar days).
	Due DueRule
	// Read reads a file's pages; nil means OCR on Pool. A tests' hook: an error it returns
	// is transient unless it is a *Permanent.
	Read func(ctx context.Context, path string) ([]classify.Page, raster.Format, error)
	// Actor names this process in the event log, e.g. "intake@host:1234".
	Actor string
	Log   *slog.Logger
}

// Permanent marks an error that retrying will not cure: the input goes to quarantine.
type Permanent struct{ Reason string }

func (e *Permanent) Error() string { return e.Reason }

// IsDiskFull reports whether err is the disk being full (or over quota): transient.
func IsDiskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

var errAlreadyDone = errors.New("pipeline: claim already committed")

// Process runs the pipeline on it. A returned error is transient (the store unreachable,
// the disk full, ctx cancelled): nothing was committed and the item should be tried again
// later. An input that cannot be processed is quarantined and reported in the outcome, not
// as an error.
func (p *Processor) Process(ctx context.Context, it Item) (*Outcome, error) {
	log := p.logger().With("claim", it.ClaimID)
	mark := time.Now()
	var stages [5]time.Duration // hash, read, analyse, archive, commit
	lap := func(k int) { now := time.Now(); stages[k], mark = now.Sub(mark), now }
	sha, err := hashFile(it.Path)
	lap(0)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, &Permanent{Reason: "the file disappeared before it could be read"}
		}
		return nil, fmt.Errorf("reading the input: %w", err)
	}
	rec := ResultRecord{Input: InputInfo{Path: it.Name, SHA256: sha, Channel: it.Channel, Station: it.Station,
		ReceivedAt: rfc3339(it.ReceivedAt), Fax: it.Fax}}

	// Done before (a restart), or the same content as an earlier input?
	var done, first *record.Input
	err = p.Store.View(ctx, func(tx Tx) error {
		var err error
		if done, err = tx.InputByClaim(it.ClaimID); err != nil || done != nil {
			return err
		}
		first, err = tx.FirstInputBySHA(sha)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if done != nil {
		rec.Status = done.Status
		log.Info("input already committed", "input_id", done.ID)
		p.relink(ctx, done, log)
		return &Outcome{Record: rec, AlreadyDone: true}, nil
	}
	if first != nil {
		return p.commitDuplicate(ctx, it, rec, sha, log)
	}

	read := p.Read
	if read == nil {
		read = p.ReadFile
	}
	rctx, cancel := ctx, context.CancelFunc(func() {})
	if p.FileTimeout > 0 {
		rctx, cancel = context.WithTimeout(ctx, p.FileTimeout)
	}
	pages, format, err := read(rctx, it.Path)
	overdue := rctx.Err() != nil && ctx.Err() == nil
	cancel()
	lap(1)
	if overdue {
		err = &Permanent{Reason: fmt.Sprintf("Reading the file took longer than the limit of %v.", p.FileTimeout)}
	}
	if err != nil {
		var perm *Permanent
		if ctx.Err() != nil || IsDiskFull(err) || !errors.As(err, &perm) {
			return nil, err
		}
		return p.quarantine(ctx, it, rec, sha, perm.Reason, log)
	}
	rec.Input.Pages = len(pages)
	var text strings.Builder
	failed := 0
	for i, pg := range pages {
		if pg.OCR == nil {
			failed++
			continue
		}
		fmt.Fprintf(&text, "--- page %d ---\n%s\n", i+1, pg.OCR.Text)
	}
	result := classify.Analyze(pages, it.ReceivedAt)
	for _, d := range result.Documents {
		rec.Documents = append(rec.Documents, documentOut(d))
	}
	lap(2)

	rel, err := p.Archive.Keep(it.Path, sha, extOf(format), it.ReceivedAt)
	if err != nil {
		return nil, fmt.Errorf("archiving the original: %w", err)
	}
	if err := p.Archive.Put(rel, ".ocr.txt", []byte(text.String())); err != nil {
		return nil, fmt.Errorf("archiving the OCR text: %w", err)
	}
	if err := p.Archive.Put(rel, PagesSuffix, pagesJSON(pages)); err != nil {
		return nil, fmt.Errorf("archiving how the pages were turned: %w", err)
	}
	lap(3)

	in := &record.Input{ClaimID: it.ClaimID, SHA256: sha, Name: it.Name, Channel: it.Channel, Station: it.Station,
		ReceivedAt: it.ReceivedAt, Pages: len(pages), Fax: it.Fax, Status: record.Processed, Archive: rel}
	var duplicateOf *record.Input
	err = p.Store.Update(ctx, func(tx Tx) error {
		if d, err := tx.InputByClaim(it.ClaimID); err != nil {
			return err
		} else if d != nil {
			return errAlreadyDone
		}
		// Another instance may have committed the same content meanwhile.
		if f, err := tx.FirstInputBySHA(sha); err != nil {
			return err
		} else if f != nil {
			duplicateOf = f
			return nil
		}
		in.ID = 0
		if err := tx.AddInput(in); err != nil {
			return err
		}
		if err := tx.AddEvent(&record.Event{Actor: p.Actor, Kind: "input.received", InputID: in.ID,
			Detail: detail("pages", len(pages), "documents", len(result.Documents), "unreadable_pages", failed)}); err != nil {
			return err
		}
		cases, err := p.decide(tx, in, result, it.ReceivedAt)
		if err != nil {
			return err
		}
		rec.Status = record.Processed
		rec.Cases = cases
		rec.Case = nil
		if len(cases) == 1 {
			rec.Case = &rec.Cases[0]
		}
		b, err := json.MarshalIndent(rec, "", "  ")
		if err != nil {
			return err
		}
		return p.Archive.Put(rel, ".result.json", b)
	})
	switch {
	case errors.Is(err, errAlreadyDone):
		rec.Status = ""
		return &Outcome{Record: rec, AlreadyDone: true}, nil
	case err != nil:
		return nil, fmt.Errorf("store: %w", err)
	case duplicateOf != nil:
		rec.Documents = nil
		return p.commitDuplicate(ctx, it, rec, sha, log)
	}
	for _, c := range rec.Cases {
		if c.Number != nil {
			if err := p.Archive.LinkCase(rel, *c.Number, it.ReceivedAt); err != nil {
				log.Warn("could not file the original under its case", "case", *c.Number, "error", err)
			}
		}
	}
	lap(4)
	if p.Stage != nil {
		for k, name := range []string{"hash", "read", "analyse", "archive", "commit"} {
			p.Stage(name, stages[k])
		}
	}
	log.Info("input processed", "input_id", in.ID, "pages", len(pages), "documents", len(rec.Documents), "cases", caseSummary(rec.Cases),
		"read_ms", stages[1].Milliseconds(), "total_ms", (stages[0] + stages[1] + stages[2] + stages[3] + stages[4]).Milliseconds())
	return &Outcome{Record: rec}, nil
}

// ReadFile opens the file and reads every page on the OCR pool. A file that cannot be
// opened, or none of whose pages can be read, is a *Permanent error; pages that fail among
// others that read are left without OCR (and logged by number).
func (p *Processor) ReadFile(ctx context.Context, path string) ([]classify.Page, raster.Format, error) {
	doc, err := raster.OpenFile(path, p.Limits)
	if err != nil {
		if IsDiskFull(err) || errors.Is(err, raster.ErrNoRenderer) {
			return nil, raster.Unknown, err
		}
		return nil, raster.Unknown, &Permanent{Reason: reasonFor(err)}
	}
	defer doc.Close()
	pages := make([]classify.Page, doc.NumPages())
	failed := 0
	var firstPageErr error
	err = ReadPages(ctx, p.Pool, doc, p.inflight(), func(r PageRead) {
		if p.PageRead != nil {
			p.PageRead()
		}
		if r.Err != nil {
			failed++
			if firstPageErr == nil {
				firstPageErr = r.Err
			}
			p.logger().Warn("page could not be read", "page", r.Index+1, "error", r.Err)
			return
		}
		pages[r.Index] = r.Page
	})
	if err != nil {
		return nil, doc.Format(), err
	}
	if failed == len(pages) {
		return nil, doc.Format(), &Permanent{Reason: reasonFor(firstPageErr)}
	}
	return pages, doc.Format(), nil
}

// relink files a committed input's original under its cases again: a crash between the
// commit and the filing would otherwise leave a case folder without it. Filing twice is
// harmless.
func (p *Processor) relink(ctx context.Context, in *record.Input, log *slog.Logger) {
	if in.Status != record.Processed || in.Archive == "" {
		return
	}
	var cases []record.Case
	if err := p.Store.View(ctx, func(tx Tx) error {
		var err error
		cases, err = tx.CasesOfInput(in.ID)
		return err
	}); err != nil {
		log.Warn("could not look up the cases of a committed input", "input_id", in.ID, "error", err)
		return
	}
	for _, c := range cases {
		if err := p.Archive.LinkCase(in.Archive, c.Number, in.ReceivedAt); err != nil {
			log.Warn("could not file the original under its case", "case", c.Number, "error", err)
		}
	}
}

// commitDuplicate records an input whose content was received before: no new case.
func (p *Processor) commitDuplicate(ctx context.Context, it Item, rec ResultRecord, sha string, log *slog.Logger) (*Outcome, error) {
	in := &record.Input{ClaimID: it.ClaimID, SHA256: sha, Name: it.Name, Channel: it.Channel, Station: it.Station,
		ReceivedAt: it.ReceivedAt, Fax: it.Fax, Status: record.Duplicate}
	err := p.Store.Update(ctx, func(tx Tx) error {
		if d, err := tx.InputByClaim(it.ClaimID); err != nil {
			return err
		} else if d != nil {
			return errAlreadyDone
		}
		first, err := tx.FirstInputBySHA(sha)
		if err != nil {
			return err
		}
		if first == nil {
			return errors.New("the earlier input with the same content is gone")
		}
		in.ID, in.DuplicateOf, in.Pages, in.Archive = 0, first.ID, first.Pages, first.Archive
		if err := tx.AddInput(in); err != nil {
			return err
		}
		cases, err := tx.CasesOfInput(first.ID)
		if err != nil {
			return err
		}
		rec.Input.Pages = first.Pages
		rec.Cases = nil
		for i := range cases {
			c := caseOut(&cases[i], "none")
			rec.Cases = append(rec.Cases, c)
			if err := tx.AddEvent(&record.Event{Actor: p.Actor, Kind: "input.duplicate", InputID: in.ID, CaseID: cases[i].ID,
				Detail: detail("duplicate_of", first.ID)}); err != nil {
				return err
			}
		}
		if len(cases) == 0 {
			return tx.AddEvent(&record.Event{Actor: p.Actor, Kind: "input.duplicate", InputID: in.ID, Detail: detail("duplicate_of", first.ID)})
		}
		return nil
	})
	if errors.Is(err, errAlreadyDone) {
		return &Outcome{Record: rec, AlreadyDone: true}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	rec.Status = record.Duplicate
	if len(rec.Cases) == 1 {
		rec.Case = &rec.Cases[0]
	}
	log.Info("input is a duplicate", "input_id", in.ID, "duplicate_of", in.DuplicateOf)
	return &Outcome{Record: rec}, nil
}

// Quarantine records an input that cannot be processed: a copy and its reason go to the
// quarantine folder and the store records it. reason must hold no health information.
func (p *Processor) Quarantine(ctx context.Context, it Item, reason string) (*Outcome, error) {
	sha, _ := hashFile(it.Path)
	rec := ResultRecord{Input: InputInfo{Path: it.Name, SHA256: sha, Channel: it.Channel, Station: it.Station,
		ReceivedAt: rfc3339(it.ReceivedAt), Fax: it.Fax}}
	return p.quarantine(ctx, it, rec, sha, reason, p.logger().With("claim", it.ClaimID))
}

func (p *Processor) quarantine(ctx context.Context, it Item, rec ResultRecord, sha, reason string, log *slog.Logger) (*Outcome, error) {
	rel, err := p.Archive.Quarantine(it.Path, it.Name, it.ClaimID, reason, it.ReceivedAt)
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("quarantining the input: %w", err)
	}
	in := &record.Input{ClaimID: it.ClaimID, SHA256: sha, Name: it.Name, Channel: it.Channel, Station: it.Station,
		ReceivedAt: it.ReceivedAt, Pages: rec.Input.Pages, Fax: it.Fax, Status: record.Quarantined, Error: reason, Archive: rel}
	err = p.Store.Update(ctx, func(tx Tx) error {
		if d, err := tx.InputByClaim(it.ClaimID); err != nil {
			return err
		} else if d != nil {
			return errAlreadyDone
		}
		if err := tx.AddInput(in); err != nil {
			return err
		}
		return tx.AddEvent(&record.Event{Actor: p.Actor, Kind: "input.quarantined", InputID: in.ID, Detail: detail("reason", reason)})
	})
	if errors.Is(err, errAlreadyDone) {
		return &Outcome{Record: rec, AlreadyDone: true}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	rec.Status = record.Quarantined
	rec.Error = &reason
	rec.Documents, rec.Case, rec.Cases = nil, nil, nil
	log.Warn("input quarantined", "input_id", in.ID, "reason", reason)
	return &Outcome{Record: rec}, nil
}

func (p *Processor) logger() *slog.Logger {
	if p.Log != nil {
		return p.Log
	}
	return slog.New(slog.DiscardHandler)
}

func (p *Processor) inflight() int {
	if p.Inflight > 0 {
		return p.Inflight
	}
	return 3
}

// reasonFor turns a reading error into a sentence for a person. The raster package's
// errors are written for people and never quote the file's content.
func reasonFor(err error) string {
	var perm *Permanent
	if errors.As(err, &perm) {
		return perm.Reason
	}
	for _, e := range []error{raster.ErrEmpty, raster.ErrUnsupported, raster.ErrDamaged, raster.ErrEncrypted,
		raster.ErrTooLarge, raster.ErrNoPages} {
		if errors.Is(err, e) {
			msg := sentence(strings.TrimPrefix(e.Error(), "raster: "))
			// Which limit, or what kind of file: raster's details name page numbers,
			// sizes and limits, never anything read from the file.
			if e == raster.ErrTooLarge || e == raster.ErrUnsupported {
				if d, ok := strings.CutPrefix(err.Error(), e.Error()+": "); ok && d != "" {
					msg = strings.TrimSuffix(msg, ".") + " (" + d + ")."
				}
			}
			return msg
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "Reading a page took longer than the time limit."
	}
	return "The file could not be read."
}

func sentence(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

func extOf(f raster.Format) string {
	switch f {
	case raster.PDF:
		return ".pdf"
	case raster.TIFF:
		return ".tif"
	}
	return ".bin"
}

func hashFile(path string) (string, error) {
	f, err := openRegular(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// errNotRegular is a path that is no longer a regular file: something (a FIFO, a link)
// was put in its place after the watcher looked.
var errNotRegular = &Permanent{Reason: "The file was replaced by something that is not a regular file (a pipe or a link) and was not read."}

// openRegular opens path for reading without following a link in its last element and
// without waiting (a FIFO would otherwise block until a writer comes), and refuses anything
// but a regular file.
func openRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, errNotRegular
		}
		return nil, err
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		if err != nil {
			return nil, err
		}
		return nil, errNotRegular
	}
	return f, nil
}

// detail makes an event's detail object from key, value pairs.
func detail(kv ...any) json.RawMessage {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	b, _ := json.Marshal(m)
	return b
}

func caseSummary(cs []CaseOut) string {
	var parts []string
	for _, c := range cs {
		n := "-"
		if c.Number != nil {
			n = *c.Number
		}
		parts = append(parts, c.Action+":"+n)
	}
	return strings.Join(parts, ",")
}
