package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"intake/pipeline"
	"intake/pipeline/record"
	"intake/sinks/store"
	"intake/sinks/store/storetest"
)

// These tests run `intake run` as a real process, with the real OCR engine, on the sample
// corpus, and look at what an operator would: the inbox, the spool, the store, the archive,
// the quarantine, the log and the exit status. Run them with
//
//	go test -run TestService ./cmd/intake/

// TestMain removes the intake binary the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// Sample files the tests feed (see fixtures/sample/sequence.txt and the truth files).
const (
	faxForm      = "fax001000.tif"                             // 6 pages, a sidecar: opens HC26-000001-3
	faxReturn    = "20261102-154629-7142954149-9162555241.tif" // 5 pages: a return sheet naming HC26-000001-3
	faxLetter    = "fax001009.tif"                             // 2 pages: a plan letter whose form is not among these
	scanForm     = "scan-station1-20261102-100657-001.pdf"     // 7 pages: opens a case
	scanResent   = "scan-station1-20261103-084506-006.pdf"     // the same bytes as scanForm, re-sent a day later
	damaged      = "damaged.pdf"                               // made by the tests: a scan cut short
	damagedFax   = "damaged.tif"                               // made by the tests: a fax cut short
	longDeadline = 4 * time.Minute
)

// TestServiceWatchedInbox drops files into watched mail and fax inboxes the way scanners and
// fax servers do and checks that each is processed once, whole, and leaves the inbox for
// the archive or the quarantine: a scan written slowly in pieces, a fax with its sidecar and
// then a follow-up naming its case, an exact re-send, a damaged file, and files the watcher
// must leave alone. The service then stops cleanly on SIGTERM.
func TestServiceWatchedInbox(t *testing.T) {
	if testing.Short() {
		t.Skip("runs intake with Tesseract on 18 pages")
	}
	root := t.TempDir()
	mail, fax, data := filepath.Join(root, "mail"), filepath.Join(root, "fax"), filepath.Join(root, "data")
	mkdirs(t, mail, fax)
	// Files a person or a device is still working on, or hides: never taken.
	// (Their content is a fax that is not fed here, so that it cannot stand in for a lost input.)
	ignored := map[string][]byte{"~$lock.pdf": sample(t, faxLetter), ".hidden.pdf": sample(t, faxLetter), "x.part": sample(t, faxLetter)}
	for n, b := range ignored {
		if err := os.WriteFile(filepath.Join(mail, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	svc := startService(t, "intake", "--inbox", mail+",channel=mail", "--inbox", fax+",channel=fax", "--data", data,
		"--settle", "300ms", "--workers", "2", "--instance", "t1")
	svc.waitLogged(t, "watching", time.Minute)
	st := openStore(t, "", data)

	// The form by fax first, so that it gets the first case number.
	deliver(t, fax, faxForm)
	inboxes := []string{mail, fax}
	waitCommitted(t, st, inboxes, []string{faxForm}, svc)

	// A scanner writes its PDF in 8 KB pieces, 100 ms apart; meanwhile the follow-up fax and
	// a damaged scan arrive.
	whole := sample(t, scanForm)
	wrote := make(chan error, 1)
	go func() { wrote <- writeSlowly(filepath.Join(mail, scanForm), whole, 8<<10, 100*time.Millisecond) }()
	deliver(t, fax, faxReturn)
	putFile(t, mail, damaged, damagedPDF(t))
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
	waitCommitted(t, st, inboxes, []string{scanForm, faxReturn, damaged}, svc)

	// The same scan again a day later, under the station's new name.
	deliver(t, mail, scanResent)
	waitCommitted(t, st, inboxes, []string{scanResent}, svc)

	code, took := svc.stop(t, syscall.SIGTERM, 10*time.Second)
	if code != 0 {
		t.Errorf("intake run exited with status %d on SIGTERM, want 0", code)
	}
	t.Logf("stopped %v after SIGTERM", took.Round(time.Millisecond))

	// Every file is recorded once, with the cases, documents and archive the truth says.
	compareStates(t, "after the run", snapshot(t, st, data), expectedState(t, []string{faxForm, scanForm, faxReturn, scanResent}, []string{damaged}))

	// The scan was read whole, once; the sidecar's and the file names' received times were kept.
	byName, err := inputsByName(t.Context(), st)
	if err != nil {
		t.Fatal(err)
	}
	if ins := byName[scanForm]; len(ins) == 1 && (ins[0].SHA256 != sha(whole) || ins[0].Pages != 7) {
		t.Errorf("the slowly written scan was read as %d pages with hash %.12s, want the whole file: 7 pages, %.12s", ins[0].Pages, ins[0].SHA256, sha(whole))
	}
	for _, n := range []string{faxForm, faxReturn, scanForm, scanResent} {
		want, _ := time.Parse(time.RFC3339, truth(t, n).Input.ReceivedAt)
		if ins := byName[n]; len(ins) == 1 && !ins[0].ReceivedAt.Equal(want) {
			t.Errorf("%s: received at %v, want %v (from its sidecar or name)", n, ins[0].ReceivedAt, want)
		}
	}
	if ins := byName[faxForm]; len(ins) == 1 && ins[0].Channel != "fax" {
		t.Errorf("%s: channel %q, want fax", faxForm, ins[0].Channel)
	}
	// Each archived original is the file as it came, with its result record beside it
	// saying what became of it.
	for _, n := range []string{faxForm, faxReturn, scanForm} {
		ins := byName[n]
		if len(ins) != 1 {
			continue
		}
		b, err := os.ReadFile(filepath.Join(data, ins[0].Archive))
		if err != nil || sha(b) != sha(sample(t, n)) {
			t.Errorf("%s: the archived original %s is missing or differs (%v)", n, ins[0].Archive, err)
		}
		var rec pipeline.ResultRecord
		b, err = os.ReadFile(filepath.Join(data, strings.TrimSuffix(ins[0].Archive, filepath.Ext(ins[0].Archive))+".result.json"))
		if err == nil {
			err = json.Unmarshal(b, &rec)
		}
		if err != nil {
			t.Errorf("%s: no result record in the archive: %v", n, err)
			continue
		}
		tc := truthCases(truth(t, n))[0]
		if len(rec.Cases) != 1 || rec.Cases[0].Number == nil || *rec.Cases[0].Number != tc.Number || rec.Cases[0].Action != tc.Action {
			t.Errorf("%s: the archived result record says %s, want %s %s", n, caseSummaryOf(rec.Cases), tc.Action, tc.Number)
		}
	}

	// The damaged scan is in quarantine with a reason a person can read, and no health information.
	reasons, _ := filepath.Glob(filepath.Join(data, "quarantine", "*", "*-"+damaged+".reason.txt"))
	if len(reasons) != 1 {
		t.Errorf("quarantine holds %d reasons for %s, want 1", len(reasons), damaged)
	} else {
		b, _ := os.ReadFile(reasons[0])
		reason := strings.TrimSpace(string(b))
		if !strings.Contains(reason, "damaged") || len(strings.Fields(reason)) < 4 {
			t.Errorf("quarantine reason %q does not say in words that the file is damaged", reason)
		}
		assertNoHealthInfo(t, reason, scanForm)
		if _, err := os.Stat(strings.TrimSuffix(reasons[0], ".reason.txt")); err != nil {
			t.Errorf("the damaged file is not kept beside its reason: %v", err)
		}
	}

	// The inboxes hold only what was to be left alone, untouched; the spools are empty.
	for _, inbox := range []string{mail, fax} {
		left, spooled := inboxContents(t, inbox)
		var want []string
		if inbox == mail {
			for n := range ignored {
				want = append(want, n)
			}
		}
		if !slices.Equal(sorted(left), sorted(want)) {
			t.Errorf("inbox %s still holds %v, want %v", filepath.Base(inbox), left, sorted(want))
		}
		if len(spooled) > 0 {
			t.Errorf("the spool of inbox %s still holds %v", filepath.Base(inbox), spooled)
		}
		if _, err := os.Stat(filepath.Join(inbox, pipeline.SpoolDirName, "t1")); err != nil {
			t.Errorf("inbox %s has no spool of instance t1: %v", filepath.Base(inbox), err)
		}
	}
	for n, b := range ignored {
		if got, err := os.ReadFile(filepath.Join(mail, n)); err != nil || sha(got) != sha(b) {
			t.Errorf("%s was touched: %v", n, err)
		}
	}
	assertNoHealthInfo(t, svc.stderr.String(), faxForm, faxReturn, scanForm)
}

// writeSlowly writes data to path in pieces of chunk bytes, every interval, as a slow
// scanner on a network share does.
func writeSlowly(path string, data []byte, chunk int, every time.Duration) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	for len(data) > 0 {
		n := min(chunk, len(data))
		if _, err := f.Write(data[:n]); err != nil {
			f.Close()
			return err
		}
		data = data[n:]
		if len(data) > 0 {
			time.Sleep(every)
		}
	}
	return f.Close()
}

// killBatch is the batch of TestServiceSurvivesKill: every sample input (forms, letters,
// return sheets, an exact re-send, scans and faxes) and two damaged files, 13 in all.
var killBatch = func() []string {
	b, err := os.ReadFile(filepath.Join(sampleDir, "sequence.txt"))
	if err != nil {
		panic(err)
	}
	return append(strings.Fields(string(b)), damaged, damagedFax)
}()

// fillKillInbox puts the batch into the inboxes before the service starts: faxes into the
// fax inbox, scans into the mail inbox.
func fillKillInbox(t *testing.T, mail, fax string) {
	t.Helper()
	mkdirs(t, mail, fax)
	for _, n := range killBatch {
		inbox := mail
		if strings.HasSuffix(n, ".tif") || strings.HasPrefix(n, "fax") {
			inbox = fax
		}
		switch n {
		case damaged, damagedFax:
			putFile(t, inbox, n, content(t, n))
		default:
			deliver(t, inbox, n)
		}
	}
}

// killArgs runs one file at a time, so that the order of commits, and so the case numbers,
// do not depend on which of two files finishes first: the runs can be compared exactly.
func killArgs(mail, fax, data string, workers int) []string {
	return []string{"--inbox", mail + ",channel=mail", "--inbox", fax + ",channel=fax", "--data", data,
		"--settle", "300ms", "--workers", strconv.Itoa(workers), "--files", "1", "--instance", "k"}
}

// killMoment waits for the moment to kill run i of the service, and says what it was.
// The moments take turns: during start-up or the first file's reading; a while after a
// file was claimed (in the middle of reading, classifying, archiving); and just after a
// commit, while the original is being filed and the claim cleared.
func killMoment(t *testing.T, rng *rand.Rand, svc *service, i int) string {
	t.Helper()
	jitter := func(lo, hi time.Duration) time.Duration { return lo + time.Duration(rng.Int64N(int64(hi-lo))) }
	sleep := func(d time.Duration) bool {
		select {
		case <-svc.done:
			return false
		case <-time.After(d):
			return true
		}
	}
	waitFor := func(msgs ...string) bool {
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			for _, m := range msgs {
				if svc.logged(m) > 0 {
					return true
				}
			}
			if !sleep(20 * time.Millisecond) {
				return false
			}
		}
		return false
	}
	// Each moment after a commit takes a file out of the batch for good: they are the
	// fewest, so that work is left for all the kills.
	switch i % 8 {
	case 1, 3, 5:
		if !waitFor("claimed", "resuming a claimed file") {
			return "no file to claim"
		}
		d := jitter(0, 4*time.Second)
		sleep(d)
		return fmt.Sprintf("%v after a claim", d.Round(time.Millisecond))
	case 7:
		if !waitFor("input processed", "input is a duplicate", "input quarantined") {
			return "no commit within 30 s"
		}
		d := jitter(0, 300*time.Millisecond)
		sleep(d)
		return fmt.Sprintf("%v after a commit", d.Round(time.Millisecond))
	default:
		d := jitter(200*time.Millisecond, 2500*time.Millisecond)
		sleep(d)
		return fmt.Sprintf("%v after start", d.Round(time.Millisecond))
	}
}

// TestServiceSurvivesKill kills `intake run` with SIGKILL at random moments while it works
// through a batch, 50 times (INTAKE_KILLS), restarting it each time, and compares the end
// with an uninterrupted run of the same files: the same cases with the same numbers and
// documents, every input recorded once with the same status, the same originals archived,
// the same quarantine, and nothing left in the inbox or the spool. INTAKE_KILL_SEED
// replays a run's moments.
func TestServiceSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("runs intake with Tesseract on 55 pages, twice or more")
	}
	t.Parallel() // beside TestServiceStoreUnreachable, which mostly waits
	seed, kills := uint64(2), 50
	for _, v := range []struct {
		env string
		to  any
	}{{"INTAKE_KILL_SEED", &seed}, {"INTAKE_KILLS", &kills}} {
		s := os.Getenv(v.env)
		if s == "" {
			continue
		}
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			t.Fatalf("%s=%q is not a number", v.env, s)
		}
		switch to := v.to.(type) {
		case *uint64:
			*to = n
		case *int:
			*to = int(n)
		}
	}
	t.Logf("%d kills, moments from seed %d (replay with INTAKE_KILL_SEED=%d)", kills, seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed))
	root := t.TempDir()

	// The uninterrupted run.
	baseMail, baseFax, baseData := filepath.Join(root, "base-mail"), filepath.Join(root, "base-fax"), filepath.Join(root, "base-data")
	fillKillInbox(t, baseMail, baseFax)
	start := time.Now()
	base := startService(t, "intake (uninterrupted)", killArgs(baseMail, baseFax, baseData, 2)...)
	base.waitLogged(t, "watching", time.Minute)
	baseStore := openStore(t, "", baseData)
	waitCommitted(t, baseStore, []string{baseMail, baseFax}, killBatch, base)
	if code, _ := base.stop(t, syscall.SIGTERM, 10*time.Second); code != 0 {
		t.Errorf("the uninterrupted run exited with status %d on SIGTERM, want 0", code)
	}
	want := snapshot(t, baseStore, baseData)
	t.Logf("uninterrupted run: %v", time.Since(start).Round(time.Second))

	// The same batch, killed again and again. One engine: the work goes slower, so that
	// there is work left to be killed in the middle of.
	mail, fax, data := filepath.Join(root, "mail"), filepath.Join(root, "fax"), filepath.Join(root, "data")
	inboxes := []string{mail, fax}
	fillKillInbox(t, mail, fax)
	st := openStore(t, "", data)
	start = time.Now()
	done := 0
	for i := range kills {
		svc := startService(t, "intake (run "+strconv.Itoa(i+1)+")", killArgs(mail, fax, data, 1)...)
		moment := killMoment(t, rng, svc, i)
		if svc.exited() {
			t.Fatalf("run %d exited by itself (status %d)", i+1, svc.cmd.ProcessState.ExitCode())
		}
		if code, _ := svc.stop(t, syscall.SIGKILL, 10*time.Second); code != -1 {
			t.Errorf("run %d: status %d after SIGKILL", i+1, code)
		}
		if lost := lostFiles(t, st, inboxes, killBatch); len(lost) > 0 {
			t.Fatalf("after run %d was killed (%s), %v are neither committed nor in an inbox or a spool", i+1, moment, lost)
		}
		by, _ := inputsByName(t.Context(), st)
		t.Logf("run %d killed %s: %d inputs committed", i+1, moment, len(by))
		done = i + 1
		if len(by) == len(killBatch) {
			break
		}
	}
	t.Logf("%d runs killed in %v", done, time.Since(start).Round(time.Second))
	if done < kills {
		t.Errorf("the batch was all committed after %d kills of %d: the later moments found no work to kill in the middle of", done, kills)
	}
	last := startService(t, "intake (last run)", killArgs(mail, fax, data, 2)...)
	last.waitLogged(t, "watching", time.Minute) // so that SIGTERM finds it listening
	waitCommitted(t, st, inboxes, killBatch, last)
	if code, _ := last.stop(t, syscall.SIGTERM, 10*time.Second); code != 0 {
		t.Errorf("the last run exited with status %d on SIGTERM, want 0", code)
	}

	compareStates(t, "killed and restarted", snapshot(t, st, data), want)
	for _, inbox := range inboxes {
		left, spooled := inboxContents(t, inbox)
		if len(left) > 0 || len(spooled) > 0 {
			t.Errorf("left behind: in %s %v, in its spool %v", filepath.Base(inbox), left, spooled)
		}
	}
	// The uninterrupted run itself must be right, or the comparison proves little.
	if c, ok := want.Cases["HC26-000001-3"]; !ok || !slices.Contains(c.Docs, faxReturn+": return_sheet") {
		t.Errorf("the uninterrupted run did not attach the follow-up to HC26-000001-3: %v", want.Cases)
	}
}

