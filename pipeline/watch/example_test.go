package watch_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"intake/pipeline/watch"
)

// Watch a scanning station's inbox and take the files that are complete.
func ExampleWatcher_Run() {
	dir, err := os.MkdirTemp("", "inbox")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "scan-station1-20261102-100657-001.pdf"), []byte("%PDF-1.4\n"), 0o644); err != nil {
		log.Fatal(err)
	}

	w, err := watch.New([]watch.Inbox{{Path: dir, Channel: watch.ChannelMail, Station: "station1"}},
		watch.Options{Settle: 100 * time.Millisecond})
	if err != nil {
		log.Fatal(err) // no such folder, inboxes inside one another, ...
	}
	ctx, cancel := context.WithCancel(context.Background())
	files := make(chan watch.File)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, files) }()

	f := <-files // the consumer claims it: moves it into its spool, then works on it
	fmt.Println(filepath.Base(f.Path), f.Inbox.Channel, f.Inbox.Station, f.Size, "bytes")

	cancel()
	if err := <-done; err != nil {
		log.Fatal(err)
	}
	// Output:
	// scan-station1-20261102-100657-001.pdf mail station1 9 bytes
}
