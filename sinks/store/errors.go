package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"intake/pipeline/record"
)

var (
	// ErrExists is wrapped by the error of AddInput when an input with the same ClaimID
	// is already committed, and by that of Link when the document is already part of the
	// case.
	ErrExists = record.ErrExists
	// ErrNotFound is wrapped by the error of a change to a case that does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrReadOnly is returned by the writing methods of a Tx that View handed out.
	ErrReadOnly = errors.New("store: read-only transaction")
	// ErrTxDone is returned by the methods of a Tx used after its Update or View returned.
	ErrTxDone = errors.New("store: transaction already finished")
)

// Transient reports whether err is worth retrying as it is: the database could not be
// reached or dropped the connection, is shutting down or starting up, has too many
// connections, is locked by another process (SQLite's "database is locked"), has its disk
// full (space may be freed), or chose this transaction as the victim of a serialization
// failure or a deadlock. Everything else,
// including ErrExists, a cancelled context and errors in the SQL, is permanent.
func Transient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if e, ok := errors.AsType[*pq.Error](err); ok {
		switch e.Code {
		case pqerror.TRSerializationFailure, pqerror.TRDeadlockDetected,
			pqerror.AdminShutdown, pqerror.CrashShutdown, pqerror.CannotConnectNow,
			pqerror.TooManyConnections, pqerror.LockNotAvailable, pqerror.DiskFull:
			return true
		}
		return e.Code.Class() == pqerror.ClassConnectionException
	}
	if e, ok := errors.AsType[*sqlite.Error](err); ok {
		switch e.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_FULL:
			return true
		}
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	if _, ok := errors.AsType[*net.OpError](err); ok {
		return true
	}
	return strings.Contains(err.Error(), "database is locked")
}

// Refused reports whether err is the database refusing what it was given: a value it
// cannot hold (text that is not UTF-8, a number out of range) or a broken constraint.
// Trying again with the same input fails the same way.
func Refused(err error) bool {
	if e, ok := errors.AsType[*pq.Error](err); ok {
		switch e.Code.Class() {
		case "22", "23": // data exception, integrity constraint violation
			return true
		}
		return false
	}
	if e, ok := errors.AsType[*sqlite.Error](err); ok {
		switch e.Code() & 0xff {
		case sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_MISMATCH, sqlite3.SQLITE_TOOBIG, sqlite3.SQLITE_RANGE:
			return true
		}
	}
	return false
}

// maskDSN is dsn as it may be shown to a person: the password, in the user part or the
// query, is replaced by xxxxx. A DSN that is not a URL is not shown at all.
func maskDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(the database address, not shown: it is not a valid URL)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// dsnSecrets are the passwords dsn holds, to be kept out of error messages.
func dsnSecrets(dsn string) []string {
	var out []string
	if u, err := url.Parse(dsn); err == nil {
		if p, ok := u.User.Password(); ok && p != "" {
			out = append(out, p, url.QueryEscape(p), url.PathEscape(p))
		}
		if p := u.Query().Get("password"); p != "" {
			out = append(out, p, url.QueryEscape(p))
		}
		return out
	}
	// Not a URL (url.Parse quotes it in its error): hide the whole text.
	return append(out, dsn)
}

// redacted wraps an error whose text might quote a password; errors.Is and errors.As
// still see the error inside.
type redacted struct {
	err     error
	secrets []string
}

func (r *redacted) Error() string {
	s := r.err.Error()
	for _, p := range r.secrets {
		if p != "" {
			s = strings.ReplaceAll(s, p, "xxxxx")
		}
	}
	return s
}

func (r *redacted) Unwrap() error { return r.err }

// redact wraps err so that its text shows none of secrets.
func redact(err error, secrets []string) error {
	if err == nil || len(secrets) == 0 {
		return err
	}
	return &redacted{err: err, secrets: secrets}
}

// Transient is the function Transient, as a method: the pipeline cannot import this
// package (it imports the pipeline), so it can reach the classification only through the
// Store it is given.
func (s *Store) Transient(err error) bool { return Transient(err) }
