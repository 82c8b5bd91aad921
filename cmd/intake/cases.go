package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"intake/pipeline"

	"intake/pipeline/record"
	"intake/sinks/store"
)

// caseJSON is a case as `intake cases list --json` prints it: the contract's case fields,
// plus the enrollee's name for the people who work the cases, and its documents.
type caseJSON struct {
	Number       string       `json:"number"`
	Status       string       `json:"status"`
	Kind         string       `json:"kind"`
	IMRType      *string      `json:"imr_type"`
	Urgent       bool         `json:"urgent"`
	Issues       []string     `json:"issues"`
	ClinicalArea *string      `json:"clinical_area"`
	ReceivedAt   string       `json:"received_at"`
	AckDue       string       `json:"ack_due"`
	Acknowledged string       `json:"acknowledged_at,omitempty"`
	Filing       *filingJSON  `json:"filing,omitempty"`
	Flags        []string     `json:"flags"`
	Enrollee     string       `json:"enrollee"`
	Plan         string       `json:"plan"`
	Documents    []docJSON    `json:"documents"`
	Events       []eventJSON  `json:"events,omitempty"`
	Letters      []letterJSON `json:"letters,omitempty"`
}

type filingJSON struct {
	DecisionDate string `json:"decision_date"`
	Deadline     string `json:"deadline"`
	Timely       bool   `json:"timely"`
}

type docJSON struct {
	ID         int64                `json:"id"`
	Input      int64                `json:"input"`
	Kind       string               `json:"kind"`
	Pages      []int                `json:"pages"`
	Confidence float64              `json:"confidence"`
	Language   string               `json:"language"`
	Fields     map[string]fieldJSON `json:"fields,omitempty"`
}

type fieldJSON struct {
	Value       any     `json:"value"`
	Confidence  float64 `json:"confidence"`
	Page        int     `json:"page"`
	NeedsReview bool    `json:"needs_review"`
}

type eventJSON struct {
	At     string          `json:"at"`
	Actor  string          `json:"actor"`
	Kind   string          `json:"kind"`
	Detail json.RawMessage `json:"detail,omitempty"`
}

type letterJSON struct {
	Kind      string `json:"kind"`
	Language  string `json:"language"`
	Recipient string `json:"recipient"`
	Path      string `json:"path"`
	CreatedAt string `json:"created_at"`
}

