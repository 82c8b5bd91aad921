// Package durable writes files so that a crash leaves either the whole new file or the old
// one: data goes to a temporary file in the same folder, is synced, moved into place, and
// the folder is synced. The pipeline's spool, the archive and the letters all write this
// way.
package durable

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
)

// WriteFile writes data to path (mode perm, folders created 0750), replacing what was
// there.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return write(path, bytes.NewReader(data), perm, true, true)
}

// WriteOnce writes what r holds to path unless path exists: a file written once is never
// replaced (the archive's originals).
func WriteOnce(path string, r io.Reader, perm os.FileMode) error {
	return write(path, r, perm, false, true)
}

// write puts what r holds at path through a temporary file in the same folder; with
// synced, the data is synced before the move and the folder after it (Batch syncs later).
func write(path string, r io.Reader, perm os.FileMode, replace, synced bool) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if synced {
		if err := tmp.Sync(); err != nil {
			tmp.Close()
			return err
		}
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if replace {
		err = os.Rename(tmp.Name(), path)
	} else if err = os.Link(tmp.Name(), path); errors.Is(err, os.ErrExist) {
		err = nil // a hard link fails when path exists: it is kept as it is
	}
	if err != nil || !synced {
		return err
	}
	return SyncDir(dir)
}

// SyncDir syncs a folder, so that the names created or renamed in it survive a crash.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
