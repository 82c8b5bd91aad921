package ack_test

import (
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"intake/pipeline"
	"intake/pipeline/ack"
	"intake/pipeline/record"
	"intake/sinks/letters"
	"intake/sinks/store"
	"intake/sinks/store/storetest"
)

var la = pipeline.HelpCenterZone

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, la)
	if err != nil {
		panic(err)
	}
	return t
}

type seeded struct {
	number string
	id     int64
}

// seed makes the cases of a small week: A (English, full address), B (no street), C
// (Spanish, with an authorized assistant), D (received on the 5th).
func seed(t *testing.T, st *store.Store) map[string]seeded {
	t.Helper()
	due := pipeline.DueRule{}
	out := map[string]seeded{}
	add := func(key string, c *record.Case, assistant bool) {
		c.Status, c.Kind = record.Open, "imr"
		c.AckDue = due.Due(c.ReceivedAt)
		err := st.Update(t.Context(), func(tx pipeline.Tx) error {
			if err := tx.CreateCase(c); err != nil {
				return err
			}
			if !assistant {
				return nil
			}
			in := &record.Input{ClaimID: "claim-" + key, SHA256: key, Name: key + ".pdf", Channel: "mail", ReceivedAt: c.ReceivedAt, Status: record.Processed}
			if err := tx.AddInput(in); err != nil {
				return err
			}
			d := assistantForm(in.ID, "es")
			if err := tx.AddDocument(d); err != nil {
				return err
			}
			return tx.Link(c.ID, d.ID, record.LinkOpened)
		})
		if err != nil {
			t.Fatal(err)
		}
		out[key] = seeded{c.Number, c.ID}
	}
	person := func(first, last, street string) record.Person {
		return record.Person{FirstName: first, LastName: last, Street: street, City: "Sacramento", State: "CA", Zip: "95814"}
	}
	add("A", &record.Case{ReceivedAt: at("2026-11-02 09:00"), Enrollee: person("Anh", "Nguyen", "12 Elm St"), Plan: "Blue Shield", Language: "en"}, false)
	add("B", &record.Case{ReceivedAt: at("2026-11-02 10:00"), Enrollee: person("Luis", "Ortiz", ""), Language: "en"}, false)
	add("C", &record.Case{ReceivedAt: at("2026-11-04 11:00"), Enrollee: person("María", "Peña", "9 Álamo Ct"), Plan: "Health Net", Language: "es", Urgent: true}, true)
	add("D", &record.Case{ReceivedAt: at("2026-11-05 15:00"), Enrollee: person("Rosa", "Lee", "4 Oak Rd"), Language: "en"}, false)
	return out
}

// assistantForm is an Authorized Assistant Form with the assistant's name and address.
func assistantForm(inputID int64, lang string) *record.Document {
	return &record.Document{InputID: inputID, Kind: "authorized_assistant_form", Pages: []int{1}, Language: lang, Fields: []record.Field{
		{Key: "assistant.name", Value: "Carmen Ruiz", Confidence: 0.99, Page: 1},
		{Key: "assistant.street", Value: "77 Olive Ave", Confidence: 0.99, Page: 1},
		{Key: "assistant.city", Value: "Fresno", Confidence: 0.99, Page: 1},
		{Key: "assistant.state", Value: "CA", Confidence: 0.99, Page: 1},
		{Key: "assistant.zip", Value: "93721", Confidence: 0.99, Page: 1},
	}}
}

func cases(ms []ack.Made) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Case+"/"+m.Recipient)
	}
	return out
}

func problems(ps []ack.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Case)
	}
	return out
}

