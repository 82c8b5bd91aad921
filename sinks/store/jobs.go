package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Job is the record of a claimed input being worked on: who holds it, until when, and how
// its earlier attempts failed. It exists from the first ClaimJob to FinishJob.
type Job struct {
	ClaimID    string
	Owner      string
	LeaseUntil time.Time
	Attempts   int    // failures recorded by FailJob
	LastError  string // the last failure's message
	CreatedAt  time.Time
}

// ClaimJob makes owner the holder of the job claimID for lease from now, and reports
// whether it is: true when the job is new, already owner's (the lease is renewed), or held
// under a lease that has expired; false when another owner holds a lease still running,
// or (PostgreSQL) another transaction is claiming the same job at this moment. Leases are
// measured with this machine's clock: the machines sharing a database must agree on the
// time to well within a lease. Taking over an expired lease does not count as an attempt.
func (s *Store) ClaimJob(ctx context.Context, claimID, owner string, lease time.Duration) (bool, error) {
	if lease <= 0 {
		return false, errors.New("store: claim job: the lease must be positive")
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, s.wrap("claim job: begin", err)
	}
	defer tx.Rollback()
	now := s.now()
	until := dbTime(now.Add(lease))
	var holder string
	var leaseUntil time.Time
	err = tx.QueryRowContext(ctx, s.d.rebind("SELECT owner, lease_until FROM jobs WHERE claim_id = ?"+s.d.skipLocked),
		claimID).Scan(&holder, timeCol{&leaseUntil})
	var res sql.Result
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// New, or (PostgreSQL) locked by another claim: then the insert finds it there.
		res, err = tx.ExecContext(ctx, s.d.rebind(`INSERT INTO jobs (claim_id, owner, lease_until, attempts, last_error, created_at)
			VALUES (?, ?, ?, 0, '', ?) ON CONFLICT (claim_id) DO NOTHING`), claimID, owner, until, dbTime(now))
	case err != nil:
		return false, s.wrap("claim job", err)
	case holder == owner || !leaseUntil.After(now):
		res, err = tx.ExecContext(ctx, s.d.rebind("UPDATE jobs SET owner = ?, lease_until = ? WHERE claim_id = ?"),
			owner, until, claimID)
	default:
		return false, nil
	}
	if err != nil {
		return false, s.wrap("claim job", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return false, s.wrap("claim job", err)
	} else if n == 0 {
		return false, nil
	}
	if err := tx.Commit(); err != nil {
		return false, s.wrap("claim job: commit", err)
	}
	return true, nil
}

// FinishJob removes the job claimID: its work is committed. Finishing a job that is not
// there is not an error.
func (s *Store) FinishJob(ctx context.Context, claimID string) error {
	if _, err := s.db.ExecContext(ctx, s.d.rebind("DELETE FROM jobs WHERE claim_id = ?"), claimID); err != nil {
		return s.wrap("finish job", err)
	}
	return nil
}

// FailJob records a failed attempt at the job claimID: one more attempt, msg as the last
// error (a sentence for a person; never health information), and releases the lease, so
// that any owner may claim the job again at once. A job that is not there is not an
// error.
func (s *Store) FailJob(ctx context.Context, claimID, msg string) error {
	_, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE jobs SET attempts = attempts + 1, last_error = ?, lease_until = ?
		WHERE claim_id = ?`), msg, dbTime(s.now()), claimID)
	if err != nil {
		return s.wrap("fail job", err)
	}
	return nil
}

// Job is the job claimID, or nil when there is none.
func (s *Store) Job(ctx context.Context, claimID string) (*Job, error) {
	var j Job
	err := s.db.QueryRowContext(ctx, s.d.rebind(`SELECT claim_id, owner, lease_until, attempts, last_error, created_at
		FROM jobs WHERE claim_id = ?`), claimID).Scan(&j.ClaimID, &j.Owner, timeCol{&j.LeaseUntil}, &j.Attempts,
		&j.LastError, timeCol{&j.CreatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.wrap("job", err)
	}
	return &j, nil
}
