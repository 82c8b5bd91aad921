package evaluate

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"intake/classify"
	"intake/fixtures/corpus"
)

// LongText are the free-text keys, scored by character error rate.
var LongText = map[string]bool{
	"condition": true, "treatment_requested": true, "providers": true, "problem": true,
	"reimbursement_services": true, "service": true, "criteria": true,
}

// Report is the score of a run. Its JSON is what `intake eval --json` prints.
type Report struct {
	Inputs     int           `json:"inputs"`
	Pages      int           `json:"pages"`
	Documents  DocumentScore `json:"documents"`
	Checkbox   float64       `json:"checkbox_accuracy"`
	Checkboxes int           `json:"checkboxes"`
	Fields     FieldScore    `json:"fields"`
	Case       *CaseScore    `json:"case"` // null until case typing is built
}

// DocumentScore scores separation and recognition.
type DocumentScore struct {
	Count            int                       `json:"count"` // documents in the truth
	KindAccuracy     float64                   `json:"kind_accuracy"`
	SeparationExact  float64                   `json:"separation_exact"` // share of inputs whose documents are exactly the truth's
	LanguageAccuracy float64                   `json:"language_accuracy"`
	Confusion        map[string]map[string]int `json:"confusion"` // truth kind -> found kind -> documents
}

// FieldScore scores extraction.
type FieldScore struct {
	ByCondition map[string]*Tally `json:"by_condition"`
	ByKey       map[string]*Tally `json:"by_key"`
	LongTextCER float64           `json:"long_text_cer"`
	LongTexts   int               `json:"long_texts"`
	// The same by condition, and over the mail conditions (the target is set on mail).
	LongTextCERByCondition map[string]float64 `json:"long_text_cer_by_condition"`
	LongTextCERMail        float64            `json:"long_text_cer_mail"`
}

// Tally counts short fields (everything but long text).
type Tally struct {
	Fields              int     `json:"fields"`         // in the truth
	Correct             int     `json:"correct"`        // found with the true value
	Accepted            int     `json:"accepted"`       // found and not flagged for review
	AcceptedWrong       int     `json:"accepted_wrong"` // of those, wrong (or not in the truth at all)
	Accuracy            float64 `json:"accuracy"`
	AutoAcceptRate      float64 `json:"auto_accept_rate"`
	AutoAcceptErrorRate float64 `json:"auto_accept_error_rate"`
}

// CaseScore scores case typing on the envelopes that open a case (those that join an
// existing case take its values from the store, which is scored with the store).
type CaseScore struct {
	Cases                int     `json:"cases"`
	KindAccuracy         float64 `json:"kind_accuracy"`
	IMRTypeAccuracy      float64 `json:"imr_type_accuracy"`
	UrgentRecall         float64 `json:"urgent_recall"`
	UrgentPrecision      float64 `json:"urgent_precision"`
	IssuesExact          float64 `json:"issues_exact"`
	ClinicalAreaAccuracy float64 `json:"clinical_area_accuracy"`
	FilingAccuracy       float64 `json:"filing_accuracy"`
	FlagsExact           float64 `json:"flags_exact"`
}