func cmdCases(args []string, stdout, stderr io.Writer) int {
	const use = "usage: intake cases list [--json] [--status open|closed] [--limit N] | show [--json] NUMBER | unmatched [--json]"
	if len(args) == 0 {
		fmt.Fprintln(stderr, use)
		return 2
	}
	sub := args[0]
	fl := flag.NewFlagSet("intake cases "+sub, flag.ContinueOnError)
	fl.SetOutput(stderr)
	var c common
	if err := c.register(fl, args[1:]); err != nil {
		fmt.Fprintf(stderr, "intake cases: %v\n", err)
		return 2
	}
	asJSON := fl.Bool("json", false, "print JSON (one object per line for list and unmatched)")
	status := fl.String("status", "", "only cases with this status (open, closed)")
	limit := fl.Int("limit", 0, "at most this many cases, newest first")
	if err := fl.Parse(args[1:]); err != nil {
		return 2
	}
	if err := c.ready(false); err != nil {
		fmt.Fprintf(stderr, "intake cases: %v\n", err)
		return 2
	}
	ctx := context.Background()
	st, err := c.openStore(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "intake cases: %v\n", err)
		return 2
	}
	defer st.Close()
	switch sub {
	case "list":
		cases, err := st.ListCases(ctx, store.CaseFilter{Status: *status, Limit: *limit})
		if err != nil {
			fmt.Fprintf(stderr, "intake cases: %v\n", err)
			return 1
		}
		if *asJSON {
			enc := json.NewEncoder(stdout)
			for i := range cases {
				docs, err := st.CaseDocuments(ctx, cases[i].ID)
				if err != nil {
					fmt.Fprintf(stderr, "intake cases: %v\n", err)
					return 1
				}
				if err := enc.Encode(toCaseJSON(&cases[i], docs)); err != nil {
					return 1
				}
			}
			return 0
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CASE\tRECEIVED\tKIND\tTYPE\tURGENT\tACK DUE\tACKED\tDOCS\tREVIEW\tFLAGS")
		for i := range cases {
			cs := &cases[i]
			docs, err := st.CaseDocuments(ctx, cs.ID)
			if err != nil {
				fmt.Fprintf(stderr, "intake cases: %v\n", err)
				return 1
			}
			review := 0
			for _, d := range docs {
				for _, f := range d.Fields {
					if f.NeedsReview && f.CorrectedBy == "" {
						review++
					}
				}
			}
			acked := "no"
			if !cs.AcknowledgedAt.IsZero() {
				acked = cs.AcknowledgedAt.In(zone()).Format("2006-01-02")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n", cs.Number, cs.ReceivedAt.In(zone()).Format("2006-01-02 15:04"),
				cs.Kind, dash(cs.IMRType), yesNo(cs.Urgent), cs.AckDue, acked, len(docs), review, dash(strings.Join(cs.Flags, ",")))
		}
		tw.Flush()
		fmt.Fprintf(stdout, "%d cases\n", len(cases))
		return 0
	case "show":
		if fl.NArg() != 1 {
			fmt.Fprintln(stderr, use)
			return 2
		}
		cs, err := st.CaseByNumber(ctx, strings.ToUpper(fl.Arg(0)))
		if err != nil {
			fmt.Fprintf(stderr, "intake cases: %v\n", err)
			return 1
		}
		if cs == nil {
			fmt.Fprintf(stderr, "intake cases: no case %s\n", fl.Arg(0))
			return 1
		}
		docs, err := st.CaseDocuments(ctx, cs.ID)
		if err != nil {
			fmt.Fprintf(stderr, "intake cases: %v\n", err)
			return 1
		}
		cj := toCaseJSON(cs, docs)
		if evs, err := st.Events(ctx, cs.ID); err == nil {
			for _, e := range evs {
				cj.Events = append(cj.Events, eventJSON{At: e.At.In(zone()).Format("2006-01-02T15:04:05-07:00"), Actor: e.Actor, Kind: e.Kind, Detail: e.Detail})
			}
		}
		if ls, err := st.Letters(ctx, cs.ID); err == nil {
			for _, l := range ls {
				cj.Letters = append(cj.Letters, letterJSON{Kind: l.Kind, Language: l.Language, Recipient: l.Recipient, Path: l.Path,
					CreatedAt: l.CreatedAt.In(zone()).Format("2006-01-02T15:04:05-07:00")})
			}
		}
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			return exitOf(enc.Encode(cj))
		}
		printCase(stdout, cj)
		return 0
	case "unmatched":
		docs, err := st.Unmatched(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "intake cases: %v\n", err)
			return 1
		}
		enc := json.NewEncoder(stdout)
		for _, d := range docs {
			dj := toDocJSON(d)
			if *asJSON {
				if err := enc.Encode(dj); err != nil {
					return 1
				}
				continue
			}
			in, _ := st.InputByID(ctx, d.InputID)
			name := ""
			if in != nil {
				name = in.Name
			}
			fmt.Fprintf(stdout, "document %d (%s, pages %v) of input %d %s: waiting for a person\n", d.ID, d.Kind, d.Pages, d.InputID, name)
		}
		if !*asJSON {
			fmt.Fprintf(stdout, "%d unmatched documents\n", len(docs))
		}
		return 0
	}
	fmt.Fprintln(stderr, use)
	return 2
}

func toCaseJSON(c *record.Case, docs []record.Document) caseJSON {
	cj := caseJSON{Number: c.Number, Status: c.Status, Kind: c.Kind, Urgent: c.Urgent, Issues: orEmpty(c.Issues),
		ReceivedAt: c.ReceivedAt.In(zone()).Format("2006-01-02T15:04:05-07:00"), AckDue: c.AckDue, Flags: orEmpty(c.Flags),
		Enrollee: strings.Join(strings.Fields(c.Enrollee.FirstName+" "+c.Enrollee.LastName), " "), Plan: c.Plan, Documents: []docJSON{}}
	if c.IMRType != "" {
		cj.IMRType = &c.IMRType
	}
	if c.ClinicalArea != "" {
		cj.ClinicalArea = &c.ClinicalArea
	}
	if c.DecisionDate != "" && c.Timely != nil {
		cj.Filing = &filingJSON{DecisionDate: c.DecisionDate, Deadline: c.FilingDeadline, Timely: *c.Timely}
	}
	if !c.AcknowledgedAt.IsZero() {
		cj.Acknowledged = c.AcknowledgedAt.In(zone()).Format("2006-01-02T15:04:05-07:00")
	}
	for _, d := range docs {
		cj.Documents = append(cj.Documents, toDocJSON(d))
	}
	return cj
}

