// Package record holds what the pipeline keeps about a submission: the input file as it
// arrived, the documents found in it with their fields, the cases they open or join, the
// links between the two, the append-only event log and the letters sent. These are plain
// values: the pipeline fills them, a store (package sinks/store) keeps them. Nothing here
// knows a file path or a database.
package record

import (
	"encoding/json"
	"errors"
	"time"
)

// Input statuses.
const (
	Processed   = "processed"   // read and committed; its documents are linked or queued
	Duplicate   = "duplicate"   // the same content as an earlier input; nothing new made
	Quarantined = "quarantined" // could not be processed; Error says why
)

// Input is one file as it was received.
type Input struct {
	ID int64
	// ClaimID is unique per delivery (the name the file was given in the spool when it was
	// claimed). Committing the same claim twice is refused with ErrExists, which is how a
	// restart after a crash knows the work is already done.
	ClaimID     string
	SHA256      string // hex
	Name        string // the file's base name as it arrived
	Channel     string // mail, fax
	Station     string // scanning station or fax line; may be empty
	ReceivedAt  time.Time
	Pages       int
	Fax         json.RawMessage // fax metadata (sidecar keys, TIFF tags); nil when none
	Status      string          // Processed, Duplicate, Quarantined
	DuplicateOf int64           // for Duplicate: the input first received with this content
	Error       string          // for Quarantined: a sentence for a person, never health information
	Archive     string          // where the original is kept, relative to the data folder
	CreatedAt   time.Time       // set by the store
}

// Document is a run of pages of an input that belong together.
type Document struct {
	ID         int64
	InputID    int64
	Envelope   int // numbers the envelopes of a station batch from 0
	Kind       string
	Pages      []int // 1-based pages of the input
	Confidence float64
	Language   string // en, es
	Fields     []Field
	// CaseID is the case the document is linked to; 0 while it waits for a person.
	CaseID int64
}

// Field is one extracted value and, once a person has looked, their correction.
type Field struct {
	ID          int64
	Key         string // a contract key, e.g. patient.last_name
	Value       any    // string or bool
	Confidence  float64
	Page        int
	NeedsReview bool
	Box         [4]float64 // x0, y0, x1, y1 as fractions of the page; zero when not known
	// A reviewer's decision: the value they confirmed or typed, who and when. Nil/empty
	// until reviewed.
	Corrected   any
	CorrectedBy string
	CorrectedAt time.Time
}

// Person is the enrollee (patient) of a case, as the form gives them.
type Person struct {
	FirstName     string
	MiddleInitial string
	LastName      string
	DOB           string // YYYY-MM-DD
	Street        string
	City          string
	State         string
	Zip           string
	Phone         string
	Email         string
}

// Case statuses.
const (
	Open   = "open"
	Closed = "closed"
)

// Case is a Help Center case.
type Case struct {
	ID     int64
	Number string // assigned by the store inside the transaction that creates the case
	Status string // Open, Closed

	Kind    string // imr, consumer_complaint, undetermined
	IMRType string // "" when none
	Urgent  bool
	// UrgentBy is the user who last marked the case urgent or not urgent on the review
	// station; "" while its urgency is the pipeline's. A person's decision stands against
	// pipeline.Recompute (see there).
	UrgentBy     string
	Issues       []string
	ClinicalArea string
	Flags        []string

	Enrollee  Person
	MemberID  string // letters and digits as printed, upper case
	Plan      string
	Treatment string // the treatment or service requested
	Language  string // the language to write to the enrollee in: en, es

	ReceivedAt     time.Time
	AckDue         string // YYYY-MM-DD
	DecisionDate   string // the plan's written decision, YYYY-MM-DD; "" when not known
	FilingDeadline string // YYYY-MM-DD; "" when not known
	Timely         *bool  // nil when not known

	AcknowledgedAt time.Time // zero until the acknowledgement letter is made
	CreatedAt      time.Time // set by the store
	UpdatedAt      time.Time // set by the store
}

// Link kinds: how a document came to belong to a case.
const (
	LinkOpened   = "opened"   // the document's envelope opened the case
	LinkAttached = "attached" // a follow-up matched to the case
	LinkResent   = "resent"   // a re-sent submission of a case already open
	LinkReviewer = "reviewer" // a person attached it
)

// Ack is one case's acknowledgement: the letters made for it (the enrollee's, and a copy
// for an authorized assistant).
type Ack struct {
	CaseID  int64
	Letters []*Letter
}

// Event is one entry of the append-only log: what changed, when, by which process or
// person. Detail is a small JSON object; it may name ids and keys, never field values.
type Event struct {
	ID         int64
	At         time.Time // set by the store when zero
	Actor      string    // "intake@host:pid" for the service, a user name for a person
	Kind       string    // e.g. input.received, case.created, document.attached, field.corrected
	InputID    int64
	CaseID     int64
	DocumentID int64
	Detail     json.RawMessage
}

// Letter is a letter the Help Center made for a case.
type Letter struct {
	ID        int64
	CaseID    int64
	Kind      string // acknowledgement
	Language  string
	Recipient string // enrollee, assistant
	Path      string // relative to the data folder
	SHA256    string
	CreatedAt time.Time
}

// CaseQuery selects cases; every non-empty condition must hold.
type CaseQuery struct {
	MemberID string    // exact, after normalisation (upper case letters and digits)
	DOB      string    // exact, YYYY-MM-DD
	Since    time.Time // received at or after
	OpenOnly bool
	Limit    int // 0: no limit
}

// Errors a store wraps, declared here so that the pipeline can tell them apart without
// knowing the store.
var (
	// ErrExists: the thing is already recorded (a claim committed twice, a case already
	// acknowledged).
	ErrExists = errors.New("already recorded")
	// ErrLocked: another process holds the lock.
	ErrLocked = errors.New("another instance is running this job")
)
