package classify

import (
	"image"
	"reflect"
	"strings"
	"testing"
	"time"

	"intake/classify/barcode"
	"intake/ocr"
)

// textPage lays lines of text out on a 2550x3300 page (300 dpi letter), one line every 60
// pixels from the top, words 20 pixels apart, as an OCR engine would report them. A line
// that starts with "^" is the page's footer, at the bottom.
func textPage(lines ...string) Page {
	var words []ocr.Word
	for li, l := range lines {
		x := 150
		y := 150 + li*60
		if strings.HasPrefix(l, "^") {
			l, y = l[1:], 3150
		}
		for _, w := range strings.Fields(l) {
			wd := 22 * len([]rune(w))
			words = append(words, ocr.Word{Text: w, Box: image.Rect(x, y, x+wd, y+30), Confidence: 0.96, Line: li})
			x += wd + 20
		}
	}
	return Page{OCR: ocr.NewPage(2550, 3300, 300, words), Ink: 0.03}
}

func kinds(r Result) [][2]any {
	var out [][2]any
	for _, d := range r.Documents {
		out = append(out, [2]any{d.Kind, d.Pages})
	}
	return out
}

func TestSeparation(t *testing.T) {
	cover := textPage("FAX COVER SHEET", "Date: 11/03/2026", "To: DMHC Help Center", "Fax number: (916) 255-5241",
		"From: Ana Diaz", "Phone: (805) 223-7932", "Pages: 6 (including cover)", "Subject: IMR application")
	form1 := textPage("STATE OF CALIFORNIA - DEPARTMENT OF MANAGED HEALTH CARE", "INDEPENDENT MEDICAL REVIEW (IMR) APPLICATION/COMPLAINT FORM",
		"PATIENT INFORMATION", "HEALTH PLAN INFORMATION", "^IMR APPLICATION/COMPLAINT FORM - English Page 1 DMHC 20-224 (Rev 09/25)")
	form2 := textPage("YOUR HEALTH PROBLEM", "MEDICAL RELEASE", "^IMR APPLICATION/COMPLAINT FORM - English Page 2 DMHC 20-224 (Rev 09/25)")
	blank := Page{OCR: ocr.NewPage(2550, 3300, 300, nil)}
	letter1 := textPage("Golden Poppy Health Plan", "October 2, 2026", "RE: Member: Ana Diaz", "Member ID: GP565188091",
		"Dear Ana Diaz:", "Your request has been denied. The service is not medically necessary.",
		"If you disagree with this decision you may file an appeal or grievance.", "Page 1 of 2")
	letter2 := textPage("Ana Diaz", "Member ID GP565188091", "Page 2 of 2",
		"The California Department of Managed Health Care is responsible for regulating health care service plans.",
		"You may be eligible for an Independent Medical Review (IMR). Call 1-888-466-2219.")
	sep := Page{OCR: ocr.NewPage(2550, 3300, 300, nil), Symbols: []barcode.Symbol{{Kind: barcode.KindPatch, Text: "T"}}, Ink: 0.05}
	note := textPage("Valley Family Medicine", "PROGRESS NOTE", "Patient: Diaz, Ana DOB 01/02/1970", "Chief complaint: knee pain",
		"Assessment and plan: continue physical therapy")

	res := Analyze([]Page{cover, form1, form2, blank, letter1, letter2, sep, note}, time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC))
	want := [][2]any{
		{FaxCover, []int{1}}, {IMRForm, []int{2, 3}}, {DenialLetter, []int{5, 6}}, {Supporting, []int{8}},
	}
	if got := kinds(res); !reflect.DeepEqual(got, want) {
		t.Errorf("documents %v, want %v", got, want)
	}
	if !reflect.DeepEqual(res.Blank, []int{4}) || !reflect.DeepEqual(res.Separators, []int{7}) {
		t.Errorf("blank %v separators %v, want [4] [7]", res.Blank, res.Separators)
	}
	if n := len(res.Documents); n == 4 && (res.Documents[2].Envelope != 0 || res.Documents[3].Envelope != 1) {
		t.Errorf("envelopes: the separator sheet must start envelope 1")
	}
	if n := len(res.Documents); n >= 3 {
		f := res.Documents[2].Fields
		if f["decision"].Value != "denied" || f["reason"].Value != "medical_necessity" || f["imr_notice"].Value != true {
			t.Errorf("letter: decision %v reason %v notice %v", f["decision"].Value, f["reason"].Value, f["imr_notice"].Value)
		}
		if f["member.id"].Value != "GP565188091" || f["letter.date"].Value != "2026-10-02" {
			t.Errorf("letter: member id %v, date %v", f["member.id"].Value, f["letter.date"].Value)
		}
	}
	if f := res.Documents[0].Fields; f["fax.to_fax"].Value != "9162555241" || f["fax.from_phone"].Value != "8052237932" || f["fax.pages"].Value != "6" {
		t.Errorf("cover: to fax %v, from phone %v, pages %v", f["fax.to_fax"].Value, f["fax.from_phone"].Value, f["fax.pages"].Value)
	}
}

