// Package ack is the nightly acknowledgement job: every open case that has no
// acknowledgement and can have one (the enrollee's name and mailing address are known) gets
// its letter, recorded in the same transaction as the case's acknowledgement, so a second
// run makes nothing and a missed night is caught up by the next run. An authorized
// assistant on file gets a copy. The run writes each letter under its case, one print batch
// PDF and a manifest CSV for the mailroom, and a report: letters made, cases due within a
// day that cannot be acknowledged (and why), cases already overdue.
//
// One run at a time across instances: the job holds the store's "ack" lock. The cases go
// by in chunks of a few hundred: their letters are rendered on every core, written, synced
// together, and only then recorded, the chunk in one transaction. A crash in between leaves
// letter files with no record, which the next run writes again, byte for byte the same.
package ack

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"intake/internal/durable"
	"intake/pipeline/record"
)

// Store is what the job needs from the case store.
type Store interface {
	CasesToAcknowledge(ctx context.Context) ([]record.Case, error)
	// CaseDocumentsOfKind lists, by case, the documents of a kind linked to the cases.
	CaseDocumentsOfKind(ctx context.Context, kind string, caseIDs []int64) (map[int64][]record.Document, error)
	// AcknowledgeCases records the letters of many cases and marks them acknowledged, in
	// one transaction, skipping (and returning) the cases already acknowledged.
	AcknowledgeCases(ctx context.Context, acks []record.Ack, at time.Time, actor string) (skipped []int64, err error)
	TryLock(ctx context.Context, name string) (release func(), err error)
}

// Letter is what one acknowledgement letter says.
type Letter struct {
	CaseNumber string
	Date       time.Time // the letter's date
	Received   time.Time
	Language   string // en, es
	ToName     string
	ToLines    []string // street, "City, ST 12345"
	Patient    string
	Plan       string
	Kind       string // imr, consumer_complaint, undetermined
	Urgent     bool
	CopyOf     string // for the assistant's copy: the enrollee's name
}

// Renderer makes the letters' PDFs.
type Renderer interface {
	Render(Letter) ([]byte, error)
	Merge(pdfs [][]byte) ([]byte, error)
	PageCount(pdf []byte) (int, error)
}

// Job is the acknowledgement job over one store and data folder.
type Job struct {
	Store    Store
	Renderer Renderer
	DataDir  string
	Actor    string
	Zone     *time.Location // the Help Center's
	Log      *slog.Logger
}

// Report is what a run did, in the contract's shape (`intake ack --json`). It names cases
// by number only.
type Report struct {
	At                string    `json:"at"`
	DryRun            bool      `json:"dry_run"`
	Letters           []Made    `json:"letters"`
	BatchPDF          string    `json:"batch_pdf"`
	Manifest          string    `json:"manifest"`
	CannotAcknowledge []Problem `json:"cannot_acknowledge"`
	Overdue           []Problem `json:"overdue"`
}

// Made is one letter made.
type Made struct {
	Case      string `json:"case"`
	Path      string `json:"path"` // relative to the data folder
	Language  string `json:"language"`
	Recipient string `json:"recipient"` // enrollee, assistant
	Pages     int    `json:"pages"`
}

// Problem is a case a person must look at.
type Problem struct {
	Case   string `json:"case"`
	Due    string `json:"due"`
	Reason string `json:"reason"`
}

// ErrBusy: another instance is running the job now.
var ErrBusy = errors.New("ack: another instance is making the acknowledgement letters now")

