package store_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"intake/pipeline"
	"intake/pipeline/record"
	"intake/sinks/store"
)

// Open the embedded store in a data folder, record an input and the case it opens in one
// transaction, and read the case back.
func ExampleOpen() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "intake-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	s, err := store.Open(ctx, "", dir) // or "postgres://..."
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	received := time.Date(2026, time.March, 2, 17, 4, 0, 0, time.UTC)
	c := &record.Case{Kind: "imr", ReceivedAt: received, Language: "en"}
	err = s.Update(ctx, func(tx pipeline.Tx) error {
		in := &record.Input{ClaimID: "0001-scan.pdf", SHA256: "9f86d0", Name: "scan.pdf", Channel: "mail",
			ReceivedAt: received, Pages: 3, Status: record.Processed}
		if err := tx.AddInput(in); err != nil {
			return err
		}
		if err := tx.CreateCase(c); err != nil {
			return err
		}
		return tx.AddEvent(&record.Event{Actor: "intake@example", Kind: "case.created", InputID: in.ID, CaseID: c.ID})
	})
	if err != nil {
		log.Fatal(err)
	}
	cases, err := s.ListCases(ctx, store.CaseFilter{Status: record.Open})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Backend(), len(cases), cases[0].Number, cases[0].ReceivedAt.Equal(received))
	// Output: sqlite 1 HC26-000001-3 true
}
