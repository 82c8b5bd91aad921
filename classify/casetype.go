package classify

import (
	_ "embed"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// CaseFacts is what the documents of one envelope say about the case they open or join,
// as the contract's case record has it (the action and number come from the store).
type CaseFacts struct {
	Kind         string   // imr, consumer_complaint, undetermined
	IMRType      string   // medical_necessity, experimental_investigational, urgent_emergency; "" for none
	Urgent       bool     // when in doubt, urgent
	Issues       []string // sorted
	ClinicalArea string   // a treatment category of the IMR vocabulary; "" when not known
	Filing       *Filing  // nil without a plan letter
	Flags        []string // sorted
}

// Filing is the six-month window from the plan's written decision.
type Filing struct {
	DecisionDate string // YYYY-MM-DD
	Deadline     string
	Timely       bool
}

// helpCenterZone is the Help Center's time zone: deadlines end at midnight there.
var helpCenterZone = func() *time.Location {
	if l, err := time.LoadLocation("America/Los_Angeles"); err == nil {
		return l
	}
	return time.FixedZone("PST", -8*3600)
}()

// TypeCase reads the case's kind, type, urgency, issues, clinical area, filing window and
// flags from the documents of one envelope received at received.
func TypeCase(docs []Document, received time.Time) CaseFacts {
	var form, letter, cover, assistant *Document
	physicianUrgent := false
	for i := range docs {
		d := &docs[i]
		switch d.Kind {
		case IMRForm:
			if form == nil {
				form = d
			}
		case DenialLetter:
			if letter == nil {
				letter = d
			}
		case FaxCover:
			if cover == nil {
				cover = d
			}
		case AssistantForm:
			assistant = d
		case Supporting:
			if d.Urgent {
				physicianUrgent = true
			}
		}
	}
	str := func(d *Document, key string) string {
		if d == nil {
			return ""
		}
		if f, ok := d.Fields[key]; ok {
			if s, ok := f.Value.(string); ok {
				return s
			}
		}
		return ""
	}
	boolean := func(d *Document, key string) (bool, bool) {
		if d == nil {
			return false, false
		}
		if f, ok := d.Fields[key]; ok {
			if b, ok := f.Value.(bool); ok {
				return b, true
			}
		}
		return false, false
	}
	var c CaseFacts
	if form == nil {
		c.Kind = "undetermined"
		c.Flags = []string{"no_form"}
		if letter != nil {
			c.Filing = filing(str(letter, "letter.date"), received)
		}
		return c
	}

	// The reason: the form's answer, else the plan's letter.
	reason := map[string]string{
		"not_medically_necessary": "medical_necessity", "experimental_investigational": "experimental_investigational",
		"not_emergency_urgent": "not_emergency_urgent", "not_covered_benefit": "not_covered", "other": "other",
	}[str(form, "denial_reason")]
	if reason == "" {
		reason = str(letter, "reason")
	}
	problem := fold(str(form, "problem"))
	issues := map[string]bool{}
	for issue, cues := range issueCues {
		for _, cue := range cues {
			if strings.Contains(problem, cue) {
				issues[issue] = true
			}
		}
	}
	switch reason {
	case "medical_necessity", "experimental_investigational", "not_covered":
		issues["cannot_get_treatment"] = true
	case "not_emergency_urgent":
		issues["emergency_bill"] = true
	}
	denied, known := boolean(form, "plan_denied")
	if !known {
		denied = letter != nil
	}
	switch {
	case reason == "not_emergency_urgent" || (issues["emergency_bill"] && denied):
		c.Kind, c.IMRType = "imr", "urgent_emergency"
	case reason == "experimental_investigational":
		c.Kind, c.IMRType = "imr", "experimental_investigational"
	case reason == "medical_necessity" && denied:
		c.Kind, c.IMRType = "imr", "medical_necessity"
	default:
		c.Kind = "consumer_complaint"
	}
	// A complaint about money or coverage is not also "cannot get treatment" unless the plan
	// refused a service.
	if c.Kind == "imr" && c.IMRType == "urgent_emergency" {
		delete(issues, "billing_claim_copay")
	}
	if c.Kind == "consumer_complaint" && reason != "not_covered" && len(issues) > 1 {
		delete(issues, "cannot_get_treatment")
	}
	if len(issues) == 0 {
		issues["other"] = true
	}
	for i := range issues {
		c.Issues = append(c.Issues, i)
	}
	sort.Strings(c.Issues)

	// Urgent: the problem says so, a physician certified it, or the fax cover is marked.
	for _, cue := range urgentCues {
		if strings.Contains(problem, cue) {
			c.Urgent = true
		}
	}
	if u, ok := boolean(cover, "fax.urgent"); ok && u {
		c.Urgent = true
	}
	if physicianUrgent {
		c.Urgent = true
	}

	service := str(letter, "service")
	if service == "" {
		service = str(form, "treatment_requested")
	}
	c.ClinicalArea = ClinicalArea(service + " " + str(form, "treatment_requested") + " " + str(form, "condition"))

	if letter != nil {
		c.Filing = filing(str(letter, "letter.date"), received)
	}
	flags := map[string]bool{}
	if g, ok := boolean(form, "grievance_filed"); ok && !g {
		flags["grievance_not_filed"] = true
	}
	if c.Filing != nil && !c.Filing.Timely {
		flags["possibly_late"] = true
	}
	if s, ok := boolean(form, "signed"); ok && !s {
		flags["unsigned"] = true
	}
	if str(form, "patient.street") == "" || str(form, "patient.city") == "" || str(form, "patient.zip") == "" {
		flags["missing_address"] = true
	}
	if w, ok := boolean(form, "wants_assistant"); ok && w && assistant == nil {
		flags["needs_assistant_form"] = true
	}
	mc, _ := boolean(form, "medi_cal")
	fh, _ := boolean(form, "fair_hearing")
	if mc && fh {
		flags["medi_cal_fair_hearing"] = true
	}
	for f := range flags {
		c.Flags = append(c.Flags, f)
	}
	sort.Strings(c.Flags)
	return c
}

func filing(letterDate string, received time.Time) *Filing {
	d, err := time.Parse("2006-01-02", letterDate)
	if err != nil {
		return nil
	}
	deadline := d.AddDate(0, 6, 0)
	end := time.Date(deadline.Year(), deadline.Month(), deadline.Day(), 23, 59, 59, 0, helpCenterZone)
	return &Filing{DecisionDate: letterDate, Deadline: deadline.Format("2006-01-02"), Timely: !received.After(end)}
}

// issueCues are words of the problem text, folded, for each issue of the contract.
var issueCues = map[string][]string{
	"wait_too_long":        {"waiting more than", "weeks for an appointment", "no appointments", "wait too long", "esperado mas de", "semanas para una cita", "no hay citas"},
	"cannot_get_treatment": {"denied it", "refuses to cover", "would not approve", "lo nego", "no quiere cubrir"},
	"discharged_too_soon":  {"discharged", "sent home too soon", "dieron de alta"},
	"coverage_terminated":  {"cancelled my coverage", "canceled my coverage", "terminated my coverage", "coverage ended", "cancelo mi cobertura", "termino mi cobertura"},
	"billing_claim_copay":  {"balance billing", "getting bills", "copay", "co-pay", "facturas", "me cobra", "claim was denied"},
	"emergency_bill":       {"emergency room", "sala de emergencias", "emergency bill", "refuses to pay the bill", "se niega a pagar"},
	"language_services":    {"interpreter", "interprete", "in my language", "en mi idioma"},
	"provider_left_plan":   {"left the plan", "no longer in the network", "left my plan", "dejo el plan", "ya no esta en la red"},
}

// urgentCues are what a person writes when care cannot wait.
var urgentCues = []string{
	"urgent", "emergency and i could", "imminent", "serious threat", "serious harm", "severe pain", "getting worse every day",
	"could lose", "cannot wait", "can't wait", "urgente", "amenaza inminente", "dano grave", "empeora cada dia", "mucho dolor",
}

//go:embed imr-vocabulary.tsv
var vocabularyTSV string

type areaEntry struct {
	area   string
	phrase []string // sub-category tokens
	weight float64
}

var (
	areas       []areaEntry
	areaWeights = map[string]float64{}
)

// nameWords returns, for each word of the treatment categories' names, the categories
// whose names hold it.
func nameWords() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, line := range strings.Split(vocabularyTSV, "\n") {
		if f := strings.Split(line, "\t"); len(f) >= 4 && f[0] == "treatment" {
			for _, t := range phraseTokens(strings.NewReplacer("/", " ", "-", " ").Replace(f[1])) {
				if out[t] == nil {
					out[t] = map[string]bool{}
				}
				out[t][f[1]] = true
			}
		}
	}
	return out
}

// namedElsewhere says whether in holds a category other than area.
func namedElsewhere(in map[string]bool, area string) bool {
	for a := range in {
		if a != area {
			return true
		}
	}
	return false
}

func init() {
	names := nameWords()
	for _, line := range strings.Split(vocabularyTSV, "\n") {
		f := strings.Split(line, "\t")
		if len(f) < 4 || f[0] != "treatment" || f[1] == "Not Applicable" {
			continue
		}
		n, _ := strconv.Atoi(f[3])
		areaWeights[f[1]] += float64(n)
		if f[2] == "" || f[2] == "Other" {
			continue
		}
		// A sub-category of one word that names another category ("Surgery" under Cancer
		// Treatment, beside General Surgery) says nothing of this one: any surgery has it.
		if sub := phraseTokens(f[2]); len(sub) == 1 && namedElsewhere(names[sub[0]], f[1]) {
			continue
		}
		areas = append(areas, areaEntry{area: f[1], phrase: phraseTokens(strings.NewReplacer("/", " ", "-", " ").Replace(f[2])), weight: math.Log1p(float64(n))})
	}
}

// erRE finds an emergency department, or an ER, in folded text.
var erRE = regexp.MustCompile(`\s(?:emergency department|er)\s`)

// strongAreaCues are words that settle the category on their own.
var strongAreaCues = map[string][]string{
	"Cancer Treatment":                              {"car-t", "car t-cell", "chemotherapy", "lymphoma", "cancer", "oncology", "tumor", "immunotherapy", "keytruda", "pembrolizumab", "proton beam"},
	"Mental Health Treatment":                       {"psychiatric", "psychiatry", "eating disorder", "residential treatment"},
	"Electrical/ Thermal/ Radiofreq. Interventions": {"tms", "transcranial", "spinal cord stimulator", "radiofrequency ablation"},
	"Orthopedic":                                    {"knee", "hip replacement", "shoulder", "arthroscopy", "acl"},
	"Autism Related Treatment":                      {"aba", "autism", "applied behavior"},
	"Durable Medical Equipment":                     {"glucose monitor", "wheelchair", "cpap", "insulin pump"},
}