// Run makes the letters due as of at (the simulated "now"). With dryRun it reports what it
// would do and writes nothing.
func (j *Job) Run(ctx context.Context, at time.Time, dryRun bool) (*Report, error) {
	zone := j.Zone
	if zone == nil {
		zone = time.UTC
	}
	log := j.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	release, err := j.Store.TryLock(ctx, "ack")
	if err != nil {
		if errors.Is(err, record.ErrLocked) {
			return nil, ErrBusy
		}
		return nil, err
	}
	defer release()

	local := at.In(zone)
	today := local.Format("2006-01-02")
	tomorrow := local.AddDate(0, 0, 1).Format("2006-01-02")
	rep := &Report{At: local.Format(time.RFC3339), DryRun: dryRun, Letters: []Made{}, CannotAcknowledge: []Problem{}, Overdue: []Problem{}}
	cases, err := j.Store.CasesToAcknowledge(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(cases))
	for i := range cases {
		ids[i] = cases[i].ID
	}
	assistants, err := j.Store.CaseDocumentsOfKind(ctx, "authorized_assistant_form", ids)
	if err != nil {
		return nil, err
	}
	var batch []batchItem
	var pending []*caseLetters
	files := durable.NewBatch(j.DataDir)
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		eachOnAllCores(pending, func(p *caseLetters) {
			for k, l := range p.letters {
				pdf, err := j.Renderer.Render(l)
				if err != nil {
					p.err = fmt.Errorf("ack: the letter of case %s: %w", p.c.Number, err)
					return
				}
				pages, _ := j.Renderer.PageCount(pdf)
				who := "enrollee"
				if k > 0 {
					who = "assistant"
				}
				rel := filepath.Join("cases", p.c.Number, fmt.Sprintf("acknowledgement-%s-%s.pdf", today, who))
				p.recs = append(p.recs, &record.Letter{Kind: "acknowledgement", Language: p.lang, Recipient: who, Path: rel, SHA256: sha(pdf)})
				p.items = append(p.items, batchItem{pdf: pdf, made: Made{Case: p.c.Number, Path: rel, Language: p.lang, Recipient: who, Pages: pages}, to: l})
			}
		})
		skipped := map[int64]bool{}
		if !dryRun {
			var acks []record.Ack
			for _, p := range pending {
				if p.err != nil {
					return p.err
				}
				for _, it := range p.items {
					if err := files.WriteFile(filepath.Join(j.DataDir, it.made.Path), it.pdf, 0o640); err != nil {
						return fmt.Errorf("ack: writing the letter of case %s: %w", p.c.Number, err)
					}
				}
				acks = append(acks, record.Ack{CaseID: p.c.ID, Letters: p.recs})
			}
			if err := files.Sync(); err != nil {
				return fmt.Errorf("ack: writing the letters: %w", err)
			}
			ids, err := j.Store.AcknowledgeCases(ctx, acks, at, j.Actor)
			if err != nil {
				return err
			}
			for _, id := range ids {
				skipped[id] = true // acknowledged meanwhile (by a person, or a run that overlapped)
			}
		}
		for _, p := range pending {
			if p.err != nil {
				return p.err
			}
			if skipped[p.c.ID] {
				continue
			}
			for _, it := range p.items {
				rep.Letters = append(rep.Letters, it.made)
				batch = append(batch, it)
			}
			log.Info("acknowledged", "case", p.c.Number, "letters", len(p.items), "dry_run", dryRun)
		}
		pending = pending[:0]
		return nil
	}
	for i := range cases {
		c := &cases[i]
		if c.ReceivedAt.After(at) {
			continue // not received yet as of at
		}
		if c.AckDue != "" && c.AckDue < today {
			rep.Overdue = append(rep.Overdue, Problem{Case: c.Number, Due: c.AckDue, Reason: "the acknowledgement is late"})
		}
		name := strings.Join(strings.Fields(c.Enrollee.FirstName+" "+c.Enrollee.LastName), " ")
		lines, why := mailingLines(c.Enrollee.Street, c.Enrollee.City, c.Enrollee.State, c.Enrollee.Zip)
		if name == "" {
			why = "the enrollee's name is not known"
		}
		if why != "" {
			if c.AckDue == "" || c.AckDue <= tomorrow {
				rep.CannotAcknowledge = append(rep.CannotAcknowledge, Problem{Case: c.Number, Due: c.AckDue, Reason: why + ": a person must phone or email the enrollee"})
			}
			continue
		}
		lang := c.Language
		if lang != "es" {
			lang = "en"
		}
		base := Letter{CaseNumber: c.Number, Date: local, Received: c.ReceivedAt.In(zone), Language: lang, Patient: name,
			Plan: c.Plan, Kind: c.Kind, Urgent: c.Urgent}
		to := base
		to.ToName, to.ToLines = name, lines
		letters := []Letter{to}
		if a, ok := assistantCopy(assistants[c.ID], name, base); ok {
			letters = append(letters, a)
		}
		pending = append(pending, &caseLetters{c: c, lang: lang, letters: letters})
		if len(pending) >= chunkCases {
			if err := flush(); err != nil {
				return rep, err
			}
		}
	}
	if err := flush(); err != nil {
		return rep, err
	}
	if len(batch) == 0 || dryRun {
		return rep, nil
	}
	var pdfs [][]byte
	var manifest bytes.Buffer
	w := csv.NewWriter(&manifest)
	w.Write([]string{"case", "recipient", "name", "address_1", "address_2", "address_3", "language", "pages", "file"})
	for _, it := range batch {
		pdfs = append(pdfs, it.pdf)
		addr := append(append([]string(nil), it.to.ToLines...), "", "", "")[:3]
		w.Write([]string{it.made.Case, it.made.Recipient, it.to.ToName, addr[0], addr[1], addr[2], it.made.Language,
			fmt.Sprint(it.made.Pages), it.made.Path})
	}
	w.Flush()
	merged, err := j.Renderer.Merge(pdfs)
	if err != nil {
		return rep, fmt.Errorf("ack: the print batch: %w", err)
	}
	stamp := local.Format("150405")
	rep.BatchPDF = filepath.Join("letters", today, "batch-"+stamp+".pdf")
	rep.Manifest = filepath.Join("letters", today, "manifest-"+stamp+".csv")
	if err := writeSynced(filepath.Join(j.DataDir, rep.BatchPDF), merged); err != nil {
		return rep, err
	}
	if err := writeSynced(filepath.Join(j.DataDir, rep.Manifest), manifest.Bytes()); err != nil {
		return rep, err
	}
	b, _ := json.MarshalIndent(rep, "", "  ")
	if err := writeSynced(filepath.Join(j.DataDir, "letters", today, "report-"+stamp+".json"), b); err != nil {
		return rep, err
	}
	return rep, nil
}

