package pipeline

import (
	"context"
	"time"

	"intake/pipeline/record"
)

// Store keeps inputs, documents, cases and their history. Update runs fn in one
// transaction and commits it when fn returns nil; View runs fn in a read-only one. An
// implementation retries neither: the pipeline decides (see Transient).
type Store interface {
	Update(ctx context.Context, fn func(Tx) error) error
	View(ctx context.Context, fn func(Tx) error) error
}

// Tx is one transaction of a Store. The methods that look things up return nil (and no
// error) when there is nothing to find.
type Tx interface {
	// InputByClaim is the input committed under claimID.
	InputByClaim(claimID string) (*record.Input, error)
	// FirstInputBySHA is the earliest input with this content that was not quarantined.
	FirstInputBySHA(sha256 string) (*record.Input, error)
	// AddInput records an input and sets in.ID. A second input with the same ClaimID is
	// refused with an error that wraps store.ErrExists.
	AddInput(in *record.Input) error
	// AddDocument records a document with its fields and sets the IDs; d.CaseID, when
	// set, is ignored (use Link).
	AddDocument(d *record.Document) error
	// CreateCase assigns c.ID and c.Number (unique, readable, numbered per year of
	// c.ReceivedAt) and records the case.
	CreateCase(c *record.Case) error
	// UpdateCase writes every field of c but ID, Number and CreatedAt.
	UpdateCase(c *record.Case) error
	// Link makes document docID part of case caseID.
	Link(caseID, docID int64, how string) error
	AddEvent(e *record.Event) error

	CaseByNumber(number string) (*record.Case, error)
	CaseByID(id int64) (*record.Case, error)
	FindCases(q record.CaseQuery) ([]record.Case, error)
	// CasesOfInput lists the cases the documents of an input are linked to.
	CasesOfInput(inputID int64) ([]record.Case, error)
	// CaseDocuments lists the documents linked to a case, with their fields.
	CaseDocuments(caseID int64) ([]record.Document, error)
	// Unmatched lists the documents, with their fields, of processed inputs received at or
	// after since that are linked to no case (they wait for a person).
	Unmatched(since time.Time) ([]record.Document, error)
}
