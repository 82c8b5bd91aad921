package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"intake/fixtures/hostile"
	"intake/pipeline"
	"intake/pipeline/record"
	"intake/sinks/store"
	"intake/sinks/store/storetest"
)

// maxServiceRSS bounds the service's peak resident memory over the hostile corpus: the
// OCR engines and one page at a time, not a decompression bomb's gigabytes.
const maxServiceRSS = 1536 << 20

// TestServiceHostileInput drops the hostile corpus (fixtures/hostile: broken, encrypted,
// enormous and wrong files, decompression bombs, PDFs with scripts, launch actions and
// attachments, odd names, symlinks and a FIFO) into a watched inbox, then one good fax,
// and checks what an operator would: the service keeps running; each file it must refuse
// is in quarantine with a reason in plain words saying why, and recorded so; each hostile
// file that holds a real page is processed; symlinks, the FIFO and hidden names stay in
// the inbox untouched; the good fax is committed; nothing is lost; neither the log nor the
// reasons hold health information or the files' names; nothing was extracted from the
// files; and memory stayed bounded.
//
// Files that look unfinished (empty, or a PDF without %%EOF) are taken only after the
// service's patience for unfinished files runs out (--give-up, 5 s here; 2 minutes by
// default): the test checks they wait untouched until then, and are quarantined after.
func TestServiceHostileInput(t *testing.T) {
	if testing.Short() {
		t.Skip("runs intake with Tesseract on a hostile corpus and 2 pages")
	}
	root := t.TempDir()
	inbox, data, staging := filepath.Join(root, "inbox"), filepath.Join(root, "data"), filepath.Join(root, "staging")
	mkdirs(t, inbox, staging)
	cases, err := hostile.Write(staging)
	if err != nil {
		t.Fatal(err)
	}
	ignored, staged := corpusState(t, staging, cases)

	svc := startService(t, "intake", "--inbox", inbox+",channel=mail", "--data", data,
		"--settle", "300ms", "--workers", "2", "--instance", "h", "--give-up", "5s")
	svc.waitLogged(t, "watching", time.Minute)
	st := openStore(t, "", data)
	start := time.Now()

	// The corpus arrives first, as files land in a shared folder; the good fax after it.
	for _, c := range cases {
		if err := os.Rename(filepath.Join(staging, c.Name), filepath.Join(inbox, c.Name)); err != nil {
			t.Fatal(err)
		}
	}
	deliver(t, inbox, faxLetter)

	// The unfinished ones wait, untouched, while the service is patient with them.
	time.Sleep(2 * time.Second)
	early := recordsByName(t, st)
	for _, c := range cases {
		if !c.Unfinished {
			continue
		}
		if ins := early[looseName(c.Name)]; len(ins) > 0 {
			t.Errorf("%s (%q) was taken (recorded %s) before the service's patience for unfinished files ran out", c.What, c.Name, statuses(ins))
		}
		if b, err := os.ReadFile(filepath.Join(inbox, c.Name)); err != nil || !bytes.Equal(b, staged[c.Name]) {
			t.Errorf("%s (%q), unfinished, is not waiting untouched in the inbox: %v", c.What, c.Name, err)
		}
	}

	var due []string // the hostile files the service takes
	for _, c := range cases {
		if c.Want != hostile.Ignored {
			due = append(due, c.Name)
		}
	}
	waitUntil(t, 3*time.Minute, "the hostile files and the good fax to be committed", func() (bool, string) {
		if lost := lostHostile(t, st, inbox, due); len(lost) > 0 {
			t.Fatalf("%q are neither committed nor in the inbox or its spool: lost", lost)
		}
		return committedLoose(t, st, append(due, faxLetter)...)()
	}, svc)
	if lost := lostFiles(t, st, []string{inbox}, []string{faxLetter}); len(lost) > 0 {
		t.Errorf("%v lost", lost)
	}
	t.Logf("%d hostile files and the good fax committed %v after they arrived", len(due), time.Since(start).Round(time.Second))
	// Whatever was to be taken has been; give the watcher a few more looks at the rest.
	time.Sleep(time.Second)
	rss := peakRSS(t, svc.pid())

	byName := recordsByName(t, st)
	if ins := byName[faxLetter]; len(ins) != 1 || ins[0].Status != record.Processed {
		t.Errorf("the good fax after the hostile files is recorded %s, want once, processed", statuses(ins))
	}
	var reasons strings.Builder
	for _, c := range cases {
		ins := byName[looseName(c.Name)]
		if len(ins) > 0 {
			t.Logf("%-28.28q %-11s %s", c.Name, ins[0].Status, ins[0].Error)
		}
		switch {
		case c.Want == hostile.Ignored:
			if len(ins) > 0 {
				t.Errorf("%s (%q) was taken (recorded %s), want it left alone", c.What, c.Name, statuses(ins))
			}
		case len(ins) != 1:
			t.Errorf("%s (%q) is recorded %s, want once, %s", c.What, c.Name, statuses(ins), c.Want)
		case c.Want == hostile.Processed:
			if ins[0].Status != record.Processed {
				t.Errorf("%s (%q) is %s (%q), want processed", c.What, c.Name, ins[0].Status, ins[0].Error)
			}
		case c.Want == hostile.Quarantine:
			reason := checkQuarantined(t, data, c, ins[0], staged[c.Name])
			reasons.WriteString(reason + "\n")
		}
	}
	checkIgnored(t, inbox, ignored)

	// Nothing in the files was run or extracted: the embedded program is nowhere but
	// inside its PDF, and the launch action's command left no mark.
	checkNotExtracted(t, root)
	if _, err := os.Stat("/tmp/hostile-fixture-launched"); err == nil {
		t.Errorf("the launch action of launch.pdf was run: /tmp/hostile-fixture-launched exists")
	}

	t.Logf("peak resident memory %d MB", rss>>20)
	if rss > maxServiceRSS {
		t.Errorf("the service's peak resident memory was %d MB, over %d MB: a hostile file cost more than a page", rss>>20, maxServiceRSS>>20)
	}
	if svc.exited() {
		t.Fatalf("intake run exited (status %d) during the hostile corpus", svc.cmd.ProcessState.ExitCode())
	}
	if code, _ := svc.stop(t, syscall.SIGTERM, 10*time.Second); code != 0 {
		t.Errorf("intake run exited with status %d on SIGTERM, want 0", code)
	}

	log := svc.stderr.String()
	checkLog(t, log, cases)
	assertNoHealthInfo(t, log, faxLetter)
	assertNoHealthInfo(t, reasons.String(), faxLetter)
}

