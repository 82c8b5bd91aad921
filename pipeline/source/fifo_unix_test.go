//go:build unix

package source

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A FIFO in place of an input or a sidecar is refused or ignored without waiting for a
// writer that never comes.
func TestDescribeFIFO(t *testing.T) {
	dir := put(t, map[string]string{"scan-s1-20261102-100657-001.pdf": "%PDF-1.4\n"})
	fifo := filepath.Join(dir, "fax1.tif")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "scan-s1-20261102-100657-001.pdf.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := Describe(fifo, Hints{}, nil); !errors.Is(err, ErrNotRegular) {
			t.Errorf("FIFO input: %v, want ErrNotRegular", err)
		}
		m, err := Describe(filepath.Join(dir, "scan-s1-20261102-100657-001.pdf"), Hints{}, nil)
		if err != nil || m.SidecarError == "" || m.ReceivedVia != ViaFileName {
			t.Errorf("FIFO sidecar: %+v, %v; want it reported and ignored", m, err)
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Describe blocked on a FIFO")
	}
}
