package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"intake/pipeline"
	"intake/pipeline/casenum"
	"intake/pipeline/record"
	"intake/sinks/store"
)

// Run runs the conformance suite. open must return a Store on a fresh, empty database
// and close it when t ends.
func Run(t *testing.T, open func(t *testing.T) *store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s *store.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"DuplicateClaim", testDuplicateClaim},
		{"Rollback", testRollback},
		{"CaseNumbers", testCaseNumbers},
		{"ConcurrentCaseNumbers", testConcurrentCaseNumbers},
		{"ConcurrentMatching", testConcurrentMatching},
		{"UpdateCase", testUpdateCase},
		{"FindCases", testFindCases},
		{"CasesOfInput", testCasesOfInput},
		{"Link", testLink},
		{"Unmatched", testUnmatched},
		{"FirstInputBySHA", testFirstInputBySHA},
		{"Lists", testLists},
		{"Events", testEvents},
		{"ReadOnly", testReadOnly},
		{"Letters", testLetters},
		{"AcknowledgeOnce", testAcknowledgeOnce},
		{"AcknowledgeMany", testAcknowledgeMany},
		{"CaseDocumentsOfKind", testCaseDocumentsOfKind},
		{"JobLock", testJobLock},
		{"Jobs", testJobs},
		{"ConcurrentClaims", testConcurrentClaims},
		{"Migrate", testMigrate},
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"ReviewQueue", testReviewQueue},
		{"ReviewField", testReviewField},
		{"AttachDocument", testAttachDocument},
		{"SetCaseUrgent", testSetCaseUrgent},
		{"SetDocumentKind", testSetDocumentKind},
		{"FindCasesForReview", testFindCasesForReview},
		{"IntakeSince", testIntakeSince},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
}

var la = mustLoad("America/Los_Angeles")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// when is a time in Los Angeles with microseconds, the store's precision.
func when(year int, month time.Month, day, hour int) time.Time {
	return time.Date(year, month, day, hour, 26, 53, 589793000, la)
}

