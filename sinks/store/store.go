package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
	_ "time/tzdata" // case years are counted in Los Angeles, on any machine

	"github.com/lib/pq"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"intake/pipeline"
)

var _ pipeline.Store = (*Store)(nil)

// FileName is the embedded database's file in the data folder.
const FileName = "intake.db"

const (
	// busyTimeout is how long an SQLite connection waits for another process's lock.
	busyTimeout = 10 * time.Second
	// connectTimeout is how long a PostgreSQL connection attempt may take, unless the
	// DSN says (connect_timeout).
	connectTimeout = 15 * time.Second
)

// Store is the case store: an embedded SQLite file or a PostgreSQL database. It is safe
// for concurrent use, and several processes may use the same database at once.
type Store struct {
	db      *sql.DB
	d       dialect
	la      *time.Location // case numbers count years in Los Angeles
	actor   string         // who the events the store writes itself are by
	dsn     string
	dataDir string
	secrets []string // kept out of error messages
}

// Open opens the case store and brings its schema up to date. An empty dsn opens (or
// creates) the embedded database DIR/intake.db in dataDir, creating the folder when
// needed; a dsn starting with postgres:// or postgresql:// opens that PostgreSQL database
// (dataDir is then unused). Errors never show the password.
func Open(ctx context.Context, dsn, dataDir string) (*Store, error) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		return nil, fmt.Errorf("store: the time zone America/Los_Angeles is not known: %w", err)
	}
	s := &Store{la: la, actor: defaultActor(), dsn: dsn, dataDir: dataDir}
	switch {
	case dsn == "":
		err = s.openSQLite(ctx)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		err = s.openPostgres(ctx)
	default:
		return nil, errors.New("store: the database address must start with postgres:// or postgresql:// (leave it empty for the embedded database)")
	}
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) openSQLite(ctx context.Context) error {
	s.d = sqliteDialect
	if s.dataDir == "" {
		return errors.New("store: no data folder given for the embedded database")
	}
	if err := os.MkdirAll(s.dataDir, 0o750); err != nil {
		return fmt.Errorf("store: cannot create the data folder: %w", err)
	}
	path, err := filepath.Abs(filepath.Join(s.dataDir, FileName))
	if err != nil {
		return fmt.Errorf("store: cannot resolve the data folder: %w", err)
	}
	// A file: URI, so that any character may appear in the path. Write transactions
	// begin IMMEDIATE: they take the write lock at once, and two processes never
	// deadlock upgrading a read lock; the others wait up to busyTimeout.
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(busyTimeout.Milliseconds()))
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_foreign_keys", "1")
	q.Set("_txlock", "immediate")
	uri := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	db, err := sql.Open("sqlite", uri)
	if err != nil {
		return fmt.Errorf("store: cannot open the embedded database %s: %w", path, err)
	}
	// Several processes opening a fresh database at once race to turn on WAL, which takes
	// an exclusive lock; the loser can be told "database is locked" without waiting for
	// it. Opening again a moment later finds WAL on.
	for attempt := 1; ; attempt++ {
		err = db.PingContext(ctx)
		if err == nil || !Transient(err) || attempt == 20 || ctx.Err() != nil {
			break
		}
		time.Sleep(time.Duration(attempt) * 25 * time.Millisecond)
	}
	if err != nil {
		db.Close()
		return fmt.Errorf("store: cannot open the embedded database %s: %w", path, err)
	}
	s.db = db
	return nil
}

func (s *Store) openPostgres(ctx context.Context) error {
	s.d = postgresDialect
	s.secrets = dsnSecrets(s.dsn)
	shown := maskDSN(s.dsn)
	cfg, err := pq.NewConfig(s.dsn)
	if err != nil {
		return redact(fmt.Errorf("store: cannot read the PostgreSQL address %s: %w", shown, err), s.secrets)
	}
	// Times come back as the same instant in any session time zone; UTC, unless the DSN
	// names one, keeps the server's text of them plain.
	hasZone := false
	for k := range cfg.Runtime {
		if strings.EqualFold(k, "timezone") {
			hasZone = true
		}
	}
	if !hasZone {
		if cfg.Runtime == nil {
			cfg.Runtime = map[string]string{}
		}
		cfg.Runtime["timezone"] = "UTC"
	}
	// A server that does not answer is an error after a while, not a hang.
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = connectTimeout
	}
	conn, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return redact(fmt.Errorf("store: cannot use the PostgreSQL address %s: %w", shown, err), s.secrets)
	}
	db := sql.OpenDB(conn)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return redact(fmt.Errorf("store: cannot connect to PostgreSQL at %s: %w", shown, err), s.secrets)
	}
	s.db = db
	return nil
}

// defaultActor names this process in the events the store writes itself:
// intake@host:pid.
func defaultActor() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	return fmt.Sprintf("intake@%s:%d", host, os.Getpid())
}

// Reopen opens another Store on the same database, as a second process would.
func (s *Store) Reopen(ctx context.Context) (*Store, error) {
	return Open(ctx, s.dsn, s.dataDir)
}

// Close closes the database. Transactions still running fail.
func (s *Store) Close() error { return s.db.Close() }

// Backend is "sqlite" or "postgres".
func (s *Store) Backend() string { return s.d.name }

// now is the time the store stamps on what it writes, at the precision it keeps.
func (s *Store) now() time.Time { return time.Now().UTC().Truncate(precision) }

// Update runs fn in a write transaction and commits it when fn returns nil; otherwise
// nothing fn did is kept, and fn's error is returned as it is. On SQLite the transaction
// holds the database's write lock from its start; on PostgreSQL it first takes an
// advisory lock that every writer takes, so the write transactions of all the processes
// sharing the database run one at a time. Keep fn short: no OCR inside.
func (s *Store) Update(ctx context.Context, fn func(pipeline.Tx) error) error {
	return s.update(ctx, func(t *Tx) error { return fn(t) })
}

// View runs fn in a read-only transaction. The writing methods of its Tx return
// ErrReadOnly.
func (s *Store) View(ctx context.Context, fn func(pipeline.Tx) error) error {
	return s.view(ctx, func(t *Tx) error { return fn(t) })
}

func (s *Store) update(ctx context.Context, fn func(*Tx) error) error {
	return s.run(ctx, false, fn)
}

func (s *Store) view(ctx context.Context, fn func(*Tx) error) error {
	return s.run(ctx, true, fn)
}

func (s *Store) run(ctx context.Context, readOnly bool, fn func(*Tx) error) (err error) {
	sqlTx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly})
	if err != nil {
		return s.wrap("begin a transaction", err)
	}
	t := &Tx{ctx: ctx, tx: sqlTx, s: s, readOnly: readOnly}
	defer func() {
		t.done = true
		if p := recover(); p != nil {
			sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			sqlTx.Rollback()
		}
	}()
	if !readOnly && s.d.name == Postgres {
		if _, err := sqlTx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", writeLock); err != nil {
			return s.wrap("wait for the write lock", err)
		}
	}
	if err := fn(t); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return s.wrap("commit", err)
	}
	return nil
}

// wrap says what the store was doing when err happened, keeping passwords out.
func (s *Store) wrap(doing string, err error) error {
	return redact(fmt.Errorf("store: %s: %w", doing, err), s.secrets)
}
