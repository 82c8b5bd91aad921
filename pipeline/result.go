package pipeline

import (
	"encoding/json"
	"sort"
	"time"

	"intake/classify"
)

// ResultRecord is the contract's result record: one per input file.
type ResultRecord struct {
	Input     InputInfo     `json:"input"`
	Status    string        `json:"status"` // processed, duplicate, quarantined
	Error     *string       `json:"error"`  // for quarantined: a sentence for a person, no PHI
	Documents []DocumentOut `json:"documents"`
	// Case is the case of a single-envelope input (nil for a batch of several envelopes
	// and for quarantined inputs); Cases has one entry per envelope.
	Case  *CaseOut  `json:"case"`
	Cases []CaseOut `json:"cases"`
}

// InputInfo describes the input file.
type InputInfo struct {
	Path       string          `json:"path"`
	SHA256     string          `json:"sha256"`
	Channel    string          `json:"channel"`
	Station    string          `json:"station,omitempty"`
	ReceivedAt string          `json:"received_at"`
	Pages      int             `json:"pages"`
	Fax        json.RawMessage `json:"fax,omitempty"`
}

// DocumentOut is one document of the result record.
type DocumentOut struct {
	Kind       string              `json:"kind"`
	Pages      []int               `json:"pages"`
	Confidence float64             `json:"confidence"`
	Language   string              `json:"language"`
	Envelope   int                 `json:"envelope"`
	Fields     map[string]FieldOut `json:"fields"`
}

// FieldOut is one extracted value.
type FieldOut struct {
	Value       any     `json:"value"`
	Confidence  float64 `json:"confidence"`
	Page        int     `json:"page"`
	NeedsReview bool    `json:"needs_review"`
}

// CaseOut is the case an envelope opened or joined, as the contract has it.
type CaseOut struct {
	Envelope     int        `json:"envelope"`
	Documents    []int      `json:"documents"` // indexes into the record's documents
	Number       *string    `json:"number"`
	Action       string     `json:"action"` // created, attached, needs_review, none
	Kind         string     `json:"kind"`
	IMRType      *string    `json:"imr_type"`
	Urgent       bool       `json:"urgent"`
	Issues       []string   `json:"issues"`
	ClinicalArea *string    `json:"clinical_area"`
	ReceivedAt   string     `json:"received_at"`
	AckDue       string     `json:"ack_due,omitempty"`
	Filing       *FilingOut `json:"filing,omitempty"`
	Flags        []string   `json:"flags"`
	// Reason says, for needs_review, why no case was chosen (no health information).
	Reason string `json:"reason,omitempty"`
}

// FilingOut is the six-month filing window.
type FilingOut struct {
	DecisionDate string `json:"decision_date"`
	Deadline     string `json:"deadline"`
	Timely       bool   `json:"timely"`
}

func documentOut(d classify.Document) DocumentOut {
	out := DocumentOut{Kind: string(d.Kind), Pages: d.Pages, Confidence: round3(d.Confidence),
		Language: d.Language, Envelope: d.Envelope, Fields: map[string]FieldOut{}}
	for k, f := range d.Fields {
		out.Fields[k] = FieldOut{Value: f.Value, Confidence: round3(f.Confidence), Page: f.Page, NeedsReview: f.NeedsReview}
	}
	return out
}

func round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(HelpCenterZone).Format(time.RFC3339)
}
