package pipeline_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"intake/fixtures/corpus"
	"intake/pipeline"
	"intake/pipeline/record"
	"intake/pipeline/source"
	"intake/sinks/archive"
	"intake/sinks/store"
)

// TestCorpusPrivacy runs a generated corpus (every situation of the corpus once: forms in
// both languages and editions, letters, fax covers, return sheets, records, mail and fax)
// and two damaged copies of its files through the pipeline with logging at debug level,
// and looks for the health information of every truth file (names, birth dates, member
// ids, streets, phones, e-mails, the problem and the condition in the person's words) in
// everything the service writes that is not the record itself: the log, the quarantine
// reasons (the files and the store's), the case history, and the names of the files and
// folders it makes.
func TestCorpusPrivacy(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a generated corpus with Tesseract")
	}
	dir := t.TempDir()
	if _, err := corpus.WriteDir(dir, corpus.Options{Seed: 4711, Count: 24}); err != nil {
		t.Fatal(err)
	}
	truths := map[string]corpus.Truth{}
	var names []string
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		n := e.Name()
		if !strings.HasSuffix(n, ".truth.json") {
			continue
		}
		var tr corpus.Truth
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil || json.Unmarshal(b, &tr) != nil {
			t.Fatalf("truth %s: %v", n, err)
		}
		input := strings.TrimSuffix(n, ".truth.json")
		for _, ext := range []string{".pdf", ".tif"} {
			if _, err := os.Stat(filepath.Join(dir, input+ext)); err == nil {
				input += ext
			}
		}
		truths[input] = tr
		names = append(names, input)
	}
	sort.Strings(names)
	if len(names) < 20 {
		t.Fatalf("the corpus has %d inputs, want 24", len(names))
	}
	// Two files cut short, whose quarantine reasons must not quote them either.
	for i, n := range names[:2] {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		cut := fmt.Sprintf("cut%d%s", i, filepath.Ext(n))
		if err := os.WriteFile(filepath.Join(dir, cut), b[:len(b)/3], 0o644); err != nil {
			t.Fatal(err)
		}
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
	var logs safeBuffer
	p := &pipeline.Processor{Store: st, Archive: arc, Actor: "test", Pool: cache(t).pool,
		Log: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	r := &pipeline.Runner{Processor: p, Workers: 2, Log: p.Log}
	var mu sync.Mutex
	outcomes := map[string]string{}
	r.Outcome = func(it pipeline.Item, o *pipeline.Outcome) {
		mu.Lock()
		outcomes[it.Name] = o.Record.Status
		mu.Unlock()
	}
	jobs := make(chan pipeline.Job)
	done := make(chan struct{})
	go func() { r.Run(t.Context(), jobs); close(done) }()
	all := append(append([]string(nil), names...), "cut0"+filepath.Ext(names[0]), "cut1"+filepath.Ext(names[1]))
	for i, n := range all {
		path := filepath.Join(dir, n)
		m, err := source.Describe(path, source.Hints{}, pipeline.HelpCenterZone)
		if err != nil {
			t.Fatal(err)
		}
		it := pipeline.Item{Path: path, Name: n, ClaimID: fmt.Sprintf("claim-%03d", i), Channel: m.Channel,
			Station: m.Station, ReceivedAt: m.ReceivedAt}
		if m.Fax != nil {
			it.Fax, _ = json.Marshal(m.Fax)
		}
		jobs <- pipeline.Job{Item: it}
	}
	close(jobs)
	<-done

	quarantined := 0
	for _, n := range all {
		switch outcomes[n] {
		case "":
			t.Errorf("%s: no outcome", n)
		case record.Quarantined:
			quarantined++
		}
	}
	if quarantined < 2 {
		t.Errorf("%d inputs quarantined, want at least the two cut short: the reasons below would be checked on nothing", quarantined)
	}

	// What the service wrote besides the records.
	places := map[string]string{"the log": logs.String()}
	var history, reasons, fileNames strings.Builder
	cases, err := st.ListCases(t.Context(), store.CaseFilter{})
	if err != nil || len(cases) == 0 {
		t.Fatalf("%d cases (%v): the corpus opened none", len(cases), err)
	}
	for _, c := range cases {
		evs, err := st.Events(t.Context(), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			fmt.Fprintf(&history, "%s %s\n", e.Kind, e.Detail)
		}
	}
	q, err := st.Inputs(t.Context(), store.InputFilter{Status: record.Quarantined})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range q {
		fmt.Fprintln(&reasons, in.Error)
	}
	err = filepath.WalkDir(data, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fmt.Fprintln(&fileNames, d.Name())
		if strings.HasSuffix(path, ".reason.txt") {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			reasons.Write(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if reasons.Len() == 0 {
		t.Error("no quarantine reason written: nothing to check")
	}
	places["the case history"], places["the quarantine reasons"], places["the names of the files made"] =
		history.String(), reasons.String(), fileNames.String()

	checked := 0
	for _, n := range names {
		for _, v := range healthValues(truths[n]) {
			checked++
			for where, text := range places {
				if strings.Contains(text, v) {
					t.Errorf("%s: a value of its truth (%d characters) is in %s", n, len(v), where)
				}
			}
		}
	}
	t.Logf("%d inputs (%d quarantined), %d cases, %d values of health information looked for in %d bytes of log",
		len(all), quarantined, len(cases), checked, logs.Len())
	if checked < 100 {
		t.Errorf("only %d values looked for", checked)
	}
}