func toDocJSON(d record.Document) docJSON {
	dj := docJSON{ID: d.ID, Input: d.InputID, Kind: d.Kind, Pages: d.Pages, Confidence: d.Confidence, Language: d.Language,
		Fields: map[string]fieldJSON{}}
	for _, f := range d.Fields {
		v, review := f.Value, f.NeedsReview
		if f.CorrectedBy != "" {
			v, review = f.Corrected, false
		}
		dj.Fields[f.Key] = fieldJSON{Value: v, Confidence: f.Confidence, Page: f.Page, NeedsReview: review}
	}
	return dj
}

func printCase(w io.Writer, c caseJSON) {
	fmt.Fprintf(w, "Case %s (%s): %s", c.Number, c.Status, c.Kind)
	if c.IMRType != nil {
		fmt.Fprintf(w, ", %s", *c.IMRType)
	}
	if c.Urgent {
		fmt.Fprint(w, ", URGENT")
	}
	fmt.Fprintf(w, "\n  received %s, acknowledgement due %s", c.ReceivedAt, c.AckDue)
	if c.Acknowledged != "" {
		fmt.Fprintf(w, " (made %s)", c.Acknowledged)
	}
	fmt.Fprintf(w, "\n  enrollee %s, plan %s\n", dash(c.Enrollee), dash(c.Plan))
	if c.ClinicalArea != nil {
		fmt.Fprintf(w, "  clinical area: %s\n", *c.ClinicalArea)
	}
	if len(c.Issues) > 0 {
		fmt.Fprintf(w, "  issues: %s\n", strings.Join(c.Issues, ", "))
	}
	if c.Filing != nil {
		fmt.Fprintf(w, "  plan decision %s, filing deadline %s, timely %s\n", c.Filing.DecisionDate, c.Filing.Deadline, yesNo(c.Filing.Timely))
	}
	if len(c.Flags) > 0 {
		fmt.Fprintf(w, "  flags: %s\n", strings.Join(c.Flags, ", "))
	}
	for _, d := range c.Documents {
		fmt.Fprintf(w, "\n  %s (document %d of input %d, pages %v, %s, confidence %.2f)\n", d.Kind, d.ID, d.Input, d.Pages, d.Language, d.Confidence)
		keys := make([]string, 0, len(d.Fields))
		for k := range d.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			f := d.Fields[k]
			mark := " "
			if f.NeedsReview {
				mark = "?"
			}
			fmt.Fprintf(w, "   %s %-28s %v  (%.2f, page %d)\n", mark, k, f.Value, f.Confidence, f.Page)
		}
	}
	if len(c.Events) > 0 {
		fmt.Fprintln(w, "\n  history:")
		for _, e := range c.Events {
			fmt.Fprintf(w, "   %s  %-20s %s\n", e.At, e.Kind, e.Actor)
		}
	}
	fmt.Fprintln(w, "\n  ? = needs review")
}

func cmdMigrate(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("intake migrate", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var c common
	if err := c.register(fl, args); err != nil {
		fmt.Fprintf(stderr, "intake migrate: %v\n", err)
		return 2
	}
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if err := c.ready(false); err != nil {
		fmt.Fprintf(stderr, "intake migrate: %v\n", err)
		return 2
	}
	ctx := context.Background()
	st, err := c.openStore(ctx) // Open applies the migrations
	if err != nil {
		fmt.Fprintf(stderr, "intake migrate: %v\n", err)
		return 1
	}
	defer st.Close()
	v, err := st.SchemaVersion(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "intake migrate: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "The %s store is at schema version %d.\n", st.Backend(), v)
	return 0
}

func zone() *time.Location { return pipeline.HelpCenterZone }

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func exitOf(err error) int {
	if err != nil {
		return 1
	}
	return 0
}