// TestNights runs the job on simulated nights of one week, on both stores, and checks
// exactly which letters each night makes, that a rerun makes none, that a missed night is
// caught up, and what the report says a person must do.
func TestNights(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			data := t.TempDir()
			dsn := ""
			if backend == "postgres" {
				dsn = storetest.NewSchema(t)
			}
			st, err := store.Open(t.Context(), dsn, data)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			c := seed(t, st)
			job := &ack.Job{Store: st, Renderer: letters.Renderer{}, DataDir: data, Actor: "test", Zone: la}
			A, B, C, D := c["A"].number, c["B"].number, c["C"].number, c["D"].number

			// Night of Nov 3: only A (B has no address and is not due yet; C and D not received).
			rep, err := job.Run(t.Context(), at("2026-11-03 02:00"), false)
			if err != nil {
				t.Fatal(err)
			}
			if got := cases(rep.Letters); !slices.Equal(got, []string{A + "/enrollee"}) {
				t.Errorf("night of Nov 3: letters %v, want only %s", got, A)
			}
			if len(rep.CannotAcknowledge) != 0 || len(rep.Overdue) != 0 {
				t.Errorf("night of Nov 3: cannot %v, overdue %v; want none", rep.CannotAcknowledge, rep.Overdue)
			}
			if rep.BatchPDF == "" || rep.Manifest == "" {
				t.Fatalf("night of Nov 3: no print batch or manifest")
			}
			// The same night again: nothing.
			again, err := job.Run(t.Context(), at("2026-11-03 02:30"), false)
			if err != nil || len(again.Letters) != 0 || again.BatchPDF != "" {
				t.Errorf("a rerun made %v (batch %q, %v), want nothing", cases(again.Letters), again.BatchPDF, err)
			}

			// Nights of Nov 4 and 5 missed; Nov 6 catches C (with the assistant's copy) and D up,
			// and B, due Nov 7, cannot be acknowledged.
			dry, err := job.Run(t.Context(), at("2026-11-06 02:00"), true)
			if err != nil || len(dry.Letters) != 3 || dry.BatchPDF != "" {
				t.Errorf("dry run: %v, batch %q, %v; want 3 letters and nothing written", cases(dry.Letters), dry.BatchPDF, err)
			}
			rep, err = job.Run(t.Context(), at("2026-11-06 02:00"), false)
			if err != nil {
				t.Fatal(err)
			}
			if got := cases(rep.Letters); !slices.Equal(got, []string{C + "/enrollee", C + "/assistant", D + "/enrollee"}) {
				t.Errorf("night of Nov 6: letters %v, want C, C's assistant, D", got)
			}
			if got := problems(rep.CannotAcknowledge); !slices.Equal(got, []string{B}) || !strings.Contains(rep.CannotAcknowledge[0].Reason, "no mailing address") {
				t.Errorf("night of Nov 6: cannot acknowledge %+v, want %s for its missing address", rep.CannotAcknowledge, B)
			}
			// Nov 8: B is overdue; nothing else to do.
			rep, err = job.Run(t.Context(), at("2026-11-08 02:00"), false)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Letters) != 0 || !slices.Equal(problems(rep.Overdue), []string{B}) {
				t.Errorf("night of Nov 8: letters %v overdue %v; want none and %s", cases(rep.Letters), problems(rep.Overdue), B)
			}

			// What was recorded: one acknowledgement per case, the letters under their cases.
			for key, want := range map[string]int{"A": 1, "B": 0, "C": 2, "D": 1} {
				ls, err := st.Letters(t.Context(), c[key].id)
				if err != nil || len(ls) != want {
					t.Errorf("case %s: %d letters recorded (%v), want %d", key, len(ls), err, want)
				}
				for _, l := range ls {
					if _, err := os.Stat(filepath.Join(data, l.Path)); err != nil || !strings.HasPrefix(l.Path, filepath.Join("cases", c[key].number)) {
						t.Errorf("case %s: letter %s not under its case: %v", key, l.Path, err)
					}
				}
			}

			// The Spanish letter reads in Spanish, with its accents; the manifest lists the batch.
			text := pdftotext(t, filepath.Join(data, "cases", C, "acknowledgement-2026-11-06-enrollee.pdf"))
			for _, want := range []string{C, "María Peña", "9 Álamo Ct", "Sacramento, CA 95814", "4 de noviembre de 2026"} {
				if !strings.Contains(text, want) {
					t.Errorf("the Spanish letter does not say %q", want)
				}
			}
			copyText := pdftotext(t, filepath.Join(data, "cases", C, "acknowledgement-2026-11-06-assistant.pdf"))
			if !strings.Contains(copyText, "Carmen Ruiz") || !strings.Contains(copyText, "77 Olive Ave") {
				t.Errorf("the assistant's copy is not addressed to the assistant")
			}
			mf := filepath.Join(data, "letters", "2026-11-06")
			entries, _ := filepath.Glob(filepath.Join(mf, "manifest-*.csv"))
			if len(entries) != 1 {
				t.Fatalf("manifests of Nov 6: %v, want one", entries)
			}
			r, _ := os.Open(entries[0])
			rows, err := csv.NewReader(r).ReadAll()
			r.Close()
			if err != nil || len(rows) != 4 || rows[1][0] != C || rows[2][1] != "assistant" || rows[3][0] != D {
				t.Errorf("manifest rows %v (%v), want a header then C, C's assistant, D", rows, err)
			}
			batches, _ := filepath.Glob(filepath.Join(mf, "batch-*.pdf"))
			if len(batches) != 1 {
				t.Fatalf("print batches of Nov 6: %v, want one", batches)
			}
			b, _ := os.ReadFile(batches[0])
			if n, err := letters.PageCount(b); err != nil || n != 6 {
				t.Errorf("the print batch has %d pages (%v), want 6 (three 2-page letters)", n, err)
			}
		})
	}
}

// TestOneRunAtATime: while one run holds the lock, another refuses to start.
func TestOneRunAtATime(t *testing.T) {
	data := t.TempDir()
	st, err := store.Open(t.Context(), "", data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	release, err := st.TryLock(t.Context(), "ack")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	job := &ack.Job{Store: st, Renderer: letters.Renderer{}, DataDir: data, Zone: la}
	if _, err := job.Run(t.Context(), time.Now(), false); err != ack.ErrBusy {
		t.Errorf("a second run: %v, want ErrBusy", err)
	}
}

func pdftotext(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return strings.Join(strings.Fields(string(out)), " ") // lines wrap anywhere
}