// drugRE: a brand name followed by its generic name in brackets, "Humira (adalimumab)".
var drugRE = regexp.MustCompile(`\b[A-Z][A-Za-z-]+\s\((?:[a-z]+[/ -]?){1,3}\)`)

// areaCues are general words for the categories whose sub-categories say little.
var areaCues = map[string][]string{
	"Pharmacy/Prescription Drugs":                   {"mg", "tablet", "tablets", "capsule", "capsules", "injection", "injections", "medication", "medicine", "drug", "prescription", "inhaler", "dose", "pen", "infusion", "infusions", "ivig"},
	"Diagnostic Imaging, Screening and Testing":     {"mri", "ct", "pet", "scan", "x-ray", "ultrasound", "mammogram", "tomosynthesis", "imaging", "test", "testing", "genetic", "panel", "angiography", "screening"},
	"Mental Health Treatment":                       {"psychiatric", "psychotherapy", "eating", "intensive outpatient", "behavioral", "depression", "residential"},
	"Autism Related Treatment":                      {"aba", "autism", "applied behavior"},
	"Rehabilitation Services - Outpatient":          {"physical therapy", "speech therapy", "occupational therapy", "rehabilitation", "visits"},
	"Orthopedic":                                    {"knee", "hip", "shoulder", "joint", "arthroscopy", "orthopedic"},
	"General Surgery":                               {"surgery", "bariatric", "gastric", "sleeve", "hernia"},
	"Reconstructive/Plastic Surgery":                {"reconstruction", "reconstructive", "reduction", "blepharoplasty", "panniculectomy"},
	"Cancer Treatment":                              {"chemotherapy", "radiation", "proton", "oncology", "tumor"},
	"Durable Medical Equipment":                     {"wheelchair", "glucose monitor", "cpap", "pump", "equipment", "brace", "prosthetic", "hearing aid", "sensors"},
	"Cardio Vascular":                               {"cardiac", "heart", "stent", "valve", "pacemaker"},
	"Emergency/Urgent Care":                         {"urgent care", "ambulance"},
	"Pain Management":                               {"pain", "epidural", "nerve block", "spinal cord stimulator"},
	"Electrical/ Thermal/ Radiofreq. Interventions": {"transcranial", "magnetic stimulation", "tms", "radiofrequency"},
	"Alternative Treatment":                         {"acupuncture"},
	"Chiropractic":                                  {"chiropractic", "chiropractor"},
	"OB/GYN Procedures":                             {"ivf", "fertility", "hysterectomy", "in vitro"},
	"Ophthalmology":                                 {"cataract", "retina", "eye surgery"},
	"Home Health Care":                              {"home health", "nursing visits"},
	"Acute Medical Services - Inpatient":            {"inpatient", "hospital admission", "hospitalization"},
	"Rehabilitation Services - Skilled Nursing Facility - Inpatient": {"skilled nursing"},
}