// checkQuarantined checks a file to be refused: recorded quarantined, kept in the
// quarantine folder with a reason beside it that says why in plain words, the same reason
// as the store's. It returns the reason.
func checkQuarantined(t *testing.T, data string, c hostile.Case, in record.Input, content []byte) string {
	t.Helper()
	if in.Status != record.Quarantined {
		t.Errorf("%s (%q) is %s, want quarantined (%s)", c.What, c.Name, in.Status, c.Reason)
		return ""
	}
	if in.Archive == "" {
		t.Errorf("%s (%q) is quarantined with no copy kept", c.What, c.Name)
		return in.Error
	}
	kept := filepath.Join(data, in.Archive)
	if !isWithin(kept, filepath.Join(data, "quarantine")) {
		t.Errorf("%s (%q) is kept at %q, outside the quarantine folder", c.What, c.Name, in.Archive)
	}
	if _, err := os.Lstat(kept); err != nil {
		t.Errorf("%s (%q): the quarantined copy is missing: %v", c.What, c.Name, err)
	}
	b, err := os.ReadFile(kept + ".reason.txt")
	if err != nil {
		t.Errorf("%s (%q): no reason beside the quarantined copy: %v", c.What, c.Name, err)
		return in.Error
	}
	reason := strings.TrimSpace(string(b))
	if reason != in.Error {
		t.Errorf("%s (%q): the reason file says %q, the store %q", c.What, c.Name, reason, in.Error)
	}
	if !strings.Contains(strings.ToLower(reason), c.Reason) {
		t.Errorf("%s (%q): quarantined because %q, want it to say %q", c.What, c.Name, reason, c.Reason)
	}
	if problem := notPlainWords(reason); problem != "" {
		t.Errorf("%s (%q): the reason %q is not plain words for a person: %s", c.What, c.Name, reason, problem)
	}
	if strings.Contains(reason, c.Name) {
		t.Errorf("%s: the reason %q names the file", c.What, reason)
	}
	const run = 12 // a run this long from the file is its content, not a coincidence
	for i := 0; i+run <= len(reason); i++ {
		if bytes.Contains(content, []byte(reason[i:i+run])) {
			t.Errorf("%s (%q): the reason %q repeats %q from the file", c.What, c.Name, reason, reason[i:i+run])
			break
		}
	}
	return reason
}

