package store

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"syscall"

	"intake/pipeline/record"
)

// ErrLocked: another process holds the lock.
var ErrLocked = record.ErrLocked

// TryLock takes the named lock across every process using this store, or returns an
// error wrapping ErrLocked at once when another holds it. On PostgreSQL it is a session
// advisory lock held on a connection of its own; on the embedded store, an exclusive lock
// on the file NAME.lock in the data folder. The lock ends with release, or with the
// process (a crash never leaves it held).
func (s *Store) TryLock(ctx context.Context, name string) (release func(), err error) {
	if s.d.name == Postgres {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return nil, s.wrap("lock "+name, err)
		}
		h := fnv.New64a()
		h.Write([]byte("intake-lock:" + name))
		key := int64(h.Sum64())
		var ok bool
		if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&ok); err != nil {
			conn.Close()
			return nil, s.wrap("lock "+name, err)
		}
		if !ok {
			conn.Close()
			return nil, fmt.Errorf("%w (%s)", ErrLocked, name)
		}
		return func() {
			conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", key)
			conn.Close()
		}, nil
	}
	path := filepath.Join(s.dataDir, name+".lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", name, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w (%s)", ErrLocked, name)
		}
		return nil, fmt.Errorf("store: lock %s: %w", name, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
