package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"intake/pipeline/record"
)

// CaseFilter selects cases for ListCases.
type CaseFilter struct {
	Status string // record.Open, record.Closed; "" for every status
	Limit  int    // 0: no limit
}

// InputFilter selects inputs for Inputs.
type InputFilter struct {
	Status string    // record.Processed, record.Duplicate, record.Quarantined; "" for all
	Since  time.Time // received at or after; zero for any time
	Limit  int       // 0: no limit
}

// The read helpers below each run in a read transaction of their own.

// ListCases lists cases, the most recently received first.
func (s *Store) ListCases(ctx context.Context, f CaseFilter) ([]record.Case, error) {
	var out []record.Case
	err := s.view(ctx, func(t *Tx) error {
		query, args := "SELECT "+caseCols("")+" FROM cases", []any(nil)
		if f.Status != "" {
			query, args = query+" WHERE status = ?", append(args, f.Status)
		}
		query += " ORDER BY received_at DESC, id DESC"
		if f.Limit > 0 {
			query, args = query+" LIMIT ?", append(args, f.Limit)
		}
		var err error
		out, err = t.cases(query, args...)
		return err
	})
	if err != nil {
		return nil, s.wrap("list cases", err)
	}
	return out, nil
}

// CaseByNumber is the case with this number, or nil (see Tx.CaseByNumber).
func (s *Store) CaseByNumber(ctx context.Context, number string) (*record.Case, error) {
	var c *record.Case
	err := s.view(ctx, func(t *Tx) error {
		var err error
		c, err = t.CaseByNumber(number)
		return err
	})
	return c, err
}

// CaseDocuments lists the documents linked to case caseID, with their fields and CaseID
// set, in the order they were added.
func (s *Store) CaseDocuments(ctx context.Context, caseID int64) ([]record.Document, error) {
	var out []record.Document
	err := s.view(ctx, func(t *Tx) error {
		var err error
		out, err = t.CaseDocuments(caseID)
		return err
	})
	return out, err
}

