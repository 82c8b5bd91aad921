package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"intake/pipeline"
	"intake/pipeline/record"
	"intake/sinks/store"
	"intake/sinks/store/storetest"
)

// BenchmarkAttachFollowUp measures, on PostgreSQL holding INTAKE_BENCH_CASES cases
// (default 100,000), what attaching a follow-up letter costs: the matching queries the
// pipeline makes (open cases by member id, then by date of birth) and the writes that
// attach the letter to the case it found (document, fields, link, event), in one
// transaction. It reports the median and the 95th percentile of one attachment.
// Loading the cases takes about a minute and is not timed.
func BenchmarkAttachFollowUp(b *testing.B) {
	if testing.Short() {
		b.Skip("loads 100,000 cases")
	}
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("INTAKE_BENCH_CASES")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	s, err := store.Open(ctx, storetest.NewSchema(b), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}

	rng := rand.New(rand.NewPCG(7, 11))
	first := []string{"Maria", "Jose", "Linda", "David", "Ana", "Robert", "Guadalupe", "Minh", "Priya", "Samuel"}
	last := []string{"Garcia", "Nguyen", "Smith", "Lopez", "Johnson", "Kim", "Patel", "Hernandez", "Brown", "Chen"}
	plans := []string{"Golden Poppy Health Plan", "Sierra Vista Health Plan", "Lakeshore Blue", "Pacific Crest Health"}
	members := make([]record.Case, n)
	start := time.Now()
	var inputID int64
	const batch = 2000
	for lo := 0; lo < n; lo += batch {
		err := s.Update(ctx, func(tx pipeline.Tx) error {
			if inputID == 0 {
				in := &record.Input{ClaimID: "bench-seed", SHA256: "00", Name: "seed.pdf", Channel: "mail",
					ReceivedAt: time.Now(), Pages: 1, Status: record.Processed}
				if err := tx.AddInput(in); err != nil {
					return err
				}
				inputID = in.ID
			}
			for i := lo; i < min(lo+batch, n); i++ {
				received := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * 10 * time.Minute)
				c := record.Case{
					Kind: "imr", Status: record.Open, Language: "en", ReceivedAt: received,
					AckDue:   received.AddDate(0, 0, 5).Format("2006-01-02"),
					MemberID: fmt.Sprintf("M%09d", 100000000+rng.IntN(900000000)),
					Plan:     plans[rng.IntN(len(plans))],
					Enrollee: record.Person{
						FirstName: first[rng.IntN(len(first))], LastName: last[rng.IntN(len(last))],
						DOB: time.Date(1940+rng.IntN(70), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC).Format("2006-01-02"),
					},
				}
				if err := tx.CreateCase(&c); err != nil {
					return err
				}
				members[i] = c
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("loaded %d cases into PostgreSQL in %s", n, time.Since(start).Round(time.Second))

	var lat []time.Duration
	attach := func() {
		want := members[rng.IntN(n)]
		t := time.Now()
		err := s.Update(ctx, func(tx pipeline.Tx) error {
			cs, err := tx.FindCases(record.CaseQuery{MemberID: want.MemberID, OpenOnly: true})
			if err != nil {
				return err
			}
			// The pipeline asks by date of birth when the member id finds nothing; the
			// benchmark asks both, the worse case.
			if _, err := tx.FindCases(record.CaseQuery{DOB: want.Enrollee.DOB, OpenOnly: true}); err != nil {
				return err
			}
			if len(cs) == 0 {
				return fmt.Errorf("case of member %s not found", want.MemberID)
			}
			d := &record.Document{InputID: inputID, Kind: "denial_letter", Pages: []int{1, 2}, Confidence: 0.9, Language: "en",
				Fields: []record.Field{
					{Key: "member.id", Value: want.MemberID, Confidence: 0.95, Page: 1},
					{Key: "member.dob", Value: want.Enrollee.DOB, Confidence: 0.95, Page: 1},
					{Key: "letter.date", Value: "2026-10-01", Confidence: 0.9, Page: 1},
					{Key: "decision", Value: "denied", Confidence: 0.85, Page: 1},
				}}
			if err := tx.AddDocument(d); err != nil {
				return err
			}
			if err := tx.Link(cs[0].ID, d.ID, record.LinkAttached); err != nil {
				return err
			}
			return tx.AddEvent(&record.Event{Actor: "bench", Kind: "document.attached", InputID: inputID, CaseID: cs[0].ID})
		})
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	// One operation is attachPerOp attachments, so that `make bench`'s few iterations
	// still give a median of many.
	const attachPerOp = 100
	b.ResetTimer()
	for b.Loop() {
		for range attachPerOp {
			attach()
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)/2]), "median-ms")
	b.ReportMetric(ms(lat[len(lat)*95/100]), "p95-ms")
	b.ReportMetric(float64(n), "cases")
}
