package pipeline_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"intake/classify"
	"intake/fixtures"
	"intake/fixtures/corpus"
	"intake/ocr"
	"intake/ocr/ocrtest"
	"intake/ocr/raster"
	"intake/pipeline"
	"intake/pipeline/record"
	"intake/pipeline/source"
	"intake/sinks/archive"
	"intake/sinks/store"
	"intake/sinks/store/storetest"
)

// TestMain limits Tesseract to one OpenMP thread: these tests read pages with it.
func TestMain(m *testing.M) { ocrtest.Main(m) }

const sampleDir = "../fixtures/sample"

// pagesCache reads each file once with the real engine and hands the same pages to later
// runs, so both stores see exactly what Tesseract read without reading it twice.
type pagesCache struct {
	mu    sync.Mutex
	pool  *ocr.Pool
	pages map[string][]classify.Page
	forms map[string]raster.Format
}

func (c *pagesCache) read(p *pipeline.Processor) func(ctx context.Context, path string) ([]classify.Page, raster.Format, error) {
	return func(ctx context.Context, path string) ([]classify.Page, raster.Format, error) {
		key := filepath.Base(path)
		c.mu.Lock()
		pages, ok := c.pages[key]
		f := c.forms[key]
		c.mu.Unlock()
		if ok {
			return pages, f, nil
		}
		real := &pipeline.Processor{Pool: c.pool, Inflight: 3}
		pages, f, err := real.ReadFile(ctx, path)
		if err == nil {
			c.mu.Lock()
			c.pages[key], c.forms[key] = pages, f
			c.mu.Unlock()
		}
		return pages, f, err
	}
}

var (
	sharedOnce  sync.Once
	sharedCache *pagesCache
	sharedErr   error
)