// CaseDocumentsOfKind lists, by case, the documents of one kind linked to any of the cases
// caseIDs, with their fields and CaseID set, in the order they were added: what the nightly
// job asks of thousands of cases at once (their Authorized Assistant Forms).
func (s *Store) CaseDocumentsOfKind(ctx context.Context, kind string, caseIDs []int64) (map[int64][]record.Document, error) {
	out := map[int64][]record.Document{}
	const chunk = 500
	err := s.view(ctx, func(t *Tx) error {
		for start := 0; start < len(caseIDs); start += chunk {
			args := []any{kind}
			for _, id := range caseIDs[start:min(start+chunk, len(caseIDs))] {
				args = append(args, id)
			}
			docs, err := t.documents(true, `SELECT `+documentCols+`, cd.case_id FROM documents d
				JOIN case_documents cd ON cd.document_id = d.id
				WHERE d.kind = ? AND cd.case_id IN (`+placeholders(len(args)-1)+`) ORDER BY d.id`, args...)
			if err != nil {
				return t.wrap("documents of cases", err)
			}
			for _, d := range docs {
				out[d.CaseID] = append(out[d.CaseID], d)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Unmatched lists the documents of processed inputs that are linked to no case (they wait
// for a person), with their fields, the earliest received first.
func (s *Store) Unmatched(ctx context.Context) ([]record.Document, error) {
	var out []record.Document
	err := s.view(ctx, func(t *Tx) error {
		var err error
		out, err = t.Unmatched(time.Time{})
		return err
	})
	if err != nil {
		return nil, s.wrap("unmatched documents", err)
	}
	return out, nil
}

// Unmatched lists, with their fields, the documents of processed inputs received at or
// after since that are linked to no case, the earliest received first.
func (t *Tx) Unmatched(since time.Time) ([]record.Document, error) {
	return t.documents(false, `SELECT `+documentCols+` FROM documents d
		JOIN inputs i ON i.id = d.input_id
		WHERE i.status = ? AND i.received_at >= ? AND NOT EXISTS (SELECT 1 FROM case_documents cd WHERE cd.document_id = d.id)
		ORDER BY i.received_at, d.id`, record.Processed, dbTime(since))
}

// Inputs lists inputs, the most recently received first.
func (s *Store) Inputs(ctx context.Context, f InputFilter) ([]record.Input, error) {
	var out []record.Input
	err := s.view(ctx, func(t *Tx) error {
		var where []string
		var args []any
		if f.Status != "" {
			where, args = append(where, "status = ?"), append(args, f.Status)
		}
		if !f.Since.IsZero() {
			where, args = append(where, "received_at >= ?"), append(args, dbTime(f.Since))
		}
		query := "SELECT " + inputCols + " FROM inputs"
		if len(where) > 0 {
			query += " WHERE " + strings.Join(where, " AND ")
		}
		query += " ORDER BY received_at DESC, id DESC"
		if f.Limit > 0 {
			query, args = query+" LIMIT ?", append(args, f.Limit)
		}
		rows, err := t.query(query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			in, err := scanInput(rows)
			if err != nil {
				return err
			}
			out = append(out, *in)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, s.wrap("list inputs", err)
	}
	return out, nil
}

// DocumentKindsOfInputs lists, by input, the kinds of the documents found in any of the
// inputs inputIDs, in the order they were found: what the day's intake shows of each input.
// An input without documents is left out.
func (s *Store) DocumentKindsOfInputs(ctx context.Context, inputIDs []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	const chunk = 500
	err := s.view(ctx, func(t *Tx) error {
		for start := 0; start < len(inputIDs); start += chunk {
			var args []any
			for _, id := range inputIDs[start:min(start+chunk, len(inputIDs))] {
				args = append(args, id)
			}
			rows, err := t.query(`SELECT input_id, kind FROM documents WHERE input_id IN (`+placeholders(len(args))+`)
				ORDER BY input_id, id`, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				var kind string
				if err := rows.Scan(&id, &kind); err != nil {
					rows.Close()
					return err
				}
				out[id] = append(out[id], kind)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, s.wrap("document kinds of inputs", err)
	}
	return out, nil
}

// InputByID is the input with this id, or nil.
func (s *Store) InputByID(ctx context.Context, id int64) (*record.Input, error) {
	var in *record.Input
	err := s.view(ctx, func(t *Tx) error {
		var err error
		in, err = t.InputByID(id)
		return err
	})
	return in, err
}

// InputOfDocument is the input a document was found in; nil when there is no such
// document.
func (s *Store) InputOfDocument(ctx context.Context, docID int64) (*record.Input, error) {
	var in *record.Input
	err := s.view(ctx, func(t *Tx) error {
		var inputID int64
		err := t.queryRow(`SELECT input_id FROM documents WHERE id = ?`, docID).Scan(&inputID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return t.wrap("input of a document", err)
		}
		in, err = t.InputByID(inputID)
		return err
	})
	return in, err
}

// Events lists the events of case caseID in the order they were appended; caseID 0 lists
// every event.
func (s *Store) Events(ctx context.Context, caseID int64) ([]record.Event, error) {
	var out []record.Event
	err := s.view(ctx, func(t *Tx) error {
		query, args := `SELECT id, at, actor, kind, input_id, case_id, document_id, detail FROM events`, []any(nil)
		if caseID != 0 {
			query, args = query+" WHERE case_id = ?", append(args, caseID)
		}
		rows, err := t.query(query+" ORDER BY id", args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e record.Event
			if err := rows.Scan(&e.ID, timeCol{&e.At}, &e.Actor, &e.Kind, idCol{&e.InputID}, idCol{&e.CaseID},
				idCol{&e.DocumentID}, jsonCol{&e.Detail}); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, s.wrap(fmt.Sprintf("events of case %d", caseID), err)
	}
	return out, nil
}

// Letters lists the letters of case caseID in the order they were made.
func (s *Store) Letters(ctx context.Context, caseID int64) ([]record.Letter, error) {
	var out []record.Letter
	err := s.view(ctx, func(t *Tx) error {
		rows, err := t.query(`SELECT id, case_id, kind, language, recipient, path, sha256, created_at
			FROM letters WHERE case_id = ? ORDER BY id`, caseID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l record.Letter
			if err := rows.Scan(&l.ID, &l.CaseID, &l.Kind, &l.Language, &l.Recipient, &l.Path, &l.SHA256,
				timeCol{&l.CreatedAt}); err != nil {
				return err
			}
			out = append(out, l)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, s.wrap(fmt.Sprintf("letters of case %d", caseID), err)
	}
	return out, nil
}

// CasesToAcknowledge lists the open cases that have no acknowledgement yet, the earliest
// received first.
func (s *Store) CasesToAcknowledge(ctx context.Context) ([]record.Case, error) {
	var out []record.Case
	err := s.view(ctx, func(t *Tx) error {
		var err error
		out, err = t.cases(`SELECT `+caseCols("")+` FROM cases WHERE status = ? AND acknowledged_at IS NULL
			ORDER BY received_at, id`, record.Open)
		return err
	})
	if err != nil {
		return nil, s.wrap("cases to acknowledge", err)
	}
	return out, nil
}

// AddLetterAndAck records letter l and acknowledges its case: AcknowledgeCase with one
// letter, by the store's own actor.
func (s *Store) AddLetterAndAck(ctx context.Context, l *record.Letter, at time.Time) error {
	return s.AcknowledgeCase(ctx, l.CaseID, []*record.Letter{l}, at, s.actor, false)
}

// AcknowledgeCase records the letters of one case's acknowledgement (the enrollee's, and a
// copy for an authorized assistant), marks the case acknowledged at at and appends a
// case.acknowledged event by actor, in one transaction. With onlyOnce, a case that is
// already acknowledged is refused with an error wrapping ErrExists and nothing is written
// (a second run never sends a second letter); without it the first acknowledgement time
// stands. It sets each letter's ID, and its CreatedAt to at when zero. A case that does not
// exist is an error wrapping ErrNotFound.
func (s *Store) AcknowledgeCase(ctx context.Context, caseID int64, letters []*record.Letter, at time.Time, actor string, onlyOnce bool) error {
	if at.IsZero() {
		at = s.now()
	}
	var added []record.Letter
	err := s.update(ctx, func(t *Tx) error {
		acked, err := t.acknowledged(caseID)
		if err != nil {
			return err
		}
		if onlyOnce && acked {
			return fmt.Errorf("store: case %d is already acknowledged: %w", caseID, ErrExists)
		}
		added, err = t.acknowledge(caseID, letters, at, actor, s.now())
		return err
	})
	if err != nil {
		return err
	}
	for i := range letters {
		*letters[i] = added[i]
	}
	return nil
}

// AcknowledgeCases records many acknowledgements in one transaction, each as
// AcknowledgeCase with onlyOnce would: a case already acknowledged is skipped (its
// letters are not recorded) and reported in skipped; a case that does not exist is an
// error that writes nothing. The nightly job commits its letters this way, a few hundred
// cases at a time.
func (s *Store) AcknowledgeCases(ctx context.Context, acks []record.Ack, at time.Time, actor string) (skipped []int64, err error) {
	if at.IsZero() {
		at = s.now()
	}
	added := make([][]record.Letter, len(acks))
	err = s.update(ctx, func(t *Tx) error {
		skipped = skipped[:0]
		for i, a := range acks {
			acked, err := t.acknowledged(a.CaseID)
			if err != nil {
				return err
			}
			if acked {
				skipped = append(skipped, a.CaseID)
				continue
			}
			if added[i], err = t.acknowledge(a.CaseID, a.Letters, at, actor, s.now()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, a := range acks {
		for k := range added[i] {
			*a.Letters[k] = added[i][k]
		}
	}
	return skipped, nil
}

// acknowledged tells whether case caseID is acknowledged; ErrNotFound when there is no
// such case.
func (t *Tx) acknowledged(caseID int64) (bool, error) {
	var acked sql.NullString
	if err := t.queryRow(`SELECT acknowledged_at FROM cases WHERE id = ?`, caseID).Scan(&acked); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, fmt.Errorf("store: acknowledge case %d: %w", caseID, ErrNotFound)
		}
		return false, t.wrap(fmt.Sprintf("acknowledge case %d", caseID), err)
	}
	return acked.Valid, nil
}

// acknowledge marks case caseID acknowledged at at (the first time stands), records its
// letters and the case.acknowledged event, and returns the letters as recorded.
func (t *Tx) acknowledge(caseID int64, letters []*record.Letter, at time.Time, actor string, now time.Time) ([]record.Letter, error) {
	if _, err := t.exec(`UPDATE cases SET acknowledged_at = COALESCE(acknowledged_at, ?), updated_at = ? WHERE id = ?`,
		dbTime(at), dbTime(now), caseID); err != nil {
		return nil, t.wrap(fmt.Sprintf("acknowledge case %d", caseID), err)
	}
	added := make([]record.Letter, len(letters))
	ids := []int64{}
	for i, l := range letters {
		nl := *l
		nl.CaseID = caseID
		if nl.CreatedAt.IsZero() {
			nl.CreatedAt = at
		}
		if err := t.AddLetter(&nl); err != nil {
			return nil, err
		}
		added[i] = nl
		ids = append(ids, nl.ID)
	}
	detail, err := json.Marshal(map[string]any{"letters": ids})
	if err != nil {
		return nil, err
	}
	return added, t.AddEvent(&record.Event{At: at, Actor: actor, Kind: "case.acknowledged", CaseID: caseID, Detail: detail})
}

// placeholders is n comma-separated ? marks.
func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }
