package store

import (
	"strconv"
	"strings"
)

// The two backends.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Advisory lock keys (PostgreSQL). Every write transaction takes writeLock, so that the
// writers of several instances run one after another, as SQLite's do; Migrate takes
// migrateLock, so that two instances starting together do not both migrate.
const (
	writeLock   int64 = 0x696e74616b6501 // "intake" 01
	migrateLock int64 = 0x696e74616b6502 // "intake" 02
)

// dialect is what differs between the backends. The SQL itself is shared: it is written
// with ? placeholders and uses only what both accept (INSERT ... ON CONFLICT, RETURNING).
type dialect struct {
	name string
	// numbered: placeholders are $1, $2, ... (PostgreSQL) rather than ?.
	numbered bool
	// skipLocked is appended to a SELECT that locks the row it reads, skipping it when
	// another transaction holds it. SQLite locks the whole database instead.
	skipLocked string
	// migrationsTable creates the table that records the migrations that ran.
	migrationsTable string
}

var (
	sqliteDialect = dialect{
		name: SQLite,
		migrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER PRIMARY KEY,
			name       TEXT NOT NULL,
			applied_at TEXT NOT NULL)`,
	}
	postgresDialect = dialect{
		name:       Postgres,
		numbered:   true,
		skipLocked: " FOR UPDATE SKIP LOCKED",
		migrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER PRIMARY KEY,
			name       TEXT NOT NULL,
			applied_at TIMESTAMPTZ NOT NULL)`,
	}
)

// rebind rewrites the ? placeholders of query for d. The shared SQL never has a ? inside
// a string literal or an identifier.
func (d dialect) rebind(query string) string {
	if !d.numbered || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}
