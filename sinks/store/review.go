package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"intake/pipeline"
	"intake/pipeline/casenum"
	"intake/pipeline/record"
)

// The review station's part of the store: its users and sessions, the queue of fields
// that need a person, and the changes a person makes. Every change is one transaction
// with its event; events name ids and keys, never the values (health information).

// notFound is an error that is both ErrNotFound, for the store's callers, and
// record.ErrNotFound, for the packages of the pipeline, which cannot import the store.
type notFound struct{ msg string }

func (e *notFound) Error() string { return e.msg }

func (e *notFound) Is(target error) bool {
	return target == ErrNotFound || target == record.ErrNotFound
}

func missing(format string, a ...any) error {
	return &notFound{msg: "store: " + fmt.Sprintf(format, a...) + ": not found"}
}

// ---- users and sessions

// AddUser records a user with a password hash (never the password) and returns it. A name
// already taken is refused with an error wrapping ErrExists.
func (s *Store) AddUser(ctx context.Context, name, hash string) (*record.User, error) {
	name = strings.TrimSpace(name)
	if name == "" || hash == "" {
		return nil, errors.New("store: add user: a user needs a name and a password hash")
	}
	u := &record.User{Name: name, PasswordHash: hash, CreatedAt: s.now()}
	err := s.update(ctx, func(t *Tx) error {
		err := t.queryRow(`INSERT INTO users (name, password_hash, created_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO NOTHING RETURNING id`, u.Name, u.PasswordHash, dbTime(u.CreatedAt)).Scan(&u.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: add user: the name is taken: %w", ErrExists)
		}
		if err != nil {
			return t.wrap("add user", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// UserByName is the user with this name, or nil.
func (s *Store) UserByName(ctx context.Context, name string) (*record.User, error) {
	var u *record.User
	err := s.view(ctx, func(t *Tx) error {
		var v record.User
		err := t.queryRow(`SELECT id, name, password_hash, created_at FROM users WHERE name = ?`,
			strings.TrimSpace(name)).Scan(&v.ID, &v.Name, &v.PasswordHash, timeCol{&v.CreatedAt})
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return t.wrap("user by name", err)
		}
		u = &v
		return nil
	})
	return u, err
}

// CreateSession records sess (its TokenHash, UserID, CSRF and ExpiresAt) and sets its
// CreatedAt. Sessions that have expired are removed at the same time, so the table holds
// only the live ones and those of the last sign-in.
func (s *Store) CreateSession(ctx context.Context, sess *record.Session) error {
	if sess.TokenHash == "" || sess.CSRF == "" || sess.UserID == 0 || sess.ExpiresAt.IsZero() {
		return errors.New("store: create session: a session needs a token hash, a user, a CSRF token and an expiry")
	}
	now := s.now()
	return s.update(ctx, func(t *Tx) error {
		if _, err := t.exec(`DELETE FROM sessions WHERE expires_at <= ?`, dbTime(now)); err != nil {
			return t.wrap("create session: remove expired sessions", err)
		}
		if _, err := t.exec(`INSERT INTO sessions (token_hash, user_id, csrf, expires_at, created_at) VALUES (?, ?, ?, ?, ?)`,
			sess.TokenHash, sess.UserID, sess.CSRF, dbTime(sess.ExpiresAt), dbTime(now)); err != nil {
			return t.wrap(fmt.Sprintf("create session of user %d", sess.UserID), err)
		}
		sess.CreatedAt = now
		return nil
	})
}

// SessionByTokenHash is the session whose token hashes to hash, with its user's name; nil
// when there is none or it has expired.
func (s *Store) SessionByTokenHash(ctx context.Context, hash string) (*record.Session, error) {
	var out *record.Session
	err := s.view(ctx, func(t *Tx) error {
		var v record.Session
		err := t.queryRow(`SELECT s.token_hash, s.user_id, u.name, s.csrf, s.expires_at, s.created_at
			FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?`,
			hash, dbTime(s.now())).Scan(&v.TokenHash, &v.UserID, &v.UserName, &v.CSRF,
			timeCol{&v.ExpiresAt}, timeCol{&v.CreatedAt})
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return t.wrap("session", err)
		}
		out = &v
		return nil
	})
	return out, err
}

// DeleteSession ends the session whose token hashes to hash; ending one that does not
// exist is not an error (signing out twice).
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	return s.update(ctx, func(t *Tx) error {
		if _, err := t.exec(`DELETE FROM sessions WHERE token_hash = ?`, hash); err != nil {
			return t.wrap("delete session", err)
		}
		return nil
	})
}

// ---- the review queue

// ReviewQueue lists the open cases that have fields needing review, with those fields:
// urgent cases first, then the earliest received; within a case, by document and field.
// The fields of documents linked to no case wait in Unmatched instead.
func (s *Store) ReviewQueue(ctx context.Context) ([]record.ReviewCase, error) {
	var out []record.ReviewCase
	err := s.view(ctx, func(t *Tx) error {
		rows, err := t.query(`SELECT c.id, c.number, c.urgent, c.received_at,
			f.id, f.document_id, f.key, f.confidence, f.page
			FROM fields f
			JOIN case_documents cd ON cd.document_id = f.document_id
			JOIN cases c ON c.id = cd.case_id
			WHERE f.needs_review = TRUE AND c.status = ?
			ORDER BY c.urgent DESC, c.received_at, c.id, f.document_id, f.id`, record.Open)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c record.ReviewCase
			var f record.ReviewItem
			if err := rows.Scan(&c.CaseID, &c.Number, &c.Urgent, timeCol{&c.ReceivedAt},
				&f.FieldID, &f.DocumentID, &f.Key, &f.Confidence, &f.Page); err != nil {
				return err
			}
			if n := len(out); n == 0 || out[n-1].CaseID != c.CaseID {
				out = append(out, c)
			}
			last := &out[len(out)-1]
			last.Fields = append(last.Fields, f)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, s.wrap("review queue", err)
	}
	return out, nil
}

// Quarantined lists the quarantined inputs, the most recently received first, each with
// its Error saying why (a sentence for a person, without health information).
func (s *Store) Quarantined(ctx context.Context, limit int) ([]record.Input, error) {
	return s.Inputs(ctx, InputFilter{Status: record.Quarantined, Limit: limit})
}

// InputsSince lists the inputs received at or after since, whatever their status, the
// most recently received first, at most limit (0: no limit): the day's intake.
func (s *Store) InputsSince(ctx context.Context, since time.Time, limit int) ([]record.Input, error) {
	return s.Inputs(ctx, InputFilter{Since: since, Limit: limit})
}

// ---- the changes a person makes

// ReviewField records a person's decision on field fieldID: value nil (or equal to the
// value kept, or "" for a field that has none) confirms the value as it is; a string or
// bool replaces it. Either way the field no longer needs review, its confidence becomes 1,
// the decision is recorded as its correction by actor, and a field.confirmed or
// field.corrected event is appended, naming the field's key and document, never a value.
// It returns the case the field's document belongs to (nil for an unmatched document). A
// field that does not exist is an error wrapping ErrNotFound.
func (s *Store) ReviewField(ctx context.Context, fieldID int64, value any, actor string) (*record.Case, error) {
	if actor == "" {
		return nil, errors.New("store: review field: no actor")
	}
	if _, err := dbValue(value); err != nil {
		return nil, fmt.Errorf("store: review field %d: %w", fieldID, err)
	}
	var c *record.Case
	err := s.update(ctx, func(t *Tx) error {
		var docID, inputID int64
		var key string
		var old any
		err := t.queryRow(`SELECT f.document_id, d.input_id, f.key, f.value FROM fields f
			JOIN documents d ON d.id = f.document_id WHERE f.id = ?`, fieldID).Scan(&docID, &inputID, &key, valueCol{&old})
		if errors.Is(err, sql.ErrNoRows) {
			return missing("review field %d", fieldID)
		}
		if err != nil {
			return t.wrap(fmt.Sprintf("review field %d", fieldID), err)
		}
		kind, kept := "field.confirmed", old
		if value != nil && !sameValue(old, value) {
			kind, kept = "field.corrected", value
		}
		v, _ := dbValue(kept) // both kinds were checked above
		now := t.s.now()
		if _, err := t.exec(`UPDATE fields SET value = ?, corrected = ?, corrected_by = ?, corrected_at = ?,
			needs_review = ?, confidence = 1 WHERE id = ?`, v, v, actor, dbTime(now), false, fieldID); err != nil {
			return t.wrap(fmt.Sprintf("review field %d", fieldID), err)
		}
		if c, err = t.caseOfDocument(docID); err != nil {
			return err
		}
		detail, err := json.Marshal(map[string]any{"field_id": fieldID, "key": key, "document_id": docID})
		if err != nil {
			return err
		}
		e := &record.Event{At: now, Actor: actor, Kind: kind, InputID: inputID, DocumentID: docID, Detail: detail}
		if c != nil {
			e.CaseID = c.ID
		}
		return t.AddEvent(e)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// sameValue tells whether a reviewer's value is the one kept: equal, or empty text for a
// field that has no value.
func sameValue(old, value any) bool {
	if old == nil {
		return value == ""
	}
	return old == value
}

// caseOfDocument is the case document docID is linked to (the first, should it be linked
// to several), or nil.
func (t *Tx) caseOfDocument(docID int64) (*record.Case, error) {
	var caseID int64
	err := t.queryRow(`SELECT case_id FROM case_documents WHERE document_id = ? ORDER BY case_id LIMIT 1`, docID).Scan(&caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, t.wrap(fmt.Sprintf("case of document %d", docID), err)
	}
	return t.CaseByID(caseID)
}

// AttachDocument links document docID, which waits in the unmatched queue, to the case
// with number caseNumber, as a person's attachment (record.LinkReviewer), and appends a
// document.attached event by actor. It returns the case. A case or document that does not
// exist is an error wrapping ErrNotFound; a document already linked to a case is refused
// with an error wrapping ErrExists (it is not unmatched).
func (s *Store) AttachDocument(ctx context.Context, docID int64, caseNumber, actor string) (*record.Case, error) {
	if actor == "" {
		return nil, errors.New("store: attach document: no actor")
	}
	var c *record.Case
	err := s.update(ctx, func(t *Tx) error {
		var err error
		if c, err = t.CaseByNumber(caseNumber); err != nil {
			return err
		} else if c == nil {
			return missing("attach document %d: the case", docID)
		}
		var kind string
		var inputID int64
		err = t.queryRow(`SELECT kind, input_id FROM documents WHERE id = ?`, docID).Scan(&kind, &inputID)
		if errors.Is(err, sql.ErrNoRows) {
			return missing("attach document %d", docID)
		}
		if err != nil {
			return t.wrap(fmt.Sprintf("attach document %d", docID), err)
		}
		if linked, err := t.caseOfDocument(docID); err != nil {
			return err
		} else if linked != nil {
			return fmt.Errorf("store: attach document %d: it is already part of case %d: %w", docID, linked.ID, ErrExists)
		}
		if err := t.Link(c.ID, docID, record.LinkReviewer); err != nil {
			return err
		}
		detail, err := json.Marshal(map[string]any{"how": record.LinkReviewer, "kind": kind})
		if err != nil {
			return err
		}
		return t.AddEvent(&record.Event{Actor: actor, Kind: "document.attached", InputID: inputID,
			CaseID: c.ID, DocumentID: docID, Detail: detail})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// SetCaseUrgent marks case caseID urgent or not urgent as actor's decision: the case
// records it (Urgent, and UrgentBy = actor, which pipeline.Recompute then keeps as it is)
// and a case.urgent or case.not_urgent event is appended, naming ids only. It returns the
// case as it now is. A case that does not exist is an error wrapping ErrNotFound.
func (s *Store) SetCaseUrgent(ctx context.Context, caseID int64, urgent bool, actor string) (*record.Case, error) {
	if actor == "" {
		return nil, errors.New("store: set case urgent: no actor")
	}
	var c *record.Case
	err := s.update(ctx, func(t *Tx) error {
		res, err := t.exec(`UPDATE cases SET urgent = ?, urgent_by = ?, updated_at = ? WHERE id = ?`,
			urgent, actor, dbTime(t.s.now()), caseID)
		if err != nil {
			return t.wrap(fmt.Sprintf("set case %d urgent", caseID), err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return t.wrap(fmt.Sprintf("set case %d urgent", caseID), err)
		} else if n == 0 {
			return missing("set case %d urgent", caseID)
		}
		kind := "case.not_urgent"
		if urgent {
			kind = "case.urgent"
		}
		detail, err := json.Marshal(map[string]any{"case_id": caseID})
		if err != nil {
			return err
		}
		if err := t.AddEvent(&record.Event{Actor: actor, Kind: kind, CaseID: caseID, Detail: detail}); err != nil {
			return err
		}
		c, err = t.CaseByID(caseID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// SetDocumentKind gives document docID another kind, one of record.DocumentKinds, as
// actor's decision, and appends a document.kind_changed event naming the document and the
// old and new kinds (kinds are not health information). Giving a document the kind it has
// changes nothing and records nothing. It returns the case the document belongs to (nil
// for an unmatched document), whose facts the caller derives again. A kind not of the
// contract is refused; a document that does not exist is an error wrapping ErrNotFound.
func (s *Store) SetDocumentKind(ctx context.Context, docID int64, kind, actor string) (*record.Case, error) {
	if actor == "" {
		return nil, errors.New("store: set document kind: no actor")
	}
	if !record.IsDocumentKind(kind) {
		return nil, fmt.Errorf("store: set document %d kind: not a document kind of the contract", docID)
	}
	var c *record.Case
	err := s.update(ctx, func(t *Tx) error {
		var old string
		var inputID int64
		err := t.queryRow(`SELECT kind, input_id FROM documents WHERE id = ?`, docID).Scan(&old, &inputID)
		if errors.Is(err, sql.ErrNoRows) {
			return missing("set document %d kind", docID)
		}
		if err != nil {
			return t.wrap(fmt.Sprintf("set document %d kind", docID), err)
		}
		if c, err = t.caseOfDocument(docID); err != nil {
			return err
		}
		if old == kind {
			return nil
		}
		if _, err := t.exec(`UPDATE documents SET kind = ? WHERE id = ?`, kind, docID); err != nil {
			return t.wrap(fmt.Sprintf("set document %d kind", docID), err)
		}
		detail, err := json.Marshal(map[string]any{"document_id": docID, "from": old, "to": kind})
		if err != nil {
			return err
		}
		e := &record.Event{Actor: actor, Kind: "document.kind_changed", InputID: inputID, DocumentID: docID, Detail: detail}
		if c != nil {
			e.CaseID = c.ID
		}
		return t.AddEvent(e)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ---- finding cases

// FindCasesLimit is how many cases FindCasesForReview lists at most.
const FindCasesLimit = 50

// FindCasesForReview finds the cases a person looks for by what they typed: a case number
// (as people write it: exactly that case), else the cases whose member id is q as member
// ids are kept (upper-case letters and digits) or whose enrollee's last name begins with
// q, whatever the case of its letters; at most FindCasesLimit, the most recently received
// first. Nothing typed finds nothing. (SQLite folds the case of ASCII letters only: on it,
// a name typed with other capitals than it was read with is not found.)
func (s *Store) FindCasesForReview(ctx context.Context, q string) ([]record.Case, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	var out []record.Case
	err := s.view(ctx, func(t *Tx) error {
		if n, err := casenum.Parse(q); err == nil {
			c, err := t.oneCase("find cases: by number", "number = ?", n.String())
			if c != nil {
				out = []record.Case{*c}
			}
			return err
		}
		where, args := []string{`LOWER(enrollee_last_name) LIKE ? ESCAPE '\'`}, []any{likePrefix(strings.ToLower(q))}
		if m := pipeline.MemberKey(q); m != "" {
			where, args = append(where, "member_id = ?"), append(args, m)
		}
		var err error
		out, err = t.cases(`SELECT `+caseCols("")+` FROM cases WHERE `+strings.Join(where, " OR ")+
			` ORDER BY received_at DESC, id DESC LIMIT ?`, append(args, FindCasesLimit)...)
		return err
	})
	if err != nil {
		return nil, s.wrap("find cases for review", err)
	}
	return out, nil
}

// likePrefix is a LIKE pattern (with \ as escape) for the texts that begin with p.
func likePrefix(p string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(p) + "%"
}