var (
	goTypeName = regexp.MustCompile(`\*?\b[a-z][a-z0-9]*\.[A-Z][A-Za-z0-9]*\b`) // *fs.PathError, raster.ErrDamaged
	jargon     = []string{"%!", "goroutine", "panic", "runtime error", "0x", "pdfcpu", "raster:", "xref", "errno", "nil"}
)

// notPlainWords says what keeps a reason from being a sentence a person understands, or
// "" when nothing does.
func notPlainWords(s string) string {
	if !utf8.ValidString(s) {
		return "it is not valid text"
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "it holds control characters"
		}
	}
	if len(strings.Fields(s)) < 4 {
		return "it is not a sentence"
	}
	if m := goTypeName.FindString(s); m != "" {
		return "it names a program type " + strconv.Quote(m)
	}
	lower := strings.ToLower(s)
	for _, j := range jargon {
		if strings.Contains(lower, j) {
			return "it holds " + strconv.Quote(j)
		}
	}
	return ""
}

func isWithin(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && filepath.IsLocal(rel)
}

func statuses(ins []record.Input) string {
	if len(ins) == 0 {
		return "nowhere"
	}
	var s []string
	for _, in := range ins {
		s = append(s, in.Status)
	}
	return fmt.Sprintf("%d times (%s)", len(ins), strings.Join(s, ", "))
}

// ignoredEntry is what an ignored file was before delivery: a symlink's target, a FIFO,
// or a regular file's content.
type ignoredEntry struct {
	name, what string
	mode       fs.FileMode
	target     string
	content    []byte
}

// corpusState notes what the files to be left alone are, and reads the content of the
// corpus's regular files (but the one over the size limit), by name.
func corpusState(t *testing.T, dir string, cases []hostile.Case) ([]ignoredEntry, map[string][]byte) {
	t.Helper()
	var out []ignoredEntry
	staged := map[string][]byte{}
	for _, c := range cases {
		p := filepath.Join(dir, c.Name)
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().IsRegular() && fi.Size() < 64<<20 {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			staged[c.Name] = b
		}
		if c.Want != hostile.Ignored {
			continue
		}
		e := ignoredEntry{name: c.Name, what: c.What, mode: fi.Mode().Type(), content: staged[c.Name]}
		if fi.Mode()&fs.ModeSymlink != 0 {
			e.target, _ = os.Readlink(p)
		}
		out = append(out, e)
	}
	return out, staged
}

// checkIgnored checks each file to be left alone is in the inbox as it was.
func checkIgnored(t *testing.T, inbox string, want []ignoredEntry) {
	t.Helper()
	for _, e := range want {
		p := filepath.Join(inbox, e.name)
		fi, err := os.Lstat(p)
		if err != nil {
			t.Errorf("%s (%q) is no longer in the inbox: %v", e.what, e.name, err)
			continue
		}
		if fi.Mode().Type() != e.mode {
			t.Errorf("%s (%q) is now %v, was %v", e.what, e.name, fi.Mode().Type(), e.mode)
			continue
		}
		switch {
		case e.mode&fs.ModeSymlink != 0:
			if target, _ := os.Readlink(p); target != e.target {
				t.Errorf("%s (%q) now points to %q, was %q", e.what, e.name, target, e.target)
			}
		case e.mode.IsRegular():
			if b, err := os.ReadFile(p); err != nil || !bytes.Equal(b, e.content) {
				t.Errorf("%s (%q) was changed: %v", e.what, e.name, err)
			}
		}
	}
}

