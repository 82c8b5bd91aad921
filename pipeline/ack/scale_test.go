package ack_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"intake/pipeline"
	"intake/pipeline/ack"
	"intake/pipeline/record"
	"intake/sinks/letters"
	"intake/sinks/store"
	"intake/sinks/store/storetest"
)

// BenchmarkNightAtScale measures one night of the acknowledgement job on PostgreSQL with
// INTAKE_BENCH_DUE cases due (default 10,000): finding them, rendering every letter,
// recording each case as acknowledged, and the print batch and manifest. One case in ten
// is in Spanish, one in twenty has an authorized assistant (a second letter). Each
// operation is a whole night over freshly loaded cases; loading is not timed.
func BenchmarkNightAtScale(b *testing.B) {
	if testing.Short() {
		b.Skip("renders 10,000 letters")
	}
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("INTAKE_BENCH_DUE")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	received := time.Date(2026, 11, 2, 9, 0, 0, 0, pipeline.HelpCenterZone)
	night := time.Date(2026, 11, 3, 2, 0, 0, 0, pipeline.HelpCenterZone)
	var letterCount int
	for b.Loop() {
		b.StopTimer()
		data := b.TempDir()
		st, err := store.Open(ctx, storetest.NewSchema(b), data)
		if err != nil {
			b.Fatal(err)
		}
		if err := st.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		loadDue(b, st, n, received)
		job := &ack.Job{Store: st, Renderer: letters.Renderer{}, DataDir: data, Actor: "bench", Zone: pipeline.HelpCenterZone}
		b.StartTimer()
		rep, err := job.Run(ctx, night, false)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Letters) < n {
			b.Fatalf("%d letters for %d due cases", len(rep.Letters), n)
		}
		letterCount = len(rep.Letters)
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n), "cases")
	b.ReportMetric(float64(letterCount), "letters")
}

func loadDue(b *testing.B, st *store.Store, n int, received time.Time) {
	b.Helper()
	due := pipeline.DueRule{}
	const batch = 1000
	for lo := 0; lo < n; lo += batch {
		err := st.Update(context.Background(), func(tx pipeline.Tx) error {
			for i := lo; i < min(lo+batch, n); i++ {
				lang := "en"
				if i%10 == 0 {
					lang = "es"
				}
				c := &record.Case{Status: record.Open, Kind: "imr", Language: lang, ReceivedAt: received.Add(time.Duration(i) * time.Second),
					Plan: "Golden Poppy Health Plan", MemberID: fmt.Sprintf("GP%09d", i),
					Enrollee: record.Person{FirstName: "Ana", LastName: fmt.Sprintf("Case%d", i), Street: fmt.Sprintf("%d Elm St", 100+i),
						City: "Sacramento", State: "CA", Zip: "95814"}}
				c.AckDue = due.Due(c.ReceivedAt)
				if err := tx.CreateCase(c); err != nil {
					return err
				}
				if i%20 != 0 {
					continue
				}
				in := &record.Input{ClaimID: fmt.Sprintf("claim-%d", i), SHA256: fmt.Sprint(i), Name: "a.pdf", Channel: "mail",
					ReceivedAt: c.ReceivedAt, Status: record.Processed}
				if err := tx.AddInput(in); err != nil {
					return err
				}
				d := assistantForm(in.ID, lang)
				if err := tx.AddDocument(d); err != nil {
					return err
				}
				if err := tx.Link(c.ID, d.ID, record.LinkOpened); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