// TestServiceTwoInstancesOnPostgres runs two instances on one PostgreSQL database and one
// pair of inboxes and drops files on both at once: each input is recorded exactly once (an
// exact re-send among them as one processed and one duplicate), the case numbers are the
// ones a single instance gives, without gaps or repeats, a follow-up dropped once its case
// exists joins it, and both instances did share the work.
func TestServiceTwoInstancesOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two intakes with Tesseract on PostgreSQL")
	}
	dsn := storetest.NewSchema(t)
	root := t.TempDir()
	mail, fax := filepath.Join(root, "mail"), filepath.Join(root, "fax")
	mkdirs(t, mail, fax)
	var svcs []*service
	for _, name := range []string{"a", "b"} {
		svcs = append(svcs, startService(t, "intake "+name, "--db", dsn, "--data", filepath.Join(root, "data-"+name),
			"--inbox", mail+",channel=mail", "--inbox", fax+",channel=fax", "--settle", "300ms", "--workers", "2", "--instance", name))
	}
	for _, s := range svcs {
		s.waitLogged(t, "watching", time.Minute)
	}
	st := openStore(t, dsn, root)

	// The follow-up names the faxed form's case, HC26-000001-3, by number: the form goes
	// first, alone, so that it is the store's first case, and the rest follow all at once
	// once that case exists.
	deliver(t, fax, faxForm)
	waitCommitted(t, st, []string{mail, fax}, []string{faxForm}, svcs...)
	deliver(t, fax, faxLetter)
	deliver(t, mail, scanForm)
	deliver(t, mail, scanResent)
	putFile(t, mail, damaged, damagedPDF(t))
	deliver(t, fax, faxReturn)
	all := []string{faxForm, faxLetter, scanForm, scanResent, damaged, faxReturn}
	waitCommitted(t, st, []string{mail, fax}, all, svcs...)
	for _, s := range svcs {
		if code, _ := s.stop(t, syscall.SIGTERM, 10*time.Second); code != 0 {
			t.Errorf("%s exited with status %d on SIGTERM, want 0", s.name, code)
		}
	}

	byName, err := inputsByName(t.Context(), st)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range all {
		if len(byName[n]) != 1 {
			t.Errorf("%s is recorded %d times, want once", n, len(byName[n]))
		}
	}
	if len(byName) != len(all) {
		t.Errorf("%d input names recorded, want %d", len(byName), len(all))
	}
	status := func(n string) string {
		if len(byName[n]) == 0 {
			return ""
		}
		return byName[n][0].Status
	}
	// Which of the two equal scans counts as the first depends on who finished first.
	first, second := scanForm, scanResent
	if status(first) != record.Processed {
		first, second = second, first
	}
	if status(first) != record.Processed || status(second) != record.Duplicate ||
		byName[second][0].DuplicateOf != byName[first][0].ID {
		t.Errorf("the scan and its re-send are %q and %q, want one processed and the other its duplicate", status(scanForm), status(scanResent))
	}
	for n, want := range map[string]string{faxForm: record.Processed, faxLetter: record.Processed, faxReturn: record.Processed, damaged: record.Quarantined} {
		if got := status(n); got != want {
			t.Errorf("%s: %q, want %q", n, got, want)
		}
	}

	// Two cases, numbered as a fresh store numbers its first two: the faxed form's first.
	got := snapshot(t, st, filepath.Join(root, "data-a"), filepath.Join(root, "data-b"))
	if len(got.Cases) != 2 || got.Cases["HC26-000001-3"].Kind == "" || got.Cases["HC26-000002-1"].Kind == "" {
		t.Fatalf("cases %v, want HC26-000001-3 and HC26-000002-1", got.Cases)
	}
	ref := expectedState(t, []string{faxForm, scanForm, faxReturn}, nil)
	wantFax, wantScan := ref.Cases["HC26-000001-3"], ref.Cases["HC26-000002-1"]
	if first != scanForm {
		for i, d := range wantScan.Docs {
			wantScan.Docs[i] = strings.Replace(d, scanForm, first, 1)
		}
	}
	faxCase, scanCase := "HC26-000001-3", "HC26-000002-1"
	if g := got.Cases[faxCase]; g.String() != wantFax.String() {
		t.Errorf("case %s (the faxed form's, with its follow-up) is\n\t%v\nwant\n\t%v", faxCase, g, wantFax)
	}
	if g := got.Cases[scanCase]; g.String() != wantScan.String() {
		t.Errorf("case %s (the scan's) is\n\t%v\nwant\n\t%v", scanCase, g, wantScan)
	}
	if want := []string{faxLetter + ": denial_letter"}; !slices.Equal(got.Unmatched, want) {
		t.Errorf("waiting for a person: %v, want %v", got.Unmatched, want)
	}
	if want := []string{damaged}; !slices.Equal(got.Quarantine, want) {
		t.Errorf("quarantined files %v, want %v", got.Quarantine, want)
	}

	// Both instances did some of the work, and nothing is left behind.
	evs, err := st.Events(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	worked := map[int]int{}
	for _, e := range evs {
		if strings.HasPrefix(e.Kind, "input.") {
			for _, s := range svcs {
				if strings.HasSuffix(e.Actor, ":"+strconv.Itoa(s.pid())) {
					worked[s.pid()]++
				}
			}
		}
	}
	for _, s := range svcs {
		t.Logf("%s committed %d inputs", s.name, worked[s.pid()])
		if worked[s.pid()] == 0 {
			t.Errorf("%s committed no input: the instances did not share the inbox", s.name)
		}
	}
	for _, inbox := range []string{mail, fax} {
		if left, spooled := inboxContents(t, inbox); len(left) > 0 || len(spooled) > 0 {
			t.Errorf("left behind in %s: %v, in the spools %v", filepath.Base(inbox), left, spooled)
		}
	}
	for _, s := range svcs {
		assertNoHealthInfo(t, s.stderr.String(), faxForm, faxLetter, scanForm, faxReturn)
	}
}

// TestServiceStoreUnreachable takes PostgreSQL away (through a proxy) for 30 seconds while
// two faxes arrive: they wait, not lost and not quarantined, the log says the service is
// waiting to retry, and once the database is back both are committed once. The log holds
// none of their health information.
func TestServiceStoreUnreachable(t *testing.T) {
	if testing.Short() {
		t.Skip("waits 30 s for the store and runs intake with Tesseract")
	}
	t.Parallel() // it mostly waits: TestServiceSurvivesKill uses the CPU meanwhile
	dsn := storetest.NewSchema(t)
	u, err := url.Parse(dsn)
	if err != nil || u.Port() == "" {
		t.Fatalf("the test database's address names no host and port to put a proxy before (%v)", err)
	}
	proxy := startProxy(t, u.Host)
	u.Host = proxy.addr
	viaProxy := u.String()
	root := t.TempDir()
	inbox, data := filepath.Join(root, "fax"), filepath.Join(root, "data")
	mkdirs(t, inbox)
	svc := startService(t, "intake", "--db", viaProxy, "--data", data, "--inbox", inbox+",channel=fax",
		"--settle", "300ms", "--workers", "2", "--instance", "t4")
	svc.waitLogged(t, "watching", time.Minute)
	st := openStore(t, dsn, data) // directly, not through the proxy

	proxy.down()
	files := []string{faxLetter, faxReturn}
	for _, n := range files {
		deliver(t, inbox, n)
	}
	// For 30 seconds, every file stays in the inbox or the spool, and nothing is quarantined.
	waitsOut(t, svc, inbox, data, files, 30*time.Second, "the store was away")
	if n := svc.logged("waiting to retry"); n == 0 {
		t.Errorf("after 30 s without the store, the log never says it is waiting to retry")
	} else {
		t.Logf("%d log lines say the service is waiting to retry", n)
	}
	if ins, err := st.Inputs(t.Context(), store.InputFilter{}); err != nil || len(ins) != 0 {
		t.Fatalf("%d inputs committed while the store was away (%v)", len(ins), err)
	}

	proxy.up()
	recoversAll(t, svc, st, inbox, files, time.Now(), "the store came back")
	if q, _ := filepath.Glob(filepath.Join(data, "quarantine", "*", "*")); len(q) > 0 {
		t.Errorf("quarantined: %v", q)
	}
}

// caseSummaryOf says what a result record's cases are, for a failure message.
func caseSummaryOf(cs []pipeline.CaseOut) string {
	var parts []string
	for _, c := range cs {
		n := "no case"
		if c.Number != nil {
			n = *c.Number
		}
		parts = append(parts, c.Action+" "+n)
	}
	return fmt.Sprintf("%v", parts)
}