func cache(t *testing.T) *pagesCache {
	t.Helper()
	sharedOnce.Do(func() {
		pool, err := ocr.NewPool(ocr.PoolOptions{Workers: 2, KeepImage: true})
		if err != nil {
			sharedErr = err
			return
		}
		sharedCache = &pagesCache{pool: pool, pages: map[string][]classify.Page{}, forms: map[string]raster.Format{}}
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedCache
}

func openStores(t *testing.T) map[string]func(t *testing.T) *store.Store {
	return map[string]func(t *testing.T) *store.Store{
		"sqlite": func(t *testing.T) *store.Store {
			s, err := store.Open(t.Context(), "", t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		"postgres": func(t *testing.T) *store.Store {
			s, err := store.Open(t.Context(), storetest.NewSchema(t), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
	}
}

// TestSampleCasesOnBothStores feeds the committed sample corpus through the whole pipeline
// (real Tesseract, real store, real archive) on the embedded store and on PostgreSQL, one
// follow-up letter moved before the form of its case, and checks every case the Help Center
// would see: the numbers a fresh store gives, created / attached / duplicate, the waiting
// letter joining its case when the form arrives, the archive, and that committing the same
// claim again changes nothing.
func TestSampleCasesOnBothStores(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the sample corpus with Tesseract")
	}
	order, err := fixtures.Sequence(fixtures.Sample())
	if err != nil {
		t.Fatal(err)
	}
	// The letter-only follow-up of the third case arrives before that case's form.
	const letter, form = "fax001009.tif", "scan-station2-20261102-105111-002.pdf"
	order = slices.DeleteFunc(order, func(s string) bool { return s == letter })
	at := slices.Index(order, form)
	order = slices.Insert(order, at, letter)

	c := cache(t)
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			st := openStores(t)[backend](t)
			data := t.TempDir()
			arc, err := archive.New(data, pipeline.HelpCenterZone)
			if err != nil {
				t.Fatal(err)
			}
			// Everything the pipeline logs, at debug level, is kept to look for health
			// information in it afterwards.
			var logs safeBuffer
			p := &pipeline.Processor{Store: st, Archive: arc, Actor: "test",
				Log: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
			p.Read = c.read(p)
			records := map[string]pipeline.ResultRecord{}
			items := map[string]pipeline.Item{}
			for _, name := range order {
				it := item(t, name)
				o, err := p.Process(t.Context(), it)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				records[name], items[name] = o.Record, it
			}
			for _, name := range order {
				truth, err := fixtures.Truth(fixtures.Sample(), name)
				if err != nil {
					t.Fatal(err)
				}
				rec := records[name]
				if rec.Status != truth.Status {
					t.Errorf("%s: status %q, want %q", name, rec.Status, truth.Status)
				}
				if len(rec.Cases) != len(truth.Cases) {
					t.Errorf("%s: %d cases, want %d", name, len(rec.Cases), len(truth.Cases))
					continue
				}
				for i, tc := range truth.Cases {
					got := rec.Cases[i]
					want, number := tc.Action, tc.Number
					if name == letter {
						want, number = "needs_review", "" // it came before its form
					}
					gotNumber := ""
					if got.Number != nil {
						gotNumber = *got.Number
					}
					if got.Action != want || gotNumber != number {
						t.Errorf("%s envelope %d: %s %q, want %s %q", name, i, got.Action, gotNumber, want, number)
					}
					if want == "created" && (got.Kind != tc.Kind || got.Urgent != tc.Urgent) {
						t.Errorf("%s: case %s is %s urgent=%v, want %s urgent=%v", name, gotNumber, got.Kind, got.Urgent, tc.Kind, tc.Urgent)
					}
				}
			}

			// The letter that waited is now part of its case, and nothing is unmatched.
			third, err := st.CaseByNumber(t.Context(), "HC26-000003-9")
			if err != nil || third == nil {
				t.Fatalf("case HC26-000003-9: %v", err)
			}
			docs, err := st.CaseDocuments(t.Context(), third.ID)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, d := range docs {
				kinds = append(kinds, d.Kind)
			}
			slices.Sort(kinds)
			if !slices.Equal(kinds, []string{"denial_letter", "denial_letter", "imr_form"}) {
				t.Errorf("case HC26-000003-9 holds %v, want its form, its letter and the letter that came first", kinds)
			}
			if un, err := st.Unmatched(t.Context()); err != nil || len(un) != 0 {
				t.Errorf("%d documents still unmatched (%v), want none", len(un), err)
			}
			cases, err := st.ListCases(t.Context(), store.CaseFilter{})
			if err != nil || len(cases) != 9 {
				t.Fatalf("%d cases (%v), want the sample's 9", len(cases), err)
			}

			// The archive holds each original once, private, with its result record.
			rec := records["fax001000.tif"]
			orig := filepath.Join(data, "archive", "2026", "11", "02", rec.Input.SHA256+".tif")
			if st, err := os.Stat(orig); err != nil || st.Mode().Perm() != 0o640 {
				t.Errorf("archived original: %v, mode %v; want it there with mode 0640", err, st.Mode().Perm())
			}
			var archived pipeline.ResultRecord
			b, err := os.ReadFile(filepath.Join(data, "archive", "2026", "11", "02", rec.Input.SHA256+".result.json"))
			if err != nil || json.Unmarshal(b, &archived) != nil || archived.Case == nil || archived.Case.Number == nil ||
				*archived.Case.Number != "HC26-000001-3" {
				t.Errorf("archived result record missing or without its case number: %v", err)
			}
			if _, err := os.Stat(filepath.Join(data, "cases", "HC26-000001-3")); err != nil {
				t.Errorf("the case folder of HC26-000001-3 is missing: %v", err)
			}

			// No name, birth date, member id, address, phone, e-mail or problem text of any
			// document is in the log or in the case history.
			var history strings.Builder
			for _, cs := range cases {
				evs, err := st.Events(t.Context(), cs.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range evs {
					fmt.Fprintf(&history, "%s %s\n", e.Kind, e.Detail)
				}
			}
			if logs.Len() == 0 {
				t.Error("the pipeline logged nothing at debug level: the privacy check below would look at nothing")
			}
			for _, name := range order {
				truth, _ := fixtures.Truth(fixtures.Sample(), name)
				for _, v := range healthValues(truth) {
					if strings.Contains(logs.String(), v) {
						t.Errorf("%s: a value of its truth (%d characters) is in the log", name, len(v))
					}
					if strings.Contains(history.String(), v) {
						t.Errorf("%s: a value of its truth (%d characters) is in the case history", name, len(v))
					}
				}
			}

			// The same claim again (a restart after the commit) changes nothing.
			before, _ := st.Inputs(t.Context(), store.InputFilter{})
			o, err := p.Process(t.Context(), items["fax001000.tif"])
			if err != nil || !o.AlreadyDone {
				t.Errorf("processing a committed claim again: %v, already done %v", err, o != nil && o.AlreadyDone)
			}
			after, _ := st.Inputs(t.Context(), store.InputFilter{})
			if len(after) != len(before) {
				t.Errorf("a committed claim processed again added inputs: %d, then %d", len(before), len(after))
			}
		})
	}
}

// TestBadInputIsQuarantined: a damaged file and a file that is no document go to
// quarantine with a reason a person can read, and the next good file is processed.
func TestBadInputIsQuarantined(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a fax with Tesseract")
	}
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join(sampleDir, "fax001009.tif"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"cut.pdf":    []byte("%PDF-1.4\n1 0 obj << /Type /Catalog"),
		"notes.docx": []byte("PK\x03\x04 this is a word processor file"),
		"empty.tif":  nil,
		"good.tif":   good,
	}
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := cache(t)
	for _, backend := range []string{"sqlite"} {
		st := openStores(t)[backend](t)
		data := t.TempDir()
		arc, _ := archive.New(data, pipeline.HelpCenterZone)
		p := &pipeline.Processor{Store: st, Archive: arc, Actor: "test", Pool: c.pool}
		r := &pipeline.Runner{Processor: p, Workers: 2}
		jobs := make(chan pipeline.Job)
		var mu sync.Mutex
		got := map[string]pipeline.ResultRecord{}
		r.Outcome = func(it pipeline.Item, o *pipeline.Outcome) {
			mu.Lock()
			got[it.Name] = o.Record
			mu.Unlock()
		}
		done := make(chan struct{})
		go func() { r.Run(t.Context(), jobs); close(done) }()
		for _, n := range []string{"cut.pdf", "notes.docx", "empty.tif", "good.tif"} {
			it := pipeline.Item{Path: filepath.Join(dir, n), Name: n, ClaimID: "claim-" + n, Channel: "fax",
				ReceivedAt: time.Date(2026, 11, 20, 9, 0, 0, 0, pipeline.HelpCenterZone)}
			jobs <- pipeline.Job{Item: it}
		}
		close(jobs)
		<-done
		for n, want := range map[string]string{"cut.pdf": "damaged", "notes.docx": "neither a PDF nor a TIFF", "empty.tif": "empty"} {
			rec := got[n]
			if rec.Status != record.Quarantined || rec.Error == nil || !strings.Contains(*rec.Error, want) {
				t.Errorf("%s: %s %v, want quarantined saying %q", n, rec.Status, rec.Error, want)
				continue
			}
			reason, err := os.ReadFile(filepath.Join(data, "quarantine", "2026-11-20", "claim-"+n+"-"+n+".reason.txt"))
			if err != nil || !strings.Contains(string(reason), want) {
				t.Errorf("%s: reason file %q (%v)", n, reason, err)
			}
		}
		if got["good.tif"].Status != record.Processed {
			t.Errorf("the good file after the bad ones: %q, want processed", got["good.tif"].Status)
		}
		q, _ := st.Inputs(t.Context(), store.InputFilter{Status: record.Quarantined})
		if len(q) != 3 {
			t.Errorf("%d quarantined inputs in the store, want 3", len(q))
		}
	}
}

// healthValues are a truth's values that are health information: names, birth dates,
// member ids, addresses, phones, e-mails and the problem in the person's words (the short
// ones, like a state or an initial, are left out: they are in any text).
func healthValues(t corpus.Truth) []string {
	var out []string
	for _, d := range t.Documents {
		for k, v := range d.Fields {
			s, ok := v.(string)
			if !ok || len(s) < 5 {
				continue
			}
			for _, part := range []string{"name", "dob", "member_id", "member.id", "street", "phone", "email", "problem", "condition", "from", "subject"} {
				if strings.Contains(k, part) {
					out = append(out, s)
					break
				}
			}
		}
	}
	return out
}

// safeBuffer is a bytes.Buffer that several goroutines may write.
type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *safeBuffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Len()
}

// item describes a sample file as the watcher would.
func item(t *testing.T, name string) pipeline.Item {
	t.Helper()
	path := filepath.Join(sampleDir, name)
	m, err := source.Describe(path, source.Hints{}, pipeline.HelpCenterZone)
	if err != nil {
		t.Fatal(err)
	}
	// A claim id says nothing about the file, as the service's do: a fax's name holds the
	// caller's number, which must not reach the log.
	sum := sha256.Sum256([]byte(name))
	it := pipeline.Item{Path: path, Name: name, ClaimID: "test-" + hex.EncodeToString(sum[:6]), Channel: m.Channel, Station: m.Station, ReceivedAt: m.ReceivedAt}
	if m.Fax != nil {
		it.Fax, _ = json.Marshal(m.Fax)
	}
	return it
}
