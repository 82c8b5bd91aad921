package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"intake/pipeline/record"
	"intake/sinks/store"
)

// The review station's part of the store: users, sessions, the review queue and the
// changes a person makes.

// addReviewCase records an input with one document holding fields, opens a case for it
// and links the two, in one transaction. It returns the case and the document.
func addReviewCase(t *testing.T, s *store.Store, claim string, c *record.Case, fields ...record.Field) (*record.Case, *record.Document) {
	t.Helper()
	in := newInput(claim, c.ReceivedAt)
	d := &record.Document{Kind: "imr_form", Pages: []int{1}, Confidence: 0.9, Language: "en", Fields: fields}
	update(t, s, func(tx *store.Tx) error {
		if err := tx.AddInput(in); err != nil {
			return err
		}
		d.InputID = in.ID
		if err := tx.AddDocument(d); err != nil {
			return err
		}
		if err := tx.CreateCase(c); err != nil {
			return err
		}
		return tx.Link(c.ID, d.ID, record.LinkOpened)
	})
	return c, d
}

func flagged(key string, value any, conf float64) record.Field {
	return record.Field{Key: key, Value: value, Confidence: conf, Page: 1, NeedsReview: true,
		Box: [4]float64{0.1, 0.2, 0.3, 0.25}}
}

func testUsers(t *testing.T, s *store.Store) {
	ctx := t.Context()
	u, err := s.AddUser(ctx, "ana", "$2a$10$hash")
	if err != nil || u.ID == 0 {
		t.Fatalf("AddUser = %+v, %v", u, err)
	}
	if _, err := s.AddUser(ctx, "ana", "$2a$10$other"); !errors.Is(err, store.ErrExists) {
		t.Errorf("AddUser of a name taken: %v, want ErrExists", err)
	}
	got, err := s.UserByName(ctx, "ana")
	if err != nil || got == nil {
		t.Fatalf("UserByName = %v, %v", got, err)
	}
	equal(t, "user", [3]any{got.ID, got.Name, got.PasswordHash}, [3]any{u.ID, "ana", "$2a$10$hash"})
	if got, err := s.UserByName(ctx, "nobody"); got != nil || err != nil {
		t.Errorf("UserByName of nobody = %v, %v; want nil, nil", got, err)
	}
}

func testSessions(t *testing.T, s *store.Store) {
	ctx := t.Context()
	u, err := s.AddUser(ctx, "ben", "$2a$10$hash")
	if err != nil {
		t.Fatal(err)
	}
	live := &record.Session{TokenHash: "live", UserID: u.ID, CSRF: "csrf-1", ExpiresAt: time.Now().Add(time.Hour)}
	old := &record.Session{TokenHash: "old", UserID: u.ID, CSRF: "csrf-2", ExpiresAt: time.Now().Add(-time.Minute)}
	for _, sess := range []*record.Session{old, live} {
		if err := s.CreateSession(ctx, sess); err != nil {
			t.Fatalf("CreateSession: %v", err)
		}
	}
	got, err := s.SessionByTokenHash(ctx, "live")
	if err != nil || got == nil {
		t.Fatalf("SessionByTokenHash(live) = %v, %v", got, err)
	}
	equal(t, "session", [3]any{got.UserID, got.UserName, got.CSRF}, [3]any{u.ID, "ben", "csrf-1"})
	for _, hash := range []string{"old", "unknown"} {
		if got, err := s.SessionByTokenHash(ctx, hash); got != nil || err != nil {
			t.Errorf("SessionByTokenHash(%s) = %+v, %v; want none", hash, got, err)
		}
	}
	for range 2 { // signing out twice is not an error
		if err := s.DeleteSession(ctx, "live"); err != nil {
			t.Fatalf("DeleteSession: %v", err)
		}
	}
	if got, err := s.SessionByTokenHash(ctx, "live"); got != nil || err != nil {
		t.Errorf("a deleted session is still there: %+v, %v", got, err)
	}
	if err := s.CreateSession(ctx, &record.Session{TokenHash: "x", CSRF: "y", ExpiresAt: time.Now()}); err == nil {
		t.Error("CreateSession without a user succeeded")
	}
}

