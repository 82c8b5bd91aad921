package pipeline

import (
	"context"
	"slices"
	"strings"
	"testing"

	"intake/classify"
	"intake/pipeline/record"
)

// memStore runs transactions on one memTx (the pipeline's tests of case decisions).
type memStore struct{ tx *memTx }

func (m memStore) Update(_ context.Context, fn func(Tx) error) error { return fn(m.tx) }
func (m memStore) View(_ context.Context, fn func(Tx) error) error   { return fn(m.tx) }

// TestRecompute: after a person corrects the form's last name and the treatment, the case
// is addressed to the corrected name and typed from the corrected treatment; what changed
// is an event that names the properties, not the values; a case never becomes less urgent;
// nothing changed, nothing recorded.
func TestRecompute(t *testing.T) {
	tx := newMemTx()
	feed(t, tx, day0, form("Nguyen", "Anh", "1970-01-02", "XKB123456789", "Blue Shield of California", "MRI"))
	if len(tx.cases) != 1 {
		t.Fatalf("%d cases, want 1", len(tx.cases))
	}
	c := &tx.cases[0]
	c.Urgent = true // a physician's certification made it so
	before := *c
	st := memStore{tx}

	changed, err := Recompute(t.Context(), st, c.ID, "alice", DueRule{})
	if err != nil || len(changed) != 0 || len(tx.events) != 1 { // case.created only
		t.Fatalf("nothing corrected: changed %v (%v), %d events", changed, err, len(tx.events))
	}

	for i, f := range tx.docs[0].Fields {
		switch f.Key {
		case "patient.last_name":
			tx.docs[0].Fields[i].Value = "Nguyen-Tran"
		case "treatment_requested":
			tx.docs[0].Fields[i].Value = "spinal cord stimulator trial"
		}
	}
	changed, err = Recompute(t.Context(), st, c.ID, "alice", DueRule{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(changed, "enrollee") || !slices.Contains(changed, "treatment") {
		t.Errorf("changed %v, want the enrollee and the treatment", changed)
	}
	after := tx.cases[0]
	if after.Enrollee.LastName != "Nguyen-Tran" || after.Treatment != "spinal cord stimulator trial" {
		t.Errorf("the case now: %q, %q", after.Enrollee.LastName, after.Treatment)
	}
	if !after.Urgent {
		t.Errorf("the case became less urgent")
	}
	if after.Number != before.Number || after.AckDue != before.AckDue || !after.ReceivedAt.Equal(before.ReceivedAt) {
		t.Errorf("number, due date or received time changed")
	}
	last := tx.events[len(tx.events)-1]
	if last.Kind != "case.recomputed" || last.Actor != "alice" || strings.Contains(string(last.Detail), "Nguyen") ||
		!strings.Contains(string(last.Detail), "enrollee") {
		t.Errorf("event %s by %s: %s", last.Kind, last.Actor, last.Detail)
	}
}

// TestRecomputeKeepsAPersonsUrgency: a case the fax cover marked urgent, which a person
// then marked not urgent, stays not urgent after a correction is recomputed; without the
// person's decision the same documents make it urgent again.
func TestRecomputeKeepsAPersonsUrgency(t *testing.T) {
	for _, by := range []string{"alice", ""} {
		tx := newMemTx()
		cover := classify.Document{Kind: classify.FaxCover, Pages: []int{1}, Language: "en",
			Fields: map[string]classify.Field{"fax.urgent": field(true)}}
		feed(t, tx, day0, cover, form("Nguyen", "Anh", "1970-01-02", "XKB123456789", "Blue Shield of California", "MRI"))
		if len(tx.cases) != 1 || !tx.cases[0].Urgent {
			t.Fatalf("the fax cover marked urgent did not make an urgent case: %+v", tx.cases)
		}
		c := &tx.cases[0]
		c.Urgent, c.UrgentBy = false, by // a person's "not urgent" (or, with by "", a lowering by no one)
		for i, f := range tx.docs[1].Fields {
			if f.Key == "patient.last_name" {
				tx.docs[1].Fields[i].Value = "Nguyen-Tran"
			}
		}
		changed, err := Recompute(t.Context(), memStore{tx}, c.ID, "bob", DueRule{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := tx.cases[0].Urgent, by == ""; got != want {
			t.Errorf("urgent set by %q: after recomputing urgent = %v, want %v (changed %v)", by, got, want, changed)
		}
		if tx.cases[0].UrgentBy != by {
			t.Errorf("UrgentBy %q, want %q", tx.cases[0].UrgentBy, by)
		}
	}
}

// TestRecomputeDocumentKinds: the kinds a person may choose on the review station are the
// contract's.
func TestRecomputeDocumentKinds(t *testing.T) {
	want := []string{string(classify.IMRForm), string(classify.AssistantForm), string(classify.DenialLetter),
		string(classify.FaxCover), string(classify.ReturnSheet), string(classify.Supporting)}
	if !slices.Equal(record.DocumentKinds, want) {
		t.Errorf("record.DocumentKinds %v, want classify's %v", record.DocumentKinds, want)
	}
}