// update runs fn in a write transaction and fails the test if it fails.
func update(t *testing.T, s *store.Store, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := s.Update(t.Context(), func(tx pipeline.Tx) error { return fn(tx.(*store.Tx)) }); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// view runs fn in a read transaction and fails the test if it fails.
func view(t *testing.T, s *store.Store, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := s.View(t.Context(), func(tx pipeline.Tx) error { return fn(tx.(*store.Tx)) }); err != nil {
		t.Fatalf("View: %v", err)
	}
}

func newInput(claim string, received time.Time) *record.Input {
	return &record.Input{ClaimID: claim, SHA256: "sha-" + claim, Name: claim + ".pdf", Channel: "mail",
		ReceivedAt: received, Pages: 2, Status: record.Processed, Archive: "archive/" + claim + ".pdf"}
}

func newCase(received time.Time) *record.Case {
	return &record.Case{Kind: "imr", ReceivedAt: received, Language: "en", MemberID: "M1",
		Enrollee: record.Person{FirstName: "Ana", LastName: "Ruiz", DOB: "1980-01-02"}}
}

// addCase creates a case in a transaction of its own.
func addCase(t *testing.T, s *store.Store, c *record.Case) *record.Case {
	t.Helper()
	update(t, s, func(tx *store.Tx) error { return tx.CreateCase(c) })
	return c
}

// addDocs records an input and its documents (with one field each) in one transaction.
func addDocs(t *testing.T, s *store.Store, in *record.Input, kinds ...string) []*record.Document {
	t.Helper()
	var docs []*record.Document
	update(t, s, func(tx *store.Tx) error {
		if err := tx.AddInput(in); err != nil {
			return err
		}
		for i, k := range kinds {
			d := &record.Document{InputID: in.ID, Envelope: 0, Kind: k, Pages: []int{i + 1}, Confidence: 0.9,
				Language: "en", Fields: []record.Field{{Key: "signed", Value: true, Confidence: 0.8, Page: i + 1}}}
			if err := tx.AddDocument(d); err != nil {
				return err
			}
			docs = append(docs, d)
		}
		return nil
	})
	return docs
}

func equal(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// canon is raw with spacing and key order normalised: PostgreSQL's jsonb keeps neither.
func canon(t *testing.T, raw json.RawMessage) json.RawMessage {
	t.Helper()
	if raw == nil {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("stored JSON does not parse: %v", err)
	}
	b, _ := json.Marshal(v)
	return b
}

func normInput(t *testing.T, in record.Input) record.Input {
	in.ReceivedAt, in.CreatedAt = in.ReceivedAt.UTC(), in.CreatedAt.UTC()
	in.Fax = canon(t, in.Fax)
	return in
}

func normCase(c record.Case) record.Case {
	c.ReceivedAt, c.AcknowledgedAt = c.ReceivedAt.UTC(), c.AcknowledgedAt.UTC()
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c
}

func normDoc(d record.Document) record.Document {
	d.Fields = append([]record.Field(nil), d.Fields...)
	for i := range d.Fields {
		d.Fields[i].CorrectedAt = d.Fields[i].CorrectedAt.UTC()
	}
	return d
}

func normEvent(t *testing.T, e record.Event) record.Event {
	e.At = e.At.UTC()
	e.Detail = canon(t, e.Detail)
	return e
}

func serial(t *testing.T, number string) int {
	t.Helper()
	n, err := casenum.Parse(number)
	if err != nil {
		t.Fatalf("the store gave the case number %q, which does not parse: %v", number, err)
	}
	return n.Serial
}

func testRoundTrip(t *testing.T, s *store.Store) {
	received := when(2026, time.March, 14, 9)
	first := newInput("claim-0", received.Add(-time.Hour))
	in := &record.Input{ClaimID: "claim-1", SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Name: "scan 0001.tif", Channel: "fax", Station: "fax-line-2", ReceivedAt: received, Pages: 7,
		Fax:    json.RawMessage(`{"csid": "+1 916 555 0100", "tags": {"PageCount": 7, "Fine": true}}`),
		Status: record.Duplicate, Error: "a sentence for a person", Archive: "archive/2026/03/14/scan.tif"}
	corrected := received.Add(36 * time.Hour)
	doc := &record.Document{Envelope: 2, Kind: "imr_form", Pages: []int{1, 2, 5}, Confidence: 0.1 + 0.2, Language: "es",
		Fields: []record.Field{
			{Key: "patient.last_name", Value: "Álvarez <&> O'Brien", Confidence: 0.93, Page: 1, Box: [4]float64{0.1, 0.2, 0.55, 0.25}},
			{Key: "signed", Value: true, Confidence: 0.71, Page: 2},
			{Key: "plan_denied", Value: false, Confidence: 0.4, Page: 2, NeedsReview: true,
				Corrected: true, CorrectedBy: "reviewer1", CorrectedAt: corrected},
			{Key: "grievance_filed", Value: "true", Confidence: 1, Page: 5, Corrected: "false", CorrectedBy: "r2", CorrectedAt: corrected},
			{Key: "problem", Value: nil, Confidence: 0, Page: 5, NeedsReview: true},
		}}
	timely := false
	c := &record.Case{Status: record.Open, Kind: "imr", IMRType: "experimental", Urgent: true,
		Issues: []string{"denial", "delay"}, ClinicalArea: "oncology", Flags: []string{},
		Enrollee: record.Person{FirstName: "Ana", MiddleInitial: "Q", LastName: "Álvarez", DOB: "1980-02-29",
			Street: "1 Main St", City: "Fresno", State: "CA", Zip: "93722", Phone: "559-555-0101", Email: "ana@example.org"},
		MemberID: "XEA123456789", Plan: "Blue Plan", Treatment: "proton beam therapy", Language: "es",
		ReceivedAt: received, AckDue: "2026-03-21", DecisionDate: "2026-02-01", FilingDeadline: "2026-08-01",
		Timely: &timely, AcknowledgedAt: received.Add(2 * time.Hour)}
	plain := newCase(received) // Timely, Issues and Flags nil; nothing acknowledged
	var ev, bare *record.Event
	update(t, s, func(tx *store.Tx) error {
		if err := tx.AddInput(first); err != nil {
			return err
		}
		in.DuplicateOf = first.ID
		if err := tx.AddInput(in); err != nil {
			return err
		}
		doc.InputID = in.ID
		doc.CaseID = 999 // ignored
		if err := tx.AddDocument(doc); err != nil {
			return err
		}
		if err := tx.CreateCase(c); err != nil {
			return err
		}
		if err := tx.CreateCase(plain); err != nil {
			return err
		}
		if err := tx.Link(c.ID, doc.ID, record.LinkOpened); err != nil {
			return err
		}
		ev = &record.Event{At: received.Add(time.Minute), Actor: "intake@host:42", Kind: "case.created",
			InputID: in.ID, CaseID: c.ID, DocumentID: doc.ID, Detail: json.RawMessage(`{"keys": ["signed"], "n": 1}`)}
		bare = &record.Event{Actor: "reviewer1", Kind: "note", CaseID: c.ID}
		if err := tx.AddEvent(ev); err != nil {
			return err
		}
		return tx.AddEvent(bare)
	})
	if in.ID == 0 || doc.ID == 0 || c.ID == 0 || ev.ID == 0 || c.Number == "" {
		t.Fatalf("ids not set: input %d, document %d, case %d %q, event %d", in.ID, doc.ID, c.ID, c.Number, ev.ID)
	}
	for i, f := range doc.Fields {
		if f.ID == 0 {
			t.Errorf("field %d (%s) has no id", i, f.Key)
		}
	}
	if c.CreatedAt.IsZero() || !c.UpdatedAt.Equal(c.CreatedAt) || in.CreatedAt.IsZero() {
		t.Errorf("store times not set: case created %v updated %v, input created %v", c.CreatedAt, c.UpdatedAt, in.CreatedAt)
	}
	if bare.At.IsZero() || time.Since(bare.At) > time.Minute || time.Since(bare.At) < -time.Minute {
		t.Errorf("event without a time got At = %v, want about now", bare.At)
	}

	ctx := t.Context()
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.InputByClaim("claim-1")
		if err != nil {
			return err
		}
		if got == nil {
			t.Fatal("InputByClaim: nothing")
		}
		equal(t, "input", normInput(t, *got), normInput(t, *in))
		if got.ReceivedAt.Location() != time.UTC {
			t.Errorf("ReceivedAt comes back in %v, want UTC", got.ReceivedAt.Location())
		}
		if missing, err := tx.InputByClaim("nope"); err != nil || missing != nil {
			t.Errorf("InputByClaim(unknown) = %v, %v; want nil, nil", missing, err)
		}
		gc, err := tx.CaseByID(c.ID)
		if err != nil {
			return err
		}
		equal(t, "case by id", normCase(*gc), normCase(*c))
		gp, err := tx.CaseByID(plain.ID)
		if err != nil {
			return err
		}
		equal(t, "case with nothing optional", normCase(*gp), normCase(*plain))
		if gp.Timely != nil || gp.Issues != nil || gp.Flags != nil || !gp.AcknowledgedAt.IsZero() {
			t.Errorf("unset case fields came back set: timely %v issues %v flags %v acknowledged %v",
				gp.Timely, gp.Issues, gp.Flags, gp.AcknowledgedAt)
		}
		byNumber, err := tx.CaseByNumber(c.Number)
		if err != nil {
			return err
		}
		if byNumber == nil || byNumber.ID != c.ID {
			t.Errorf("CaseByNumber(%q) = %v, want case %d", c.Number, byNumber, c.ID)
		}
		return nil
	})

	docs, err := s.CaseDocuments(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := *doc
	want.CaseID = c.ID
	if len(docs) != 1 {
		t.Fatalf("CaseDocuments: %d documents, want 1", len(docs))
	}
	equal(t, "document", normDoc(docs[0]), normDoc(want))
	for i, f := range docs[0].Fields {
		if reflect.TypeOf(f.Value) != reflect.TypeOf(doc.Fields[i].Value) {
			t.Errorf("field %s: value of type %T, want %T", f.Key, f.Value, doc.Fields[i].Value)
		}
	}

	events, err := s.Events(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 {
		t.Fatalf("Events: %d, want 2", len(events))
	}
	equal(t, "event", normEvent(t, events[0]), normEvent(t, *ev))
	equal(t, "event without references", normEvent(t, events[1]), normEvent(t, *bare))

	letter := &record.Letter{CaseID: c.ID, Kind: "acknowledgement", Language: "es", Recipient: "enrollee",
		Path: "letters/2026/HC26.pdf", SHA256: "abc123", CreatedAt: received.Add(3 * time.Hour)}
	if err := s.AddLetterAndAck(ctx, letter, received.Add(4*time.Hour)); err != nil {
		t.Fatal(err)
	}
	letters, err := s.Letters(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	wl := *letter
	wl.CreatedAt = wl.CreatedAt.UTC()
	if len(letters) != 1 {
		t.Fatalf("Letters: %d, want 1", len(letters))
	}
	letters[0].CreatedAt = letters[0].CreatedAt.UTC()
	equal(t, "letter", letters[0], wl)
}

func testDuplicateClaim(t *testing.T, s *store.Store) {
	received := when(2026, time.May, 1, 10)
	firstIn := newInput("claim-dup", received)
	addDocs(t, s, firstIn, "imr_form")

	second := newInput("claim-dup", received.Add(time.Hour))
	second.SHA256, second.Name = "other", "other.pdf"
	err := s.Update(t.Context(), func(ptx pipeline.Tx) error {
		tx := ptx.(*store.Tx)
		c := newCase(received)
		if err := tx.CreateCase(c); err != nil {
			return err
		}
		err := tx.AddInput(second)
		if !errors.Is(err, store.ErrExists) {
			t.Errorf("AddInput of a committed claim: %v, want ErrExists", err)
		}
		if second.ID != 0 {
			t.Errorf("refused input got id %d", second.ID)
		}
		// The transaction is still usable after the refusal.
		if again, err := tx.InputByClaim("claim-dup"); err != nil || again == nil || again.ID != firstIn.ID {
			t.Errorf("after the refusal, InputByClaim = %v, %v; want input %d", again, err, firstIn.ID)
		}
		return err
	})
	if !errors.Is(err, store.ErrExists) {
		t.Fatalf("Update returned %v, want the fn's ErrExists", err)
	}
	if store.Transient(err) {
		t.Errorf("Transient(ErrExists) = true")
	}
	got, err := s.InputByID(t.Context(), firstIn.ID)
	if err != nil || got == nil {
		t.Fatalf("InputByID: %v, %v", got, err)
	}
	equal(t, "first input after the refused one", normInput(t, *got), normInput(t, *firstIn))
	if cases, _ := s.ListCases(t.Context(), store.CaseFilter{}); len(cases) != 0 {
		t.Errorf("the refused transaction left %d cases", len(cases))
	}
	if ins, _ := s.Inputs(t.Context(), store.InputFilter{}); len(ins) != 1 {
		t.Errorf("%d inputs, want 1", len(ins))
	}
	// Within one transaction too.
	err = s.Update(t.Context(), func(ptx pipeline.Tx) error {
		if err := ptx.AddInput(newInput("claim-twice", received)); err != nil {
			return err
		}
		return ptx.AddInput(newInput("claim-twice", received))
	})
	if !errors.Is(err, store.ErrExists) {
		t.Errorf("AddInput twice in one transaction: %v, want ErrExists", err)
	}
}

func testRollback(t *testing.T, s *store.Store) {
	ctx := t.Context()
	received := when(2026, time.June, 2, 8)
	boom := errors.New("boom")
	var number string
	err := s.Update(ctx, func(ptx pipeline.Tx) error {
		tx := ptx.(*store.Tx)
		in := newInput("claim-rb", received)
		if err := tx.AddInput(in); err != nil {
			return err
		}
		d := &record.Document{InputID: in.ID, Kind: "imr_form", Language: "en",
			Fields: []record.Field{{Key: "signed", Value: true}}}
		if err := tx.AddDocument(d); err != nil {
			return err
		}
		c := newCase(received)
		if err := tx.CreateCase(c); err != nil {
			return err
		}
		number = c.Number
		if err := tx.Link(c.ID, d.ID, record.LinkOpened); err != nil {
			return err
		}
		if err := tx.AddEvent(&record.Event{Actor: "t", Kind: "case.created", CaseID: c.ID}); err != nil {
			return err
		}
		if err := tx.AddLetter(&record.Letter{CaseID: c.ID, Kind: "acknowledgement"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want the fn's error", err)
	}
	if number != casenum.Format(2026, 1) {
		t.Errorf("case number inside the transaction: %s, want %s", number, casenum.Format(2026, 1))
	}
	// A panic rolls back too, and goes on up.
	func() {
		defer func() {
			if recover() == nil {
				t.Errorf("the panic in fn did not reach the caller")
			}
		}()
		s.Update(ctx, func(ptx pipeline.Tx) error {
			if err := ptx.CreateCase(newCase(received)); err != nil {
				return err
			}
			panic("fn panics")
		})
	}()
	checkEmpty(t, s)
	// No number was used up: the next case gets the first serial.
	c := addCase(t, s, newCase(received))
	if c.Number != casenum.Format(2026, 1) {
		t.Errorf("first committed case: %s, want %s (rolled-back numbers are given back)", c.Number, casenum.Format(2026, 1))
	}
}

// checkEmpty fails unless the store holds nothing a user could see.
func checkEmpty(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := t.Context()
	view(t, s, func(tx *store.Tx) error {
		if in, err := tx.InputByClaim("claim-rb"); in != nil || err != nil {
			t.Errorf("rolled-back input is there: %v, %v", in, err)
		}
		return nil
	})
	if ins, err := s.Inputs(ctx, store.InputFilter{}); err != nil || len(ins) != 0 {
		t.Errorf("Inputs: %d, %v; want none", len(ins), err)
	}
	if cs, err := s.ListCases(ctx, store.CaseFilter{}); err != nil || len(cs) != 0 {
		t.Errorf("ListCases: %d, %v; want none", len(cs), err)
	}
	if ds, err := s.Unmatched(ctx); err != nil || len(ds) != 0 {
		t.Errorf("Unmatched: %d, %v; want none", len(ds), err)
	}
	if es, err := s.Events(ctx, 0); err != nil || len(es) != 0 {
		t.Errorf("Events: %d, %v; want none", len(es), err)
	}
}

func testCaseNumbers(t *testing.T, s *store.Store) {
	utc := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }
	tests := []struct {
		received time.Time
		want     string
	}{
		{utc(2026, time.January, 5, 12), "HC26-000001-3"},
		{utc(2026, time.February, 1, 12), "HC26-000002-1"},
		// 23:00 on 31 December in Los Angeles: still 2026 there.
		{utc(2027, time.January, 1, 7), casenum.Format(2026, 3)},
		// Midnight in Los Angeles: the first case of 2027.
		{utc(2027, time.January, 1, 8), casenum.Format(2027, 1)},
		{utc(2026, time.December, 31, 20), casenum.Format(2026, 4)},
		{utc(2027, time.March, 1, 12), casenum.Format(2027, 2)},
	}
	for _, tt := range tests {
		c := addCase(t, s, newCase(tt.received))
		if c.Number != tt.want {
			t.Errorf("case received %s: number %s, want %s", tt.received.Format(time.RFC3339), c.Number, tt.want)
		}
	}
}

func testConcurrentCaseNumbers(t *testing.T, s *store.Store) {
	const workers, each = 8, 10
	other, err := s.Reopen(t.Context())
	if err != nil {
		t.Fatalf("Reopen: %v", err)
	}
	t.Cleanup(func() { other.Close() })
	stores := []*store.Store{s, other}
	var mu sync.Mutex
	var numbers []string
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			st := stores[w%len(stores)]
			for i := range each {
				c := newCase(when(2026, time.April, 1+w, i))
				in := newInput(fmt.Sprintf("claim-%d-%d", w, i), c.ReceivedAt)
				err := st.Update(t.Context(), func(tx pipeline.Tx) error {
					if err := tx.AddInput(in); err != nil {
						return err
					}
					return tx.CreateCase(c)
				})
				if err != nil {
					t.Errorf("worker %d, case %d: %v", w, i, err)
					return
				}
				mu.Lock()
				numbers = append(numbers, c.Number)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	var serials []int
	for _, n := range numbers {
		serials = append(serials, serial(t, n))
	}
	sort.Ints(serials)
	for i, got := range serials {
		if got != i+1 {
			t.Fatalf("serials of %d concurrent cases are not 1..%d without gaps or repeats: %v", len(serials), workers*each, serials)
		}
	}
	if len(serials) != workers*each {
		t.Fatalf("%d cases, want %d", len(serials), workers*each)
	}
	cases, err := s.ListCases(t.Context(), store.CaseFilter{})
	if err != nil || len(cases) != workers*each {
		t.Errorf("ListCases: %d, %v; want %d", len(cases), err, workers*each)
	}
}

// testConcurrentMatching has several processes decide, each in one write transaction,
// whether a case for a member exists and open it if not: write transactions run one at a
// time, so exactly one case is opened.
func testConcurrentMatching(t *testing.T, s *store.Store) {
	other, err := s.Reopen(t.Context())
	if err != nil {
		t.Fatalf("Reopen: %v", err)
	}
	t.Cleanup(func() { other.Close() })
	stores := []*store.Store{s, other}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			err := stores[w%2].Update(t.Context(), func(tx pipeline.Tx) error {
				found, err := tx.FindCases(record.CaseQuery{MemberID: "RACE1", OpenOnly: true})
				if err != nil || len(found) > 0 {
					return err
				}
				time.Sleep(5 * time.Millisecond) // OCR is not here, but a slow decision may be
				c := newCase(when(2026, time.May, 5, 9))
				c.MemberID = "RACE1"
				return tx.CreateCase(c)
			})
			if err != nil {
				t.Errorf("worker %d: %v", w, err)
			}
		})
	}
	wg.Wait()
	var found []record.Case
	view(t, s, func(tx *store.Tx) error {
		var err error
		found, err = tx.FindCases(record.CaseQuery{MemberID: "RACE1"})
		return err
	})
	if len(found) != 1 {
		t.Errorf("%d cases opened for the same member by concurrent matchers, want 1", len(found))
	}
}

func testUpdateCase(t *testing.T, s *store.Store) {
	c := addCase(t, s, newCase(when(2026, time.July, 1, 9)))
	number, created := c.Number, c.CreatedAt
	yes := true
	changed := *c
	changed.Number, changed.CreatedAt = "HC99-999999-9", time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) // not written
	changed.Status, changed.Kind, changed.IMRType, changed.Urgent = record.Closed, "consumer_complaint", "medical_necessity", true
	changed.Issues, changed.Flags, changed.ClinicalArea = []string{"billing"}, []string{"needs_translation"}, "cardiology"
	changed.Enrollee = record.Person{FirstName: "B", MiddleInitial: "C", LastName: "D", DOB: "1970-07-07", Street: "2 Elm",
		City: "Davis", State: "CA", Zip: "95616", Phone: "1", Email: "e@x"}
	changed.MemberID, changed.Plan, changed.Treatment, changed.Language = "Z9", "P", "T", "es"
	changed.ReceivedAt = when(2026, time.July, 2, 9)
	changed.AckDue, changed.DecisionDate, changed.FilingDeadline, changed.Timely = "2026-07-09", "2026-06-01", "2026-12-01", &yes
	changed.AcknowledgedAt = when(2026, time.July, 3, 9)
	time.Sleep(2 * time.Millisecond)
	update(t, s, func(tx *store.Tx) error { return tx.UpdateCase(&changed) })
	if !changed.UpdatedAt.After(created) {
		t.Errorf("UpdatedAt %v not after CreatedAt %v", changed.UpdatedAt, created)
	}
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.CaseByID(c.ID)
		if err != nil {
			return err
		}
		want := changed
		want.Number, want.CreatedAt = number, created
		equal(t, "updated case", normCase(*got), normCase(want))
		return nil
	})
	err := s.Update(t.Context(), func(tx pipeline.Tx) error {
		return tx.UpdateCase(&record.Case{ID: c.ID + 1000, ReceivedAt: c.ReceivedAt, Status: record.Open})
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateCase of a missing case: %v, want ErrNotFound", err)
	}
}

func testFindCases(t *testing.T, s *store.Store) {
	mk := func(member, dob string, received time.Time, closed bool) *record.Case {
		c := newCase(received)
		c.MemberID, c.Enrollee.DOB = member, dob
		if closed {
			c.Status = record.Closed
		}
		return addCase(t, s, c)
	}
	a := mk("A1", "1980-01-01", when(2026, time.January, 10, 9), false)
	b := mk("A1", "1990-05-05", when(2026, time.February, 10, 9), true)
	c := mk("B2", "1980-01-01", when(2026, time.March, 10, 9), false)
	d := mk("A1", "1980-01-01", when(2026, time.April, 10, 9), false)
	tests := []struct {
		name string
		q    record.CaseQuery
		want []*record.Case
	}{
		{"member id", record.CaseQuery{MemberID: "A1"}, []*record.Case{d, b, a}},
		{"dob", record.CaseQuery{DOB: "1980-01-01"}, []*record.Case{d, c, a}},
		{"since", record.CaseQuery{Since: b.ReceivedAt}, []*record.Case{d, c, b}},
		{"since excludes earlier", record.CaseQuery{Since: b.ReceivedAt.Add(time.Microsecond)}, []*record.Case{d, c}},
		{"open only", record.CaseQuery{OpenOnly: true}, []*record.Case{d, c, a}},
		{"member id and dob", record.CaseQuery{MemberID: "A1", DOB: "1980-01-01"}, []*record.Case{d, a}},
		{"all conditions", record.CaseQuery{MemberID: "A1", DOB: "1980-01-01", Since: a.ReceivedAt.Add(time.Hour), OpenOnly: true}, []*record.Case{d}},
		{"limit", record.CaseQuery{MemberID: "A1", Limit: 2}, []*record.Case{d, b}},
		{"nothing matches", record.CaseQuery{MemberID: "C3"}, nil},
		{"member id is exact", record.CaseQuery{MemberID: "a1"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view(t, s, func(tx *store.Tx) error {
				got, err := tx.FindCases(tt.q)
				if err != nil {
					return err
				}
				var gotN, wantN []string
				for _, c := range got {
					gotN = append(gotN, c.Number)
				}
				for _, c := range tt.want {
					wantN = append(wantN, c.Number)
				}
				equal(t, "cases found", gotN, wantN)
				return nil
			})
		})
	}
}

func testCasesOfInput(t *testing.T, s *store.Store) {
	received := when(2026, time.August, 3, 9)
	docs := addDocs(t, s, newInput("claim-many", received), "imr_form", "denial_letter", "imr_form")
	lone := newInput("claim-lone", received)
	addDocs(t, s, lone, "imr_form")
	a, b := newCase(received), newCase(received)
	update(t, s, func(tx *store.Tx) error {
		if err := tx.CreateCase(a); err != nil {
			return err
		}
		if err := tx.CreateCase(b); err != nil {
			return err
		}
		for _, l := range []struct {
			c *record.Case
			d *record.Document
		}{{a, docs[0]}, {a, docs[1]}, {b, docs[2]}, {b, docs[1]}} {
			if err := tx.Link(l.c.ID, l.d.ID, record.LinkOpened); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.CasesOfInput(docs[0].InputID)
		if err != nil {
			return err
		}
		var ids []int64
		for _, c := range got {
			ids = append(ids, c.ID)
		}
		equal(t, "cases of the input", ids, []int64{a.ID, b.ID})
		none, err := tx.CasesOfInput(lone.ID)
		if err != nil {
			return err
		}
		if len(none) != 0 {
			t.Errorf("an input linked to nothing has %d cases", len(none))
		}
		return nil
	})
}

func testLink(t *testing.T, s *store.Store) {
	received := when(2026, time.September, 1, 9)
	docs := addDocs(t, s, newInput("claim-link", received), "imr_form")
	c := addCase(t, s, newCase(received))
	update(t, s, func(tx *store.Tx) error { return tx.Link(c.ID, docs[0].ID, record.LinkOpened) })
	err := s.Update(t.Context(), func(tx pipeline.Tx) error { return tx.Link(c.ID, docs[0].ID, record.LinkReviewer) })
	if !errors.Is(err, store.ErrExists) {
		t.Errorf("linking the same document twice: %v, want ErrExists", err)
	}
	got, err := s.CaseDocuments(t.Context(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != docs[0].ID || got[0].CaseID != c.ID {
		t.Errorf("CaseDocuments after a second link: %+v, want document %d once", got, docs[0].ID)
	}
	for _, tt := range []struct {
		name          string
		caseID, docID int64
	}{{"missing case", c.ID + 100, docs[0].ID}, {"missing document", c.ID, docs[0].ID + 100}} {
		err := s.Update(t.Context(), func(tx pipeline.Tx) error { return tx.Link(tt.caseID, tt.docID, record.LinkAttached) })
		if err == nil {
			t.Errorf("Link with a %s succeeded", tt.name)
		}
	}
}

func testUnmatched(t *testing.T, s *store.Store) {
	later := addDocs(t, s, newInput("claim-later", when(2026, time.October, 2, 9)), "imr_form", "denial_letter")
	earlier := addDocs(t, s, newInput("claim-earlier", when(2026, time.October, 1, 9)), "imr_form", "medical_record")
	dup := newInput("claim-dup", when(2026, time.October, 1, 8))
	dup.Status = record.Duplicate
	addDocs(t, s, dup, "imr_form")
	c := addCase(t, s, newCase(when(2026, time.October, 1, 9)))
	update(t, s, func(tx *store.Tx) error { return tx.Link(c.ID, earlier[0].ID, record.LinkOpened) })
	got, err := s.Unmatched(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, d := range got {
		ids = append(ids, d.ID)
		if len(d.Fields) != 1 || d.Fields[0].Value != true || d.CaseID != 0 {
			t.Errorf("unmatched document %d: fields %+v, case %d", d.ID, d.Fields, d.CaseID)
		}
	}
	equal(t, "unmatched documents, earliest first", ids, []int64{earlier[1].ID, later[0].ID, later[1].ID})
}

func testFirstInputBySHA(t *testing.T, s *store.Store) {
	mk := func(claim string, received time.Time, status string) *record.Input {
		in := newInput(claim, received)
		in.SHA256, in.Status = "same", status
		addDocs(t, s, in)
		return in
	}
	mk("q", when(2026, time.March, 1, 9), record.Quarantined)
	second := mk("b", when(2026, time.March, 3, 9), record.Processed)
	first := mk("a", when(2026, time.March, 2, 9), record.Processed)
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.FirstInputBySHA("same")
		if err != nil {
			return err
		}
		if got == nil || got.ID != first.ID {
			t.Errorf("FirstInputBySHA = %v, want input %d (received first, not quarantined; not %d)", got, first.ID, second.ID)
		}
		none, err := tx.FirstInputBySHA("other")
		if none != nil || err != nil {
			t.Errorf("FirstInputBySHA(unknown) = %v, %v", none, err)
		}
		return nil
	})
}

func testLists(t *testing.T, s *store.Store) {
	ctx := t.Context()
	var ins []*record.Input
	for i, st := range []string{record.Processed, record.Quarantined, record.Processed, record.Duplicate} {
		in := newInput(fmt.Sprintf("claim-%d", i), when(2026, time.May, 1+i, 9))
		in.Status = st
		addDocs(t, s, in)
		ins = append(ins, in)
	}
	idsOf := func(in []record.Input) (out []int64) {
		for _, x := range in {
			out = append(out, x.ID)
		}
		return out
	}
	all, err := s.Inputs(ctx, store.InputFilter{})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "inputs, newest first", idsOf(all), []int64{ins[3].ID, ins[2].ID, ins[1].ID, ins[0].ID})
	processed, _ := s.Inputs(ctx, store.InputFilter{Status: record.Processed, Limit: 1})
	equal(t, "newest processed input", idsOf(processed), []int64{ins[2].ID})
	if in, err := s.InputByID(ctx, ins[1].ID+100); in != nil || err != nil {
		t.Errorf("InputByID(missing) = %v, %v", in, err)
	}

	var cs []*record.Case
	for i := range 3 {
		c := newCase(when(2026, time.June, 3-i, 9)) // created newest received first
		if i == 1 {
			c.Status = record.Closed
		}
		cs = append(cs, addCase(t, s, c))
	}
	numbers := func(in []record.Case) (out []string) {
		for _, x := range in {
			out = append(out, x.Number)
		}
		return out
	}
	got, err := s.ListCases(ctx, store.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "cases, most recently received first", numbers(got), []string{cs[0].Number, cs[1].Number, cs[2].Number})
	got, _ = s.ListCases(ctx, store.CaseFilter{Status: record.Open, Limit: 1})
	equal(t, "newest open case", numbers(got), []string{cs[0].Number})
	got, _ = s.ListCases(ctx, store.CaseFilter{Status: record.Closed})
	equal(t, "closed cases", numbers(got), []string{cs[1].Number})
	c, err := s.CaseByNumber(ctx, " hc"+cs[2].Number[2:]+" ")
	if err != nil || c == nil || c.ID != cs[2].ID {
		t.Errorf("CaseByNumber as a person types it = %v, %v; want case %d", c, err, cs[2].ID)
	}
	if c, err := s.CaseByNumber(ctx, "not a number"); c != nil || err != nil {
		t.Errorf("CaseByNumber(garbage) = %v, %v", c, err)
	}
}

func testEvents(t *testing.T, s *store.Store) {
	ctx := t.Context()
	a := addCase(t, s, newCase(when(2026, time.January, 1, 12)))
	b := addCase(t, s, newCase(when(2026, time.January, 1, 12)))
	var kinds []string
	for i := range 5 {
		c := a
		if i%2 == 1 {
			c = b
		}
		kind := fmt.Sprintf("k%d", i)
		kinds = append(kinds, kind)
		update(t, s, func(tx *store.Tx) error {
			return tx.AddEvent(&record.Event{Actor: "t", Kind: kind, CaseID: c.ID})
		})
	}
	s.Update(ctx, func(tx pipeline.Tx) error {
		if err := tx.AddEvent(&record.Event{Actor: "t", Kind: "rolled-back", CaseID: a.ID}); err != nil {
			return err
		}
		return errors.New("undo")
	})
	update(t, s, func(tx *store.Tx) error { return tx.AddEvent(&record.Event{Actor: "t", Kind: "k5", CaseID: a.ID}) })
	kindsOf := func(es []record.Event) (out []string) {
		last := int64(0)
		for _, e := range es {
			if e.ID <= last {
				t.Errorf("event ids not increasing: %d after %d", e.ID, last)
			}
			last = e.ID
			out = append(out, e.Kind)
		}
		return out
	}
	ea, err := s.Events(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "events of case a", kindsOf(ea), []string{"k0", "k2", "k4", "k5"})
	all, _ := s.Events(ctx, 0)
	equal(t, "all events", kindsOf(all), append(kinds, "k5"))
	if err := s.Update(ctx, func(tx pipeline.Tx) error {
		return tx.AddEvent(&record.Event{Actor: "t", Kind: "bad", Detail: json.RawMessage(`{not json`)})
	}); err == nil {
		t.Errorf("an event whose detail is not JSON was accepted")
	}
}

func testReadOnly(t *testing.T, s *store.Store) {
	var kept pipeline.Tx
	err := s.View(t.Context(), func(tx pipeline.Tx) error {
		kept = tx
		if err := tx.AddInput(newInput("claim-ro", when(2026, time.January, 1, 9))); !errors.Is(err, store.ErrReadOnly) {
			t.Errorf("AddInput in View: %v, want ErrReadOnly", err)
		}
		if err := tx.CreateCase(newCase(when(2026, time.January, 1, 9))); !errors.Is(err, store.ErrReadOnly) {
			t.Errorf("CreateCase in View: %v, want ErrReadOnly", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kept.CaseByID(1); !errors.Is(err, store.ErrTxDone) {
		t.Errorf("a Tx used after View returned: %v, want ErrTxDone", err)
	}
	checkEmpty(t, s)
}

func testLetters(t *testing.T, s *store.Store) {
	ctx := t.Context()
	older := addCase(t, s, newCase(when(2026, time.February, 1, 9)))
	newer := addCase(t, s, newCase(when(2026, time.February, 2, 9)))
	closed := newCase(when(2026, time.January, 1, 9))
	closed.Status = record.Closed
	addCase(t, s, closed)
	numbers := func(cs []record.Case) (out []string) {
		for _, c := range cs {
			out = append(out, c.Number)
		}
		return out
	}
	todo, err := s.CasesToAcknowledge(ctx)
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "cases to acknowledge, earliest first", numbers(todo), []string{older.Number, newer.Number})

	at := when(2026, time.February, 3, 9)
	l := &record.Letter{CaseID: older.ID, Kind: "acknowledgement", Language: "en", Recipient: "enrollee", Path: "l/1.pdf", SHA256: "s1"}
	if err := s.AddLetterAndAck(ctx, l, at); err != nil {
		t.Fatal(err)
	}
	if l.ID == 0 || !l.CreatedAt.Equal(at) {
		t.Errorf("letter: id %d, created %v; want an id and %v", l.ID, l.CreatedAt, at)
	}
	// A second letter (to the assistant) keeps the first acknowledgement time.
	l2 := &record.Letter{CaseID: older.ID, Kind: "acknowledgement", Language: "en", Recipient: "assistant", Path: "l/2.pdf", SHA256: "s2"}
	if err := s.AddLetterAndAck(ctx, l2, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	todo, _ = s.CasesToAcknowledge(ctx)
	equal(t, "cases to acknowledge after one letter", numbers(todo), []string{newer.Number})
	c, _ := s.CaseByNumber(ctx, older.Number)
	if c == nil || !c.AcknowledgedAt.Equal(at) {
		t.Errorf("acknowledged case: %v, want AcknowledgedAt %v", c, at)
	}
	letters, _ := s.Letters(ctx, older.ID)
	if len(letters) != 2 || letters[0].ID != l.ID || letters[1].ID != l2.ID {
		t.Errorf("letters of the case: %+v, want %d and %d", letters, l.ID, l2.ID)
	}
	events, _ := s.Events(ctx, older.ID)
	if len(events) != 2 || events[0].Kind != "case.acknowledged" || events[0].Actor == "" || !events[0].At.Equal(at) {
		t.Errorf("events of the acknowledged case: %+v, want two case.acknowledged", events)
	} else {
		var detail struct {
			Letters []int64 `json:"letters"`
		}
		if err := json.Unmarshal(events[0].Detail, &detail); err != nil || len(detail.Letters) != 1 || detail.Letters[0] != l.ID {
			t.Errorf("event detail %s does not name letter %d", events[0].Detail, l.ID)
		}
	}
	missing := &record.Letter{CaseID: newer.ID + 100, Kind: "acknowledgement"}
	if err := s.AddLetterAndAck(ctx, missing, at); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AddLetterAndAck for a missing case: %v, want ErrNotFound", err)
	}
	if ls, _ := s.Letters(ctx, newer.ID+100); len(ls) != 0 {
		t.Errorf("a letter for a missing case was kept")
	}
}

func testJobs(t *testing.T, s *store.Store) {
	ctx := t.Context()
	const lease = 300 * time.Millisecond
	claim := func(owner string) bool {
		t.Helper()
		ok, err := s.ClaimJob(ctx, "claim-job", owner, lease)
		if err != nil {
			t.Fatalf("ClaimJob(%s): %v", owner, err)
		}
		return ok
	}
	if !claim("a") {
		t.Fatal("a could not claim a new job")
	}
	if claim("b") {
		t.Fatal("b claimed a job a holds")
	}
	if !claim("a") {
		t.Fatal("a could not renew its own lease")
	}
	j, err := s.Job(ctx, "claim-job")
	if err != nil || j == nil || j.Owner != "a" {
		t.Fatalf("Job = %+v, %v; want owner a", j, err)
	}
	time.Sleep(time.Until(j.LeaseUntil) + 20*time.Millisecond)
	if !claim("b") {
		t.Fatal("b could not take over an expired lease")
	}
	if claim("a") {
		t.Fatal("a took the job back from b")
	}
	if err := s.FailJob(ctx, "claim-job", "the file could not be read"); err != nil {
		t.Fatal(err)
	}
	j, _ = s.Job(ctx, "claim-job")
	if j == nil || j.Attempts != 1 || j.LastError != "the file could not be read" {
		t.Fatalf("after FailJob: %+v", j)
	}
	if !claim("a") {
		t.Fatal("a failed job stays held")
	}
	if err := s.FinishJob(ctx, "claim-job"); err != nil {
		t.Fatal(err)
	}
	if j, err := s.Job(ctx, "claim-job"); j != nil || err != nil {
		t.Fatalf("after FinishJob: %+v, %v", j, err)
	}
	if !claim("b") {
		t.Fatal("a finished job could not be claimed afresh")
	}
}

func testConcurrentClaims(t *testing.T, s *store.Store) {
	other, err := s.Reopen(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	stores := []*store.Store{s, other}
	for round := range 3 {
		claimID := fmt.Sprintf("claim-race-%d", round)
		var wins sync.WaitGroup
		var mu sync.Mutex
		var winners []string
		for w := range 6 {
			wins.Go(func() {
				owner := fmt.Sprintf("owner-%d", w)
				ok, err := stores[w%2].ClaimJob(t.Context(), claimID, owner, time.Minute)
				if err != nil {
					t.Errorf("ClaimJob(%s): %v", owner, err)
				}
				if ok {
					mu.Lock()
					winners = append(winners, owner)
					mu.Unlock()
				}
			})
		}
		wins.Wait()
		if len(winners) != 1 {
			t.Fatalf("round %d: %d owners hold the job (%v), want exactly 1", round, len(winners), winners)
		}
		j, _ := s.Job(t.Context(), claimID)
		if j == nil || j.Owner != winners[0] {
			t.Errorf("round %d: job %+v, want owner %s", round, j, winners[0])
		}
	}
}

func testMigrate(t *testing.T, s *store.Store) {
	ctx := t.Context()
	v, err := s.SchemaVersion(ctx)
	if err != nil || v < 1 {
		t.Fatalf("SchemaVersion after Open = %d, %v", v, err)
	}
	first := addCase(t, s, newCase(when(2026, time.January, 1, 12)))
	for range 2 {
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("Migrate again: %v", err)
		}
	}
	if again, _ := s.SchemaVersion(ctx); again != v {
		t.Errorf("SchemaVersion after Migrate again = %d, want %d", again, v)
	}
	other, err := s.Reopen(ctx)
	if err != nil {
		t.Fatalf("opening a migrated database again: %v", err)
	}
	defer other.Close()
	c, err := other.CaseByNumber(ctx, first.Number)
	if err != nil || c == nil {
		t.Fatalf("the case is gone after migrating again: %v, %v", c, err)
	}
	second := addCase(t, other, newCase(when(2026, time.January, 2, 12)))
	if second.Number != casenum.Format(2026, 2) {
		t.Errorf("numbering after migrating again: %s, want %s", second.Number, casenum.Format(2026, 2))
	}
}

// testAcknowledgeOnce: an acknowledgement with its assistant's copy is one transaction; a
// second one for the same case is refused and writes nothing.
func testAcknowledgeOnce(t *testing.T, s *store.Store) {
	ctx := t.Context()
	c := addCase(t, s, newCase(when(2026, 11, 2, 9)))
	at := when(2026, 11, 3, 2)
	en := &record.Letter{Kind: "acknowledgement", Language: "en", Recipient: "enrollee", Path: "letters/a.pdf", SHA256: "aa"}
	cp := &record.Letter{Kind: "acknowledgement", Language: "en", Recipient: "assistant", Path: "letters/b.pdf", SHA256: "bb"}
	if err := s.AcknowledgeCase(ctx, c.ID, []*record.Letter{en, cp}, at, "test", true); err != nil {
		t.Fatal(err)
	}
	if en.ID == 0 || cp.ID == 0 || en.CaseID != c.ID {
		t.Errorf("letters not given ids and case: %+v %+v", en, cp)
	}
	again := &record.Letter{Kind: "acknowledgement", Language: "en", Recipient: "enrollee", Path: "letters/c.pdf"}
	if err := s.AcknowledgeCase(ctx, c.ID, []*record.Letter{again}, at.Add(24*time.Hour), "test", true); !errors.Is(err, store.ErrExists) {
		t.Errorf("a second acknowledgement: %v, want ErrExists", err)
	}
	ls, _ := s.Letters(ctx, c.ID)
	if len(ls) != 2 {
		t.Errorf("%d letters after a refused second acknowledgement, want 2", len(ls))
	}
	got, _ := s.CaseByNumber(ctx, c.Number)
	if got == nil || !got.AcknowledgedAt.Equal(at) {
		t.Errorf("acknowledged at %v, want %v", got.AcknowledgedAt, at)
	}
	todo, _ := s.CasesToAcknowledge(ctx)
	for _, x := range todo {
		if x.ID == c.ID {
			t.Errorf("an acknowledged case is still to acknowledge")
		}
	}
}

// testAcknowledgeMany: a chunk of acknowledgements is one transaction; a case already
// acknowledged is skipped and keeps its letters; a case that does not exist fails the
// whole chunk.
func testAcknowledgeMany(t *testing.T, s *store.Store) {
	ctx := t.Context()
	a := addCase(t, s, newCase(when(2026, 11, 2, 9)))
	b := addCase(t, s, newCase(when(2026, 11, 2, 10)))
	c := addCase(t, s, newCase(when(2026, 11, 2, 11)))
	at := when(2026, 11, 3, 2)
	letter := func(path string) *record.Letter {
		return &record.Letter{Kind: "acknowledgement", Language: "en", Recipient: "enrollee", Path: path, SHA256: path}
	}
	if err := s.AcknowledgeCase(ctx, b.ID, []*record.Letter{letter("b1")}, at, "test", true); err != nil {
		t.Fatal(err)
	}
	la, lb, lc := letter("a"), letter("b2"), letter("c")
	skipped, err := s.AcknowledgeCases(ctx, []record.Ack{{CaseID: a.ID, Letters: []*record.Letter{la}},
		{CaseID: b.ID, Letters: []*record.Letter{lb}}, {CaseID: c.ID, Letters: []*record.Letter{lc}}}, at, "test")
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 1 || skipped[0] != b.ID {
		t.Errorf("skipped %v, want only case %d (already acknowledged)", skipped, b.ID)
	}
	if la.ID == 0 || lc.ID == 0 || la.CaseID != a.ID {
		t.Errorf("letters not given ids and case: %+v %+v", la, lc)
	}
	for id, want := range map[int64][]string{a.ID: {"a"}, b.ID: {"b1"}, c.ID: {"c"}} {
		ls, _ := s.Letters(ctx, id)
		var got []string
		for _, l := range ls {
			got = append(got, l.Path)
		}
		if !slices.Equal(got, want) {
			t.Errorf("case %d letters %v, want %v", id, got, want)
		}
	}
	d := addCase(t, s, newCase(when(2026, 11, 2, 12)))
	_, err = s.AcknowledgeCases(ctx, []record.Ack{{CaseID: d.ID, Letters: []*record.Letter{letter("d")}},
		{CaseID: 999999, Letters: []*record.Letter{letter("x")}}}, at, "test")
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a chunk with a case that does not exist: %v, want ErrNotFound", err)
	}
	if ls, _ := s.Letters(ctx, d.ID); len(ls) != 0 {
		t.Errorf("the failed chunk recorded %d letters of case %d", len(ls), d.ID)
	}
}

// testCaseDocumentsOfKind: the documents of one kind of many cases at once, with their
// fields, by case; other kinds and other cases are left out.
func testCaseDocumentsOfKind(t *testing.T, s *store.Store) {
	ctx := t.Context()
	received := when(2026, 11, 2, 9)
	a := addCase(t, s, newCase(received))
	b := addCase(t, s, newCase(received))
	other := addCase(t, s, newCase(received))
	da := addDocs(t, s, newInput("claim-kind-a", received), "imr_form", "authorized_assistant_form")
	db := addDocs(t, s, newInput("claim-kind-b", received), "authorized_assistant_form")
	do := addDocs(t, s, newInput("claim-kind-o", received), "authorized_assistant_form")
	update(t, s, func(tx *store.Tx) error {
		for _, l := range []struct {
			c int64
			d int64
		}{{a.ID, da[0].ID}, {a.ID, da[1].ID}, {b.ID, db[0].ID}, {other.ID, do[0].ID}} {
			if err := tx.Link(l.c, l.d, record.LinkOpened); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := s.CaseDocumentsOfKind(ctx, "authorized_assistant_form", []int64{a.ID, b.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got[a.ID]) != 1 || len(got[b.ID]) != 1 {
		t.Fatalf("got %d cases (%d, %d documents), want the two asked for with one form each", len(got), len(got[a.ID]), len(got[b.ID]))
	}
	if d := got[a.ID][0]; d.ID != da[1].ID || d.CaseID != a.ID || len(d.Fields) != 1 {
		t.Errorf("case %d: document %d (case %d, %d fields), want %d with its field", a.ID, d.ID, d.CaseID, len(d.Fields), da[1].ID)
	}
}

// testJobLock: one holder at a time, across Store values on the same database; released,
// it can be taken again.
func testJobLock(t *testing.T, s *store.Store) {
	ctx := t.Context()
	other, err := s.Reopen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	release, err := s.TryLock(ctx, "ack")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.TryLock(ctx, "ack"); !errors.Is(err, store.ErrLocked) {
		t.Errorf("a second holder: %v, want ErrLocked", err)
	}
	if r, err := other.TryLock(ctx, "another-job"); err != nil {
		t.Errorf("another lock name: %v", err)
	} else {
		r()
	}
	release()
	r2, err := other.TryLock(ctx, "ack")
	if err != nil {
		t.Errorf("after release: %v", err)
	} else {
		r2()
	}
}