func testReviewQueue(t *testing.T, s *store.Store) {
	ctx := t.Context()
	older, _ := addReviewCase(t, s, "q-1", newCase(when(2026, time.March, 2, 9)),
		flagged("patient.last_name", "Ruiz", 0.5), record.Field{Key: "signed", Value: true, Confidence: 0.99, Page: 1})
	urgent := newCase(when(2026, time.March, 5, 9))
	urgent.Urgent = true
	urgent, urgentDoc := addReviewCase(t, s, "q-2", urgent, flagged("member_id", "A1", 0.6), flagged("plan", "P", 0.4))
	newer, _ := addReviewCase(t, s, "q-3", newCase(when(2026, time.March, 9, 9)), flagged("patient.dob", "1980-01-02", 0.7))
	closed := newCase(when(2026, time.March, 1, 9))
	closed.Status = record.Closed
	addReviewCase(t, s, "q-4", closed, flagged("plan", "P", 0.3))
	addReviewCase(t, s, "q-5", newCase(when(2026, time.March, 1, 8))) // nothing flagged
	// A flagged field of an unmatched document waits in Unmatched, not here.
	unmatched := addDocs(t, s, newInput("q-6", when(2026, time.March, 1, 7)), "denial_letter")
	update(t, s, func(tx *store.Tx) error {
		d := &record.Document{InputID: unmatched[0].InputID, Kind: "denial_letter", Language: "en",
			Fields: []record.Field{flagged("plan", "P", 0.2)}}
		return tx.AddDocument(d)
	})

	q, err := s.ReviewQueue(ctx)
	if err != nil {
		t.Fatalf("ReviewQueue: %v", err)
	}
	var got []string
	for _, c := range q {
		keys := []string{}
		for _, f := range c.Fields {
			keys = append(keys, f.Key)
		}
		got = append(got, c.Number+":"+strings.Join(keys, ","))
	}
	equal(t, "queue (urgent first, then oldest)", got, []string{
		urgent.Number + ":member_id,plan",
		older.Number + ":patient.last_name",
		newer.Number + ":patient.dob",
	})
	if len(q) > 0 {
		f := q[0].Fields[0]
		equal(t, "queued field", [4]any{q[0].Urgent, f.DocumentID, f.Page, f.Confidence}, [4]any{true, urgentDoc.ID, 1, 0.6})
	}
}

func testReviewField(t *testing.T, s *store.Store) {
	ctx := t.Context()
	const secret = "Zyxwvut-Ruiz"
	c, d := addReviewCase(t, s, "r-1", newCase(when(2026, time.April, 2, 9)),
		flagged("patient.last_name", "Ruiz", 0.5), flagged("signed", false, 0.4), flagged("plan", "Blue", 0.6))
	last, signed, plan := d.Fields[0], d.Fields[1], d.Fields[2]

	got, err := s.ReviewField(ctx, last.ID, secret, "ana")
	if err != nil || got == nil || got.ID != c.ID {
		t.Fatalf("ReviewField (correct) = %v, %v; want case %d", got, err, c.ID)
	}
	if _, err := s.ReviewField(ctx, signed.ID, true, "ana"); err != nil {
		t.Fatalf("ReviewField (correct a checkbox): %v", err)
	}
	if _, err := s.ReviewField(ctx, plan.ID, nil, "ben"); err != nil {
		t.Fatalf("ReviewField (confirm): %v", err)
	}
	docs, err := s.CaseDocuments(ctx, c.ID)
	if err != nil || len(docs) != 1 {
		t.Fatalf("CaseDocuments = %d, %v", len(docs), err)
	}
	for i, want := range []struct {
		value any
		by    string
	}{{secret, "ana"}, {true, "ana"}, {"Blue", "ben"}} {
		f := docs[0].Fields[i]
		equal(t, "reviewed "+f.Key, [5]any{f.Value, f.NeedsReview, f.Confidence, f.Corrected, f.CorrectedBy},
			[5]any{want.value, false, 1.0, want.value, want.by})
		if f.CorrectedAt.IsZero() {
			t.Errorf("%s: no correction time", f.Key)
		}
	}
	if q, err := s.ReviewQueue(ctx); err != nil || len(q) != 0 {
		t.Errorf("the queue after review: %+v, %v; want empty", q, err)
	}

	events, err := s.Events(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e.Kind)
		if strings.Contains(string(e.Detail), secret) || strings.Contains(string(e.Detail), "Blue") {
			t.Errorf("event %s holds a field value: %s", e.Kind, e.Detail)
		}
	}
	equal(t, "event kinds", kinds, []string{"field.corrected", "field.corrected", "field.confirmed"})
	if len(events) == 3 {
		e := events[0]
		equal(t, "event", [3]any{e.Actor, e.DocumentID, e.InputID != 0}, [3]any{"ana", d.ID, true})
		var detail map[string]any
		if err := json.Unmarshal(e.Detail, &detail); err != nil {
			t.Fatal(err)
		}
		equal(t, "event detail", detail, map[string]any{"field_id": float64(last.ID), "key": "patient.last_name",
			"document_id": float64(d.ID)})
	}

	if _, err := s.ReviewField(ctx, 999999, "x", "ana"); !errors.Is(err, store.ErrNotFound) || !errors.Is(err, record.ErrNotFound) {
		t.Errorf("ReviewField of a field that does not exist: %v, want ErrNotFound", err)
	}
	if _, err := s.ReviewField(ctx, last.ID, 3, "ana"); err == nil {
		t.Error("ReviewField with a number succeeded (values are strings or bools)")
	}
}

