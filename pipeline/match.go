package pipeline

import (
	"sort"
	"strings"
	"time"
	"unicode"

	"intake/classify"
	"intake/pipeline/casenum"
	"intake/pipeline/record"
)

// resendWindow: a form that re-sends a case opened this recently (same enrollee, plan and
// treatment) joins that case instead of opening another.
const resendWindow = 30 * 24 * time.Hour

// ackDays is how many calendar days after receipt the acknowledgement is due.
const ackDays = 5

// decide records the documents of an input and, envelope by envelope, opens a case, joins
// an existing one, or leaves the documents for a person. It runs inside the input's
// transaction, so its lookups see every case committed before.
func (p *Processor) decide(tx Tx, in *record.Input, result classify.Result, received time.Time) ([]CaseOut, error) {
	envelopes := map[int][]int{} // envelope -> indexes into result.Documents
	var order []int
	for i, d := range result.Documents {
		if _, ok := envelopes[d.Envelope]; !ok {
			order = append(order, d.Envelope)
		}
		envelopes[d.Envelope] = append(envelopes[d.Envelope], i)
	}
	ids := make([]int64, len(result.Documents))
	for i, d := range result.Documents {
		rd := documentRecord(in.ID, d)
		if err := tx.AddDocument(rd); err != nil {
			return nil, err
		}
		ids[i] = rd.ID
	}
	var out []CaseOut
	for _, env := range order {
		idx := envelopes[env]
		docs := make([]classify.Document, len(idx))
		for k, i := range idx {
			docs[k] = result.Documents[i]
		}
		facts := classify.TypeCase(docs, received)
		c, how, reason, err := p.match(tx, docs, received)
		if err != nil {
			return nil, err
		}
		var co CaseOut
		switch {
		case c == nil && reason != "":
			co = factsOut(facts, received)
			co.Action, co.Reason = "needs_review", reason
			for _, i := range idx {
				if err := tx.AddEvent(&record.Event{Actor: p.Actor, Kind: "document.unmatched", InputID: in.ID,
					DocumentID: ids[i], Detail: detail("reason", reason)}); err != nil {
					return nil, err
				}
			}
		case c == nil:
			c = newCase(docs, facts, received, p.Due)
			if err := tx.CreateCase(c); err != nil {
				return nil, err
			}
			how = record.LinkOpened
			if err := tx.AddEvent(&record.Event{Actor: p.Actor, Kind: "case.created", InputID: in.ID, CaseID: c.ID,
				Detail: detail("number", c.Number, "kind", c.Kind, "urgent", c.Urgent)}); err != nil {
				return nil, err
			}
			co = caseOut(c, "created")
			if err := p.adoptWaiting(tx, in, c); err != nil {
				return nil, err
			}
		default:
			if facts.Urgent && !c.Urgent {
				// A follow-up can make a case urgent; it never makes one less so.
				c.Urgent = true
				if err := tx.UpdateCase(c); err != nil {
					return nil, err
				}
				if err := tx.AddEvent(&record.Event{Actor: p.Actor, Kind: "case.urgent", InputID: in.ID, CaseID: c.ID}); err != nil {
					return nil, err
				}
			}
			co = caseOut(c, "attached")
		}
		if c != nil {
			for _, i := range idx {
				if err := tx.Link(c.ID, ids[i], how); err != nil {
					return nil, err
				}
				if how != record.LinkOpened {
					if err := tx.AddEvent(&record.Event{Actor: p.Actor, Kind: "document.attached", InputID: in.ID, CaseID: c.ID,
						DocumentID: ids[i], Detail: detail("how", how, "kind", string(result.Documents[i].Kind))}); err != nil {
						return nil, err
					}
				}
			}
		}
		co.Envelope = env
		co.Documents = idx
		out = append(out, co)
	}
	return out, nil
}