func TestFormPagesStayTogetherAndTwoFormsSplit(t *testing.T) {
	form := func(n string) Page {
		section := "YOUR HEALTH PROBLEM" // only the first page opens with the patient's section
		if n == "1" {
			section = "PATIENT INFORMATION"
		}
		return textPage("INDEPENDENT MEDICAL REVIEW (IMR) APPLICATION/COMPLAINT FORM", section, "HEALTH PLAN INFORMATION",
			"^IMR APPLICATION/COMPLAINT FORM - English Page "+n+" DMHC 20-224 (Rev 09/25)")
	}
	// Page 2 ahead of page 1, then a second form (its page 1 again).
	res := Analyze([]Page{form("2"), form("1"), form("3"), form("1"), form("2")}, time.Time{})
	want := [][2]any{{IMRForm, []int{1, 2, 3}}, {IMRForm, []int{4, 5}}}
	if got := kinds(res); !reflect.DeepEqual(got, want) {
		t.Errorf("documents %v, want %v", got, want)
	}
	// A blurred fax's first page whose footer reads "Page 2": its patient section says it
	// is the first page, and the form's real page 2 after it does not start another form.
	first := form("1")
	first.OCR.Lines[len(first.OCR.Lines)-1].Text = "IMR APPLICATION/COMPLAINT FORM - English Page 2 DMHC 20-224 (Rev 09/25)"
	res = Analyze([]Page{first, form("2"), form("3")}, time.Time{})
	if got := kinds(res); !reflect.DeepEqual(got, [][2]any{{IMRForm, []int{1, 2, 3}}}) {
		t.Errorf("a first page misread as page 2: documents %v, want one form of 3 pages", got)
	}
}

func TestLanguage(t *testing.T) {
	es := textPage("Estimado(a) Ana Diaz:", "Su solicitud ha sido negada porque el servicio no es médicamente necesario para usted.",
		"Si no está de acuerdo con esta decisión, puede presentar una apelación ante su plan de salud.")
	if lang, _ := language(bodyText(es.OCR)); lang != "es" {
		t.Errorf("Spanish letter read as %s", lang)
	}
	en := textPage("Dear Ana Diaz:", "Your request has been denied because the service is not medically necessary for you.")
	if lang, _ := language(bodyText(en.OCR)); lang != "en" {
		t.Errorf("English letter read as %s", lang)
	}
}

func TestCaseTyping(t *testing.T) {
	form := Document{Kind: IMRForm, Fields: map[string]Field{
		"denial_reason": {Value: "experimental_investigational"}, "plan_denied": {Value: true},
		"grievance_filed": {Value: false}, "signed": {Value: true}, "problem": {Value: "My doctor says waiting could cause serious harm. This is urgent."},
		"patient.street": {Value: "1 Main St"}, "patient.city": {Value: "Fresno"}, "patient.zip": {Value: "93722"},
		"treatment_requested": {Value: "proton beam therapy"}, "wants_assistant": {Value: true},
	}}
	letter := Document{Kind: DenialLetter, Fields: map[string]Field{"letter.date": {Value: "2026-03-01"}, "reason": {Value: "experimental_investigational"}}}
	c := TypeCase([]Document{form, letter}, time.Date(2026, 11, 20, 10, 0, 0, 0, helpCenterZone))
	if c.Kind != "imr" || c.IMRType != "experimental_investigational" || !c.Urgent {
		t.Errorf("kind %s type %s urgent %v", c.Kind, c.IMRType, c.Urgent)
	}
	if c.Filing == nil || c.Filing.Deadline != "2026-09-01" || c.Filing.Timely {
		t.Errorf("filing %+v: six months from 2026-03-01 ended before 2026-11-20", c.Filing)
	}
	wantFlags := []string{"grievance_not_filed", "needs_assistant_form", "possibly_late"}
	if !reflect.DeepEqual(c.Flags, wantFlags) {
		t.Errorf("flags %v, want %v", c.Flags, wantFlags)
	}
	if c.ClinicalArea != "Cancer Treatment" {
		t.Errorf("clinical area %q", c.ClinicalArea)
	}
	// Billing: a consumer complaint.
	bill := Document{Kind: IMRForm, Fields: map[string]Field{"plan_denied": {Value: false},
		"problem": {Value: "I keep getting bills from the hospital. The provider is balance billing me."}}}
	c = TypeCase([]Document{bill}, time.Now())
	if c.Kind != "consumer_complaint" || !reflect.DeepEqual(c.Issues, []string{"billing_claim_copay"}) || c.Urgent {
		t.Errorf("billing: kind %s issues %v urgent %v", c.Kind, c.Issues, c.Urgent)
	}
	// A letter alone: the Help Center cannot tell yet.
	c = TypeCase([]Document{letter}, time.Now())
	if c.Kind != "undetermined" || !reflect.DeepEqual(c.Flags, []string{"no_form"}) {
		t.Errorf("letter alone: kind %s flags %v", c.Kind, c.Flags)
	}
}