// lostHostile lists the files named that are neither committed nor in the inbox under
// their name or claimed in its spool. A file being claimed moves between the two, so a
// file counts as missing only when two looks in a row miss it; the store is asked last,
// so that a file committed and removed meanwhile is not taken for lost.
func lostHostile(t *testing.T, st *store.Store, inbox string, names []string) []string {
	t.Helper()
	missing := func(names []string) []string {
		here := inboxNames(t, inbox)
		var out []string
		for _, n := range names {
			if !here[looseName(n)] {
				out = append(out, n)
			}
		}
		return out
	}
	gone := missing(names)
	if len(gone) == 0 {
		return nil
	}
	time.Sleep(200 * time.Millisecond)
	if gone = missing(gone); len(gone) == 0 {
		return nil
	}
	by := recordsByName(t, st)
	var lost []string
	for _, n := range gone {
		if len(by[looseName(n)]) == 0 {
			lost = append(lost, n)
		}
	}
	return lost
}

// looseName is a file name as a store or a JSON description may keep it: bytes that are
// not UTF-8 become U+FFFD (one for a run of them, however many the writer put).
func looseName(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	for strings.Contains(s, "\uFFFD\uFFFD") {
		s = strings.ReplaceAll(s, "\uFFFD\uFFFD", "\uFFFD")
	}
	return s
}

// recordsByName lists the store's inputs by loose name (see looseName).
func recordsByName(t *testing.T, st *store.Store) map[string][]record.Input {
	t.Helper()
	by, err := inputsByName(t.Context(), st)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]record.Input{}
	for n, ins := range by {
		out[looseName(n)] = append(out[looseName(n)], ins...)
	}
	return out
}

// committedLoose is a waitUntil condition: every input named is in the store.
func committedLoose(t *testing.T, st *store.Store, names ...string) func() (bool, string) {
	return func() (bool, string) {
		by := recordsByName(t, st)
		var missing []string
		for _, n := range names {
			if len(by[looseName(n)]) == 0 {
				missing = append(missing, n)
			}
		}
		return len(missing) == 0, fmt.Sprintf("%d of %d inputs committed; not yet %q", len(names)-len(missing), len(names), missing)
	}
}

// inboxNames are the loose names of the files in the inbox and of those claimed in its
// spools (as each claim's description, in JSON, gives it).
func inboxNames(t *testing.T, inbox string) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	ents, err := os.ReadDir(inbox)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		names[looseName(e.Name())] = true
	}
	items, _ := filepath.Glob(filepath.Join(inbox, pipeline.SpoolDirName, "*", "*.item.json"))
	for _, p := range items {
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue // done meanwhile
		}
		var sp struct {
			Item pipeline.Item `json:"item"`
		}
		if err := json.Unmarshal(b, &sp); err == nil {
			names[looseName(sp.Item.Name)] = true
		}
	}
	return names
}

// checkNotExtracted looks for the program embedded in embedded-file.pdf as a file of its
// own anywhere under root.
func checkNotExtracted(t *testing.T, root string) {
	t.Helper()
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		if fi, err := d.Info(); err != nil || fi.Size() != int64(len(hostile.EmbeddedPayload)) {
			return nil
		}
		if b, err := os.ReadFile(p); err == nil && bytes.Equal(b, hostile.EmbeddedPayload) {
			t.Errorf("the program embedded in embedded-file.pdf was extracted to %s", p)
		}
		return nil
	})
}