func testAttachDocument(t *testing.T, s *store.Store) {
	ctx := t.Context()
	c, _ := addReviewCase(t, s, "a-1", newCase(when(2026, time.May, 4, 9)))
	waiting := addDocs(t, s, newInput("a-2", when(2026, time.May, 5, 9)), "denial_letter")[0]

	got, err := s.AttachDocument(ctx, waiting.ID, c.Number, "ana")
	if err != nil || got == nil || got.ID != c.ID {
		t.Fatalf("AttachDocument = %v, %v; want case %d", got, err, c.ID)
	}
	docs, err := s.CaseDocuments(ctx, c.ID)
	if err != nil || len(docs) != 2 || docs[1].ID != waiting.ID {
		t.Fatalf("the case's documents after attaching: %d, %v", len(docs), err)
	}
	if un, err := s.Unmatched(ctx); err != nil || len(un) != 0 {
		t.Errorf("Unmatched after attaching: %d, %v; want none", len(un), err)
	}
	events, err := s.Events(ctx, c.ID)
	if err != nil || len(events) != 1 {
		t.Fatalf("events of the case: %d, %v; want 1", len(events), err)
	}
	e := events[0]
	equal(t, "event", [4]any{e.Kind, e.Actor, e.DocumentID, e.InputID}, [4]any{"document.attached", "ana", waiting.ID, waiting.InputID})
	equal(t, "event detail", string(canon(t, e.Detail)), `{"how":"reviewer","kind":"denial_letter"}`)

	if _, err := s.AttachDocument(ctx, waiting.ID, c.Number, "ana"); !errors.Is(err, store.ErrExists) {
		t.Errorf("attaching a document already part of a case: %v, want ErrExists", err)
	}
	other := addDocs(t, s, newInput("a-3", when(2026, time.May, 6, 9)), "lab_report")[0]
	for _, tt := range []struct {
		doc    int64
		number string
	}{{other.ID, "HC26-999999-0"}, {other.ID, "not a number"}, {999999, c.Number}} {
		if _, err := s.AttachDocument(ctx, tt.doc, tt.number, "ana"); !errors.Is(err, record.ErrNotFound) {
			t.Errorf("AttachDocument(%d, %q): %v, want ErrNotFound", tt.doc, tt.number, err)
		}
	}
	if un, err := s.Unmatched(ctx); err != nil || len(un) != 1 {
		t.Errorf("a refused attachment changed the queue: %d, %v", len(un), err)
	}
}

