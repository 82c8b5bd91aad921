package review

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"intake/pipeline"
	"intake/pipeline/record"
)

// ---- the queues

type queuesPage struct {
	base
	Today       []intakeView
	Review      []record.ReviewCase
	Unmatched   []unmatchedView
	CannotAck   []ackView
	Quarantined []record.Input
}

// intakeView is an input of the day's intake with the kinds of the documents found in it.
type intakeView struct {
	record.Input
	Kinds []string
}

// ackView is an open case that waits for its acknowledgement and cannot have it: its
// enrollee has no mailing address a letter can be sent to.
type ackView struct {
	record.Case
	Overdue bool // the acknowledgement was due before today
}

type unmatchedView struct {
	record.Document
	Flagged int
}

// queues shows what waits for a person: the day's intake, flagged fields by case (urgent
// first, then the oldest), documents that matched no case, the cases that cannot be
// acknowledged for want of an address, and quarantined inputs with their reasons.
func (h *handler) queues(w http.ResponseWriter, r *http.Request, s *record.Session) {
	ctx := r.Context()
	p := queuesPage{base: baseOf("Review queues", s)}
	now := h.opts.Now().In(pipeline.HelpCenterZone)
	var err error
	if p.Today, err = h.today(ctx, now); err != nil {
		h.fail(w, r, s, "today's intake", err)
		return
	}
	if p.CannotAck, err = h.cannotAck(ctx, now); err != nil {
		h.fail(w, r, s, "cases that cannot be acknowledged", err)
		return
	}
	if p.Review, err = h.st.ReviewQueue(ctx); err != nil {
		h.fail(w, r, s, "review queue", err)
		return
	}
	docs, err := h.st.Unmatched(ctx)
	if err != nil {
		h.fail(w, r, s, "unmatched documents", err)
		return
	}
	for _, d := range docs {
		v := unmatchedView{Document: d}
		for _, f := range d.Fields {
			if f.NeedsReview {
				v.Flagged++
			}
		}
		p.Unmatched = append(p.Unmatched, v)
	}
	if p.Quarantined, err = h.st.Quarantined(ctx, h.opts.QuarantineLimit); err != nil {
		h.fail(w, r, s, "quarantined inputs", err)
		return
	}
	h.render(w, r, http.StatusOK, "queues.html", p)
}

// today lists the inputs received since midnight in the Help Center's zone (now is in
// it), the newest first, with the kinds of their documents.
func (h *handler) today(ctx context.Context, now time.Time) ([]intakeView, error) {
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	ins, err := h.st.InputsSince(ctx, midnight, h.opts.TodayLimit)
	if err != nil || len(ins) == 0 {
		return nil, err
	}
	ids := make([]int64, len(ins))
	for i, in := range ins {
		ids[i] = in.ID
	}
	kinds, err := h.st.DocumentKindsOfInputs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]intakeView, len(ins))
	for i, in := range ins {
		out[i] = intakeView{Input: in, Kinds: kinds[in.ID]}
	}
	return out, nil
}

// cannotAck lists the open, unacknowledged cases whose enrollee has no usable mailing
// address (a street, a city and a zip code, as the case's missing_address flag says), the
// earliest received first, marking those whose acknowledgement was due before today.
func (h *handler) cannotAck(ctx context.Context, now time.Time) ([]ackView, error) {
	cases, err := h.st.CasesToAcknowledge(ctx)
	if err != nil {
		return nil, err
	}
	today := now.Format(time.DateOnly)
	var out []ackView
	for _, c := range cases {
		e := c.Enrollee
		if strings.TrimSpace(e.Street) != "" && strings.TrimSpace(e.City) != "" && strings.TrimSpace(e.Zip) != "" {
			continue
		}
		out = append(out, ackView{Case: c, Overdue: c.AckDue != "" && c.AckDue < today})
	}
	return out, nil
}

// ---- the case page

