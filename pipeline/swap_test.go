package pipeline_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"intake/pipeline"
	"intake/pipeline/record"
	"intake/sinks/archive"
	"intake/sinks/store"
)

// TestSwappedForAPipeOrALink: a claimed file replaced, after the watcher looked, by a FIFO
// (which would block a reader for ever) or a link to a file elsewhere (which would be read
// and archived) is quarantined saying so, without waiting and without reading through.
func TestSwappedForAPipeOrALink(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret.pdf")
	if err := os.WriteFile(secret, []byte("%PDF-1.4 not for the archive\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.pdf"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(dir, "link.pdf")); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.Context(), "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	data := t.TempDir()
	arc, err := archive.New(data, pipeline.HelpCenterZone)
	if err != nil {
		t.Fatal(err)
	}
	p := &pipeline.Processor{Store: st, Archive: arc, Actor: "test"}
	r := &pipeline.Runner{Processor: p, Workers: 2, MinBackoff: time.Millisecond}
	got := map[string]pipeline.ResultRecord{}
	done := make(chan struct{})
	jobs := make(chan pipeline.Job)
	r.Outcome = func(it pipeline.Item, o *pipeline.Outcome) { got[it.Name] = o.Record }
	go func() { r.Run(t.Context(), jobs); close(done) }()
	for _, n := range []string{"pipe.pdf", "link.pdf"} {
		jobs <- pipeline.Job{Item: pipeline.Item{Path: filepath.Join(dir, n), Name: n, ClaimID: "claim-" + n, Channel: "mail",
			ReceivedAt: time.Date(2026, 11, 20, 9, 0, 0, 0, pipeline.HelpCenterZone)}}
	}
	close(jobs)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("still working on a pipe and a link after 30 s")
	}
	for _, n := range []string{"pipe.pdf", "link.pdf"} {
		rec := got[n]
		if rec.Status != record.Quarantined || rec.Error == nil || !strings.Contains(*rec.Error, "not a regular file") {
			t.Errorf("%s: %s %v, want quarantined as not a regular file", n, rec.Status, rec.Error)
		}
	}
	kept, _ := filepath.Glob(filepath.Join(data, "quarantine", "*", "*"))
	for _, k := range kept {
		if b, err := os.ReadFile(k); err == nil && strings.Contains(string(b), "not for the archive") {
			t.Errorf("the link's target was copied into %s", k)
		}
	}
}