// batchItem is one letter of the night's print batch.
type batchItem struct {
	pdf  []byte
	made Made
	to   Letter
}

// caseLetters are one case's letters on their way through a chunk.
type caseLetters struct {
	c       *record.Case
	lang    string
	letters []Letter
	items   []batchItem
	recs    []*record.Letter
	err     error
}

// chunkCases is how many cases the job renders, syncs and records at a time.
const chunkCases = 200

// eachOnAllCores calls do for every item of ps, on as many goroutines as there are cores,
// and returns when every call has.
func eachOnAllCores[T any](ps []T, do func(T)) {
	next := make(chan T)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(ps)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range next {
				do(p)
			}
		}()
	}
	for _, p := range ps {
		next <- p
	}
	close(next)
	wg.Wait()
}

// assistantCopy is the copy for the authorized assistant on file, when the case has an
// Authorized Assistant Form with the assistant's name and mailing address.
func assistantCopy(docs []record.Document, enrollee string, base Letter) (Letter, bool) {
	docs = slices.Clone(docs)
	sort.SliceStable(docs, func(a, b int) bool { return docs[a].ID > docs[b].ID }) // the latest form counts
	for _, d := range docs {
		if d.Kind != "authorized_assistant_form" {
			continue
		}
		f := map[string]string{}
		for _, fl := range d.Fields {
			v := fl.Value
			if fl.CorrectedBy != "" {
				v = fl.Corrected
			}
			if s, ok := v.(string); ok {
				f[fl.Key] = s
			}
		}
		lines, why := mailingLines(f["assistant.street"], f["assistant.city"], f["assistant.state"], f["assistant.zip"])
		if why != "" || f["assistant.name"] == "" {
			continue
		}
		l := base
		l.ToName, l.ToLines, l.CopyOf = f["assistant.name"], lines, enrollee
		return l, true
	}
	return Letter{}, false
}

// mailingLines are the address lines of a US mailing address, or why there is none.
func mailingLines(street, city, state, zip string) ([]string, string) {
	if strings.TrimSpace(street) == "" || strings.TrimSpace(city) == "" || strings.TrimSpace(zip) == "" {
		return nil, "no mailing address"
	}
	last := strings.TrimSpace(city)
	if state != "" {
		last += ", " + strings.ToUpper(strings.TrimSpace(state))
	}
	last += " " + strings.TrimSpace(zip)
	return []string{strings.TrimSpace(street), last}, ""
}

func writeSynced(path string, data []byte) error { return durable.WriteFile(path, data, 0o640) }

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
