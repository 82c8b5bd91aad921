package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// The migrations, one folder per backend with the same numbered files in each:
// NNNN_name.sql, applied in order, each once.
//
//go:embed migrations
var migrationFiles embed.FS

type migration struct {
	version int
	name    string // the file name
	sql     string
}

// migrations lists the migrations of a backend in order.
func migrations(backend string) ([]migration, error) {
	dir := path.Join("migrations", backend)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("store: no migrations for %s: %w", backend, err)
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 {
			return nil, fmt.Errorf("store: migration file %s/%s is not named NNNN_name.sql", backend, name)
		}
		b, err := fs.ReadFile(migrationFiles, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: name, sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("store: migrations for %s: expected number %d, found %s", backend, i+1, m.name)
		}
	}
	return out, nil
}

// Migrate applies the migrations the database has not had yet, in one transaction, and
// records them in schema_migrations. Running it again does nothing. Several processes may
// run it at once: on SQLite the transaction holds the write lock, on PostgreSQL an
// advisory lock, so one migrates and the others then find nothing to do. A database whose
// schema is newer than this program is refused.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := migrations(s.d.name)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap("migrate: begin", err)
	}
	defer tx.Rollback()
	if s.d.name == Postgres {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", migrateLock); err != nil {
			return s.wrap("migrate: wait for the migration lock", err)
		}
	}
	if _, err := tx.ExecContext(ctx, s.d.migrationsTable); err != nil {
		return s.wrap("migrate: create schema_migrations", err)
	}
	current, err := schemaVersion(ctx, tx)
	if err != nil {
		return s.wrap("migrate", err)
	}
	if current > len(ms) {
		return fmt.Errorf("store: the database schema is at version %d, newer than this program knows (%d): use a newer intake", current, len(ms))
	}
	for _, m := range ms[current:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return s.wrap("migrate: apply "+m.name, err)
		}
		if _, err := tx.ExecContext(ctx, s.d.rebind("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
			m.version, m.name, dbTime(s.now())); err != nil {
			return s.wrap("migrate: record "+m.name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return s.wrap("migrate: commit", err)
	}
	return nil
}

// SchemaVersion is the number of the last migration applied to the database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.view(ctx, func(t *Tx) error {
		var err error
		v, err = schemaVersion(ctx, t.tx)
		return err
	})
	if err != nil {
		return 0, s.wrap("schema version", err)
	}
	return v, nil
}

func schemaVersion(ctx context.Context, tx *sql.Tx) (int, error) {
	var v sql.NullInt64
	if err := tx.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, err
	}
	return int(v.Int64), nil
}
