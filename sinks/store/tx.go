package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"intake/pipeline"
	"intake/pipeline/casenum"
	"intake/pipeline/record"
)

var _ pipeline.Tx = (*Tx)(nil)

// Tx is one transaction of a Store; Update and View hand it to their fn as a pipeline.Tx.
// It is valid only until fn returns and must not be shared between goroutines. Methods
// that look something up return nil and no error when there is nothing to find.
type Tx struct {
	ctx      context.Context
	tx       *sql.Tx
	s        *Store
	readOnly bool
	done     bool
}

func (t *Tx) check(write bool) error {
	if t.done {
		return ErrTxDone
	}
	if write && t.readOnly {
		return ErrReadOnly
	}
	return nil
}

func (t *Tx) exec(query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(t.ctx, t.s.d.rebind(query), args...)
}

func (t *Tx) query(query string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(t.ctx, t.s.d.rebind(query), args...)
}

func (t *Tx) queryRow(query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.ctx, t.s.d.rebind(query), args...)
}

func (t *Tx) wrap(doing string, err error) error { return t.s.wrap(doing, err) }

// ---- inputs

const inputCols = `id, claim_id, sha256, name, channel, station, received_at, pages, fax, status,
	duplicate_of, error, archive, created_at`

func scanInput(sc interface{ Scan(...any) error }) (*record.Input, error) {
	var in record.Input
	err := sc.Scan(&in.ID, &in.ClaimID, &in.SHA256, &in.Name, &in.Channel, &in.Station,
		timeCol{&in.ReceivedAt}, &in.Pages, jsonCol{&in.Fax}, &in.Status, idCol{&in.DuplicateOf},
		&in.Error, &in.Archive, timeCol{&in.CreatedAt})
	if err != nil {
		return nil, err
	}
	return &in, nil
}