// match finds the case an envelope's documents belong to. It returns the case and how
// they join it; no case and no reason means "open a new one"; no case and a reason means
// a person must decide (an ambiguous match or none at all: never a guess).
func (p *Processor) match(tx Tx, docs []classify.Document, received time.Time) (*record.Case, string, string, error) {
	var form, letter, ret *classify.Document
	for i := range docs {
		switch docs[i].Kind {
		case classify.IMRForm:
			if form == nil {
				form = &docs[i]
			}
		case classify.DenialLetter:
			if letter == nil {
				letter = &docs[i]
			}
		case classify.ReturnSheet:
			if ret == nil {
				ret = &docs[i]
			}
		}
	}
	// A return sheet names its case.
	if ret != nil {
		if s := str(ret, "case.number"); s != "" {
			if n, err := casenum.Parse(s); err == nil {
				c, err := tx.CaseByNumber(n.String())
				if err != nil || c != nil {
					return c, record.LinkAttached, "", err
				}
			}
		}
		if form == nil {
			return nil, "", "the return sheet's case number was not found", nil
		}
	}
	if form != nil {
		member := MemberKey(str(form, "plan.member_id"))
		dob := str(form, "patient.dob")
		last, first := str(form, "patient.last_name"), str(form, "patient.first_name")
		candidates, err := findOpen(tx, member, dob, received.Add(-resendWindow))
		if err != nil {
			return nil, "", "", err
		}
		var same []*record.Case
		for _, c := range candidates {
			if sameName(c.Enrollee.LastName, last) && sameName(c.Enrollee.FirstName, first) &&
				similar(c.Plan, str(form, "plan.name")) && similar(c.Treatment, str(form, "treatment_requested")) &&
				(c.Enrollee.DOB == dob || c.MemberID == member) {
				same = append(same, c)
			}
		}
		if len(same) == 1 {
			return same[0], record.LinkResent, "", nil
		}
		return nil, "", "", nil // open a new case
	}
	// No form: a letter or records join an open case by member id and plan, else by name
	// and date of birth.
	if letter == nil {
		return nil, "", "no form and no plan letter to match the documents to a case", nil
	}
	member := MemberKey(str(letter, "member.id"))
	plan := str(letter, "plan.name")
	if plan == "" {
		plan = str(letter, "letter.sender")
	}
	if member != "" {
		cs, err := tx.FindCases(record.CaseQuery{MemberID: member, OpenOnly: true})
		if err != nil {
			return nil, "", "", err
		}
		var hits []*record.Case
		for i := range cs {
			if plan == "" || similar(cs[i].Plan, plan) {
				hits = append(hits, &cs[i])
			}
		}
		if len(hits) == 1 {
			return hits[0], record.LinkAttached, "", nil
		}
		if len(hits) > 1 {
			return nil, "", "several open cases have the letter's member id", nil
		}
	}
	name, dob := str(letter, "member.name"), str(letter, "member.dob")
	if name != "" && dob != "" {
		cs, err := tx.FindCases(record.CaseQuery{DOB: dob, OpenOnly: true})
		if err != nil {
			return nil, "", "", err
		}
		var hits []*record.Case
		for i := range cs {
			if nameMatches(name, cs[i].Enrollee) {
				hits = append(hits, &cs[i])
			}
		}
		if len(hits) == 1 {
			return hits[0], record.LinkAttached, "", nil
		}
		if len(hits) > 1 {
			return nil, "", "several open cases have the letter's name and date of birth", nil
		}
	}
	return nil, "", "no open case matches the letter (no form came with it)", nil
}

// waitingWindow: a letter that came before its form waits this long in the unmatched
// queue for the case to open.
const waitingWindow = 90 * 24 * time.Hour