func testSetCaseUrgent(t *testing.T, s *store.Store) {
	ctx := t.Context()
	c := addCase(t, s, newCase(when(2026, time.June, 1, 9)))
	got, err := s.SetCaseUrgent(ctx, c.ID, true, "ana")
	if err != nil || got == nil || got.ID != c.ID {
		t.Fatalf("SetCaseUrgent(true) = %v, %v", got, err)
	}
	equal(t, "after urgent", [2]any{got.Urgent, got.UrgentBy}, [2]any{true, "ana"})
	if _, err := s.SetCaseUrgent(ctx, c.ID, false, "ben"); err != nil {
		t.Fatalf("SetCaseUrgent(false): %v", err)
	}
	now, err := s.CaseByNumber(ctx, c.Number)
	if err != nil || now == nil {
		t.Fatalf("CaseByNumber = %v, %v", now, err)
	}
	equal(t, "after not urgent", [2]any{now.Urgent, now.UrgentBy}, [2]any{false, "ben"})

	// UpdateCase (what the pipeline writes a case with) keeps who decided.
	update(t, s, func(tx *store.Tx) error {
		c, err := tx.CaseByID(c.ID)
		if err != nil {
			return err
		}
		c.Plan = "Other plan"
		return tx.UpdateCase(c)
	})
	if now, _ = s.CaseByNumber(ctx, c.Number); now.UrgentBy != "ben" || now.Urgent {
		t.Errorf("after UpdateCase: urgent %v by %q, want false by ben", now.Urgent, now.UrgentBy)
	}

	events, err := s.Events(ctx, c.ID)
	if err != nil || len(events) != 2 {
		t.Fatalf("events: %d, %v; want 2", len(events), err)
	}
	equal(t, "events", [4]any{events[0].Kind, events[0].Actor, events[1].Kind, events[1].Actor},
		[4]any{"case.urgent", "ana", "case.not_urgent", "ben"})
	equal(t, "event detail", string(canon(t, events[1].Detail)), fmt.Sprintf(`{"case_id":%d}`, c.ID))

	if _, err := s.SetCaseUrgent(ctx, c.ID+1000, true, "ana"); !errors.Is(err, store.ErrNotFound) || !errors.Is(err, record.ErrNotFound) {
		t.Errorf("SetCaseUrgent of a case that does not exist: %v, want ErrNotFound", err)
	}
	if _, err := s.SetCaseUrgent(ctx, c.ID, true, ""); err == nil {
		t.Error("SetCaseUrgent without an actor succeeded")
	}
	// A new case's urgency is the pipeline's.
	if fresh := addCase(t, s, newCase(when(2026, time.June, 2, 9))); fresh.UrgentBy != "" {
		t.Errorf("a new case has UrgentBy %q", fresh.UrgentBy)
	}
}

func testSetDocumentKind(t *testing.T, s *store.Store) {
	ctx := t.Context()
	c, d := addReviewCase(t, s, "k-1", newCase(when(2026, time.June, 3, 9)), flagged("plan", "P", 0.5))
	got, err := s.SetDocumentKind(ctx, d.ID, "denial_letter", "ana")
	if err != nil || got == nil || got.ID != c.ID {
		t.Fatalf("SetDocumentKind = %v, %v; want case %d", got, err, c.ID)
	}
	docs, err := s.CaseDocuments(ctx, c.ID)
	if err != nil || len(docs) != 1 || docs[0].Kind != "denial_letter" || len(docs[0].Fields) != 1 {
		t.Fatalf("the document after the change: %+v, %v", docs, err)
	}
	// The same kind again changes nothing and records nothing.
	if got, err := s.SetDocumentKind(ctx, d.ID, "denial_letter", "ana"); err != nil || got == nil || got.ID != c.ID {
		t.Errorf("SetDocumentKind to the same kind = %v, %v", got, err)
	}
	events, err := s.Events(ctx, c.ID)
	if err != nil || len(events) != 1 {
		t.Fatalf("events: %d, %v; want 1", len(events), err)
	}
	e := events[0]
	equal(t, "event", [5]any{e.Kind, e.Actor, e.DocumentID, e.InputID, e.CaseID},
		[5]any{"document.kind_changed", "ana", d.ID, d.InputID, c.ID})
	equal(t, "event detail", string(canon(t, e.Detail)),
		fmt.Sprintf(`{"document_id":%d,"from":"imr_form","to":"denial_letter"}`, d.ID))

	waiting := addDocs(t, s, newInput("k-2", when(2026, time.June, 4, 9)), "supporting")[0]
	if got, err := s.SetDocumentKind(ctx, waiting.ID, "imr_form", "ben"); err != nil || got != nil {
		t.Errorf("SetDocumentKind of an unmatched document = %v, %v; want no case", got, err)
	}
	if un, err := s.Unmatched(ctx); err != nil || len(un) != 1 || un[0].Kind != "imr_form" {
		t.Errorf("the unmatched document after the change: %+v, %v", un, err)
	}
	for _, kind := range []string{"lab_report", "", "IMR_FORM"} {
		if _, err := s.SetDocumentKind(ctx, d.ID, kind, "ana"); err == nil {
			t.Errorf("SetDocumentKind(%q) succeeded: not a kind of the contract", kind)
		}
	}
	if _, err := s.SetDocumentKind(ctx, 999999, "imr_form", "ana"); !errors.Is(err, record.ErrNotFound) {
		t.Errorf("SetDocumentKind of a document that does not exist: %v, want ErrNotFound", err)
	}
	if docs, _ := s.CaseDocuments(ctx, c.ID); docs[0].Kind != "denial_letter" {
		t.Errorf("a refused change changed the kind to %q", docs[0].Kind)
	}
}

