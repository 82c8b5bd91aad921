// Package store is the case store: it keeps the inputs, documents, fields, cases, links,
// events, letters and job leases of the pipeline, and implements pipeline.Store.
//
// Two backends share one implementation over database/sql and the same SQL (a small
// dialect rewrites placeholders and adds row locking):
//
//   - embedded (the default): a pure-Go SQLite file, DIR/intake.db, in WAL mode, with
//     foreign keys on and a 10 s busy timeout. Write transactions begin IMMEDIATE, so
//     several processes may open the same file and their writes simply queue.
//   - PostgreSQL, for a dsn starting with postgres:// or postgresql://. Every write
//     transaction first takes a fixed advisory lock, so writes from several instances run
//     one at a time, as on SQLite: matching decisions never race. Writes must be short.
//
// Open applies the numbered migrations in migrations/BACKEND/ (embedded in the program)
// that the database has not had, recording them in schema_migrations; Migrate does the
// same and is safe to run twice or from two processes at once.
//
// Inputs: Update runs a function in a write transaction and commits it when the function
// returns nil; nothing it did is kept otherwise. Case numbers (casenum, e.g.
// HC26-000001-3) count per year of ReceivedAt in America/Los_Angeles and are allocated
// inside the creating transaction: unique across processes, without gaps once committed.
// Outputs: the read helpers (ListCases, CaseDocuments, Unmatched, Inputs, Events, ...)
// each run in a read transaction of their own.
//
// Values: times are kept in UTC to the microsecond and come back as the same instant
// (finer parts are dropped); field values are strings or bools and come back as such;
// JSON (fax metadata, event details) comes back equivalent, though PostgreSQL may change
// its spacing and key order. Events are append-only: the schema refuses to change them.
//
// Errors: AddInput of a claim already committed wraps ErrExists; Transient tells errors
// worth retrying (the database unreachable, locked, shutting down; a serialization or
// deadlock failure) from the others. The store retries nothing itself. Error messages
// name ids and never values, names, dates of birth or member ids, nor a password.
package store