// adoptWaiting attaches to a new case the documents that came before its form and wait in
// the unmatched queue: the letters that name the case's member id (and a plan like the
// case's) or the enrollee's name and date of birth, and the envelope of a return sheet that
// names the case's number.
func (p *Processor) adoptWaiting(tx Tx, in *record.Input, c *record.Case) error {
	docs, err := tx.Unmatched(c.ReceivedAt.Add(-waitingWindow))
	if err != nil {
		return err
	}
	// A return sheet that names the new case (it came before the form that opens the case)
	// brings the documents of its envelope along.
	type envelope struct {
		input int64
		n     int
	}
	sheets := map[envelope]bool{}
	for _, d := range docs {
		if d.InputID == in.ID || d.Kind != string(classify.ReturnSheet) {
			continue
		}
		for _, fl := range d.Fields {
			if s, ok := fl.Value.(string); ok && fl.Key == "case.number" && s == c.Number {
				sheets[envelope{d.InputID, d.Envelope}] = true
			}
		}
	}
	for _, d := range docs {
		if d.InputID == in.ID {
			continue
		}
		if sheets[envelope{d.InputID, d.Envelope}] {
			if err := p.attachWaiting(tx, c, d, "its return sheet names the case"); err != nil {
				return err
			}
			continue
		}
		if d.Kind != string(classify.DenialLetter) {
			continue
		}
		f := map[string]string{}
		for _, fl := range d.Fields {
			if s, ok := fl.Value.(string); ok {
				f[fl.Key] = s
			}
		}
		plan := f["plan.name"]
		if plan == "" {
			plan = f["letter.sender"]
		}
		byMember := c.MemberID != "" && MemberKey(f["member.id"]) == c.MemberID && similar(c.Plan, plan)
		byName := c.Enrollee.DOB != "" && f["member.dob"] == c.Enrollee.DOB && nameMatches(f["member.name"], c.Enrollee)
		if !byMember && !byName {
			continue
		}
		if err := p.attachWaiting(tx, c, d, "waited for its form"); err != nil {
			return err
		}
	}
	return nil
}

// attachWaiting links a document of the unmatched queue to case c and logs how.
func (p *Processor) attachWaiting(tx Tx, c *record.Case, d record.Document, how string) error {
	if err := tx.Link(c.ID, d.ID, record.LinkAttached); err != nil {
		return err
	}
	return tx.AddEvent(&record.Event{Actor: p.Actor, Kind: "document.attached", InputID: d.InputID, CaseID: c.ID,
		DocumentID: d.ID, Detail: detail("how", how, "kind", d.Kind)})
}

// findOpen lists open cases received since, by member id or date of birth.
func findOpen(tx Tx, member, dob string, since time.Time) ([]*record.Case, error) {
	seen := map[int64]bool{}
	var out []*record.Case
	for _, q := range []record.CaseQuery{{MemberID: member}, {DOB: dob}} {
		if q.MemberID == "" && q.DOB == "" {
			continue
		}
		q.Since, q.OpenOnly = since, true
		cs, err := tx.FindCases(q)
		if err != nil {
			return nil, err
		}
		for i := range cs {
			if !seen[cs[i].ID] {
				seen[cs[i].ID] = true
				out = append(out, &cs[i])
			}
		}
	}
	return out, nil
}

// newCase makes the case an envelope opens.
func newCase(docs []classify.Document, f classify.CaseFacts, received time.Time, due DueRule) *record.Case {
	c := &record.Case{Status: record.Open, Kind: f.Kind, IMRType: f.IMRType, Urgent: f.Urgent,
		Issues: nonNil(f.Issues), ClinicalArea: f.ClinicalArea, Flags: nonNil(f.Flags), ReceivedAt: received,
		AckDue: due.Due(received), Language: "en"}
	if f.Filing != nil {
		c.DecisionDate, c.FilingDeadline = f.Filing.DecisionDate, f.Filing.Deadline
		t := f.Filing.Timely
		c.Timely = &t
	}
	var form, letter *classify.Document
	for i := range docs {
		if docs[i].Kind == classify.IMRForm && form == nil {
			form = &docs[i]
		}
		if docs[i].Kind == classify.DenialLetter && letter == nil {
			letter = &docs[i]
		}
	}
	if form != nil {
		c.Enrollee = record.Person{
			FirstName: str(form, "patient.first_name"), MiddleInitial: str(form, "patient.middle_initial"),
			LastName: str(form, "patient.last_name"), DOB: str(form, "patient.dob"),
			Street: str(form, "patient.street"), City: str(form, "patient.city"), State: str(form, "patient.state"),
			Zip: str(form, "patient.zip"), Phone: str(form, "patient.phone"), Email: str(form, "patient.email"),
		}
		c.MemberID = MemberKey(str(form, "plan.member_id"))
		c.Plan = str(form, "plan.name")
		c.Treatment = str(form, "treatment_requested")
		if form.Language == "es" || strings.Contains(strings.ToLower(str(form, "primary_language")), "span") ||
			strings.Contains(strings.ToLower(str(form, "primary_language")), "espa") {
			c.Language = "es"
		}
	}
	if letter != nil {
		if c.MemberID == "" {
			c.MemberID = MemberKey(str(letter, "member.id"))
		}
		if c.Plan == "" {
			c.Plan = str(letter, "plan.name")
		}
		if c.Treatment == "" {
			c.Treatment = str(letter, "service")
		}
	}
	return c
}

