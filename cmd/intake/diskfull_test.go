package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServiceDiskFull runs `intake run` with its data folder (embedded store, archive,
// quarantine) on a small file system that then fills up while faxes arrive: the files wait
// in the inbox or the spool, nothing is quarantined, the log says the disk is full; once
// space is freed, each file is committed once and nothing is left behind.
func TestServiceDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("waits 20 s on a full disk and runs intake with Tesseract")
	}
	t.Parallel() // it mostly waits
	root := t.TempDir()
	inbox, data := filepath.Join(root, "fax"), filepath.Join(root, "data")
	mkdirs(t, inbox, data)
	// A file system of its own, so that filling it fills nothing else. Mounting needs root
	// and the right to mount (CI and the README's commands run as root; a container without
	// CAP_SYS_ADMIN cannot): where it is refused the test says so and skips, and the README
	// says where it ran.
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=24m,mode=0750", "tmpfs", data).CombinedOutput(); err != nil {
		if os.Geteuid() != 0 || strings.Contains(string(out), "permission denied") || strings.Contains(string(out), "must be superuser") {
			t.Skipf("SKIPPED, NOT RUN: this machine does not allow mounting a small file system for the data folder: %v: %s", err, out)
		}
		t.Fatalf("cannot mount a small file system for the data folder: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", data).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", data, err, out)
		}
	})

	svc := startService(t, "intake", "--data", data, "--inbox", inbox+",channel=fax",
		"--settle", "300ms", "--workers", "2", "--instance", "df")
	svc.waitLogged(t, "watching", time.Minute)
	st := openStore(t, "", data)

	filler := filepath.Join(data, "filler")
	fill(t, filler)
	files := []string{faxLetter, faxReturn}
	for _, n := range files {
		deliver(t, inbox, n)
	}
	waitsOut(t, svc, inbox, data, files, 20*time.Second, "the disk was full")
	said := false
	for _, l := range svc.logLines() {
		if e, _ := l["error"].(string); l["msg"] == "waiting to retry" && strings.Contains(e, "no space left") {
			said = true
		}
	}
	if !said {
		t.Errorf("after 20 s with the disk full, the log never says it is waiting for space:\n%s", lastLines(svc.stderr.String(), 10))
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	recoversAll(t, svc, st, inbox, files, time.Now(), "space was freed")
	archived, _ := filepath.Glob(filepath.Join(data, "archive", "*", "*", "*", "*.tif"))
	if len(archived) != len(files) {
		t.Errorf("%d originals archived, want %d: %v", len(archived), len(files), archived)
	}
}

// fill writes path until its file system has no space left.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	// The last bytes: what a block did not hold.
	for _, n := range []int{4096, 512, 1} {
		for {
			if _, err := f.Write(buf[:n]); err != nil {
				break
			}
		}
	}
}