// checkLog checks the log is JSON lines only (a file name with a line break did not forge
// one), names none of the files, and says nothing of a panic or a crash.
func checkLog(t *testing.T, log string, cases []hostile.Case) {
	t.Helper()
	for i, line := range strings.Split(strings.TrimRight(log, "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Errorf("log line %d is not a JSON record: %.200q", i+1, line)
		}
	}
	for _, c := range cases {
		quoted, _ := json.Marshal(c.Name) // as a JSON log record would hold it
		if strings.Contains(log, c.Name) || strings.Contains(log, strings.Trim(string(quoted), `"`)) {
			t.Errorf("the log names %q (%s): inbox file names may hold callers' numbers", c.Name, c.What)
		}
	}
	for _, bad := range []string{"panicked", "goroutine ", "stack"} {
		if strings.Contains(log, bad) {
			t.Errorf("the log says %q: a hostile file crashed a worker\n%s", bad, lastLines(grepLines(log, bad), 5))
		}
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// peakRSS reads the process's peak resident set size (VmHWM) from /proc.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("reading the service's memory use: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM %q: %v", rest, err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/PID/status")
	return 0
}

// TestServiceHostileNamesOnPostgres drops the corpus's files with odd names (a line break,
// Windows-style "..\", bytes that are not UTF-8) into the inbox of a service on
// PostgreSQL that works one file at a time, then the good fax: each must be committed as
// the corpus says, and the good fax after them.
func TestServiceHostileNamesOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("runs intake with Tesseract on PostgreSQL")
	}
	dsn := storetest.NewSchema(t)
	root := t.TempDir()
	inbox, data, staging := filepath.Join(root, "inbox"), filepath.Join(root, "data"), filepath.Join(root, "staging")
	mkdirs(t, inbox, staging)
	cases, err := hostile.Write(staging)
	if err != nil {
		t.Fatal(err)
	}
	var odd []hostile.Case
	for _, c := range cases {
		if c.Want != hostile.Ignored && (!utf8.ValidString(c.Name) || strings.ContainsAny(c.Name, "\n\\")) {
			odd = append(odd, c)
		}
	}
	if len(odd) < 3 {
		t.Fatalf("the corpus has %d files with odd names, want the line break, the traversal and the bytes that are not UTF-8", len(odd))
	}
	svc := startService(t, "intake", "--db", dsn, "--inbox", inbox+",channel=mail", "--data", data,
		"--settle", "300ms", "--workers", "2", "--files", "1", "--instance", "n")
	svc.waitLogged(t, "watching", time.Minute)
	st := openStore(t, dsn, data)

	var names []string
	for _, c := range odd {
		names = append(names, c.Name)
		if err := os.Rename(filepath.Join(staging, c.Name), filepath.Join(inbox, c.Name)); err != nil {
			t.Fatal(err)
		}
	}
	// The good fax comes once the odd files have left the inbox for the spool.
	waitUntil(t, time.Minute, "the odd names to be claimed", func() (bool, string) {
		ents, _ := os.ReadDir(inbox)
		return len(ents) == 1, fmt.Sprintf("%d entries in the inbox", len(ents)) // the spool folder
	}, svc)
	deliver(t, inbox, faxLetter)

	if !eventually(30*time.Second, committedLoose(t, st, names...)) {
		_, status := committedLoose(t, st, names...)()
		t.Errorf("files with odd names are not committed after 30 s on PostgreSQL (%s); the log says:\n%s",
			status, lastLines(grepLines(svc.stderr.String(), "waiting to retry"), 2))
	}
	if !eventually(time.Minute, committedLoose(t, st, faxLetter)) {
		t.Errorf("the good fax that came after them is not committed after a minute: a file name stopped the service")
	}
	by := recordsByName(t, st)
	for _, c := range odd {
		if ins := by[looseName(c.Name)]; len(ins) == 1 {
			if want := map[string]string{hostile.Processed: record.Processed, hostile.Quarantine: record.Quarantined}[c.Want]; ins[0].Status != want {
				t.Errorf("%s (%q) is %s, want %s", c.What, c.Name, ins[0].Status, want)
			}
		}
	}
	if svc.exited() {
		t.Fatalf("intake run exited (status %d)", svc.cmd.ProcessState.ExitCode())
	}
	if code, _ := svc.stop(t, syscall.SIGTERM, 10*time.Second); code != 0 {
		t.Errorf("intake run exited with status %d on SIGTERM, want 0", code)
	}
	checkLog(t, svc.stderr.String(), odd)
}

// eventually polls cond until it holds or within has passed, and says whether it held.
func eventually(within time.Duration, cond func() (bool, string)) bool {
	deadline := time.Now().Add(within)
	for {
		if ok, _ := cond(); ok {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(250 * time.Millisecond)
	}
}