type casePage struct {
	base
	Case   *record.Case
	Docs   []docView
	Fields []fieldView // the flagged ones first
}

type docView struct {
	ID      int64
	InputID int64
	Kind    string
	Pages   []pageView
}

type pageView struct {
	InputID int64
	Page    int // 1-based, in the input
	Boxes   []boxView
}

// boxView is a field's word box on its page, in fractions of the page, for the script
// that positions the highlight.
type boxView struct {
	FieldID int64
	Box     string // "x0 y0 x1 y1"
	Flagged bool
}

type fieldView struct {
	ID          int64
	DocumentID  int64
	Key         string
	Value       string
	Bool        bool // the value is yes/no
	Confidence  string
	Page        int
	Flagged     bool
	CorrectedBy string
	Focus       bool
}

// casePage shows a case's documents with their page images and the word boxes of their
// fields, and a form per field. The first flagged field after the one just reviewed (the
// ?after= query), else the first flagged, has the focus: Enter confirms it, and the next
// page load moves on.
func (h *handler) casePage(w http.ResponseWriter, r *http.Request, s *record.Session) {
	ctx := r.Context()
	c, err := h.st.CaseByNumber(ctx, r.PathValue("number"))
	if err != nil {
		h.fail(w, r, s, "find the case", err)
		return
	}
	if c == nil {
		h.message(w, r, s, http.StatusNotFound, "No case has this number.")
		return
	}
	docs, err := h.st.CaseDocuments(ctx, c.ID)
	if err != nil {
		h.fail(w, r, s, "documents of the case", err)
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	p := casePage{base: baseOf("Case "+c.Number, s), Case: c, Fields: fieldViews(docs, after)}
	for _, d := range docs {
		p.Docs = append(p.Docs, docViewOf(d))
	}
	h.render(w, r, http.StatusOK, "case.html", p)
}

// fieldViews lists the fields of docs, the flagged ones first, each group in document
// order, and marks the one to focus: the first flagged field after field after in
// document order, else the first flagged.
func fieldViews(docs []record.Document, after int64) []fieldView {
	var flagged, rest []fieldView
	afterAt, focus := -1, -1
	for _, d := range docs {
		for _, f := range d.Fields {
			if f.ID == after {
				afterAt = len(flagged)
			}
			v := fieldViewOf(d.ID, f)
			if f.NeedsReview {
				flagged = append(flagged, v)
			} else {
				rest = append(rest, v)
			}
		}
	}
	switch {
	case afterAt >= 0 && afterAt < len(flagged):
		focus = afterAt
	case len(flagged) > 0:
		focus = 0
	}
	if focus >= 0 {
		flagged[focus].Focus = true
	}
	return append(flagged, rest...)
}

func fieldViewOf(docID int64, f record.Field) fieldView {
	v := fieldView{ID: f.ID, DocumentID: docID, Key: f.Key, Confidence: fmt.Sprintf("%.2f", f.Confidence),
		Page: f.Page, Flagged: f.NeedsReview, CorrectedBy: f.CorrectedBy}
	switch x := f.Value.(type) {
	case string:
		v.Value = x
	case bool:
		v.Value, v.Bool = strconv.FormatBool(x), true
	}
	return v
}

func docViewOf(d record.Document) docView {
	v := docView{ID: d.ID, InputID: d.InputID, Kind: d.Kind}
	for _, n := range d.Pages {
		pv := pageView{InputID: d.InputID, Page: n}
		for _, f := range d.Fields {
			if f.Page == n && f.Box != [4]float64{} {
				pv.Boxes = append(pv.Boxes, boxView{FieldID: f.ID, Flagged: f.NeedsReview,
					Box: fmt.Sprintf("%.4f %.4f %.4f %.4f", f.Box[0], f.Box[1], f.Box[2], f.Box[3])})
			}
		}
		v.Pages = append(v.Pages, pv)
	}
	return v
}

// ---- the changes

// reviewField confirms a field (its value sent back unchanged, or no value) or corrects it
// (another value), then goes back to the case with the next flagged field focused.
func (h *handler) reviewField(w http.ResponseWriter, r *http.Request, s *record.Session) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.message(w, r, s, http.StatusNotFound, "There is no such field.")
		return
	}
	value, err := formValue(r)
	if err != nil {
		h.message(w, r, s, http.StatusBadRequest, err.Error())
		return
	}
	c, err := h.st.ReviewField(r.Context(), id, value, s.UserName)
	if h.changeFailed(w, r, s, err, "There is no such field.", "review a field") {
		return
	}
	h.log.Info("review: field reviewed", "field_id", id, "user_id", s.UserID)
	if c == nil { // a field of an unmatched document
		http.Redirect(w, r, "/review/", http.StatusSeeOther)
		return
	}
	h.recompute(r, c.ID, s)
	http.Redirect(w, r, caseURL(c.Number)+"?after="+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// formValue is the value a field's form sends: nil when it sends none (confirm as it is),
// a bool for a yes/no field, else the text without surrounding spaces.
func formValue(r *http.Request) (any, error) {
	vs, ok := r.PostForm["value"]
	if !ok || len(vs) == 0 {
		return nil, nil
	}
	v := strings.TrimSpace(vs[0])
	if r.PostForm.Get("type") != "bool" {
		return v, nil
	}
	switch strings.ToLower(v) {
	case "true", "yes", "y", "x", "1", "sí", "si":
		return true, nil
	case "false", "no", "n", "0", "":
		return false, nil
	}
	return nil, errors.New("This field is yes or no: type true or false.")
}

// attach links a document of the unmatched queue to the case whose number was typed.
func (h *handler) attach(w http.ResponseWriter, r *http.Request, s *record.Session) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.message(w, r, s, http.StatusNotFound, "There is no such document.")
		return
	}
	c, err := h.st.AttachDocument(r.Context(), id, strings.TrimSpace(r.PostForm.Get("case")), s.UserName)
	switch {
	case errors.Is(err, record.ErrNotFound):
		h.message(w, r, s, http.StatusNotFound, "No case has this number, or the document does not exist. Go back and check the number.")
		return
	case errors.Is(err, record.ErrExists):
		h.message(w, r, s, http.StatusConflict, "This document is already part of a case.")
		return
	case err != nil:
		h.fail(w, r, s, "attach a document", err)
		return
	}
	h.log.Info("review: document attached", "document_id", id, "case_id", c.ID, "user_id", s.UserID)
	if h.opts.Attached != nil {
		// The link is committed; a copy that could not be filed is logged, not lost.
		if err := h.opts.Attached(r.Context(), id, c); err != nil {
			h.log.Error("review: the attached document's original could not be filed under its case", "document_id", id, "case_id", c.ID, "error", err)
		}
	}
	h.recompute(r, c.ID, s)
	http.Redirect(w, r, caseURL(c.Number), http.StatusSeeOther)
}

// recompute derives the case's facts again after a change; the change itself is
// committed, so a failure here is logged, and the next change tries again.
func (h *handler) recompute(r *http.Request, caseID int64, s *record.Session) {
	if h.opts.Recompute == nil {
		return
	}
	if err := h.opts.Recompute(r.Context(), caseID, s.UserName); err != nil {
		h.log.Error("review: the case's facts could not be derived again", "case_id", caseID, "error", err)
	}
}

// changeFailed answers a change the store refused: 404 with notFound when what it names
// does not exist, else the failure (doing says what was being done, for the log). It
// says whether it answered.
func (h *handler) changeFailed(w http.ResponseWriter, r *http.Request, s *record.Session, err error, notFound, doing string) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, record.ErrNotFound):
		h.message(w, r, s, http.StatusNotFound, notFound)
	default:
		h.fail(w, r, s, doing, err)
	}
	return true
}

func caseURL(number string) string { return "/review/cases/" + url.PathEscape(number) }
