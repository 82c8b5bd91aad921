package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/lib/pq" // the PostgreSQL driver
)

// defaultTestDatabase is the server `make test` makes sure of.
const defaultTestDatabase = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// DatabaseURL is the test server: INTAKE_TEST_DATABASE_URL, else the local default.
func DatabaseURL() string {
	if u := os.Getenv("INTAKE_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return defaultTestDatabase
}

// NewSchema makes a schema of t's own in the test database, dropped when t ends, and
// returns a DSN whose connections use it (search_path), as river's riverdbtest does.
func NewSchema(t testing.TB) string {
	t.Helper()
	base := DatabaseURL()
	shown := base
	if u, err := url.Parse(base); err == nil {
		shown = u.Redacted()
	}
	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatalf("INTAKE_TEST_DATABASE_URL (%s) is not usable: %v", shown, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		t.Fatalf("the PostgreSQL test server at %s does not answer: %v\n"+
			"The PostgreSQL tests need it: run `make postgres`, or point INTAKE_TEST_DATABASE_URL at a server.", shown, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "intake_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("INTAKE_TEST_DATABASE_URL is not a URL")
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