func testFindCasesForReview(t *testing.T, s *store.Store) {
	ctx := t.Context()
	mk := func(day int, last, member string) *record.Case {
		c := newCase(when(2026, time.July, day, 9))
		c.Enrollee.LastName, c.MemberID = last, member
		return addCase(t, s, c)
	}
	ruiz := mk(1, "Ruiz", "XKB123456")
	ruizDiaz := mk(3, "RUIZ-DIAZ", "M2")
	ortiz := mk(2, "Ortiz", "RUIZ7")
	mk(4, "Gomez_Ruiz", "M4")
	mk(5, "100%", "M5")
	numbers := func(cs []record.Case) []string {
		out := []string{}
		for _, c := range cs {
			out = append(out, c.Number)
		}
		return out
	}
	for _, tt := range []struct {
		q    string
		want []string
	}{
		{ruiz.Number, []string{ruiz.Number}},
		{strings.ToLower(strings.ReplaceAll(ruiz.Number, "-", " ")), []string{ruiz.Number}},
		{"xkb 123-456", []string{ruiz.Number}},
		{"XKB12345", []string{}}, // a member id is exact
		{"ruiz", []string{ruizDiaz.Number, ruiz.Number}},
		{" RUIZ ", []string{ruizDiaz.Number, ruiz.Number}},
		{"ruiz7", []string{ortiz.Number}},
		{"uiz", []string{}}, // a name is a prefix
		{"%", []string{}},
		{"_", []string{}},
		{"Gomez_", nil}, // the _ is a letter, not any letter
		{"HC26-999999-0", []string{}},
		{"", []string{}},
	} {
		got, err := s.FindCasesForReview(ctx, tt.q)
		if err != nil {
			t.Errorf("FindCasesForReview(%q): %v", tt.q, err)
			continue
		}
		if tt.q == "Gomez_" {
			if len(got) != 1 || got[0].Enrollee.LastName != "Gomez_Ruiz" {
				t.Errorf("FindCasesForReview(%q) = %v, want the case of Gomez_Ruiz", tt.q, numbers(got))
			}
			continue
		}
		equal(t, fmt.Sprintf("FindCasesForReview(%q)", tt.q), numbers(got), tt.want)
	}
	update(t, s, func(tx *store.Tx) error {
		for i := range store.FindCasesLimit + 5 {
			c := newCase(when(2026, time.August, 1, 9).Add(time.Duration(i) * time.Minute))
			c.Enrollee.LastName = "Lee"
			if err := tx.CreateCase(c); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := s.FindCasesForReview(ctx, "lee")
	if err != nil || len(got) != store.FindCasesLimit {
		t.Fatalf("FindCasesForReview of many: %d, %v; want %d", len(got), err, store.FindCasesLimit)
	}
	if !got[0].ReceivedAt.After(got[len(got)-1].ReceivedAt) {
		t.Error("the cases found are not the newest first")
	}
}

func testIntakeSince(t *testing.T, s *store.Store) {
	ctx := t.Context()
	early := addDocs(t, s, newInput("i-1", when(2026, time.September, 1, 7)), "imr_form")
	late := addDocs(t, s, newInput("i-2", when(2026, time.September, 1, 15)), "fax_cover", "imr_form", "supporting")
	q := newInput("i-3", when(2026, time.September, 1, 16))
	q.Status, q.Error = record.Quarantined, "The file is damaged."
	update(t, s, func(tx *store.Tx) error { return tx.AddInput(q) })

	ins, err := s.InputsSince(ctx, when(2026, time.September, 1, 8), 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, in := range ins {
		ids = append(ids, in.ID)
	}
	equal(t, "inputs since 8 (newest first, every status)", ids, []int64{q.ID, late[0].InputID})
	if ins, err := s.InputsSince(ctx, when(2026, time.September, 1, 0), 1); err != nil || len(ins) != 1 || ins[0].ID != q.ID {
		t.Errorf("InputsSince with a limit of 1: %d, %v", len(ins), err)
	}
	kinds, err := s.DocumentKindsOfInputs(ctx, []int64{early[0].InputID, late[0].InputID, q.ID})
	if err != nil {
		t.Fatal(err)
	}
	equal(t, "document kinds by input", kinds, map[int64][]string{
		early[0].InputID: {"imr_form"}, late[0].InputID: {"fax_cover", "imr_form", "supporting"}})
}
