package pipeline

import (
	"context"
	"fmt"
	"slices"

	"intake/classify"
	"intake/pipeline/record"
)

// Recompute derives a case's facts again from its documents as they stand now, a
// reviewer's corrections and attachments included: kind, IMR type, issues, clinical area,
// flags, the filing window, and who and what it is about (the enrollee, member id, plan,
// treatment, language), which the acknowledgement letter and the matching of later mail
// use. A case never becomes less urgent by it (a physician's certification, which made it
// urgent, is not among the stored fields), and a person's decision on its urgency
// (record.Case.UrgentBy) is kept as it is. Its number, status, received time, due date and
// acknowledgement stay. It returns the names of what changed, recorded as a
// "case.recomputed" event (names, never values).
func Recompute(ctx context.Context, st Store, caseID int64, actor string, due DueRule) ([]string, error) {
	var changed []string
	err := st.Update(ctx, func(tx Tx) error {
		changed = nil
		c, err := tx.CaseByID(caseID)
		if err != nil {
			return err
		}
		if c == nil {
			return fmt.Errorf("case %d: %w", caseID, record.ErrNotFound)
		}
		docs, err := tx.CaseDocuments(caseID)
		if err != nil {
			return err
		}
		cdocs := make([]classify.Document, len(docs))
		for i, d := range docs {
			cdocs[i] = classifyDocument(d)
		}
		facts := classify.TypeCase(cdocs, c.ReceivedAt)
		n := newCase(cdocs, facts, c.ReceivedAt, due)
		// Urgency: once a person marked the case urgent or not urgent (c.UrgentBy), their
		// decision stands as it is; recomputing never changes it, so a person's "not
		// urgent" survives every later correction. The case's own column says so (not its
		// events), so the decision is read with the case, in the same row, and holds on
		// both stores without a look through the log. Until then the documents decide, and
		// the case never becomes less urgent. New mail that matches the case may still make
		// it urgent (a new fact the person has not seen: see match.go).
		if c.UrgentBy != "" {
			n.Urgent = c.Urgent
		} else {
			n.Urgent = n.Urgent || c.Urgent
		}
		changed = caseChanges(c, n)
		if len(changed) == 0 {
			return nil
		}
		c.Kind, c.IMRType, c.Urgent, c.Issues, c.ClinicalArea, c.Flags = n.Kind, n.IMRType, n.Urgent, n.Issues, n.ClinicalArea, n.Flags
		c.DecisionDate, c.FilingDeadline, c.Timely = n.DecisionDate, n.FilingDeadline, n.Timely
		c.Enrollee, c.MemberID, c.Plan, c.Treatment, c.Language = n.Enrollee, n.MemberID, n.Plan, n.Treatment, n.Language
		if err := tx.UpdateCase(c); err != nil {
			return err
		}
		return tx.AddEvent(&record.Event{Actor: actor, Kind: "case.recomputed", CaseID: c.ID, Detail: detail("changed", changed)})
	})
	return changed, err
}

// classifyDocument is a stored document as classification sees one.
func classifyDocument(d record.Document) classify.Document {
	cd := classify.Document{Kind: classify.Kind(d.Kind), Pages: d.Pages, Confidence: d.Confidence, Language: d.Language,
		Envelope: d.Envelope, Fields: map[string]classify.Field{}}
	for _, f := range d.Fields {
		cd.Fields[f.Key] = classify.Field{Value: f.Value, Confidence: f.Confidence, Page: f.Page, NeedsReview: f.NeedsReview}
	}
	return cd
}

// caseChanges names the derived properties in which n differs from c.
func caseChanges(c, n *record.Case) []string {
	var out []string
	add := func(name string, differ bool) {
		if differ {
			out = append(out, name)
		}
	}
	add("kind", c.Kind != n.Kind)
	add("imr_type", c.IMRType != n.IMRType)
	add("urgent", c.Urgent != n.Urgent)
	add("issues", !slices.Equal(c.Issues, n.Issues))
	add("clinical_area", c.ClinicalArea != n.ClinicalArea)
	add("flags", !slices.Equal(c.Flags, n.Flags))
	add("filing", c.DecisionDate != n.DecisionDate || c.FilingDeadline != n.FilingDeadline ||
		(c.Timely == nil) != (n.Timely == nil) || c.Timely != nil && n.Timely != nil && *c.Timely != *n.Timely)
	add("enrollee", c.Enrollee != n.Enrollee)
	add("member_id", c.MemberID != n.MemberID)
	add("plan", c.Plan != n.Plan)
	add("treatment", c.Treatment != n.Treatment)
	add("language", c.Language != n.Language)
	return out
}