func documentRecord(inputID int64, d classify.Document) *record.Document {
	rd := &record.Document{InputID: inputID, Envelope: d.Envelope, Kind: string(d.Kind), Pages: d.Pages,
		Confidence: round3(d.Confidence), Language: d.Language}
	keys := make([]string, 0, len(d.Fields))
	for k := range d.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f := d.Fields[k]
		rd.Fields = append(rd.Fields, record.Field{Key: k, Value: f.Value, Confidence: round3(f.Confidence), Page: f.Page,
			NeedsReview: f.NeedsReview, Box: [4]float64{f.Box.X0, f.Box.Y0, f.Box.X1, f.Box.Y1}})
	}
	return rd
}

// caseOut is a stored case as the result record shows it.
func caseOut(c *record.Case, action string) CaseOut {
	n := c.Number
	co := CaseOut{Number: &n, Action: action, Kind: c.Kind, IMRType: strPtr(c.IMRType), Urgent: c.Urgent,
		Issues: nonNil(c.Issues), ClinicalArea: strPtr(c.ClinicalArea), ReceivedAt: rfc3339(c.ReceivedAt),
		AckDue: c.AckDue, Flags: nonNil(c.Flags)}
	if c.DecisionDate != "" && c.Timely != nil {
		co.Filing = &FilingOut{DecisionDate: c.DecisionDate, Deadline: c.FilingDeadline, Timely: *c.Timely}
	}
	return co
}

// factsOut is what an envelope says about a case that was not opened.
func factsOut(f classify.CaseFacts, received time.Time) CaseOut {
	co := CaseOut{Kind: f.Kind, IMRType: strPtr(f.IMRType), Urgent: f.Urgent, Issues: nonNil(f.Issues),
		ClinicalArea: strPtr(f.ClinicalArea), ReceivedAt: rfc3339(received), Flags: nonNil(f.Flags)}
	if f.Filing != nil {
		co.Filing = &FilingOut{DecisionDate: f.Filing.DecisionDate, Deadline: f.Filing.Deadline, Timely: f.Filing.Timely}
	}
	return co
}

func str(d *classify.Document, key string) string {
	if d == nil {
		return ""
	}
	if f, ok := d.Fields[key]; ok {
		if s, ok := f.Value.(string); ok {
			return s
		}
	}
	return ""
}

// MemberKey is a member id as cases keep it and the store compares it: its letters and
// digits, upper case.
func MemberKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// fold keeps lower-case letters and digits, for comparing names and plans.
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sameName compares two names as printed, forgiving one OCR slip in a long name.
func sameName(a, b string) bool {
	a, b = fold(a), fold(b)
	if a == "" || b == "" {
		return false
	}
	if a == b {
		return true
	}
	return len(a) >= 6 && classify.EditDistance(a, b) <= 1
}

// similar compares short texts (plan names, treatments): equal after folding, one inside
// the other, or close. Either side empty counts as agreeing: it is not evidence against.
func similar(a, b string) bool {
	a, b = fold(a), fold(b)
	if a == "" || b == "" {
		return true
	}
	if a == b || strings.Contains(a, b) || strings.Contains(b, a) {
		return true
	}
	n := max(len(a), len(b))
	return classify.EditDistance(a, b)*5 <= n
}

// nameMatches tells whether a name printed on a letter ("Rosa M. Thompson-Castillo",
// "THOMPSON-CASTILLO, ROSA") is the enrollee's.
func nameMatches(printed string, p record.Person) bool {
	words := strings.FieldsFunc(printed, func(r rune) bool { return r == ' ' || r == ',' })
	hasLast, hasFirst := false, false
	for _, w := range words {
		if sameName(w, p.LastName) {
			hasLast = true
		}
		if sameName(w, p.FirstName) {
			hasFirst = true
		}
	}
	if !hasLast && p.LastName != "" && strings.Contains(fold(printed), fold(p.LastName)) {
		hasLast = true
	}
	return hasLast && hasFirst
}
