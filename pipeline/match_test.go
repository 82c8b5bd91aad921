package pipeline

import (
	"fmt"
	"testing"
	"time"

	"intake/classify"
	"intake/pipeline/casenum"
	"intake/pipeline/record"
)

// memTx is a store transaction in memory: enough of one for the matching rules. (The real
// stores are exercised end to end in e2e_test.go.)
type memTx struct {
	inputs []record.Input
	docs   []record.Document
	cases  []record.Case
	links  map[int64]int64 // document -> case
	events []record.Event
}

func newMemTx() *memTx { return &memTx{links: map[int64]int64{}} }

func (m *memTx) InputByClaim(id string) (*record.Input, error) {
	for i := range m.inputs {
		if m.inputs[i].ClaimID == id {
			return &m.inputs[i], nil
		}
	}
	return nil, nil
}
func (m *memTx) FirstInputBySHA(sha string) (*record.Input, error) { return nil, nil }
func (m *memTx) AddInput(in *record.Input) error {
	in.ID = int64(len(m.inputs) + 1)
	m.inputs = append(m.inputs, *in)
	return nil
}
func (m *memTx) AddDocument(d *record.Document) error {
	d.ID = int64(len(m.docs) + 1)
	m.docs = append(m.docs, *d)
	return nil
}
func (m *memTx) CreateCase(c *record.Case) error {
	c.ID = int64(len(m.cases) + 1)
	c.Number = casenum.Format(2026, int(c.ID))
	m.cases = append(m.cases, *c)
	return nil
}
func (m *memTx) UpdateCase(c *record.Case) error { m.cases[c.ID-1] = *c; return nil }
func (m *memTx) Link(caseID, docID int64, how string) error {
	if _, ok := m.links[docID]; ok {
		return fmt.Errorf("document %d linked twice", docID)
	}
	m.links[docID] = caseID
	return nil
}
func (m *memTx) AddEvent(e *record.Event) error { m.events = append(m.events, *e); return nil }
func (m *memTx) CaseByNumber(n string) (*record.Case, error) {
	for i := range m.cases {
		if m.cases[i].Number == n {
			c := m.cases[i]
			return &c, nil
		}
	}
	return nil, nil
}
func (m *memTx) CaseByID(id int64) (*record.Case, error) { c := m.cases[id-1]; return &c, nil }
func (m *memTx) FindCases(q record.CaseQuery) ([]record.Case, error) {
	var out []record.Case
	for _, c := range m.cases {
		if (q.MemberID == "" || c.MemberID == q.MemberID) && (q.DOB == "" || c.Enrollee.DOB == q.DOB) &&
			!c.ReceivedAt.Before(q.Since) && (!q.OpenOnly || c.Status == record.Open) {
			out = append(out, c)
		}
	}
	return out, nil
}
func (m *memTx) CasesOfInput(id int64) ([]record.Case, error) { return nil, nil }
func (m *memTx) CaseDocuments(caseID int64) ([]record.Document, error) {
	var out []record.Document
	for _, d := range m.docs {
		if m.links[d.ID] == caseID {
			out = append(out, d)
		}
	}
	return out, nil
}
func (m *memTx) Unmatched(since time.Time) ([]record.Document, error) {
	var out []record.Document
	for _, d := range m.docs {
		if _, ok := m.links[d.ID]; !ok {
			out = append(out, d)
		}
	}
	return out, nil
}

var day0 = time.Date(2026, 11, 2, 9, 0, 0, 0, HelpCenterZone)

func field(v any) classify.Field { return classify.Field{Value: v, Confidence: 0.99, Page: 1} }

func form(last, first, dob, member, plan, treatment string) classify.Document {
	return classify.Document{Kind: classify.IMRForm, Pages: []int{1, 2, 3}, Language: "en", Fields: map[string]classify.Field{
		"patient.last_name": field(last), "patient.first_name": field(first), "patient.dob": field(dob),
		"plan.member_id": field(member), "plan.name": field(plan), "treatment_requested": field(treatment),
		"patient.street": field("1 Main St"), "patient.city": field("Fresno"), "patient.zip": field("93701"),
		"grievance_filed": field(true), "denial_reason": field("not_medically_necessary"), "plan_denied": field(true),
	}}
}