// scoreCases types the case of every envelope found and compares it with the truth.
func scoreCases(inputs []Input) *CaseScore {
	cs := &CaseScore{}
	var kind, typ, issues, area, filing, flags, tp, fp, fn int
	for _, oc := range openedCases(inputs) {
		tc, got := oc.truth, oc.got
		cs.Cases++
		if got.Kind == tc.Kind {
			kind++
		}
		if got.IMRType == deref(tc.IMRType) {
			typ++
		}
		if fmt.Sprint(sorted(got.Issues)) == fmt.Sprint(sorted(tc.Issues)) {
			issues++
		}
		if got.ClinicalArea == deref(tc.ClinicalArea) {
			area++
		}
		if (got.Filing == nil) == (tc.Filing == nil) && (got.Filing == nil || got.Filing.DecisionDate == tc.Filing.DecisionDate && got.Filing.Timely == tc.Filing.Timely) {
			filing++
		}
		if fmt.Sprint(sorted(got.Flags)) == fmt.Sprint(sorted(tc.Flags)) {
			flags++
		}
		switch {
		case got.Urgent && tc.Urgent:
			tp++
		case got.Urgent:
			fp++
		case tc.Urgent:
			fn++
		}
	}
	n := cs.Cases
	cs.KindAccuracy, cs.IMRTypeAccuracy, cs.IssuesExact = ratio(kind, n), ratio(typ, n), ratio(issues, n)
	cs.ClinicalAreaAccuracy, cs.FilingAccuracy, cs.FlagsExact = ratio(area, n), ratio(filing, n), ratio(flags, n)
	cs.UrgentRecall, cs.UrgentPrecision = ratio(tp, tp+fn), ratio(tp, tp+fp)
	if tp+fn == 0 {
		cs.UrgentRecall = 1
	}
	if tp+fp == 0 {
		cs.UrgentPrecision = 1
	}
	return cs
}

// openedCase is an envelope that opens a case: the truth and what case typing made of the
// documents found in it.
type openedCase struct {
	input string
	truth corpus.TruthCase
	got   classify.CaseFacts
}