// TestFaxCoverWithoutFrom: a fax cover whose title and From line OCR lost (seed 2890's
// fax001024.tif) is still a fax cover by its own words.
func TestFaxCoverWithoutFrom(t *testing.T) {
	cover := textPage(
		"Fax | Office of Dr. 619.503 Beatriz 6419 Park",
		"To: DMHC - Independent Medical Review",
		"Fax 916.255.5241 Fax 619.503.1284",
		"e oo co e A ——",
		"Phone:",
		"Date: November 6, 2026 pages: 6",
		"Re Records for Teresa Diaz",
		"Urgent For Review Please Comment Please Reply Please Recycle",
		"Comments:",
		"Enclosed please find records and a letter of medical necessity from Dr. Beatriz Park for our patient.",
	)
	res := Analyze([]Page{cover}, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	if len(res.Documents) != 1 || res.Documents[0].Kind != FaxCover {
		t.Errorf("documents %v, want one fax cover", kinds(res))
	}
}

// TestLanguageOverItsQuestion: the primary language's caption misread beyond recognition
// ("Tdiorha principal", seed 2890), the language's name alone over the question is it.
func TestLanguageOverItsQuestion(t *testing.T) {
	pg := textPage(
		"SOLO PARA INFORMACION ESTADÍSTICA",
		"Español",
		"Tdiorha principal",
		"¿Desea que nos comuniquemos con usted en su idioma principal? Si No",
	)
	fields := map[string]Field{}
	extractForm(Document{Kind: IMRForm, Pages: []int{4}}, []Page{pg}, fields)
	if f := fields["primary_language"]; f.Value != "Español" || !f.NeedsReview && f.Confidence >= 0.9 {
		t.Errorf("primary language = %v at %.2f, want Español with its confidence lowered", f.Value, f.Confidence)
	}
}

// TestCoarsePagesDoubted: a value read on a fax at normal resolution (98 dpi down the page)
// counts for less than the same value read on a fine one; a checkbox, measured, and a
// return sheet's case number, checked, do not.
func TestCoarsePagesDoubted(t *testing.T) {
	fine := ocr.NewPage(1728, 2200, 204, nil)
	fine.Info = ocr.Preparation{SourceXDPI: 204, SourceYDPI: 196}
	normal := ocr.NewPage(1728, 2200, 204, nil)
	normal.Info = ocr.Preparation{SourceXDPI: 204, SourceYDPI: 98, Resampled: true}
	docs := []Document{{Kind: IMRForm, Fields: map[string]Field{
		"patient.dob":     {Value: "1963-10-17", Confidence: 0.8, Page: 2},
		"patient.city":    {Value: "Fresno", Confidence: 0.8, Page: 1},
		"grievance_filed": {Value: true, Confidence: 0.8, Page: 2},
	}}, {Kind: ReturnSheet, Fields: map[string]Field{
		"case.number": {Value: "HC26-000123-5", Confidence: 0.99, Page: 2},
	}}}
	coarseDoubt(docs, []Page{{OCR: fine}, {OCR: normal}})
	f := docs[0].Fields
	if f["patient.dob"].Confidence >= 0.75 || f["patient.city"].Confidence != 0.8 || f["grievance_filed"].Confidence != 0.8 {
		t.Errorf("dob %.2f (coarse page), city %.2f (fine page), checkbox %.2f (coarse page)",
			f["patient.dob"].Confidence, f["patient.city"].Confidence, f["grievance_filed"].Confidence)
	}
	if c := docs[1].Fields["case.number"].Confidence; c != 0.99 {
		t.Errorf("a case number its barcode and check digit vouch for: %.2f on a coarse page", c)
	}
}
