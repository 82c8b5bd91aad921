package letters_test

import (
	"fmt"
	"log"
	"time"

	"intake/sinks/letters"
)

// The nightly job renders one letter per recipient and joins them into the mailroom's
// print batch.
func ExampleRenderAck() {
	ack := letters.Ack{
		CaseNumber: "HC26-000123-5",
		Date:       time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC),
		Received:   time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC),
		Language:   "en",
		To:         letters.Address{Name: "Jane Q. Doe", Lines: []string{"4417 Alder Creek Way", "Sacramento, CA 95823"}},
		Patient:    "Jane Q. Doe",
		Plan:       "Blue Shield of California",
		Kind:       letters.KindIMR,
	}
	enrollee, err := letters.RenderAck(ack)
	if err != nil {
		log.Fatal(err)
	}
	// The authorized assistant gets a copy.
	ack.CopyOf = ack.To.Name
	ack.To = letters.Address{Name: "Robert Doe", Lines: []string{"88 Pine St", "Davis, CA 95616"}}
	assistant, err := letters.RenderAck(ack)
	if err != nil {
		log.Fatal(err)
	}
	batch, err := letters.Merge([][]byte{enrollee, assistant})
	if err != nil {
		log.Fatal(err)
	}
	n, err := letters.PageCount(batch)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "pages")
	// Output: 4 pages
}
