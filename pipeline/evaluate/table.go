package evaluate

import (
	"fmt"
	"sort"
	"strings"
)

// Table renders the report for a person: documents, fields by condition, checkboxes, long
// text, then every field key, worst first.
func (r *Report) Table() string {
	var b strings.Builder
	pc := func(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }
	fmt.Fprintf(&b, "%d inputs, %d pages, %d documents in the truth\n\n", r.Inputs, r.Pages, r.Documents.Count)
	fmt.Fprintf(&b, "| documents | |\n|---|---|\n| kind accuracy | %s |\n| separation exact (inputs) | %s |\n| language (of documents of the right kind) | %s |\n\n",
		pc(r.Documents.KindAccuracy), pc(r.Documents.SeparationExact), pc(r.Documents.LanguageAccuracy))
	var kinds []string
	for k := range r.Documents.Confusion {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	fmt.Fprintf(&b, "| truth kind | found as |\n|---|---|\n")
	for _, k := range kinds {
		var parts []string
		var fs []string
		for f := range r.Documents.Confusion[k] {
			fs = append(fs, f)
		}
		sort.Strings(fs)
		for _, f := range fs {
			parts = append(parts, fmt.Sprintf("%s %d", f, r.Documents.Confusion[k][f]))
		}
		fmt.Fprintf(&b, "| %s | %s |\n", k, strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, "\n| condition | short fields | accuracy | auto-accepted | wrong among auto-accepted |\n|---|---|---|---|---|\n")
	var conds []string
	for c := range r.Fields.ByCondition {
		conds = append(conds, c)
	}
	sort.Strings(conds)
	for _, c := range conds {
		t := r.Fields.ByCondition[c]
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s |\n", c, t.Fields, pc(t.Accuracy), pc(t.AutoAcceptRate), pc(t.AutoAcceptErrorRate))
	}
	fmt.Fprintf(&b, "\nCheckboxes: %s of %d. Long text character error rate: %s over %d values (mail %s",
		pc(r.Checkbox), r.Checkboxes, pc(r.Fields.LongTextCER), r.Fields.LongTexts, pc(r.Fields.LongTextCERMail))
	for _, c := range conds {
		if v, ok := r.Fields.LongTextCERByCondition[c]; ok {
			fmt.Fprintf(&b, "; %s %s", c, pc(v))
		}
	}
	b.WriteString(").\n")
	if c := r.Case; c != nil {
		fmt.Fprintf(&b, "\n| cases opened (%d) | |\n|---|---|\n| kind | %s |\n| IMR type | %s |\n| urgent recall / precision | %s / %s |\n| issues exact | %s |\n| clinical area | %s |\n| filing window | %s |\n| flags exact | %s |\n",
			c.Cases, pc(c.KindAccuracy), pc(c.IMRTypeAccuracy), pc(c.UrgentRecall), pc(c.UrgentPrecision), pc(c.IssuesExact),
			pc(c.ClinicalAreaAccuracy), pc(c.FilingAccuracy), pc(c.FlagsExact))
	}
	var keys []string
	for k := range r.Fields.ByKey {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, c := r.Fields.ByKey[keys[i]], r.Fields.ByKey[keys[j]]
		if a.Accuracy != c.Accuracy {
			return a.Accuracy < c.Accuracy
		}
		return keys[i] < keys[j]
	})
	fmt.Fprintf(&b, "\n| document field | in truth | accuracy | auto-accepted | wrong auto-accepted |\n|---|---|---|---|---|\n")
	for _, k := range keys {
		t := r.Fields.ByKey[k]
		fmt.Fprintf(&b, "| %s | %d | %s | %d | %d |\n", k, t.Fields, pc(t.Accuracy), t.Accepted, t.AcceptedWrong)
	}
	return b.String()
}