// oneInput runs a query for at most one input.
func (t *Tx) oneInput(doing, where string, args ...any) (*record.Input, error) {
	if err := t.check(false); err != nil {
		return nil, err
	}
	in, err := scanInput(t.queryRow("SELECT "+inputCols+" FROM inputs WHERE "+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, t.wrap(doing, err)
	}
	return in, nil
}

// InputByClaim is the input committed under claimID, or nil.
func (t *Tx) InputByClaim(claimID string) (*record.Input, error) {
	return t.oneInput("input by claim", "claim_id = ?", claimID)
}

// InputByID is the input with this id, or nil.
func (t *Tx) InputByID(id int64) (*record.Input, error) {
	return t.oneInput(fmt.Sprintf("input %d", id), "id = ?", id)
}

// FirstInputBySHA is the earliest received input with this content that was not
// quarantined, or nil.
func (t *Tx) FirstInputBySHA(sha256 string) (*record.Input, error) {
	return t.oneInput("input by content", "sha256 = ? AND status <> ? ORDER BY received_at, id LIMIT 1",
		sha256, record.Quarantined)
}

// AddInput records in and sets in.ID and in.CreatedAt. An input with the same ClaimID
// already recorded is refused with an error wrapping ErrExists, and the transaction stays
// usable.
func (t *Tx) AddInput(in *record.Input) error {
	if err := t.check(true); err != nil {
		return err
	}
	if in.ClaimID == "" {
		return errors.New("store: add input: the input has no claim id")
	}
	fax, err := dbJSON(in.Fax)
	if err != nil {
		return fmt.Errorf("store: add input: fax metadata: %w", err)
	}
	now := t.s.now()
	var id int64
	err = t.queryRow(`INSERT INTO inputs (claim_id, sha256, name, channel, station, received_at, pages,
		fax, status, duplicate_of, error, archive, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (claim_id) DO NOTHING RETURNING id`,
		in.ClaimID, in.SHA256, in.Name, in.Channel, in.Station, dbTime(in.ReceivedAt), in.Pages,
		fax, in.Status, dbID(in.DuplicateOf), in.Error, in.Archive, dbTime(now)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: add input: this claim is already committed: %w", ErrExists)
	}
	if err != nil {
		return t.wrap("add input", err)
	}
	in.ID, in.CreatedAt = id, now
	return nil
}

// ---- documents and fields

// AddDocument records d and its fields and sets d.ID and each field's ID. d.CaseID is
// ignored (use Link). Field values (and corrections) must be strings, bools or nil.
func (t *Tx) AddDocument(d *record.Document) error {
	if err := t.check(true); err != nil {
		return err
	}
	pages, err := dbList(d.Pages)
	if err != nil {
		return fmt.Errorf("store: add document: pages: %w", err)
	}
	type fieldArgs struct{ value, corrected any }
	args := make([]fieldArgs, len(d.Fields))
	for i, f := range d.Fields {
		// Checked before anything is written. The key is a contract key, not a value.
		if args[i].value, err = dbValue(f.Value); err != nil {
			return fmt.Errorf("store: add document: field %s: %w", f.Key, err)
		}
		if args[i].corrected, err = dbValue(f.Corrected); err != nil {
			return fmt.Errorf("store: add document: correction of field %s: %w", f.Key, err)
		}
	}
	var id int64
	err = t.queryRow(`INSERT INTO documents (input_id, envelope, kind, pages, confidence, language)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		d.InputID, d.Envelope, d.Kind, pages, d.Confidence, d.Language).Scan(&id)
	if err != nil {
		return t.wrap(fmt.Sprintf("add document of input %d", d.InputID), err)
	}
	ids := make([]int64, len(d.Fields))
	for i, f := range d.Fields {
		err := t.queryRow(`INSERT INTO fields (document_id, key, value, confidence, page, needs_review,
			box_x0, box_y0, box_x1, box_y1, corrected, corrected_by, corrected_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			id, f.Key, args[i].value, f.Confidence, f.Page, f.NeedsReview,
			f.Box[0], f.Box[1], f.Box[2], f.Box[3], args[i].corrected, f.CorrectedBy,
			dbTimeOrNull(f.CorrectedAt)).Scan(&ids[i])
		if err != nil {
			return t.wrap(fmt.Sprintf("add field of document %d", id), err)
		}
	}
	d.ID = id
	for i := range d.Fields {
		d.Fields[i].ID = ids[i]
	}
	return nil
}

const documentCols = "d.id, d.input_id, d.envelope, d.kind, d.pages, d.confidence, d.language"

// documents runs a query whose columns are documentCols (and, when withCase, a case id
// after them), then loads the documents' fields.
func (t *Tx) documents(withCase bool, query string, args ...any) ([]record.Document, error) {
	rows, err := t.query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var docs []record.Document
	for rows.Next() {
		var d record.Document
		dest := []any{&d.ID, &d.InputID, &d.Envelope, &d.Kind, listCol[int]{&d.Pages}, &d.Confidence, &d.Language}
		if withCase {
			dest = append(dest, idCol{&d.CaseID})
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return docs, t.loadFields(docs)
}

// loadFields fills in the fields of docs, in the order they were added.
func (t *Tx) loadFields(docs []record.Document) error {
	const chunk = 500
	at := make(map[int64]int, len(docs))
	for i := range docs {
		at[docs[i].ID] = i
	}
	for start := 0; start < len(docs); start += chunk {
		end := min(start+chunk, len(docs))
		args := make([]any, 0, end-start)
		for _, d := range docs[start:end] {
			args = append(args, d.ID)
		}
		marks := placeholders(len(args))
		rows, err := t.query(`SELECT document_id, id, key, value, confidence, page, needs_review,
			box_x0, box_y0, box_x1, box_y1, corrected, corrected_by, corrected_at
			FROM fields WHERE document_id IN (`+marks+`) ORDER BY document_id, id`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var doc int64
			var f record.Field
			if err := rows.Scan(&doc, &f.ID, &f.Key, valueCol{&f.Value}, &f.Confidence, &f.Page, &f.NeedsReview,
				&f.Box[0], &f.Box[1], &f.Box[2], &f.Box[3], valueCol{&f.Corrected}, &f.CorrectedBy,
				timeCol{&f.CorrectedAt}); err != nil {
				rows.Close()
				return err
			}
			i := at[doc]
			docs[i].Fields = append(docs[i].Fields, f)
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return err
		}
		rows.Close()
	}
	return nil
}

// ---- cases

// caseDataCols are the columns UpdateCase writes: every field but ID, Number and
// CreatedAt.
const caseDataCols = `status, kind, imr_type, urgent, urgent_by, issues, clinical_area, flags,
	enrollee_first_name, enrollee_middle_initial, enrollee_last_name, enrollee_dob,
	enrollee_street, enrollee_city, enrollee_state, enrollee_zip, enrollee_phone, enrollee_email,
	member_id, plan, treatment, language, received_at, ack_due, decision_date, filing_deadline,
	timely, acknowledged_at, updated_at`

// caseCols prefixed with p (a table alias and a dot, or "").
func caseCols(p string) string {
	cols := append([]string{"id", "number", "created_at"}, splitCols(caseDataCols)...)
	for i := range cols {
		cols[i] = p + cols[i]
	}
	return strings.Join(cols, ", ")
}

func splitCols(s string) []string {
	var out []string
	for _, c := range strings.Split(s, ",") {
		out = append(out, strings.TrimSpace(c))
	}
	return out
}

// caseData is c's values for caseDataCols, with updated as UpdatedAt.
func caseData(c *record.Case) ([]any, error) {
	issues, err := dbList(c.Issues)
	if err != nil {
		return nil, err
	}
	flags, err := dbList(c.Flags)
	if err != nil {
		return nil, err
	}
	var timely any
	if c.Timely != nil {
		timely = *c.Timely
	}
	e := c.Enrollee
	return []any{c.Status, c.Kind, c.IMRType, c.Urgent, c.UrgentBy, issues, c.ClinicalArea, flags,
		e.FirstName, e.MiddleInitial, e.LastName, e.DOB,
		e.Street, e.City, e.State, e.Zip, e.Phone, e.Email,
		c.MemberID, c.Plan, c.Treatment, c.Language, dbTime(c.ReceivedAt), c.AckDue, c.DecisionDate, c.FilingDeadline,
		timely, dbTimeOrNull(c.AcknowledgedAt), dbTime(c.UpdatedAt)}, nil
}

func scanCase(sc interface{ Scan(...any) error }) (*record.Case, error) {
	var c record.Case
	var timely sql.NullBool
	e := &c.Enrollee
	err := sc.Scan(&c.ID, &c.Number, timeCol{&c.CreatedAt},
		&c.Status, &c.Kind, &c.IMRType, &c.Urgent, &c.UrgentBy, listCol[string]{&c.Issues}, &c.ClinicalArea, listCol[string]{&c.Flags},
		&e.FirstName, &e.MiddleInitial, &e.LastName, &e.DOB,
		&e.Street, &e.City, &e.State, &e.Zip, &e.Phone, &e.Email,
		&c.MemberID, &c.Plan, &c.Treatment, &c.Language, timeCol{&c.ReceivedAt}, &c.AckDue, &c.DecisionDate, &c.FilingDeadline,
		&timely, timeCol{&c.AcknowledgedAt}, timeCol{&c.UpdatedAt})
	if err != nil {
		return nil, err
	}
	if timely.Valid {
		v := timely.Bool
		c.Timely = &v
	}
	return &c, nil
}

// cases runs a query whose columns are caseCols.
func (t *Tx) cases(query string, args ...any) ([]record.Case, error) {
	rows, err := t.query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []record.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

func (t *Tx) oneCase(doing, where string, args ...any) (*record.Case, error) {
	if err := t.check(false); err != nil {
		return nil, err
	}
	c, err := scanCase(t.queryRow("SELECT "+caseCols("")+" FROM cases WHERE "+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, t.wrap(doing, err)
	}
	return c, nil
}

// CreateCase numbers c and records it: c.Number is the next serial of the year c was
// received in Los Angeles, allocated in this transaction, so numbers are unique across
// processes and have no gaps once committed (a rolled-back transaction gives its number
// back). It sets c.ID, c.Number, c.CreatedAt and c.UpdatedAt, and c.Status to Open when
// empty.
func (t *Tx) CreateCase(c *record.Case) error {
	if err := t.check(true); err != nil {
		return err
	}
	if c.ReceivedAt.IsZero() {
		return errors.New("store: create case: the case has no received time")
	}
	year := c.ReceivedAt.Truncate(precision).In(t.s.la).Year()
	var serial int
	err := t.queryRow(`INSERT INTO case_counters (year, last_serial) VALUES (?, 1)
		ON CONFLICT (year) DO UPDATE SET last_serial = case_counters.last_serial + 1
		RETURNING last_serial`, year).Scan(&serial)
	if err != nil {
		return t.wrap("create case: allocate a number", err)
	}
	if serial > 999999 {
		return fmt.Errorf("store: create case: the case numbers of %d are used up", year)
	}
	number := casenum.Format(year, serial)
	now := t.s.now()
	nc := *c
	if nc.Status == "" {
		nc.Status = record.Open
	}
	nc.UpdatedAt = now
	data, err := caseData(&nc)
	if err != nil {
		return fmt.Errorf("store: create case: %w", err)
	}
	marks := placeholders(len(data) + 2)
	var id int64
	err = t.queryRow("INSERT INTO cases (number, created_at, "+caseDataCols+") VALUES ("+marks+") RETURNING id",
		append([]any{number, dbTime(now)}, data...)...).Scan(&id)
	if err != nil {
		return t.wrap("create case", err)
	}
	c.ID, c.Number, c.Status, c.CreatedAt, c.UpdatedAt = id, number, nc.Status, now, now
	return nil
}

// UpdateCase writes every field of c but ID, Number and CreatedAt, and sets c.UpdatedAt.
// A case that does not exist is an error wrapping ErrNotFound.
func (t *Tx) UpdateCase(c *record.Case) error {
	if err := t.check(true); err != nil {
		return err
	}
	nc := *c
	nc.UpdatedAt = t.s.now()
	data, err := caseData(&nc)
	if err != nil {
		return fmt.Errorf("store: update case %d: %w", c.ID, err)
	}
	cols := splitCols(caseDataCols)
	for i := range cols {
		cols[i] += " = ?"
	}
	res, err := t.exec("UPDATE cases SET "+strings.Join(cols, ", ")+" WHERE id = ?", append(data, c.ID)...)
	if err != nil {
		return t.wrap(fmt.Sprintf("update case %d", c.ID), err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return t.wrap(fmt.Sprintf("update case %d", c.ID), err)
	} else if n == 0 {
		return fmt.Errorf("store: update case %d: %w", c.ID, ErrNotFound)
	}
	c.UpdatedAt = nc.UpdatedAt
	return nil
}

// Link makes document docID part of case caseID; how is one of the record.Link kinds.
// Linking a pair already linked is an error wrapping ErrExists (the transaction stays
// usable); a case or document that does not exist is an error.
func (t *Tx) Link(caseID, docID int64, how string) error {
	if err := t.check(true); err != nil {
		return err
	}
	res, err := t.exec(`INSERT INTO case_documents (case_id, document_id, how, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (case_id, document_id) DO NOTHING`, caseID, docID, how, dbTime(t.s.now()))
	if err != nil {
		return t.wrap(fmt.Sprintf("link document %d to case %d", docID, caseID), err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return t.wrap(fmt.Sprintf("link document %d to case %d", docID, caseID), err)
	} else if n == 0 {
		return fmt.Errorf("store: document %d is already linked to case %d: %w", docID, caseID, ErrExists)
	}
	return nil
}

// CaseByNumber is the case with this number, or nil. The number may be written as people
// write it (see casenum.Parse).
func (t *Tx) CaseByNumber(number string) (*record.Case, error) {
	n, err := casenum.Parse(number)
	if err != nil {
		return nil, t.check(false) // not a case number: no case has it
	}
	return t.oneCase("case by number", "number = ?", n.String())
}

// CaseByID is the case with this id, or nil.
func (t *Tx) CaseByID(id int64) (*record.Case, error) {
	return t.oneCase(fmt.Sprintf("case %d", id), "id = ?", id)
}

// FindCases lists the cases that meet every condition of q that is set, the most
// recently received first.
func (t *Tx) FindCases(q record.CaseQuery) ([]record.Case, error) {
	if err := t.check(false); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	if q.MemberID != "" {
		where, args = append(where, "member_id = ?"), append(args, q.MemberID)
	}
	if q.DOB != "" {
		where, args = append(where, "enrollee_dob = ?"), append(args, q.DOB)
	}
	if !q.Since.IsZero() {
		where, args = append(where, "received_at >= ?"), append(args, dbTime(q.Since))
	}
	if q.OpenOnly {
		where, args = append(where, "status = ?"), append(args, record.Open)
	}
	query := "SELECT " + caseCols("") + " FROM cases"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY received_at DESC, id DESC"
	if q.Limit > 0 {
		query, args = query+" LIMIT ?", append(args, q.Limit)
	}
	out, err := t.cases(query, args...)
	if err != nil {
		return nil, t.wrap("find cases", err)
	}
	return out, nil
}

// CasesOfInput lists the cases the documents of input inputID are linked to, in the
// order they were created.
func (t *Tx) CasesOfInput(inputID int64) ([]record.Case, error) {
	if err := t.check(false); err != nil {
		return nil, err
	}
	out, err := t.cases(`SELECT `+caseCols("c.")+` FROM cases c WHERE c.id IN (
		SELECT cd.case_id FROM case_documents cd JOIN documents d ON d.id = cd.document_id
		WHERE d.input_id = ?) ORDER BY c.id`, inputID)
	if err != nil {
		return nil, t.wrap(fmt.Sprintf("cases of input %d", inputID), err)
	}
	return out, nil
}

// CaseDocuments lists the documents linked to case caseID with their fields, CaseID set,
// in the order they were added.
func (t *Tx) CaseDocuments(caseID int64) ([]record.Document, error) {
	if err := t.check(false); err != nil {
		return nil, err
	}
	out, err := t.documents(true, `SELECT `+documentCols+`, cd.case_id FROM documents d
		JOIN case_documents cd ON cd.document_id = d.id WHERE cd.case_id = ? ORDER BY d.id`, caseID)
	if err != nil {
		return nil, t.wrap(fmt.Sprintf("documents of case %d", caseID), err)
	}
	return out, nil
}

// ---- events

// AddEvent appends e to the log and sets e.ID, and e.At when it is zero. Events are never
// changed or removed.
func (t *Tx) AddEvent(e *record.Event) error {
	if err := t.check(true); err != nil {
		return err
	}
	detail, err := dbJSON(e.Detail)
	if err != nil {
		return fmt.Errorf("store: add event: detail: %w", err)
	}
	at := e.At
	if at.IsZero() {
		at = t.s.now()
	}
	var id int64
	err = t.queryRow(`INSERT INTO events (at, actor, kind, input_id, case_id, document_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		dbTime(at), e.Actor, e.Kind, dbID(e.InputID), dbID(e.CaseID), dbID(e.DocumentID), detail).Scan(&id)
	if err != nil {
		return t.wrap("add event", err)
	}
	e.ID, e.At = id, at
	return nil
}

// ---- letters

// AddLetter records l and sets l.ID, and l.CreatedAt when it is zero. It does not mark
// the case acknowledged (see Store.AddLetterAndAck).
func (t *Tx) AddLetter(l *record.Letter) error {
	if err := t.check(true); err != nil {
		return err
	}
	created := l.CreatedAt
	if created.IsZero() {
		created = t.s.now()
	}
	var id int64
	err := t.queryRow(`INSERT INTO letters (case_id, kind, language, recipient, path, sha256, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		l.CaseID, l.Kind, l.Language, l.Recipient, l.Path, l.SHA256, dbTime(created)).Scan(&id)
	if err != nil {
		return t.wrap(fmt.Sprintf("add letter to case %d", l.CaseID), err)
	}
	l.ID, l.CreatedAt = id, created
	return nil
}