// openedCases types the case of every envelope that opens one (those that join an existing
// case take its values from the store; duplicates open nothing).
func openedCases(inputs []Input) []openedCase {
	var out []openedCase
	for _, in := range inputs {
		received, err := time.Parse(time.RFC3339, in.Truth.Input.ReceivedAt)
		if err != nil || in.Truth.Status == "duplicate" {
			continue
		}
		byEnv := map[int][]classify.Document{}
		for _, d := range in.Result.Documents {
			byEnv[d.Envelope] = append(byEnv[d.Envelope], d)
		}
		for _, tc := range in.Truth.Cases {
			if tc.Action == "created" || tc.Action == "needs_review" {
				out = append(out, openedCase{in.Name, tc, classify.TypeCase(byEnv[tc.Envelope], received)})
			}
		}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

func (t *Tally) finish() {
	t.Accuracy = ratio(t.Correct, t.Fields)
	t.AutoAcceptRate = ratio(t.Accepted, t.Fields)
	t.AutoAcceptErrorRate = ratio(t.AcceptedWrong, t.Accepted)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Score compares what the pipeline found in each input with the truth.
func Score(inputs []Input) *Report {
	r := &Report{Inputs: len(inputs)}
	r.Documents.Confusion = map[string]map[string]int{}
	r.Fields.ByCondition = map[string]*Tally{}
	r.Fields.ByKey = map[string]*Tally{}
	kindOK, langOK, exact, boxes, boxesOK := 0, 0, 0, 0, 0
	cerErr, cerLen := 0, 0
	cerErrBy, cerLenBy := map[string]int{}, map[string]int{}
	for _, in := range inputs {
		r.Pages += in.Truth.Input.Pages
		docs := in.Result.Documents
		if sameSeparation(in.Truth.Documents, docs) {
			exact++
		}
		cond := in.Truth.Input.Condition
		ct := r.Fields.ByCondition[cond]
		if ct == nil {
			ct = &Tally{}
			r.Fields.ByCondition[cond] = ct
		}
		used := map[int]bool{}
		for _, td := range in.Truth.Documents {
			r.Documents.Count++
			j := bestMatch(td.Pages, docs, used)
			found := "missed"
			var fd *classify.Document
			if j >= 0 {
				used[j] = true
				fd = &docs[j]
				found = string(fd.Kind)
			}
			if r.Documents.Confusion[td.Kind] == nil {
				r.Documents.Confusion[td.Kind] = map[string]int{}
			}
			r.Documents.Confusion[td.Kind][found]++
			if found == td.Kind {
				kindOK++
				if fd.Language == td.Language {
					langOK++
				}
			} else {
				fd = nil // fields of a document taken for another kind are all missed
			}
			for key, want := range td.Fields {
				var got *classify.Field
				if fd != nil {
					if f, ok := fd.Fields[key]; ok {
						got = &f
					}
				}
				if LongText[key] {
					ws := fmt.Sprint(want)
					gs := ""
					if got != nil {
						gs = fmt.Sprint(got.Value)
					}
					e, n := classify.EditDistance(normText(gs), normText(ws)), len([]rune(normText(ws)))
					cerErr, cerLen = cerErr+e, cerLen+n
					cerErrBy[cond], cerLenBy[cond] = cerErrBy[cond]+e, cerLenBy[cond]+n
					r.Fields.LongTexts++
					continue
				}
				ok := got != nil && equal(key, want, got.Value)
				if _, isBool := want.(bool); isBool && (td.Kind == "imr_form" || td.Kind == "authorized_assistant_form") && key != "signed" && key != "patient.signed" {
					boxes++
					if ok {
						boxesOK++
					}
				}
				kt := r.Fields.ByKey[td.Kind+" "+key]
				if kt == nil {
					kt = &Tally{}
					r.Fields.ByKey[td.Kind+" "+key] = kt
				}
				for _, t := range []*Tally{ct, kt} {
					t.Fields++
					if ok {
						t.Correct++
					}
					if got != nil && !got.NeedsReview {
						t.Accepted++
						if !ok {
							t.AcceptedWrong++
						}
					}
				}
			}
			// A value found where the truth has none is wrong if let through.
			if fd != nil {
				for key, f := range fd.Fields {
					if _, ok := td.Fields[key]; ok || LongText[key] || f.NeedsReview {
						continue
					}
					ct.Accepted++
					ct.AcceptedWrong++
					kt := r.Fields.ByKey[td.Kind+" "+key]
					if kt == nil {
						kt = &Tally{}
						r.Fields.ByKey[td.Kind+" "+key] = kt
					}
					kt.Accepted++
					kt.AcceptedWrong++
				}
			}
		}
	}
	r.Documents.KindAccuracy = ratio(kindOK, r.Documents.Count)
	r.Documents.LanguageAccuracy = ratio(langOK, kindOK)
	r.Documents.SeparationExact = ratio(exact, len(inputs))
	r.Checkbox, r.Checkboxes = ratio(boxesOK, boxes), boxes
	r.Fields.LongTextCER = ratio(cerErr, cerLen)
	r.Fields.LongTextCERByCondition = map[string]float64{}
	mailErr, mailLen := 0, 0
	for c, n := range cerLenBy {
		r.Fields.LongTextCERByCondition[c] = ratio(cerErrBy[c], n)
		if strings.HasPrefix(c, "mail_") {
			mailErr, mailLen = mailErr+cerErrBy[c], mailLen+n
		}
	}
	r.Fields.LongTextCERMail = ratio(mailErr, mailLen)
	r.Case = scoreCases(inputs)
	for _, t := range r.Fields.ByCondition {
		t.finish()
	}
	for _, t := range r.Fields.ByKey {
		t.finish()
	}
	return r
}

// sameSeparation: the documents found cover exactly the truth's page sets.
func sameSeparation(truth []corpus.TruthDoc, found []classify.Document) bool {
	if len(truth) != len(found) {
		return false
	}
	set := func(p []int) string {
		q := append([]int(nil), p...)
		sort.Ints(q)
		return fmt.Sprint(q)
	}
	want := map[string]int{}
	for _, d := range truth {
		want[set(d.Pages)]++
	}
	for _, d := range found {
		k := set(d.Pages)
		if want[k] == 0 {
			return false
		}
		want[k]--
	}
	return true
}

// bestMatch is the found document sharing most pages with the truth's pages, not yet used.
func bestMatch(pages []int, found []classify.Document, used map[int]bool) int {
	best, bestN := -1, 0
	in := map[int]bool{}
	for _, p := range pages {
		in[p] = true
	}
	for j, d := range found {
		if used[j] {
			continue
		}
		n := 0
		for _, p := range d.Pages {
			if in[p] {
				n++
			}
		}
		if n > bestN {
			best, bestN = j, n
		}
	}
	return best
}

// equal compares a found value with the truth as the contract says: dates, phones, states
// and zips exactly; booleans as booleans; names, ids and text case-insensitively with white
// space collapsed.
func equal(key string, want, got any) bool {
	switch w := want.(type) {
	case bool:
		g, ok := got.(bool)
		return ok && g == w
	}
	ws, gs := fmt.Sprint(want), fmt.Sprint(got)
	return strings.EqualFold(strings.Join(strings.Fields(ws), " "), strings.Join(strings.Fields(gs), " "))
}

func normText(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// Miss is one field the pipeline got wrong. It holds the values themselves: print misses
// only for synthetic corpora, never for real submissions.
type Miss struct {
	Input, Kind, Key string
	Want, Got        any
	Found            bool
	NeedsReview      bool
	Confidence       float64
}

// Misses lists the short fields found wrong or not found, and those found where the
// truth has none.
func Misses(inputs []Input) []Miss {
	var out []Miss
	for _, in := range inputs {
		docs := in.Result.Documents
		used := map[int]bool{}
		for _, td := range in.Truth.Documents {
			j := bestMatch(td.Pages, docs, used)
			if j < 0 {
				continue
			}
			used[j] = true
			fd := docs[j]
			if string(fd.Kind) != td.Kind {
				continue
			}
			for key, want := range td.Fields {
				f, ok := fd.Fields[key]
				if LongText[key] {
					w, g := normText(fmt.Sprint(want)), ""
					if ok {
						g = normText(fmt.Sprint(f.Value))
					}
					if len(w) > 0 && float64(classify.EditDistance(g, w)) > 0.03*float64(len([]rune(w))) {
						out = append(out, Miss{Input: in.Name, Kind: td.Kind, Key: key, Want: want, Got: f.Value, Found: ok, NeedsReview: f.NeedsReview, Confidence: f.Confidence})
					}
					continue
				}
				if ok && equal(key, want, f.Value) {
					continue
				}
				out = append(out, Miss{Input: in.Name, Kind: td.Kind, Key: key, Want: want, Got: f.Value, Found: ok, NeedsReview: f.NeedsReview, Confidence: f.Confidence})
			}
			for key, f := range fd.Fields {
				if _, ok := td.Fields[key]; !ok && !LongText[key] {
					out = append(out, Miss{Input: in.Name, Kind: td.Kind, Key: key, Got: f.Value, Found: true, NeedsReview: f.NeedsReview, Confidence: f.Confidence})
				}
			}
		}
	}
	return out
}

// CaseMisses lists, for the envelopes that open a case, what case typing got wrong: one
// line per case, naming the keys that differ and the two values (synthetic corpora only).
func CaseMisses(inputs []Input) []Miss {
	var out []Miss
	for _, oc := range openedCases(inputs) {
		tc, got := oc.truth, oc.got
		add := func(key string, want, g any) {
			if fmt.Sprint(want) != fmt.Sprint(g) {
				out = append(out, Miss{Input: oc.input, Kind: "case", Key: key, Want: want, Got: g, Found: true})
			}
		}
		add("kind", tc.Kind, got.Kind)
		add("imr_type", deref(tc.IMRType), got.IMRType)
		add("urgent", tc.Urgent, got.Urgent)
		add("issues", sorted(tc.Issues), sorted(got.Issues))
		add("clinical_area", deref(tc.ClinicalArea), got.ClinicalArea)
		add("flags", sorted(tc.Flags), sorted(got.Flags))
	}
	return out
}
