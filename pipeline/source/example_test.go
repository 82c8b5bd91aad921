package source_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"intake/pipeline/source"
)

// Describe a scanning station's file and a received fax before reading either.
func ExampleDescribe() {
	dir, err := os.MkdirTemp("", "inbox")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	scan := filepath.Join(dir, "scan-station2-20261102-105111-002.pdf")
	fax := filepath.Join(dir, "fax001000.pdf")
	sidecar := `{"received_at": "2026-11-02T08:13:30-08:00", "caller_number": "+1 619 550 2036", "status": "ok"}`
	for name, data := range map[string]string{scan: "%PDF-1.4\n", fax: "%PDF-1.4\n", fax + ".json": sidecar} {
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			log.Fatal(err)
		}
	}

	for _, path := range []string{scan, fax} {
		m, err := source.Describe(path, source.Hints{}, nil) // no inbox hints; Los Angeles time
		if err != nil {
			log.Fatal(err) // the file is missing, unreadable or not a regular file
		}
		fmt.Println(m.Channel, m.Station, m.ReceivedAt.Format(time.RFC3339), "from", m.ReceivedVia)
		if m.Fax != nil {
			fmt.Println("  caller", m.Fax.CallerNumber, "status", m.Fax.Status, "sidecar", filepath.Base(m.Sidecar))
		}
	}
	// Output:
	// mail station2 2026-11-02T10:51:11-08:00 from file_name
	// fax  2026-11-02T08:13:30-08:00 from sidecar
	//   caller 6195502036 status ok sidecar fax001000.pdf.json
}
