package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"intake/pipeline/record"
)

// TestReviewInBrowser is an analyst's morning in headless Chromium (Debian's chromium,
// which `make test` installs): `intake run` reads a fax that opens a case and a letter that
// joins none; the analyst, added with `intake user add`, signs in, corrects a field of the
// case with the keyboard (type, Enter), and attaches the letter to the case from the queue
// of unmatched documents. The store must then hold the correction and the link, with the
// events, the case's facts derived again (its enrollee renamed), and the case page is saved as a screenshot (its path is logged; with
// INTAKE_REVIEW_SCREENSHOT=FILE it is written there too) for a person to look at.
func TestReviewInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("runs intake with Tesseract and a headless Chromium")
	}
	browser, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("no chromium: `make test` installs it (.ci/apt-test-packages.txt)")
	}
	root := t.TempDir()
	fax, data := filepath.Join(root, "fax"), filepath.Join(root, "data")
	mkdirs(t, fax)
	svc := startService(t, "intake", "--inbox", fax+",channel=fax", "--data", data, "--http", "127.0.0.1:0",
		"--settle", "300ms", "--workers", "2", "--instance", "rv", "--ack-schedule", "off")
	svc.waitLogged(t, "watching", time.Minute)
	var base string
	for _, l := range svc.logLines() {
		if l["msg"] == "serving health and metrics" {
			base = "http://" + l["address"].(string)
		}
	}
	if base == "" {
		t.Fatal("the service did not say where it serves")
	}
	const password = "correct horse battery"
	t.Setenv("INTAKE_USER_PASSWORD", password)
	var out, errOut bytes.Buffer
	if code := run([]string{"user", "add", "--data", data, "alice"}, &out, &errOut); code != 0 {
		t.Fatalf("intake user add: exit %d: %s", code, errOut.String())
	}
	st := openStore(t, "", data)
	deliver(t, fax, faxForm)
	waitCommitted(t, st, []string{fax}, []string{faxForm}, svc)
	deliver(t, fax, faxLetter)
	waitCommitted(t, st, []string{fax}, []string{faxLetter}, svc)

	const number = "HC26-000001-3"
	cs, err := st.CaseByNumber(t.Context(), number)
	if err != nil || cs == nil {
		t.Fatalf("case %s: %v", number, err)
	}
	docs, err := st.CaseDocuments(t.Context(), cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The field to correct: the form's last name, as a person would retype it.
	var field record.Field
	for _, d := range docs {
		for _, f := range d.Fields {
			if d.Kind == "imr_form" && f.Key == "patient.last_name" {
				field = f
			}
		}
	}
	if field.ID == 0 {
		t.Fatalf("the case's form has no last name to correct")
	}
	unmatched, err := st.Unmatched(t.Context())
	if err != nil || len(unmatched) != 1 {
		t.Fatalf("%d unmatched documents (%v), want the letter", len(unmatched), err)
	}
	letter := unmatched[0]

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(filepath.Join(root, "chromium")), chromedp.WindowSize(1280, 1600))
	actx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelTimeout()

	fieldInput := chromedp.CSS("#v-" + strconv.FormatInt(field.ID, 10))
	attachInput := chromedp.CSS("#case-" + strconv.FormatInt(letter.ID, 10))
	fail := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("in the browser, %s: %v\n%s", what, err, lastLines(svc.stderr.String(), 10))
		}
	}
	// Everything sends a signed-out browser to the sign-in page.
	fail("signing in", chromedp.Do(ctx,
		chromedp.Navigate(base+"/review/cases/"+number),
		chromedp.WaitVisible(chromedp.CSS("#password")),
		chromedp.SendKeys(chromedp.CSS("#name"), "alice"),
		chromedp.SendKeys(chromedp.CSS("#password"), password+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("#fields"))))
	queues, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	fail("reading the queues", err)
	// The case: correct the last name with the keyboard alone.
	fail("correcting the last name", chromedp.Do(ctx,
		chromedp.Navigate(base+"/review/cases/"+number),
		chromedp.WaitVisible(fieldInput),
		chromedp.SendKeys(fieldInput, kb.End+strings.Repeat(kb.Backspace, 60)+"Delacroix-Nguyen"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS("main"))))
	var afterCorrect string
	for range 50 { // the page comes back after the redirect
		if afterCorrect, err = chromedp.Run(ctx, chromedp.Value(fieldInput)); err == nil && afterCorrect == "Delacroix-Nguyen" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The page images: every one loads, as an analyst would see them.
	var loaded bool
	for range 100 {
		if loaded, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.images.length > 0 &&
			Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)`)); err == nil && loaded {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !loaded {
		t.Errorf("the case page's images did not all load (%v)", err)
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()) // what the window shows: the fields and the first pages
	fail("taking the screenshot", err)
	// The queue: attach the letter to the case.
	fail("attaching the letter", chromedp.Do(ctx,
		chromedp.Navigate(base+"/review/"),
		chromedp.WaitVisible(attachInput),
		chromedp.SendKeys(attachInput, number+kb.Enter),
		chromedp.WaitVisible(fieldInput)))
	afterAttach, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	fail("reading the case after attaching", err)
	if !strings.Contains(queues, number) {
		t.Errorf("the queues page does not show case %s", number)
	}
	if afterCorrect != "Delacroix-Nguyen" {
		t.Errorf("after Enter the case page shows the last name as %q", afterCorrect)
	}

	// The store, as the next analyst or the nightly job sees it.
	docs, err = st.CaseDocuments(t.Context(), cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got record.Field
	var kinds []string
	for _, d := range docs {
		kinds = append(kinds, d.Kind)
		for _, f := range d.Fields {
			if f.ID == field.ID {
				got = f
			}
		}
	}
	if got.Value != "Delacroix-Nguyen" || got.NeedsReview || got.CorrectedBy == "" {
		t.Errorf("the corrected field in the store: value %v, needs review %v, by %q", got.Value, got.NeedsReview, got.CorrectedBy)
	}
	if !slices.Contains(kinds, "denial_letter") {
		t.Errorf("case %s holds %v: the letter was not attached", number, kinds)
	}
	if un, _ := st.Unmatched(t.Context()); len(un) != 0 {
		t.Errorf("%d documents still unmatched", len(un))
	}
	evs, err := st.Events(t.Context(), cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	var evKinds []string
	for _, e := range evs {
		evKinds = append(evKinds, e.Kind)
		if strings.Contains(string(e.Detail), "Delacroix") {
			t.Errorf("event %s holds the value", e.Kind)
		}
	}
	if !slices.Contains(evKinds, "field.corrected") || !slices.Contains(evKinds, "document.attached") ||
		!slices.Contains(evKinds, "case.recomputed") {
		t.Errorf("the case's events %v lack the correction, the attachment or the facts derived again", evKinds)
	}
	// The letter's original is filed under the case, as the pipeline files what it attaches.
	if filed, _ := filepath.Glob(filepath.Join(data, "cases", number, "*")); len(filed) != 2 {
		t.Errorf("case folder %s holds %d originals, want the form's fax and the letter's", number, len(filed))
	}
	// The acknowledgement goes to the name as corrected.
	if now, err := st.CaseByNumber(t.Context(), number); err != nil || now.Enrollee.LastName != "Delacroix-Nguyen" {
		t.Errorf("the case's enrollee after the correction: %v (%v)", now, err)
	}
	if !strings.Contains(afterAttach, "denial_letter") && !strings.Contains(strings.ToLower(afterAttach), "letter") {
		t.Errorf("after attaching, the case page does not show the letter")
	}

	// The screenshot, for a person to look at.
	if len(shot) < 10000 {
		t.Fatalf("the screenshot has %d bytes", len(shot))
	}
	path := filepath.Join(t.TempDir(), "review-case.png")
	if p := os.Getenv("INTAKE_REVIEW_SCREENSHOT"); p != "" {
		path = p
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("the case page: %s", path)
	if code, _ := svc.stop(t, syscall.SIGTERM, 40*time.Second); code != 0 {
		t.Errorf("exit status %d on SIGTERM", code)
	}
}
