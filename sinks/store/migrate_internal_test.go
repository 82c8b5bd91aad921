package store

import (
	"slices"
	"testing"
)

// Both backends must have the same migrations, so that a database moved from one to the
// other (or a fix made in one folder only) does not leave them at different versions.
func TestMigrationsMatchAcrossBackends(t *testing.T) {
	names := func(backend string) []string {
		ms, err := migrations(backend)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range ms {
			out = append(out, m.name)
		}
		return out
	}
	lite, pg := names(SQLite), names(Postgres)
	if len(lite) == 0 || !slices.Equal(lite, pg) {
		t.Errorf("migrations differ: sqlite %v, postgres %v", lite, pg)
	}
}

func TestRebind(t *testing.T) {
	for _, tt := range []struct {
		d        dialect
		in, want string
	}{
		{sqliteDialect, "a = ? AND b = ?", "a = ? AND b = ?"},
		{postgresDialect, "a = ? AND b = ?", "a = $1 AND b = $2"},
		{postgresDialect, "SELECT 1", "SELECT 1"},
	} {
		if got := tt.d.rebind(tt.in); got != tt.want {
			t.Errorf("%s rebind(%q) = %q, want %q", tt.d.name, tt.in, got, tt.want)
		}
	}
}