// ClinicalArea tags a requested service with a treatment category of the public IMR
// vocabulary: sub-category names found in the text, then general words of each category,
// ties to the category seen more often. "" when nothing matches.
func ClinicalArea(service string) string {
	// An emergency department, an ER, is the vocabulary's "Emergency Room", which it files
	// under two categories: the one it saw more often wins (areaWeights).
	f := strings.TrimSpace(erRE.ReplaceAllString(" "+fold(service)+" ", " emergency room "))
	toks := map[string]bool{}
	for _, t := range phraseTokens(strings.NewReplacer("/", " ", "-", " ", "(", " ", ")", " ", ",", " ").Replace(f)) {
		toks[t] = true
	}
	score := map[string]float64{}
	for _, a := range areas {
		all := len(a.phrase) > 0
		for _, t := range a.phrase {
			if !toks[t] {
				all = false
				break
			}
		}
		if all {
			score[a.area] += 2 * float64(len(a.phrase))
		}
	}
	for area, cues := range areaCues {
		for _, c := range cues {
			if strings.Contains(c, " ") {
				if strings.Contains(f, c) {
					score[area] += 2
				}
			} else if toks[c] {
				score[area]++
			}
		}
	}
	// A test for a cancer ("hereditary cancer panel", "BRCA genetic test") is a test.
	testing := toks["test"] || toks["testing"] || toks["panel"] || toks["screening"]
	for area, cues := range strongAreaCues {
		if testing && area == "Cancer Treatment" {
			continue
		}
		for _, c := range cues {
			if strings.Contains(c, " ") || strings.Contains(c, "-") {
				if strings.Contains(f, c) {
					score[area] += 4
				}
			} else if toks[c] {
				score[area] += 4
			}
		}
	}
	if drugRE.MatchString(service) {
		score["Pharmacy/Prescription Drugs"] += 3
	}
	best, bestS := "", 0.0
	for area, s := range score {
		if s > bestS || s == bestS && s > 0 && areaWeights[area] > areaWeights[best] {
			best, bestS = area, s
		}
	}
	return best
}
