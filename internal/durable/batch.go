package durable

import (
	"bytes"
	"os"
	"path/filepath"
)

// Batch writes many files that become durable together: each is written to a temporary
// file and moved into place at once, unsynced, and Sync then makes all of them durable in
// one go. It is for work that records the files elsewhere only after Sync (the nightly
// letters: thousands of small files, where a sync for each one made the night I/O bound).
// A crash before Sync returns may lose any file written since the last Sync or leave it
// empty, so callers write files they can make again (the same bytes) and record them
// elsewhere only after Sync returns.
type Batch struct {
	root  string   // the folder under which every file is written
	files []string // written since the last Sync
	dirs  map[string]bool
}

// NewBatch starts a batch of files under root.
func NewBatch(root string) *Batch { return &Batch{root: root, dirs: map[string]bool{}} }

// WriteFile writes data to path (under the batch's root), replacing what was there; it is
// durable once Sync returns.
func (b *Batch) WriteFile(path string, data []byte, perm os.FileMode) error {
	if err := write(path, bytes.NewReader(data), perm, true, false); err != nil {
		return err
	}
	b.files = append(b.files, path)
	for d := filepath.Dir(path); !b.dirs[d]; d = filepath.Dir(d) {
		b.dirs[d] = true
		if d == b.root || d == filepath.Dir(d) {
			break
		}
	}
	return nil
}

// Sync makes every file written since the last Sync durable, with the folders that name
// them.
func (b *Batch) Sync() error {
	if len(b.files) == 0 {
		return nil
	}
	if err := syncAll(b.root, b.files, b.dirs); err != nil {
		return err
	}
	b.files, b.dirs = b.files[:0], map[string]bool{}
	return nil
}

// syncEach syncs the files, then the folders: what syncAll does where the system has no
// call that syncs a whole file system.
func syncEach(files []string, dirs map[string]bool) error {
	for _, f := range files {
		h, err := os.OpenFile(f, os.O_RDONLY, 0)
		if err != nil {
			return err
		}
		err = h.Sync()
		h.Close()
		if err != nil {
			return err
		}
	}
	for d := range dirs {
		if err := SyncDir(d); err != nil {
			return err
		}
	}
	return nil
}
