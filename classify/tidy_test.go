package classify

import (
	"image"
	"strings"
	"testing"
	"time"

	"intake/classify/omr"
	"intake/ocr"
)

func TestTidyFieldsDoubts(t *testing.T) {
	fields := map[string]Field{
		// A stray stop inside an organisation's name is taken out.
		"plan.name": {Value: "Central. Valley Community Health", Confidence: 0.95},
		// Punctuation no subject holds: kept as read, but a person looks.
		"fax.subject": {Value: "URGENT - Help Center.complaint for my: family member", Confidence: 0.9},
		// Abbreviations keep their stops and are trusted.
		"requesting_provider": {Value: "Dr. Paul Shapiro", Confidence: 0.9},
		"letter.sender":       {Value: "Pacific Crest Health, Inc.", Confidence: 0.9},
	}
	tidyFields(fields)
	if f := fields["plan.name"]; f.Value != "Central Valley Community Health" {
		t.Errorf("plan.name = %q", f.Value)
	}
	if f := fields["fax.subject"]; !f.NeedsReview || f.Value != "URGENT - Help Center.complaint for my: family member" {
		t.Errorf("fax.subject = %q, review %v", f.Value, f.NeedsReview)
	}
	for _, k := range []string{"requesting_provider", "letter.sender"} {
		if f := fields[k]; f.NeedsReview || f.Confidence < 0.85 {
			t.Errorf("%s %q sent to review (%.2f)", k, f.Value, f.Confidence)
		}
	}
	for in, want := range map[string]bool{
		"URGENT - IMR supporting documents: Arturo. Hernandez-Kim": true,
		"Records for Mrs. Lopez":                                   false,
		"Letter of medical necessity, Jennifer Ramirez":            false,
		"St. Joseph Medical Group":                                 false,
	} {
		if got := strayMarks(in); got != want {
			t.Errorf("strayMarks(%q) = %v", in, got)
		}
	}
}

