package durable

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncAll flushes the whole file system that holds root (syncfs): one call, however many
// files were written, and it covers their folders too.
func syncAll(root string, files []string, dirs map[string]bool) error {
	f, err := os.Open(root)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := unix.Syncfs(int(f.Fd())); err != unix.ENOSYS {
		return err
	}
	return syncEach(files, dirs)
}
