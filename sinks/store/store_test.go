package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"

	"intake/pipeline"
	"intake/pipeline/record"
	"intake/sinks/store"
	"intake/sinks/store/storetest"
)

func testDatabaseURL() string { return storetest.DatabaseURL() }

func newSchema(t *testing.T) string { return storetest.NewSchema(t) }

func openSQLite(t *testing.T) *store.Store {
	t.Helper()
	return openStore(t, "", t.TempDir())
}

func openPostgres(t *testing.T) *store.Store {
	t.Helper()
	return openStore(t, newSchema(t), "")
}

func openStore(t *testing.T, dsn, dir string) *store.Store {
	t.Helper()
	s, err := store.Open(t.Context(), dsn, dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSQLite(t *testing.T) { storetest.Run(t, openSQLite) }

func TestPostgres(t *testing.T) { storetest.Run(t, openPostgres) }

// backends are the two ways to get a fresh database: a DSN and a data folder for Open,
// and the driver name and source of a raw connection to the same database.
var backends = []struct {
	name  string
	fresh func(t *testing.T) (dsn, dir, driver, source string)
}{
	{"sqlite", func(t *testing.T) (string, string, string, string) {
		dir := t.TempDir()
		return "", dir, "sqlite", filepath.Join(dir, store.FileName)
	}},
	{"postgres", func(t *testing.T) (string, string, string, string) {
		dsn := newSchema(t)
		return dsn, "", "postgres", dsn
	}},
}

func rawDB(t *testing.T, driver, source string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, source)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConcurrentOpensOfAFreshDatabase(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			dsn, dir, _, _ := b.fresh(t)
			const n = 4
			stores := make([]*store.Store, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { stores[i], errs[i] = store.Open(t.Context(), dsn, dir) })
			}
			wg.Wait()
			for i := range n {
				if errs[i] != nil {
					t.Errorf("Open %d of %d at once: %v", i+1, n, errs[i])
					continue
				}
				defer stores[i].Close()
				if v, err := stores[i].SchemaVersion(t.Context()); err != nil || v < 1 {
					t.Errorf("Open %d: schema version %d, %v", i+1, v, err)
				}
				if got := stores[i].Backend(); got != b.name {
					t.Errorf("Backend() = %q, want %q", got, b.name)
				}
			}
		})
	}
}

func TestEventsCannotBeChanged(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			dsn, dir, driver, source := b.fresh(t)
			s := openStore(t, dsn, dir)
			err := s.Update(t.Context(), func(tx pipeline.Tx) error {
				return tx.AddEvent(&record.Event{Actor: "t", Kind: "input.received"})
			})
			if err != nil {
				t.Fatal(err)
			}
			db := rawDB(t, driver, source)
			for _, q := range []string{"UPDATE events SET kind = 'x'", "DELETE FROM events"} {
				if _, err := db.ExecContext(t.Context(), q); err == nil {
					t.Errorf("%s: the database allowed it", q)
				}
			}
			if es, _ := s.Events(t.Context(), 0); len(es) != 1 || es[0].Kind != "input.received" {
				t.Errorf("events after the attempts: %+v", es)
			}
		})
	}
}

