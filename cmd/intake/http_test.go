package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServiceHTTP starts `intake run` with the example configuration, its folders and
// address overridden on the command line, and asks its endpoints what an operator's
// monitoring would: /healthz, /readyz (and its reasons when an inbox goes away), /metrics
// before and after a fax, and `intake healthcheck`. Then SIGTERM stops it cleanly.
func TestServiceHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("runs intake with Tesseract on 2 pages")
	}
	root := t.TempDir()
	mail, fax, data := filepath.Join(root, "mail"), filepath.Join(root, "fax"), filepath.Join(root, "data")
	mkdirs(t, mail, fax)
	svc := startService(t, "intake", "--config", "../../intake.example.toml", "--inbox", mail+",channel=mail",
		"--inbox", fax+",channel=fax", "--data", data, "--http", "127.0.0.1:0", "--settle", "300ms", "--workers", "2",
		"--instance", "h1", "--ack-schedule", "off")
	svc.waitLogged(t, "watching", time.Minute)
	var base string
	for _, l := range svc.logLines() {
		if l["msg"] == "serving health and metrics" {
			base = "http://" + l["address"].(string)
		}
	}
	if base == "" {
		t.Fatalf("the service did not say where it serves health and metrics:\n%s", lastLines(svc.stderr.String(), 10))
	}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	if code, body := get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz: %d %q, want 200 ok", code, body)
	}
	code, body := get("/readyz")
	var ready struct {
		Ready  bool
		Checks map[string]string
	}
	if err := json.Unmarshal([]byte(body), &ready); err != nil || code != 200 || !ready.Ready ||
		ready.Checks["store"] != "ok" || ready.Checks["ocr"] != "ok" || ready.Checks["inbox 2"] != "ok" {
		t.Errorf("/readyz: %d %s, want 200, ready, store, OCR and both inboxes ok", code, body)
	}
	var out, errOut bytes.Buffer
	if c := run([]string{"healthcheck", "--url", base + "/healthz"}, &out, &errOut); c != 0 {
		t.Errorf("intake healthcheck: exit %d: %s", c, errOut.String())
	}

	// One fax, then what the metrics say.
	deliver(t, fax, faxLetter)
	st := openStore(t, "", data)
	waitCommitted(t, st, []string{mail, fax}, []string{faxLetter}, svc)
	// The counters move once the input is done, just after its commit: a scrape in
	// between sees the commit but not yet the counts, so wait for the processed count.
	var metrics string
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		_, metrics = get("/metrics")
		if strings.Contains(metrics, `intake_inputs_total{status="processed"} 1`) || time.Now().After(deadline) {
			break
		}
	}
	for _, want := range []string{
		`intake_inputs_total{status="processed"} 1`,
		`intake_pages_ocr_total 2`,
		`intake_documents_total{kind="denial_letter"} 1`,
		`intake_stage_seconds_count{stage="read"} 1`,
		`intake_stage_seconds_count{stage="commit"} 1`,
		`intake_queue_files 0`,
		`intake_quarantine_files 0`,
		`intake_ack_due_cases 0`,
		`intake_ack_overdue_cases 0`,
		`intake_ack_letters_total 0`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	fields := regexp.MustCompile(`intake_fields_total\{decision="(auto_accepted|needs_review)"\} (\d+)`).FindAllStringSubmatch(metrics, -1)
	if len(fields) == 0 {
		t.Errorf("/metrics counts no fields of the letter")
	}
	assertNoHealthInfo(t, metrics, faxLetter)

	// An inbox gone: not ready, and why.
	if err := os.RemoveAll(mail); err != nil {
		t.Fatal(err)
	}
	code, body = get("/readyz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, `"inbox 1":"cannot be read"`) {
		t.Errorf("/readyz with an inbox gone: %d %s, want 503 naming inbox 1", code, body)
	}
	if strings.Contains(body, mail) {
		t.Errorf("/readyz names the inbox's folder: %s", body)
	}

	if c, took := svc.stop(t, syscall.SIGTERM, 40*time.Second); c != 0 {
		t.Errorf("exit status %d on SIGTERM after %v, want 0", c, took)
	}
	if c := run([]string{"healthcheck", "--url", base + "/healthz"}, &out, &errOut); c == 0 {
		t.Errorf("intake healthcheck says healthy after the service stopped")
	}
}
