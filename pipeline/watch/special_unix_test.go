//go:build unix

package watch

import (
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// FIFOs, sockets and symlinks that lead out of the inbox, to nothing, to a folder or into
// a hidden folder are skipped without blocking; a symlink to a file inside is followed.
func TestSpecialFiles(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"events", "poll"} {
		t.Run(mode, func(t *testing.T) {
			dir, outside := t.TempDir(), t.TempDir()
			o := options(t)
			if mode == "poll" {
				o.Poll = 50 * time.Millisecond
			}
			h := start(t, []Inbox{{Path: dir, Channel: "mail"}}, o)
			h.none(settle / 2)

			// The FIFO sorts first: a watcher that opened it would block before the rest.
			if err := syscall.Mkfifo(filepath.Join(dir, "a-fifo.pdf"), 0o644); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			if l, err := net.Listen("unix", filepath.Join(dir, "b-socket.pdf")); err == nil {
				defer l.Close()
			}
			write(t, filepath.Join(outside, "secret.pdf"), "outside the inbox")
			write(t, filepath.Join(dir, "data", "real.pdf"), "real file")
			write(t, filepath.Join(dir, ".spool", "claimed.pdf"), "claimed")
			links := map[string]string{
				"c-out.pdf":      filepath.Join(outside, "secret.pdf"),
				"c-rel-out.pdf":  "../" + filepath.Base(outside) + "/secret.pdf",
				"d-broken.pdf":   filepath.Join(dir, "nothing.pdf"),
				"e-dir.pdf":      filepath.Join(dir, "data"),
				"f-spool.pdf":    filepath.Join(dir, ".spool", "claimed.pdf"),
				"g-fifo.pdf":     filepath.Join(dir, "a-fifo.pdf"),
				"z-in.pdf":       "data/real.pdf",
				"z-absolute.pdf": filepath.Join(dir, "data", "real.pdf"),
			}
			for name, target := range links {
				if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
					t.Fatal(err)
				}
			}
			got := map[string]int64{}
			for range 3 {
				f := h.next()
				rel, _ := filepath.Rel(dir, f.Path)
				got[rel] = f.Size
			}
			want := map[string]int64{"data/real.pdf": 9, "z-in.pdf": 9, "z-absolute.pdf": 9}
			if !equalMaps(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
			h.none(3 * settle)
		})
	}
}