func letter(name, dob, member, plan string) classify.Document {
	f := map[string]classify.Field{"letter.date": field("2026-10-01"), "decision": field("denied")}
	for k, v := range map[string]string{"member.name": name, "member.dob": dob, "member.id": member, "plan.name": plan} {
		if v != "" {
			f[k] = field(v)
		}
	}
	return classify.Document{Kind: classify.DenialLetter, Pages: []int{1}, Language: "en", Fields: f}
}

// feed runs the case decisions on one input's documents at received.
func feed(t *testing.T, tx *memTx, received time.Time, docs ...classify.Document) []CaseOut {
	t.Helper()
	p := &Processor{Actor: "test"}
	in := &record.Input{ClaimID: fmt.Sprint(len(tx.inputs)), ReceivedAt: received, Status: record.Processed}
	if err := tx.AddInput(in); err != nil {
		t.Fatal(err)
	}
	out, err := p.decide(tx, in, classify.Result{Documents: docs}, received)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMatching(t *testing.T) {
	t.Run("a letter joins the one case with its member id and plan", func(t *testing.T) {
		tx := newMemTx()
		feed(t, tx, day0, form("Nguyen", "Anh", "1970-01-02", "XKB123456789", "Blue Shield of California", "MRI"))
		feed(t, tx, day0, form("Ortiz", "Luis", "1981-03-04", "ABC000111", "Health Net", "knee surgery"))
		got := feed(t, tx, day0.Add(72*time.Hour), letter("", "", "XKB 1234 56789", "Blue Shield"))
		if got[0].Action != "attached" || *got[0].Number != casenum.Format(2026, 1) {
			t.Errorf("got %s %v, want attached to the first case", got[0].Action, got[0].Number)
		}
	})
	t.Run("two open cases with the letter's member id: a person decides", func(t *testing.T) {
		tx := newMemTx()
		feed(t, tx, day0, form("Nguyen", "Anh", "1970-01-02", "XKB123456789", "Blue Shield", "MRI"))
		feed(t, tx, day0.Add(40*24*time.Hour), form("Nguyen", "Anh", "1970-01-02", "XKB123456789", "Blue Shield", "physical therapy"))
		got := feed(t, tx, day0.Add(41*24*time.Hour), letter("Anh Nguyen", "1970-01-02", "XKB123456789", "Blue Shield"))
		if got[0].Action != "needs_review" || got[0].Number != nil {
			t.Errorf("got %s %v, want needs_review with no case", got[0].Action, got[0].Number)
		}
		if len(tx.cases) != 2 {
			t.Errorf("%d cases, want the 2 forms' cases and no guess", len(tx.cases))
		}
	})
	t.Run("no member id on the letter: name and date of birth", func(t *testing.T) {
		tx := newMemTx()
		feed(t, tx, day0, form("Thompson-Castillo", "Rosa", "1989-06-28", "M123", "Anthem", "MRI"))
		got := feed(t, tx, day0.Add(24*time.Hour), letter("ROSA M. THOMPSON-CASTILLO", "1989-06-28", "", ""))
		if got[0].Action != "attached" {
			t.Errorf("got %s, want attached by name and date of birth", got[0].Action)
		}
		got = feed(t, tx, day0.Add(24*time.Hour), letter("Rosa Thompson", "1990-06-28", "", ""))
		if got[0].Action != "needs_review" {
			t.Errorf("a letter with another date of birth: %s, want needs_review", got[0].Action)
		}
	})
	t.Run("a form re-sent within 30 days joins its case; later it opens a new one", func(t *testing.T) {
		tx := newMemTx()
		f := form("Nguyen", "Anh", "1970-01-02", "XKB123456789", "Blue Shield", "MRI of the lumbar spine")
		feed(t, tx, day0, f)
		got := feed(t, tx, day0.Add(10*24*time.Hour), f)
		if got[0].Action != "attached" || len(tx.cases) != 1 {
			t.Errorf("re-sent after 10 days: %s, %d cases; want attached, 1 case", got[0].Action, len(tx.cases))
		}
		got = feed(t, tx, day0.Add(31*24*time.Hour), f)
		if got[0].Action != "created" || len(tx.cases) != 2 {
			t.Errorf("re-sent after 31 days: %s, %d cases; want a new case", got[0].Action, len(tx.cases))
		}
		other := form("Nguyen", "Anh", "1970-01-02", "XKB123456789", "Blue Shield", "hearing aids")
		if got := feed(t, tx, day0.Add(32*24*time.Hour), other); got[0].Action != "created" {
			t.Errorf("a form for another treatment: %s, want a new case", got[0].Action)
		}
	})
	t.Run("a return sheet's case number, misread or unknown", func(t *testing.T) {
		tx := newMemTx()
		feed(t, tx, day0, form("Nguyen", "Anh", "1970-01-02", "XKB1", "Blue Shield", "MRI"))
		ret := func(n string) classify.Document {
			return classify.Document{Kind: classify.ReturnSheet, Pages: []int{1}, Fields: map[string]classify.Field{"case.number": field(n)}}
		}
		if got := feed(t, tx, day0, ret("HC26 0000O1-3")); got[0].Action != "attached" {
			t.Errorf("the number as OCR reads it: %s, want attached", got[0].Action)
		}
		if got := feed(t, tx, day0, ret("HC26-000001-4")); got[0].Action != "needs_review" {
			t.Errorf("a wrong check digit: %s, want needs_review", got[0].Action)
		}
		if got := feed(t, tx, day0, ret("HC26-000002-1")); got[0].Action != "needs_review" {
			t.Errorf("a number no case has: %s, want needs_review", got[0].Action)
		}
	})
	t.Run("a letter that came first joins its case when the form opens it", func(t *testing.T) {
		tx := newMemTx()
		got := feed(t, tx, day0, letter("Anh Nguyen", "1970-01-02", "XKB123456789", "Blue Shield"))
		if got[0].Action != "needs_review" {
			t.Fatalf("a letter with no case yet: %s, want needs_review", got[0].Action)
		}
		feed(t, tx, day0.Add(48*time.Hour), form("Nguyen", "Anh", "1970-01-02", "XKB123456789", "Blue Shield of California", "MRI"))
		if c, ok := tx.links[1]; !ok || c != 1 {
			t.Errorf("the waiting letter is linked to case %d (%v), want case 1", c, ok)
		}
		// An unrelated waiting letter stays where it is.
		feed(t, tx, day0, letter("Luis Ortiz", "1981-03-04", "ZZZ999", "Health Net"))
		feed(t, tx, day0.Add(72*time.Hour), form("Nguyen", "Bao", "1972-05-06", "XKB555", "Blue Shield", "MRI"))
		if _, ok := tx.links[3]; ok {
			t.Errorf("an unrelated waiting letter was attached")
		}
	})
	t.Run("a return sheet that came before its case brings its envelope when the case opens", func(t *testing.T) {
		tx := newMemTx()
		cover := classify.Document{Kind: classify.FaxCover, Pages: []int{1}, Fields: map[string]classify.Field{"fax.from": field("Dr. Chen")}}
		sheet := classify.Document{Kind: classify.ReturnSheet, Pages: []int{2}, Fields: map[string]classify.Field{"case.number": field(casenum.Format(2026, 1))}}
		records := classify.Document{Kind: classify.Supporting, Pages: []int{3}, Fields: map[string]classify.Field{}}
		if got := feed(t, tx, day0, cover, sheet, records); got[0].Action != "needs_review" {
			t.Fatalf("a return sheet naming no case yet: %s, want needs_review", got[0].Action)
		}
		other := classify.Document{Kind: classify.Supporting, Pages: []int{1}, Fields: map[string]classify.Field{}}
		feed(t, tx, day0, other)
		feed(t, tx, day0.Add(time.Hour), form("Nguyen", "Anh", "1970-01-02", "XKB123456789", "Blue Shield", "MRI"))
		for id := int64(1); id <= 3; id++ {
			if c, ok := tx.links[id]; !ok || c != 1 {
				t.Errorf("document %d of the return sheet's envelope: case %d (%v), want case 1", id, c, ok)
			}
		}
		if _, ok := tx.links[4]; ok {
			t.Errorf("a waiting record of another envelope was attached")
		}
	})
}