func TestTransient(t *testing.T) {
	t.Run("refused connection", func(t *testing.T) {
		const secret = "s3cret-pw"
		_, err := store.Open(t.Context(), "postgres://intake:"+secret+"@127.0.0.1:1/intake?sslmode=disable&connect_timeout=5", "")
		if err == nil {
			t.Fatal("Open of a server that is not there succeeded")
		}
		if !store.Transient(err) {
			t.Errorf("Transient(%v) = false, want true", err)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error shows the password: %v", err)
		}
		if !strings.Contains(err.Error(), "127.0.0.1:1") {
			t.Errorf("the error does not say which server: %v", err)
		}
	})
	for _, b := range backends {
		t.Run(b.name+" syntax error", func(t *testing.T) {
			_, _, driver, source := b.fresh(t)
			_, err := rawDB(t, driver, source).ExecContext(t.Context(), "SELEC 1")
			if err == nil {
				t.Fatal("a syntax error ran")
			}
			if store.Transient(err) {
				t.Errorf("Transient(%v) = true, want false", err)
			}
		})
	}
	t.Run("sqlite database is locked", func(t *testing.T) {
		dir := t.TempDir()
		s := openStore(t, "", dir)
		holding, release := make(chan struct{}), make(chan struct{})
		done := make(chan error)
		go func() {
			done <- s.Update(t.Context(), func(pipeline.Tx) error {
				close(holding)
				<-release
				return nil
			})
		}()
		<-holding
		// Another process that does not wait for the lock.
		db := rawDB(t, "sqlite", filepath.Join(dir, store.FileName)+"?_pragma=busy_timeout(0)&_txlock=immediate")
		tx, err := db.BeginTx(t.Context(), nil)
		if err == nil {
			tx.Rollback()
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if err == nil {
			t.Fatal("a second writer got the write lock while the store held it")
		}
		if !store.Transient(err) {
			t.Errorf("Transient(%v) = false, want true", err)
		}
	})
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"serialization failure", &pq.Error{Code: "40001"}, true},
		{"deadlock", &pq.Error{Code: "40P01"}, true},
		{"admin shutdown", &pq.Error{Code: "57P01"}, true},
		{"starting up", &pq.Error{Code: "57P03"}, true},
		{"too many connections", &pq.Error{Code: "53300"}, true},
		{"connection failure", &pq.Error{Code: "08006"}, true},
		{"disk full", &pq.Error{Code: "53100"}, true},
		{"wrapped", errors.Join(errors.New("store: commit"), &pq.Error{Code: "40001"}), true},
		{"syntax error", &pq.Error{Code: "42601"}, false},
		{"unique violation", &pq.Error{Code: "23505"}, false},
		{"ErrExists", store.ErrExists, false},
		{"cancelled", context.Canceled, false},
		{"other", errors.New("something else"), false},
		{"nil", nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := store.Transient(tt.err); got != tt.want {
				t.Errorf("Transient(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

// TestRefused tells the database refusing a value (which no retry cures) from the rest.
func TestRefused(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"not UTF-8", &pq.Error{Code: "22021"}, true},
		{"unique violation", fmt.Errorf("store: add input: %w", &pq.Error{Code: "23505"}), true},
		{"connection failure", &pq.Error{Code: "08006"}, false},
		{"disk full", &pq.Error{Code: "53100"}, false},
		{"other", errors.New("something else"), false},
		{"nil", nil, false},
	} {
		if got := store.Refused(tt.err); got != tt.want {
			t.Errorf("Refused(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestOpen(t *testing.T) {
	t.Run("embedded", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "data", "new")
		s := openStore(t, "", dir)
		if s.Backend() != "sqlite" {
			t.Errorf("Backend() = %q", s.Backend())
		}
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o750 {
			t.Errorf("data folder mode %v, want 0750", fi.Mode().Perm())
		}
		db := rawDB(t, "sqlite", filepath.Join(dir, store.FileName))
		var mode string
		if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("journal mode %q, %v; want wal", mode, err)
		}
	})
	t.Run("path with odd characters", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "a ?b#c%20d")
		s := openStore(t, "", dir)
		if err := s.Update(t.Context(), func(tx pipeline.Tx) error {
			return tx.CreateCase(&record.Case{ReceivedAt: time.Now()})
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, store.FileName)); err != nil {
			t.Errorf("the database is not where it should be: %v", err)
		}
	})
	for _, tt := range []struct{ name, dsn, dir, secret string }{
		{"no data folder", "", "", ""},
		{"unknown scheme", "mysql://root:hunter22@db/intake", "", "hunter22"},
		{"not a URL", "postgres://u:pa%zzss@db/intake", "", "pa%zzss"},
		{"key=value form", "host=db password=hunter22", "", "hunter22"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := store.Open(t.Context(), tt.dsn, tt.dir)
			if err == nil {
				t.Fatal("Open succeeded")
			}
			if tt.secret != "" && strings.Contains(err.Error(), tt.secret) {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}
