package review

import (
	"net/http"
	"strconv"

	"intake/pipeline/record"
)

// ---- a case's urgency, a document's kind, finding a case

// setUrgent marks the case urgent (form urgent=true) or not urgent (urgent=false) as the
// signed-in person's decision, which later recomputations keep (see pipeline.Recompute).
func (h *handler) setUrgent(w http.ResponseWriter, r *http.Request, s *record.Session) {
	var urgent bool
	switch r.PostForm.Get("urgent") {
	case "true":
		urgent = true
	case "false":
	default:
		h.message(w, r, s, http.StatusBadRequest, "Choose urgent or not urgent.")
		return
	}
	c, err := h.st.CaseByNumber(r.Context(), r.PathValue("number"))
	if err != nil {
		h.fail(w, r, s, "find the case", err)
		return
	}
	if c == nil {
		h.message(w, r, s, http.StatusNotFound, "No case has this number.")
		return
	}
	c, err = h.st.SetCaseUrgent(r.Context(), c.ID, urgent, s.UserName)
	if h.changeFailed(w, r, s, err, "No case has this number.", "set the case's urgency") {
		return
	}
	if urgent {
		h.log.Info("review: case marked urgent", "case_id", c.ID, "user_id", s.UserID)
	} else {
		h.log.Info("review: case marked not urgent", "case_id", c.ID, "user_id", s.UserID)
	}
	http.Redirect(w, r, caseURL(c.Number), http.StatusSeeOther)
}

// setKind gives a document another of the contract's kinds (a form taken for a letter),
// then derives the facts of its case again.
func (h *handler) setKind(w http.ResponseWriter, r *http.Request, s *record.Session) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.message(w, r, s, http.StatusNotFound, "There is no such document.")
		return
	}
	kind := r.PostForm.Get("kind")
	if !record.IsDocumentKind(kind) {
		h.message(w, r, s, http.StatusBadRequest, "Choose one of the document kinds in the list.")
		return
	}
	c, err := h.st.SetDocumentKind(r.Context(), id, kind, s.UserName)
	if h.changeFailed(w, r, s, err, "There is no such document.", "change a document's kind") {
		return
	}
	if c == nil { // a document of the unmatched queue
		h.log.Info("review: document kind changed", "document_id", id, "user_id", s.UserID)
		http.Redirect(w, r, "/review/#unmatched", http.StatusSeeOther)
		return
	}
	h.log.Info("review: document kind changed", "document_id", id, "case_id", c.ID, "user_id", s.UserID)
	h.recompute(r, c.ID, s)
	http.Redirect(w, r, caseURL(c.Number), http.StatusSeeOther)
}

type searchPage struct {
	base
	Searched bool
	Cases    []record.Case
	Limit    int
	Attach   int64 // a document of the unmatched queue to attach to one of the cases found
}

// search finds cases by number, member id or the enrollee's last name (the q query). With
// doc=ID (from the unmatched queue), each case found has a button attaching that document.
func (h *handler) search(w http.ResponseWriter, r *http.Request, s *record.Session) {
	q := r.URL.Query().Get("q")
	p := searchPage{base: baseOf("Find a case", s), Limit: findLimit}
	p.Query = q
	if d, err := strconv.ParseInt(r.URL.Query().Get("doc"), 10, 64); err == nil && d > 0 {
		p.Attach = d
	}
	if q != "" {
		var err error
		if p.Cases, err = h.st.FindCasesForReview(r.Context(), q); err != nil {
			h.fail(w, r, s, "find cases", err)
			return
		}
		p.Searched = true
		// What was typed is a name or a member id: it is not logged.
		h.log.Info("review: cases searched", "found", len(p.Cases), "user_id", s.UserID)
	}
	h.render(w, r, http.StatusOK, "search.html", p)
}

// findLimit is how many cases a search lists at most (the store's FindCasesLimit).
const findLimit = 50