func TestPlanNamesDisagree(t *testing.T) {
	for _, c := range []struct {
		form, letter string
		review       bool
	}{
		{"Goiden Poppy", "Golden Poppy Health Plan", true},
		{"Centrál Valley Community Health", "Central Valley Community Health Partnership", true},
		{"Golden Poppy", "GOLDEN POPPY HEALTH PLAN", false},
		{"Blue Shield", "Sierra Vista Health Plan", false},
	} {
		// The letter's plan, or its letterhead ("Lakeshore Biue Health Plan").
		for _, lk := range []string{"plan.name", "letter.sender"} {
			form := &Document{Kind: IMRForm, Fields: map[string]Field{"plan.name": {Value: c.form, Confidence: 0.9}}}
			letter := &Document{Kind: DenialLetter, Fields: map[string]Field{lk: {Value: c.letter, Confidence: 0.9}}}
			validate([]Document{*form, *letter}, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
			if got := form.Fields["plan.name"].NeedsReview; got != c.review {
				t.Errorf("%q against the letter's %s %q: review %v, want %v", c.form, lk, c.letter, got, c.review)
			}
			if letter.Fields[lk].NeedsReview != c.review {
				t.Errorf("%q against %q: the letter's review flag differs from the form's", c.form, c.letter)
			}
		}
	}
}

func TestReceivedStamp(t *testing.T) {
	if !receivedStamp("RECEIVED") || !receivedStamp(" Recibido: ") || receivedStamp("Received your request on") {
		t.Error("receivedStamp")
	}
}

// Text whose lower-case or folded form has another length than itself must not be cut
// at an index found in that form (a panic, or a cut in the wrong place).
func TestCutsWhereTheTextChangesLength(t *testing.T) {
	c, ok := criteriaOf("Criteria used: " + strings.Repeat("Ⱥ", 30) + ", reviewer X. ")
	if !ok || c != strings.Repeat("Ⱥ", 30) {
		t.Errorf("criteriaOf = %q, %v", c, ok)
	}
	if k := indexFold("Clínica Médica Teléfono: 555", " telefono"); k != len("Clínica Médica") {
		t.Errorf("indexFold = %d, want %d", k, len("Clínica Médica"))
	}
}

func TestMoreDoubts(t *testing.T) {
	if !lowerWord("Oak land") || lowerWord("Paso de Robles") || lowerWord("Los Angeles") {
		t.Error("lowerWord")
	}
	if !oneDiff("2005-06-15", "2005-06-18") || oneDiff("2005-06-15", "2005-06-15") || oneDiff("2005-06-15", "2005-07-18") {
		t.Error("oneDiff")
	}
	if !sentenceLike("Medi gratuita, llámenos, Esta decisión fue tomada por Rahul Achebe") || sentenceLike("InterQual Durable Medical Equipment Criteria") {
		t.Error("sentenceLike")
	}
	// The form's and the letter's birth dates one digit apart: both go to a person.
	form := &Document{Kind: IMRForm, Fields: map[string]Field{"patient.dob": {Value: "2005-06-18", Confidence: 0.89}}}
	letter := &Document{Kind: DenialLetter, Fields: map[string]Field{"member.dob": {Value: "2005-06-15", Confidence: 0.9}}}
	agree(form, "patient.dob", letter, "member.dob", func(a, b string) bool { return a == b })
	if !form.Fields["patient.dob"].NeedsReview || !letter.Fields["member.dob"].NeedsReview {
		t.Error("birth dates one digit apart were not sent to review")
	}
}

// TestMemberIDInText: a letter's member id where the label and the value are apart: after
// a dash on the next line past a sidebar's word, run together with its label, and as the
// Medi-Cal CIN.
func TestMemberIDInText(t *testing.T) {
	for text, want := range map[string]string{
		"Member: Veronica R. Delgado | Date of birth: 07/03/1968 | Member ID: -\nPhone BH26024810601 | Reference: AUTH-2026-364867":         "BH26024810601",
		"RE: Member: Mei P. Cruz\nMemberID: — LKB380455764\nDate of Birth: June 21, 1949":                                                   "LKB380455764",
		"Nombre del miembro: Wei R. Anderson\nFecha de nacimiento: 02/17/1954\nN.° de Medi-Cal / CIN: 963130093":                            "963130093",
		"Miembro: Jose A. Cruz | Fecha de nacimiento: 01/22/1952 | N.° de miembro:\n1-800-555-0101 GP679193693 | Referencia: A-2026-610280": "GP679193693",
	} {
		m := memberIDTextRE.FindStringSubmatch(fold(strings.Join(strings.Fields(text), " ")))
		if m == nil {
			t.Errorf("no member id found in %q", text)
			continue
		}
		if id, ok := memberID(m[1]); !ok || id != want {
			t.Errorf("member id %q in %q, want %s", id, text, want)
		}
	}
	if m := memberIDTextRE.FindStringSubmatch(fold("Llame a Servicios para Miembros al 888-555-0123, cinco dias")); m != nil {
		t.Errorf("a member id found in a sentence with none: %q", m[1])
	}
}

// TestReferenceInText: a reference number named in running text, its label apart from it
// or the first part of it.
func TestReferenceInText(t *testing.T) {
	for text, want := range map[string]string{
		"N.° de miembro PCH72303581; caso AUTH-2026-688144":   "AUTH-2026-688144",
		"RE: Ana Diaz, DOB 01/02/1990; Case A-12345":          "A-12345",
		"Reference #: UM-2026-118734":                         "UM-2026-118734",
		"Authorization 2026-445120 was reviewed":              "2026-445120",
		"Member ID PCH72303581; Auth: 2026-445120, Dr. Smith": "2026-445120",
	} {
		if got, ok := refInText(text); !ok || got != want {
			t.Errorf("%q: %q (%v), want %q", text, got, ok, want)
		}
	}
}

// TestCaptionWordsFollowEachOther: on the Authorized Assistant Form the signature's caption
// is often lost under the signature, leaving "Patient ... Date" on the caption row; the
// far "Date" is the date's caption, not the second word of "Patient Name".
func TestCaptionWordsFollowEachOther(t *testing.T) {
	w := func(text string, x, y, wd int, line int) ocr.Word {
		return ocr.Word{Text: text, Box: image.Rect(x, y, x+wd, y+28), Confidence: 0.95, Line: line}
	}
	p := ocr.NewPage(2550, 3300, 300, []ocr.Word{
		w("AUTHORIZED", 819, 317, 380, 0), w("ASSISTANT", 1217, 317, 330, 0), w("FORM", 1565, 317, 150, 0),
		w("Patient", 202, 652, 95, 1), w("Name", 308, 653, 80, 1), w("(Print)", 400, 652, 90, 1),
		w("Patient", 1119, 648, 95, 1), w("Date", 1952, 653, 63, 1),
		w("Jamal", 209, 698, 110, 2), w("Ramirez", 334, 703, 150, 2), w("11/02/2026", 1962, 703, 204, 2),
	})
	fields := map[string]Field{}
	extractAssistant(Document{Kind: AssistantForm, Pages: []int{1}}, []Page{{OCR: p}}, fields)
	if f := fields["patient.signed_date"]; f.Value != "2026-11-02" {
		t.Errorf("signed date = %v, want 2026-11-02 (fields %v)", f.Value, fields)
	}
	if f := fields["patient.name"]; f.Value != "Jamal Ramirez" {
		t.Errorf("patient name = %v, want Jamal Ramirez", f.Value)
	}
}

// TestDamagedCaptionRows: on a fax at normal resolution the captions under the values can
// be too damaged to be found one by one ("Caty Mate Ap", "Steet Addis"), or taken for
// another ("fast Name" for "Last Name"); each row is still known whole, in its order, and
// the values under damaged captions are read with a lowered confidence. (Words and
// boxes as Tesseract read a page of seed 7373's fax001016.pdf.)
func TestDamagedCaptionRows(t *testing.T) {
	var fw faxWords
	row := fw.row
	row(300, "PATIENT", 132, "INFORMATION", 240)
	row(467, "Francisco", 138, "Ramirez-Delgado", 1044)
	row(501, "fast", 132, "Name", 173, "Middle", 755, "Initial", 817, "(ast", 1038, "Name", 1078)
	row(541, "07/01/1996", 137, "Gender;", 721, "Female", 981)
	row(577, "Patients", 132, "Date", 203, "of", 245, "Much", 267, "(mdd", 312, "yyvv)", 381)
	row(698, "3008", 137, "Magnolia", 209, "Ct", 331)
	row(732, "Steet", 132, "Addis", 183)
	row(773, "Long", 137, "Beach", 208, "CA", 835, "90805", 1072)
	row(807, "Caty", 131, "Mate", 840, "Ap", 1067)
	row(2100, "IMR", 132, "APPLICATION/COMPLAINT", 200, "FORM", 500, "DMHC", 1200, "20-224", 1260, "(Rev", 1340, "01/20)", 1400)
	fields := map[string]Field{}
	extractForm(Document{Kind: IMRForm, Pages: []int{1}}, []Page{{OCR: fw.page()}}, fields)
	for key, want := range map[string]any{
		"patient.first_name": "Francisco", "patient.last_name": "Ramirez-Delgado", "patient.dob": "1996-07-01",
		"patient.street": "3008 Magnolia Ct", "patient.city": "Long Beach", "patient.state": "CA", "patient.zip": "90805",
	} {
		f, ok := fields[key]
		if !ok || f.Value != want {
			t.Errorf("%s = %v, want %v", key, f.Value, want)
			continue
		}
		if damaged := key != "patient.city" && key != "patient.last_name"; damaged && f.Confidence >= 0.9 {
			t.Errorf("%s found under a damaged caption kept its confidence %.2f", key, f.Confidence)
		}
	}
	// The rows of values are no captions.
	if _, ok := fields["patient.middle_initial"]; ok {
		t.Errorf("middle initial = %v, from an empty box", fields["patient.middle_initial"].Value)
	}
}

// TestNamesAcrossDocuments: the form's last name read "Jorres" where the signer's line and
// the fax cover say "Torres" goes to a person with both; a name that agrees is left alone.
func TestNamesAcrossDocuments(t *testing.T) {
	f := func(v string) Field { return Field{Value: v, Confidence: 0.9} }
	docs := []Document{
		{Kind: FaxCover, Fields: map[string]Field{"fax.subject": f("IMR Application/Complaint - client David Torres")}},
		{Kind: IMRForm, Fields: map[string]Field{"patient.first_name": f("David"), "patient.last_name": f("Jorres"), "signer_name": f("David Torres")}},
	}
	validate(docs, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	form := docs[1].Fields
	if !form["patient.last_name"].NeedsReview || !form["signer_name"].NeedsReview || !docs[0].Fields["fax.subject"].NeedsReview {
		t.Errorf("a last name one letter off another document's goes to a person with it: %+v %+v", form, docs[0].Fields)
	}
	if form["patient.first_name"].NeedsReview {
		t.Errorf("the first name, which agrees, was sent to a person too")
	}

	// A letter that was misread the same way does not make an implausible name right.
	docs = []Document{
		{Kind: IMRForm, Fields: map[string]Field{"patient.first_name": f("Patricia"), "patient.last_name": f("Cruz-O Brien")}},
		{Kind: DenialLetter, Fields: map[string]Field{"member.name": f("Patricia Cruz-O Brien")}},
	}
	validate(docs, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	if !docs[0].Fields["patient.last_name"].NeedsReview || !docs[1].Fields["member.name"].NeedsReview || docs[0].Fields["patient.first_name"].NeedsReview {
		t.Errorf("Cruz-O Brien on the form and the letter: %+v %+v, want both last names to a person, the first name not", docs[0].Fields, docs[1].Fields)
	}

	// "Thornas" in the cover's subject for the form's Thomas: an m read as r and n.
	docs = []Document{
		{Kind: FaxCover, Fields: map[string]Field{"fax.subject": f("Solicitud de IMR - Thornas Kim")}},
		{Kind: IMRForm, Fields: map[string]Field{"patient.first_name": f("Thomas"), "patient.last_name": f("Kim")}},
	}
	validate(docs, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	if !docs[0].Fields["fax.subject"].NeedsReview || docs[1].Fields["patient.last_name"].NeedsReview {
		t.Errorf("Thornas Kim for Thomas Kim: %+v %+v, want the subject to a person, the last name not", docs[0].Fields, docs[1].Fields)
	}
	if oneEdit("Thomas", "Thomas") || !oneEdit("Thomas", "Thoma") || !oneEdit("Thomas", "Tbomas") {
		t.Error("oneEdit: the same word is no edit away; a letter lost or changed is one")
	}

	// The signer's name with an accent the form's first name lacks: one is misread.
	docs = []Document{{Kind: IMRForm, Fields: map[string]Field{"patient.first_name": f("Sofia"), "patient.last_name": f("Ruiz"), "signer_name": f("Sofía Ruiz")}}}
	validate(docs, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	if form := docs[0].Fields; !form["signer_name"].NeedsReview || !form["patient.first_name"].NeedsReview || form["patient.last_name"].NeedsReview {
		t.Errorf("Sofía signing for Sofia: %+v, want the signer and the first name to a person, the last name not", form)
	}
}

// TestImplausibleValuesDoubted: a name with a word whose start was lost, a street cut to a
// lone letter, a letterhead with a logo read as a letter before it, and a member id one
// character off the letter's go to a person; names with particles, a unit letter and a
// direction, and matching ids do not.
func TestImplausibleValuesDoubted(t *testing.T) {
	f := func(v string) Field { return Field{Value: v, Confidence: 0.93} }
	for _, tc := range []struct {
		key, value string
		doubted    bool
	}{
		{"signer_name", "ardo O'Brien", true},
		{"requesting_provider", "Dr. frene Ibarra", true},
		{"member.name", "Rosa ind Okafor", true},
		{"signer_name", "Maria de la Cruz", false},
		{"signer_name", "Ana d'Angelo", false},
		{"requesting_provider", "Dr. Irene Ibarra, orthopedic surgery", false},
		{"signer_name", "maria lopez", false},
		{"patient.street", "6538 Folsom D", true},
		{"patient.street", "ission La", true},
		{"patient.street", "3146", true},
		{"patient.first_name", "Leticia ici", true},
		{"patient.first_name", "Leticia", false},
		{"signer_name", "Michael. Martinez", true},
		{"signer_name", "Michael J. Martinez", false},
		{"signer_name", "Dr. Ana Ruiz", false},
		{"signer_name", "Michael Martinez Jr.", false},
		{"fax.subject", "IMR Application/Complaint - client.Lorraine Castillo", true},
		{"fax.subject", "IMR Application/Complaint - client Lorraine Castillo", false},
		{"fax.subject", "Appeal. Records attached", false},
		{"patient.email", "robert.martinezi2@att.net", true},
		{"patient.email", "robert.martinez12@att.net", false},
		{"assistant.email", "Idsingh@legalaid.org", true},
		{"assistant.email", "carmen.hernandezSS@gmail.com", true},
		{"assistant.email", "carmen.hernandez55@gmail.com", false},
		{"patient.email", "oscar.diaz@gmail.com", false},
		{"primary_language", "E", true},
		{"primary_language", "Español", false},
		{"assistant.email", "lisa.m@legalaid.org", false},
		{"plan.medical_group", "Sunrise Physicians Medical Group of Southern California} State of California", true},
		{"plan.medical_group", "Inland Empire Medical Partners of Southern California, [Home Depot", true},
		{"plan.medical_group", "Sunrise Physicians Medical Group of Southern California, RBtdred", true},
		{"plan.medical_group", "Sunrise Physicians Medical Group of Southern California, Inc.", false},
		{"plan.employer", "CVS Health", false},
		{"plan.employer", "Sacramento-County", true},
		{"fax.date", "2026-01-02", true},
		{"patient.street", "1313 Vista De] Mar Way", true},
		{"patient.street", "1313 Vista Del Mar Way", false},
		{"letter.sender", "Departamento Bay Harbor de Administración Health de Plan la Utilización", true},
		{"plan.name", "Bay Harbor Health Plan", false},
		{"fax.date", "2026-11-18", false},
		{"fax.subject", "Solicitud de IMR. - Maria Rodriguez", true},
		{"fax.subject", "Solicitud de IMR - Maria Rodriguez", false},
		{"fax.subject", "IMR supporting documents; Leticia Villanueva", true},
		{"fax.from", "Michael. Singh-Delgado", true},
		{"fax.to", "DMHC - Independent Medica! Review", true},
		{"fax.to", "DMHC - Independent Medical Review", false},
		{"plan.member_id", "6P98178693202", true},
		{"member.id", "5V321818452801", true},
		{"member.id", "SV321818452801", false},
		{"plan.member_id", "1EG4TE5MK73", false},
		{"fax.to", "Help Center, Dept. of Managed Health Care", false},
		{"patient.phone", "1413664868", true},
		{"patient.phone", "5999023247", true},
		{"patient.phone", "5599023247", false},
		{"assistant.phone", "7140664868", true},
		{"fax.from_phone", "8885550177", false},
		{"fax.from_phone", "8881550177", true},
		{"patient.street", "6538 Folsom Dr", false},
		{"patient.street", "12 Main St Apt B", false},
		{"patient.street", "400 Avenue E", false},
		{"letter.sender", "A Sierra Vista Health Plan of California", true},
		{"letter.sender", "Sierra Vista Health Plan of California", false},
		{"plan.medical_group", "lifornia, Inc.", true},
		{"plan.medical_group", "Coastal Family Medica! Associates", true},
		{"plan.medical_group", "Coastal Family Medical Associates", false},
		{"letter.sender", "Golden Poppy Health Plan Medical ical Managemen a", true},
		{"plan.medical_group", "Clínica de Salud para la Comunidad", false},
		{"plan.medical_group", "Physicians of the Central Coast and Valley", false},
		{"member.name", "y MARTINEZ, MARIA Z.", true},
		{"member.name", "MARTINEZ, MARIA Z.", false},
		{"signer_name", "Patricia Cruz-O Brien", true},
		{"signer_name", "Patricia Cruz-O'Brien", false},
		{"member.name", "Guadalupe F.", true},
		{"member.name", "O'Brien, Veronica", false},
		{"fax.subject", "Solicitud de IMR - Patricia Cruz-O Brien", true},
		{"fax.subject", "Solicitud de IMR - Patricia Cruz", false},
	} {
		docs := []Document{{Kind: IMRForm, Fields: map[string]Field{tc.key: f(tc.value)}}}
		switch tc.key {
		case "member.name", "requesting_provider", "letter.sender":
			docs[0].Kind = DenialLetter
		case "fax.subject":
			docs[0].Kind = FaxCover
		}
		validate(docs, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
		if got := docs[0].Fields[tc.key].NeedsReview; got != tc.doubted {
			t.Errorf("%s %q: needs review %v, want %v", tc.key, tc.value, got, tc.doubted)
		}
	}
	for _, tc := range []struct {
		form, letter string
		doubted      bool
	}{
		{"KB886069807", "LKB886069807", true},
		{"LKB20083829801", "LKB200838298-01", true},
		{"LKB886069807", "LKB886069807", false},
		{"XEH123456789", "W22904113", false}, // two different numbers: nothing to say
	} {
		docs := []Document{
			{Kind: IMRForm, Fields: map[string]Field{"plan.member_id": f(tc.form)}},
			{Kind: DenialLetter, Fields: map[string]Field{"member.id": f(tc.letter)}},
		}
		validate(docs, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
		if a, b := docs[0].Fields["plan.member_id"].NeedsReview, docs[1].Fields["member.id"].NeedsReview; a != tc.doubted || b != tc.doubted {
			t.Errorf("member ids %q and %q: needs review %v and %v, want %v", tc.form, tc.letter, a, b, tc.doubted)
		}
	}
}

// TestJoinSplitWords: a city OCR split in two on the form ("Oak land") is joined when the
// plan's letter in the same envelope writes it whole; a city of two words stays two.
func TestJoinSplitWords(t *testing.T) {
	pages := []Page{textPage("Oak land , CA 94601"), textPage("Maria Lopez", "Oakland, CA 94601", "San Jose, CA 95112"), textPage("San Jose")}
	docs := []Document{
		{Kind: IMRForm, Pages: []int{1}, Fields: map[string]Field{"patient.city": {Value: "Oak land", Confidence: 0.6}}},
		{Kind: DenialLetter, Pages: []int{2}, Fields: map[string]Field{}},
		{Kind: AssistantForm, Pages: []int{3}, Fields: map[string]Field{"assistant.city": {Value: "San Jose", Confidence: 0.9}}},
	}
	joinSplitWords(docs, pages)
	if v := docs[0].Fields["patient.city"].Value; v != "Oakland" {
		t.Errorf("city = %v, want Oakland", v)
	}
	if v := docs[2].Fields["assistant.city"].Value; v != "San Jose" {
		t.Errorf("city = %v, want San Jose left as written", v)
	}
}

// TestGrievanceLetterWording: a plan's answer to a grievance names the service and the
// provider in its sentences, with no code and no labels ("your visit with Dr. X for Y",
// "keep seeing Dr. X for Y after ...", "your care (Y) was delayed").
func TestGrievanceLetterWording(t *testing.T) {
	for _, c := range []struct {
		sentence, service, provider, decision string
	}{
		{"This letter is our response to the grievance you filed on August 15, 2026 regarding interpreter services for your visit with Dr. Omar Moreno for Proton beam radiation therapy. Your care (Proton beam radiation therapy) was delayed while the visit was rescheduled.",
			"Proton beam radiation therapy", "Dr. Omar Moreno", "delayed"},
		{"We reviewed the claim from Dr. Anita Chang for Dupixent (dupilumab) 300 mg subcutaneous injection every 2 weeks. The claim was paid correctly, and your grievance is delayed while we check.",
			"Dupixent (dupilumab) 300 mg subcutaneous injection every 2 weeks", "Dr. Anita Chang", "delayed"},
		{"This letter is our response to your request to keep seeing Dr. Ana Ruiz for Spinal cord stimulator trial after the provider left our network. Our decision has been delayed because we are waiting for the provider.",
			"Spinal cord stimulator trial", "Dr. Ana Ruiz", "delayed"},
	} {
		lines := []string{"Lakeshore Blue Health Plan", "September 11, 2026", "Raj Yamamoto", "Dear Member:"}
		words := strings.Fields(c.sentence)
		for len(words) > 0 {
			n := min(12, len(words))
			lines = append(lines, strings.Join(words[:n], " "))
			words = words[n:]
		}
		lines = append(lines, "You may ask the Department of Managed Health Care for an Independent Medical Review (IMR).")
		res := Analyze([]Page{textPage(lines...)}, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
		if len(res.Documents) != 1 || res.Documents[0].Kind != DenialLetter {
			t.Fatalf("documents %v, want one denial letter", kinds(res))
		}
		got := res.Documents[0].Fields
		for k, want := range map[string]string{"service": c.service, "requesting_provider": c.provider, "decision": c.decision} {
			if got[k].Value != want {
				t.Errorf("%s = %v, want %q", k, got[k].Value, want)
			}
		}
	}
}

// TestCriteriaRunToWhatElse: the criteria a decision was based on end where the letter
// names what else it was based on, not at the word "Guidelines".
func TestCriteriaRunToWhatElse(t *testing.T) {
	for in, want := range map[string]string{
		"This determination was based on MCG Care Guidelines, Bariatric Surgery and the clinical information submitted.":   "MCG Care Guidelines, Bariatric Surgery",
		"This determination was based on NCCN Guidelines: Genetic/Familial High-Risk Assessment and your medical records.": "NCCN Guidelines: Genetic/Familial High-Risk Assessment",
		"This decision was based on InterQual Criteria.":                                                                   "InterQual Criteria",
		"This determination was based on InterQual Rehabilitation: Physical Therapy and the clinical information.":         "InterQual Rehabilitation: Physical Therapy",
		"Criteria used: NCCN Guidelines; B-Cell Lymphomas. A copy is available.":                                           "NCCN Guidelines: B-Cell Lymphomas",
		"Criteria used: Laboratory Policy LAB-PGX- 04. A copy is available.":                                               "Laboratory Policy LAB-PGX-04",
	} {
		if c, ok := criteriaOf(in); !ok || c != want {
			t.Errorf("criteriaOf(%q) = %q, want %q", in, c, want)
		}
	}
}

// TestDamagedCaptionRowAnchored: a caption row too damaged to be known whole on its own
// ("Guy Stu Zip") is known when one of its captions reads exactly; a row of values is
// never taken for captions.
func TestDamagedCaptionRowAnchored(t *testing.T) {
	var fw faxWords
	row := fw.row
	row(300, "PATIENT", 132, "INFORMATION", 240)
	row(467, "Ana", 138, "N", 760, "Diaz", 1044)
	row(501, "First", 132, "Name", 200, "Middle", 755, "Initial", 840, "Last", 1038, "Name", 1100)
	row(698, "9133", 137, "Jefferson", 209, "Rd", 331)
	row(732, "Street", 132, "Address", 210)
	row(773, "Chula", 137, "Vista", 208, "CA", 835, "91910-8924", 1072)
	row(807, "Guy", 131, "Stu", 840, "Zip", 1067)
	row(2100, "IMR", 132, "APPLICATION/COMPLAINT", 200, "FORM", 500, "DMHC", 1200, "20-224", 1260, "(Rev", 1340, "01/20)", 1400)
	fields := map[string]Field{}
	extractForm(Document{Kind: IMRForm, Pages: []int{1}}, []Page{{OCR: fw.page()}}, fields)
	for key, want := range map[string]any{"patient.city": "Chula Vista", "patient.state": "CA", "patient.zip": "91910-8924", "patient.street": "9133 Jefferson Rd"} {
		if f := fields[key]; f.Value != want {
			t.Errorf("%s = %v, want %v", key, f.Value, want)
		}
	}
}

// TestSpanishLetterWording: "revisó la solicitud de X (HCPCS ...) que envió Dr. Y".
func TestSpanishLetterWording(t *testing.T) {
	text := "Mission Trails Health Network revisó la solicitud de Dupixent (dupilumab) 300 mg subcutaneous injection every 2 weeks (HCPCS J3590) que envió Dr. Paul Ibarra el 20 de agosto de 2026."
	if m := serviceRE.FindStringSubmatch(text); m == nil || m[1] != "Dupixent (dupilumab) 300 mg subcutaneous injection every 2 weeks" {
		t.Errorf("service: %q", m)
	}
	if m := providerRE.FindStringSubmatch(text); m == nil || m[1] != "Dr. Paul Ibarra" {
		t.Errorf("provider: %q", m)
	}
}

// faxWords lays out words as Tesseract reports them on a fax page at 204 dpi: each row of
// words at a height y, each word at its x.
type faxWords struct {
	ws   []ocr.Word
	line int
}

func (f *faxWords) row(y int, words ...any) {
	for i := 0; i < len(words); i += 2 {
		text, x := words[i].(string), words[i+1].(int)
		f.ws = append(f.ws, ocr.Word{Text: text, Box: image.Rect(x, y, x+12*len(text), y+24), Confidence: 0.9, Line: f.line})
	}
	f.line++
}

func (f *faxWords) page() *ocr.Page { return ocr.NewPage(1728, 2244, 204, f.ws) }

// TestFirstSentence: a provider taken after "requested by" in prose ends with its sentence.
func TestFirstSentence(t *testing.T) {
	for in, want := range map[string]string{
		"Dr. Marcus Shapiro. Thank you for giving us the chance": "Dr. Marcus Shapiro",
		"Dr. Ana J. Ruiz":   "Dr. Ana J. Ruiz",
		"HELEN SHAPIRO, MD": "HELEN SHAPIRO, MD",
	} {
		if got := firstSentence(in); got != want {
			t.Errorf("firstSentence(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTallLabelBox: a fax cover's "Pages:" and "Subject:" whose word boxes a speck made
// twice as tall as the text are still labels; a heading as tall, with letters as wide, is
// not.
func TestTallLabelBox(t *testing.T) {
	pg := textPage("FAX COVER SHEET", "Date: 11/06/2026", "To: Department of Managed Health Care", "From: Michael Nguyen",
		"Pages: 5 (including cover)", "Subject: URGENT - Complaint against Sierra Vista", "Sending my application for review.")
	ws := pg.OCR.Words
	for i := range ws {
		if ws[i].Text == "Pages:" || ws[i].Text == "Subject:" {
			ws[i].Box.Min.Y -= 32 // 62 px high where the text is 30
		}
	}
	pg.OCR = ocr.NewPage(2550, 3300, 300, ws)
	fields := map[string]Field{}
	extractFaxCover(Document{Pages: []int{1}}, []Page{pg}, fields)
	if fields["fax.pages"].Value != "5" || fields["fax.subject"].Value != "URGENT - Complaint against Sierra Vista" {
		t.Errorf("pages %v, subject %v; want 5 and the subject", fields["fax.pages"].Value, fields["fax.subject"].Value)
	}

	// A heading: letters twice as tall and twice as wide.
	big := textPage("Subject: IMR", "Date: 11/06/2026", "To: Department of Managed Health Care", "From: Michael Nguyen")
	ws = big.OCR.Words
	for i := range ws[:2] {
		ws[i].Box.Min.Y -= 32
		ws[i].Box.Max.X += ws[i].Box.Dx()
	}
	ws[1].Box = ws[1].Box.Add(image.Pt(ws[0].Box.Dx()/2, 0))
	big.OCR = ocr.NewPage(2550, 3300, 300, ws)
	fields = map[string]Field{}
	extractFaxCover(Document{Pages: []int{1}}, []Page{big}, fields)
	if v, ok := fields["fax.subject"]; ok {
		t.Errorf("a heading taken for a label: subject %v", v.Value)
	}
}

// TestMemberIDCaptionInOneWord: a letter's grid whose caption reads "MemberID" in one
// word, its id's S read as a dollar sign.
func TestMemberIDCaptionInOneWord(t *testing.T) {
	pg := textPage("455 Capitol Mall, Suite 900", "Sierra Vista Health Plan of California", "08/27/2026", "Grievance Resolution",
		"Member Name MemberID Date of Birth", "Anthony Brown $V585455176502 08/11/2020", "Dear Anthony Brown:",
		"Thank you for contacting Sierra Vista Health Plan of California.")
	// The grid's columns: captions over their values.
	ws := pg.OCR.Words
	cols := map[string]int{"Member": 150, "MemberID": 700, "Date": 1300, "Anthony": 150, "$V585455176502": 700, "08/11/2020": 1300}
	for i := range ws {
		if ws[i].Line != 4 && ws[i].Line != 5 {
			continue
		}
		if x, ok := cols[ws[i].Text]; ok && !(ws[i].Line == 4 && ws[i].Text == "Member" && ws[i].Box.Min.X > 150) {
			d := x - ws[i].Box.Min.X
			for k := i; k < len(ws) && ws[k].Line == ws[i].Line; k++ {
				ws[k].Box = ws[k].Box.Add(image.Pt(d, 0))
			}
		}
	}
	pg.OCR = ocr.NewPage(2550, 3300, 300, ws)
	fields := map[string]Field{}
	extractLetter(Document{Pages: []int{1}}, []Page{pg}, fields)
	if got := fields["member.id"].Value; got != "SV585455176502" {
		t.Errorf("member id %v, want SV585455176502", got)
	}
}

// TestServiceBeforeRevenueCode: a hospital stay named before its revenue code.
func TestServiceBeforeRevenueCode(t *testing.T) {
	text := "This letter is to let you know the outcome of the utilization review for Inpatient psychiatric admission, continued stay (Rev. Code 0114), requested by Dr. Samuel Lindqvist on 06/26/2026."
	if m := serviceRE.FindStringSubmatch(text); m == nil || m[1] != "Inpatient psychiatric admission, continued stay" {
		t.Errorf("service: %q", m)
	}
	// A dose's decimal point is not a sentence's end.
	text = "We are writing about the request that Dr. Lucia Esposito sent us on your behalf on January 19, 2026 for the following service: Non-formulary Trulicity (dulaglutide) 1.5 mg weekly (HCPCS J3490)."
	if m := serviceRE.FindStringSubmatch(text); m == nil || m[1] != "Non-formulary Trulicity (dulaglutide) 1.5 mg weekly" {
		t.Errorf("service: %q", m)
	}
	// A sidebar's web address in the sentence's line is taken out before the service is.
	text = "(866) This letter is to let you know the outcome of the utilization review for Acupuncture, www.centralvalley.com 12 sessions (CPT 97810), requested by Dr. Rahul Lindqvist"
	if m := serviceRE.FindStringSubmatch(urlRE.ReplaceAllString(text, "")); m == nil || m[1] != "Acupuncture, 12 sessions" {
		t.Errorf("service: %q", m)
	}
}

// TestPlanNamedInText: a medical group's letter names the plan it decides for in a
// sentence.
func TestPlanNamedInText(t *testing.T) {
	for text, want := range map[string]string{
		"Inland Empire Medical Partners made this decision for your Medi-Cal plan, Mission Trails Health Network. The guideline": "Mission Trails Health Network",
		"We review requests for services on behalf of your health plan, Lakeshore Blue Health Plan. Your doctor":                 "Lakeshore Blue Health Plan",
		"Revisamos las solicitudes en nombre de su plan de salud, Sierra Vista Health Plan of California, y su médico":           "Sierra Vista Health Plan of California",
	} {
		m := planTextRE.FindStringSubmatch(text)
		if m == nil || m[1] != want {
			t.Errorf("%q: %q, want %q", text, m, want)
		}
	}
	if m := planTextRE.FindStringSubmatch("Please call your health plan, and ask for the appeals unit."); m != nil {
		t.Errorf("a plan found in %q", m[1])
	}
}

// TestSpanishGrievanceWording: "una factura que recibió de Dr. X por Y" names the provider
// and the service; "Asunto:" introduces the member as "RE:" does.
func TestSpanishGrievanceWording(t *testing.T) {
	text := "Hemos terminado la revisión de la queja que recibimos el 8 de julio de 2026 sobre una factura que recibió de Dr. Robert Ibarra por Dupixent (dupilumab) 300 mg subcutaneous injection every 2 weeks. Gracias por darnos la oportunidad."
	if m := serviceTextRE.FindStringSubmatch(text); m == nil || m[3] != "Dupixent (dupilumab) 300 mg subcutaneous injection every 2 weeks" {
		t.Errorf("service: %q", m)
	}
	if m := providerRE.FindStringSubmatch(text); m == nil || m[1] != "Dr. Robert Ibarra" {
		t.Errorf("provider: %q", m)
	}
	// Continuity of care: "seguir viendo a Dr. X para Y", as "keep seeing Dr. X for Y".
	text = "Recibimos su solicitud de seguir viendo a Dr. Helen Farouk para Lumbar epidural steroid injection después de que dejó nuestra red."
	if m := serviceTextRE.FindStringSubmatch(text); m == nil || m[5] != "Lumbar epidural steroid injection" {
		t.Errorf("service: %q", m)
	}
	if m := providerRE.FindStringSubmatch(text); m == nil || m[1] != "Dr. Helen Farouk" {
		t.Errorf("provider: %q", m)
	}
	if reLineRE.FindStringIndex("Asunto: Anthony Tran, fecha de nacimiento 12/28/2007") == nil {
		t.Errorf("Asunto: not taken for RE:")
	}
}

// TestOrganisationMisreads: "Plan" read "Pian" and a final "Inc." read "Incl" in an
// organisation's name are mended; a person's name is left alone.
func TestOrganisationMisreads(t *testing.T) {
	for _, tc := range []struct{ key, in, want string }{
		{"plan.name", "Golden Poppy Health Pian", "Golden Poppy Health Plan"},
		{"letter.sender", "GOLDEN POPPY HEALTH PIAN", "GOLDEN POPPY HEALTH PLAN"},
		{"plan.medical_group", "Mission Hills Medical Group of Southern California, Incl", "Mission Hills Medical Group of Southern California, Inc."},
		{"signer_name", "Pian Lee", "Pian Lee"},
		{"plan.medical_group", "Coastal Family.Medical Associates", "Coastal Family Medical Associates"},
		{"patient.last_name", "Sanchez-O Brien", "Sanchez-O'Brien"},
		{"member.name", "Guadalupe G. Sanchez-O Brien", "Guadalupe G. Sanchez-O'Brien"},
		{"member.name", "Michael Q. Johnson- Yamamoto", "Michael Q. Johnson-Yamamoto"},
		{"signer_name", "Ana O Brien", "Ana O Brien"},
		{"primary_language", "Espafiol", "Español"},
		{"letter.sender", "Lakeshore Biue Health Plan", "Lakeshore Blue Health Plan"},
		{"plan.name", "GOLDEN POPPY HEAITH PLAN", "GOLDEN POPPY HEALTH PLAN"},
		{"plan.medical_group", "Coastal Family Medicai Group", "Coastal Family Medical Group"},
		{"plan.name", "Bay Harbor Health Plan", "Bay Harbor Health Plan"},
		{"plan.medical_group", "Medicai Partners of Central Vaiiey, Inc.", "Medical Partners of Central Vaiiey, Inc."},
		{"plan.medical_group", "Central Vallev JPA", "Central Valley IPA"},
		{"plan.name", "Bav Harbor", "Bay Harbor"},
		{"plan.medical_group", "Ivanov Family Medical Group", "Ivanov Family Medical Group"},
		{"fax.from", "Jamal 1. Washington", "Jamal I. Washington"},
		{"member.name", "Hector H, O'Brien", "Hector H. O'Brien"},
		{"member.name", "Dennis $. Fitzgerald-Jackson", "Dennis S. Fitzgerald-Jackson"},
		{"signer_name", "Ana 5. Cruz", "Ana S. Cruz"},
		{"patient.street", "7548 Alhambra Way Apt2", "7548 Alhambra Way Apt 2"},
		{"patient.street", "1200 J St Ste310B", "1200 J St Ste 310B"},
		{"patient.street", "44 Aptos Way", "44 Aptos Way"},
		{"member.name", "O'Brien, Hector H", "O'Brien, Hector H."},
		{"patient.street", "7320 Hillcrest Or", "7320 Hillcrest Dr"},
		{"patient.street", "12 Or Street", "12 Or Street"},
		{"patient.street", "5283 Los Robles Bivd", "5283 Los Robles Blvd"},
		{"patient.street", "6819 Broadway Ave.", "6819 Broadway Ave"},
		{"patient.street", "8899 Folsom.Ln", "8899 Folsom Ln"},
		{"fax.from", "Office of Dr: Victor Esposito", "Office of Dr. Victor Esposito"},
		{"providers", "Or, Helen Ibarra (415)317-5062, Dr. Helen Moreno (209)278-7584", "Dr. Helen Ibarra (415)317-5062, Dr. Helen Moreno (209)278-7584"},
		{"treatment_requested", "Epclusa for hepatitis C,. 12 weeks", "Epclusa for hepatitis C, 12 weeks"},
		{"condition", "asthma, copd,.", "asthma, copd"},
		{"condition", "lymphoma follow- up", "lymphoma follow-up"},
		{"condition", "chest pain -", "chest pain"},
		{"fax.subject", "“Records for IMR - Ruth Delgado", "Records for IMR - Ruth Delgado"},
		{"signer_name", "«Jamal Gomez", "Jamal Gomez"},
	} {
		if got := tidyText(tc.key, tc.in); got != tc.want {
			t.Errorf("%s %q: %q, want %q", tc.key, tc.in, got, tc.want)
		}
	}
}

// TestLetterDateInLine: a letter's date after "Date:" on a heading's line, glued to it by
// a speck (dateAfterLabel), or at the end of a line OCR ran together with a sidebar's
// (dateEndingLine); a date after another label is neither.
func TestLetterDateInLine(t *testing.T) {
	for _, tc := range []struct {
		find       func(string) (string, bool)
		line, want string
	}{
		{dateAfterLabel, "NOTICE OF DELAY IN DECISION Date:'06/18/2026", "2026-06-18"},
		{dateAfterLabel, "AVISO DE DECISIÓN Fecha: 18 de junio de 2026", "2026-06-18"},
		{dateAfterLabel, "Date Received: 06/15/2026", ""},
		{dateAfterLabel, "Update: 06/15/2026", ""},
		{dateEndingLine, "Golden Poppy 30 de julio de 2026", "2026-07-30"},
		{dateEndingLine, "Sierra Vista Health Plan   August 3, 2026", "2026-08-03"},
		{dateEndingLine, "Date of Service: June 3, 2026", ""},
		{dateEndingLine, "On 08/05/2026 we received your grievance", ""},
		{dateEndingLine, "Health Plan", ""},
	} {
		got, ok := tc.find(tc.line)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("%q: %q %v, want %q", tc.line, got, ok, tc.want)
		}
	}
}

// TestReviewerWithStrayStop: a full stop read after the reviewer's first name.
func TestReviewerWithStrayStop(t *testing.T) {
	text := "Your doctor may ask for a peer-to-peer discussion with the reviewing physician, Diane. Farouk, MD, by calling (888) 555-8754."
	if got, ok := reviewerOf(text); !ok || got != "Diane Farouk, MD" {
		t.Errorf("reviewer %q %v, want Diane Farouk, MD", got, ok)
	}
}

// TestValueTypedOverItsCaption: a medical group's name typed low, over its caption, is read
// by Tesseract as a few tall, unsure words run together with the caption under it; the
// employer's caption on the same row, read right, is still found and its value read. A
// middle initial I read as a bar is an I. (Words and boxes as Tesseract read seed 9907's
// scan-station2-20261109-135826-034.pdf and scan-station3-20261113-150518-059.pdf.)
func TestValueTypedOverItsCaption(t *testing.T) {
	w := func(text string, x0, y0, x1, y1 int, conf float64) ocr.Word {
		return ocr.Word{Text: text, Box: image.Rect(x0, y0, x1, y1), Confidence: conf}
	}
	words := []ocr.Word{
		w("Rosa", 138, 459, 201, 479, 0.97), w("|", 749, 459, 752, 479, 0.61), w("Delgado", 1027, 457, 1127, 482, 0.97),
		w("First", 132, 491, 165, 505, 0.95), w("Name", 172, 491, 217, 505, 0.95), w("Middle", 743, 490, 797, 505, 0.92),
		w("Initial", 804, 490, 848, 504, 0.97), w("Last", 1021, 491, 1052, 504, 0.97), w("Name", 1059, 491, 1104, 504, 0.97),
		w("Pacific", 137, 1029, 212, 1049, 0.96), w("Crest", 221, 1030, 278, 1049, 0.97), w("PCH69379651", 970, 1030, 1132, 1049, 0.91),
		w("Health", 132, 1063, 181, 1077, 0.97), w("Plan", 189, 1063, 221, 1077, 0.96), w("Name", 228, 1064, 272, 1077, 0.97),
		w("Patient's", 965, 1063, 1028, 1077, 0.90), w("Membership", 1035, 1063, 1131, 1081, 0.93), w("#", 1137, 1064, 1146, 1076, 0.93),
		w("Fresno", 1026, 1103, 1100, 1122, 0.97), w("Unified", 1108, 1102, 1192, 1122, 0.97), w("School", 1200, 1091, 1275, 1122, 0.88),
		w("District", 1284, 1102, 1367, 1122, 0.97),
		w("Race", 132, 1119, 246, 1156, 0), w("EAT", 269, 1124, 326, 1155, 0.41), w("as", 329, 1124, 345, 1152, 0.49),
		w("Medical", 364, 1118, 444, 1152, 0.62), w("Ge", 470, 1124, 490, 1152, 0.57), w("Ron", 496, 1124, 547, 1156, 0.32),
		w("Employer", 1021, 1137, 1096, 1156, 0.92),
	}
	for i := range words {
		words[i].Line = i
	}
	for _, l := range []string{"IMR", "APPLICATION/COMPLAINT", "FORM", "(Rev", "01/20)"} {
		words = append(words, w(l, 132+len(words)*40, 2102, 160+len(words)*40, 2117, 0.93))
	}
	fields := map[string]Field{}
	extractForm(Document{Kind: IMRForm, Pages: []int{1}}, []Page{{OCR: ocr.NewPage(1700, 2200, 200, words)}}, fields)
	if f := fields["plan.employer"]; f.Value != "Fresno Unified School District" {
		t.Errorf("employer = %v, want Fresno Unified School District", f.Value)
	}
	if f := fields["plan.name"]; f.Value != "Pacific Crest" {
		t.Errorf("plan name = %v, want Pacific Crest", f.Value)
	}
	if f := fields["patient.middle_initial"]; f.Value != "I" {
		t.Errorf("middle initial = %v, want I", f.Value)
	}
	// What the tall words hold is no medical group.
	if f, ok := fields["plan.medical_group"]; ok && f.Confidence > 0.5 {
		t.Errorf("medical group = %v at %.2f", f.Value, f.Confidence)
	}
}

// TestSignatureAreasWeighed: a small signature under its caption leaves the area beside
// the caption nearly empty while the signature box beside the printed name holds ink (seed
// 9907's scan-station2-20261106-140739-028.pdf, page 12): the form is signed, for a person
// to confirm. Both areas empty: unsigned, surely.
func TestSignatureAreasWeighed(t *testing.T) {
	for _, tc := range []struct {
		sig, signer float64
		want        bool
		review      bool
	}{
		{0.006, 0.075, true, true},
		{0.048, 0.104, true, false},
		{0.0, 0.001, false, false},
	} {
		fp := &formPage{pg: Page{OCR: ocr.NewPage(1700, 2200, 200, nil), Marks: []Mark{
			{Label: "signature-right", Ink: tc.sig}, {Label: "signer-right", Ink: tc.signer},
		}}, no: 1}
		fields := map[string]Field{}
		fp.signature(fields)
		f := fields["signed"]
		if f.Value != tc.want || f.NeedsReview != tc.review {
			t.Errorf("ink %.3f beside the caption, %.3f beside the name: signed %v (review %v), want %v (review %v)",
				tc.sig, tc.signer, f.Value, f.NeedsReview, tc.want, tc.review)
		}
	}
}

// TestReasonBesideItsBox: the patient's own words can repeat a reason's ("no es un
// beneficio cubierto" in the problem, read first); the reason is the one whose box is
// ticked beside its printed words.
func TestReasonBesideItsBox(t *testing.T) {
	var words []ocr.Word
	n := 0
	line := func(y, x int, text string) {
		defer func() { n++ }()
		for _, f := range strings.Fields(text) {
			words = append(words, ocr.Word{Text: f, Box: image.Rect(x, y, x+14*len(f), y+20), Confidence: 0.9, Line: n})
			x += 14*len(f) + 10
		}
	}
	line(300, 140, "El plan dice que no es un beneficio cubierto, pero mi doctor dice que lo necesito.")
	line(600, 180, "No es médicamente necesario")
	line(640, 180, "No es un beneficio cubierto")
	boxes := []omr.Box{
		{Rect: image.Rect(140, 600, 164, 624), Checked: false, Confidence: 0.95},
		{Rect: image.Rect(140, 640, 164, 664), Checked: true, Confidence: 0.95},
	}
	fp := &formPage{pg: Page{OCR: ocr.NewPage(1700, 2200, 200, words), Boxes: boxes}, no: 1, th: 20}
	fp.v = newView(fp.pg.OCR)
	fields := map[string]Field{}
	fp.reason(fields)
	if f := fields["denial_reason"]; f.Value != "not_covered_benefit" {
		t.Errorf("denial reason = %v, want not_covered_benefit", f.Value)
	}
}

// TestLetterValuesMended: a surname's comma read as a semicolon; a procedure code from a
// table's next column after the service; the Help Center's fax with one digit misread.
func TestLetterValuesMended(t *testing.T) {
	if got := tidyName("LE; AISHA"); got != "LE, AISHA" {
		t.Errorf("tidyName = %q, want LE, AISHA", got)
	}
	for in, want := range map[string]string{
		"MRI LUMBAR SPINE WITHOUT CONTRAST 72148":       "MRI LUMBAR SPINE WITHOUT CONTRAST",
		"Lumbar epidural steroid injection (CPT 62323)": "Lumbar epidural steroid injection",
		"Infliximab infusion J1745":                     "Infliximab infusion",
		"Outpatient physical therapy, 12 visits":        "Outpatient physical therapy, 12 visits",
	} {
		if got := codeSuffixRE.ReplaceAllString(in, "$1"); got != want {
			t.Errorf("%q without its code = %q, want %q", in, got, want)
		}
	}
	if n, ok := nearRegulatorNumber("9162955241"); !ok || n != "9162555241" {
		t.Errorf("nearRegulatorNumber = %q, %v", n, ok)
	}
	if _, ok := nearRegulatorNumber("9163955242"); ok {
		t.Error("a number two digits off the Help Center's was taken for it")
	}
}

// TestOrgWordOneLetterOff: a long common word of an employer's or plan's name with one
// letter misread is put back; words that are not one letter off one stay.
func TestOrgWordOneLetterOff(t *testing.T) {
	for in, want := range map[string]string{
		"Mniversity": "University", "UNIVERSITV": "UNIVERSITY", "Distrlct,": "District,", "Unified": "Unified",
		"Sacramento": "Sacramento", "Pian": "Plan",
	} {
		if got := mendOrgWord(in); got != want {
			t.Errorf("mendOrgWord(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFaxCoverTallLabelAndRe: "Pages:" made taller by a speck sits on its row, beside its
// value; "Re:" with no label after it is the subject's label. (Words and boxes as
// Tesseract read seed 2890's fax001038.tif.)
func TestFaxCoverTallLabelAndRe(t *testing.T) {
	w := func(text string, x0, y0, x1, y1 int, conf float64, line int) ocr.Word {
		return ocr.Word{Text: text, Box: image.Rect(x0, y0, x1, y1), Confidence: conf, Line: line}
	}
	p := ocr.NewPage(1728, 2200, 200, []ocr.Word{
		w("FAX", 700, 200, 900, 260, 0.96, 0),
		w("To:", 167, 398, 213, 437, 0.97, 1), w("Department", 260, 400, 420, 430, 0.97, 1),
		w("From:", 168, 499, 253, 522, 0.97, 2), w("Central", 300, 499, 400, 522, 0.96, 2),
		w("Date:", 169, 788, 242, 811, 0.93, 3), w("11/10/2026", 301, 787, 469, 811, 0.91, 3), w("4", 1012, 789, 1028, 811, 0.92, 3),
		w("Pages:", 864, 789, 964, 825, 0.92, 4),
		w("Re:", 169, 884, 238, 920, 0.67, 5), w("Complaint", 316, 884, 455, 914, 0.91, 5), w("on", 465, 889, 496, 907, 0.97, 5),
		w("behalf", 508, 883, 592, 908, 0.96, 5), w("of", 601, 884, 627, 908, 0.96, 5), w("Anthony", 635, 884, 749, 913, 0.96, 5),
		w("Villanueva", 758, 884, 902, 908, 0.97, 5),
	})
	fields := map[string]Field{}
	extractFaxCover(Document{Kind: FaxCover, Pages: []int{1}}, []Page{{OCR: p}}, fields)
	if f := fields["fax.pages"]; f.Value != "4" {
		t.Errorf("pages = %v, want 4", f.Value)
	}
	if f := fields["fax.subject"]; f.Value != "Complaint on behalf of Anthony Villanueva" {
		t.Errorf("subject = %v", f.Value)
	}
}

// TestValuePastSpecks: a speck read as a full stop or a comma between a label and its value
// is no value (seed 2890's fax001000.tif and fax001044.tif).
func TestValuePastSpecks(t *testing.T) {
	w := func(text string, x0, y0, x1, y1 int, conf float64, line int) ocr.Word {
		return ocr.Word{Text: text, Box: image.Rect(x0, y0, x1, y1), Confidence: conf, Line: line}
	}
	p := ocr.NewPage(1700, 2200, 200, []ocr.Word{
		w("Member", 253, 615, 353, 638, 0.96, 0), w("name:", 361, 622, 431, 638, 0.97, 0), w(".", 521, 641, 524, 643, 0.15, 0),
		w("Karen", 684, 616, 755, 638, 0.97, 0), w("Reyes", 764, 617, 834, 644, 0.96, 0),
		w("RE", 180, 658, 209, 675, 0.97, 1), w(",", 320, 660, 324, 676, 0.65, 1),
		w("IMR", 181, 700, 230, 717, 0.91, 2), w("Application/Complaint", 240, 700, 500, 720, 0.91, 2),
	})
	got := map[string]string{}
	for _, l := range pairs(p, []string{"member name", "re"}, true) {
		got[l.label] = l.value
	}
	if got["member name"] != "Karen Reyes" || got["re"] != "IMR Application/Complaint" {
		t.Errorf("values %q", got)
	}
}

// TestSignatureDoesNotJoinRows: a signature read as one tall unsure word, its top level
// with the signer's caption row, joins no row, and the row of values under the captions
// stays a row of its own (seed 2890's fax001003.tif).
func TestSignatureDoesNotJoinRows(t *testing.T) {
	w := func(text string, x0, y0, x1, y1 int, conf float64) ocr.Word {
		return ocr.Word{Text: text, Box: image.Rect(x0, y0, x1, y1), Confidence: conf}
	}
	p := ocr.NewPage(1700, 2200, 200, []ocr.Word{
		w("Patient", 109, 1398, 168, 1413, 0.9), w("Name", 263, 1398, 314, 1413, 0.97), w("Signature", 830, 1397, 912, 1416, 0.89),
		w("Date", 1298, 1399, 1339, 1413, 0.92),
		w("ee", 712, 1394, 1127, 1460, 0.33),
		w("Jennifer", 114, 1430, 204, 1452, 0.78), w("10/27/2026", 1308, 1430, 1440, 1452, 0.9),
	})
	rs := rows(p)
	for _, r := range rs {
		var texts []string
		for _, i := range r.words {
			texts = append(texts, p.Words[i].Text)
		}
		row := strings.Join(texts, " ")
		if strings.Contains(row, "Signature") && (strings.Contains(row, "Jennifer") || strings.Contains(row, "ee")) {
			t.Errorf("row %q: the signer's captions, a signature and the values run together", row)
		}
	}
}

// TestLetterheadAndAbbreviationMends: a letterhead's second line with its "Plan" misread
// ("Pian of California") still carries the name on; "Dept," before "of" is "Dept.", "OMHC"
// is "DMHC".
func TestLetterheadAndAbbreviationMends(t *testing.T) {
	if !continuesOrg("Pian of California") {
		t.Error("'Pian of California' does not carry a plan's name on")
	}
	fields := map[string]Field{"fax.to": {Value: "OMHC - Help Center, Dept, of Managed Health Care", Confidence: 0.9},
		"letter.sender": {Value: "X= Bay Harbor Health Plan", Confidence: 0.9}}
	tidyFields(fields)
	if v := fields["fax.to"].Value; v != "DMHC - Help Center, Dept. of Managed Health Care" {
		t.Errorf("fax.to = %q", v)
	}
	if v := fields["letter.sender"].Value; v != "Bay Harbor Health Plan" {
		t.Errorf("letter.sender = %q, want the logo's letters gone", v)
	}
}

// TestDamagedCaptionBoxStaysInItsRow: a streak through an e-mail typed over its caption
// left the caption read as noise, one word of it as tall as value and caption together;
// the caption known from its row stays within the row's captions, so that the value over
// it is not taken for part of it (and painted out of a second look).
func TestDamagedCaptionBoxStaysInItsRow(t *testing.T) {
	fw := formTop("Ortiz-Williams")
	fw.row(833, "858.618.4627", 137)
	fw.row(866, "Primary", 132, "Phone", 200, "#", 252, "Secondary", 604, "Phone", 691, "#", 744, "iM", 1077, "Hi", 1099, "2", 1125, "Os", 1316)
	fw.row(2100, "IMR", 132, "APPLICATION/COMPLAINT", 200, "FORM", 500, "DMHC", 1200, "20-224", 1260, "(Rev", 1340, "01/20)", 1400)
	for i, w := range fw.ws {
		if w.Text == "Hi" || w.Text == "iM" || w.Text == "2" || w.Text == "Os" {
			fw.ws[i].Box.Min.Y, fw.ws[i].Confidence = 845, 0.3 // from the value's middle down
		}
	}
	fp := &formPage{pg: Page{OCR: fw.page()}, v: newView(fw.page()), th: 24, old: true}
	fp.findLabels()
	found := false
	for _, l := range fp.labels {
		if l.key == "patient.email" {
			found = true
			if l.box.Min.Y < 860 {
				t.Errorf("the e-mail's caption reaches up to y=%d, into the value over it (the row's captions start at 866)", l.box.Min.Y)
			}
		}
	}
	if !found {
		t.Fatal("the e-mail's caption was not found from its row")
	}
}

// TestValueRunOnUnderTheNextCaption: a medical group's name typed on into the employer's
// column, the employer typed after it, is cut where the employer's value starts (under the
// employer's caption, a space after the name); both go to a person.
func TestValueRunOnUnderTheNextCaption(t *testing.T) {
	fw := formTop("Ortiz")
	fw.row(1003, "Health", 110, "Plan", 190, "Name", 250, "Patient's", 943, "Membership", 1060, "#", 1190)
	fw.row(1074, "Medical", 109, "Group", 200, "Name", 270, "(if", 340, "enrolled", 390, "in", 500, "a", 530, "medical", 550, "group)", 640, "Employer", 998)
	fw.row(1107, "Sunrise", 115, "Physicians", 211, "Medical", 343, "Group", 439, "of", 511, "Southern", 547, "California,", 655, "Central", 799, "Coast}", 905, "State", 1004, "of", 1074, "California", 1104)
	fields := map[string]Field{}
	extractForm(Document{Kind: IMRForm, Pages: []int{1}}, []Page{{OCR: fw.page()}}, fields)
	if f := fields["plan.employer"]; f.Value != "State of California" || !f.NeedsReview {
		t.Errorf("employer %v (review %v), want State of California for a person to check", f.Value, f.NeedsReview)
	}
	if f := fields["plan.medical_group"]; f.Value == nil || strings.Contains(f.Value.(string), "State") || !f.NeedsReview {
		t.Errorf("medical group %v (review %v), want it without the employer, for a person to check", f.Value, f.NeedsReview)
	}
}

// TestIDPrefixEndingInADigitLikeLetter: a faxed "BH562748946" read "BHS62748946" at 0.82
// goes to a person; "LKB49075349402" and an id read surely do not; "Inc." alone is no
// employer.
func TestIDPrefixEndingInADigitLikeLetter(t *testing.T) {
	for _, tc := range []struct {
		value   string
		conf    float64
		doubted bool
	}{
		{"BHS62748946", 0.82, true},
		{"BHS62748946", 0.96, false},
		{"BH562748946", 0.82, false},
		{"LKB49075349402", 0.82, false},
	} {
		docs := []Document{{Kind: IMRForm, Fields: map[string]Field{"plan.member_id": {Value: tc.value, Confidence: tc.conf}}}}
		validate(docs, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
		if got := docs[0].Fields["plan.member_id"].NeedsReview; got != tc.doubted {
			t.Errorf("%q at %.2f: needs review %v, want %v", tc.value, tc.conf, got, tc.doubted)
		}
	}
	if got := tidyText("plan.employer", "Inc."); got != "" {
		t.Errorf("employer %q from a medical group's Inc.", got)
	}
}

// TestGenderWithItsLineLost: OCR read nothing of "Gender: Male Female Other" beside the
// birth date; the three boxes there, the second ticked, give "female" for a person to
// confirm. Two ticked give nothing.
func TestGenderWithItsLineLost(t *testing.T) {
	fw := formTop("Ortiz")
	fw.row(533, "Patient's", 110, "Date", 189, "of", 235, "Birth", 257, "(mm/dd/yyyy)", 302)
	fw.row(574, "03/26/1970", 115)
	boxes := func(ticked ...bool) []omr.Box {
		var out []omr.Box
		for k, x := range []int{795, 915, 1065} {
			out = append(out, omr.Box{Rect: image.Rect(x, 560, x+26, 586), Checked: ticked[k], Confidence: 0.96})
		}
		return out
	}
	fields := map[string]Field{}
	extractForm(Document{Kind: IMRForm, Pages: []int{1}}, []Page{{OCR: fw.page(), Boxes: boxes(false, true, false)}}, fields)
	if f := fields["patient.gender"]; f.Value != "female" || !f.NeedsReview {
		t.Errorf("gender %v (review %v), want female for a person to confirm", f.Value, f.NeedsReview)
	}
	fields = map[string]Field{}
	extractForm(Document{Kind: IMRForm, Pages: []int{1}}, []Page{{OCR: fw.page(), Boxes: boxes(true, true, false)}}, fields)
	if f, ok := fields["patient.gender"]; ok {
		t.Errorf("gender %v from two ticked boxes", f.Value)
	}
}

// formTop starts a form page's words: its heading and the name row, the last name given,
// under which a test adds the rows it is about.
func formTop(last string) *faxWords {
	var fw faxWords
	fw.row(300, "PATIENT", 132, "INFORMATION", 240)
	fw.row(467, "Luis", 138, last, 1026)
	fw.row(501, "First", 132, "Name", 173, "Middle", 743, "Initial", 804, "Last", 1021, "Name", 1059)
	return &fw
}

// TestValueLikeAOneWordCaption: on a Spanish form of Rev 01/20 the employer "Self
// -employed" is typed over "Empleador"; its "-employed", like the English caption
// "Employer", does not make the value's row one of captions, and the value is read whole,
// its hyphen mended.
func TestValueLikeAOneWordCaption(t *testing.T) {
	var fw faxWords
	fw.row(300, "INFORMACIÓN", 132, "DEL", 300, "PLAN", 360, "DE", 430, "SALUD", 470)
	fw.row(1030, "Golden", 110, "Poppy", 200, "GP769441843", 943)
	fw.row(1063, "Nombre", 132, "del", 220, "plan", 270, "de", 330, "salud", 370, "Numero", 943, "de", 1030, "afiliado", 1065, "del", 1170, "paciente", 1215)
	fw.row(1106, "Self", 1026, "-employed", 1094)
	fw.row(1138, "Nombre", 132, "del", 220, "grupo", 270, "médico", 345, "(si", 430, "está", 475, "inscrito", 535, "en", 640, "un", 675, "grupo", 710, "médico)", 785, "Empleador", 1021)
	fw.row(2100, "Formulario", 132, "DMHC", 1200, "20-224", 1260, "(Rev", 1340, "01/20)", 1400)
	fields := map[string]Field{}
	extractForm(Document{Kind: IMRForm, Pages: []int{1}}, []Page{{OCR: fw.page()}}, fields)
	if f := fields["plan.employer"]; f.Value != "Self-employed" {
		t.Errorf("employer %v, want Self-employed", f.Value)
	}
	if f := fields["plan.name"]; f.Value != "Golden Poppy" {
		t.Errorf("plan %v, want Golden Poppy", f.Value)
	}
}
