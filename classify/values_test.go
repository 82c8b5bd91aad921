package classify

import "testing"

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"10/02/2026":                "2026-10-02",
		"Date: 1/2/26":              "2026-01-02",
		"October 2, 2026":           "2026-10-02",
		"Oct. 2 2026":               "2026-10-02",
		"2 de octubre de 2026":      "2026-10-02",
		"22 de junio de 2026":       "2026-06-22",
		"02-Oct-2026":               "2026-10-02",
		"2026-10-02":                "2026-10-02",
		"DOB 09/12/2005; Case A-1":  "2005-09-12",
		"received on March 27 1991": "1991-03-27",
		"Date: — November4,2026":    "2026-11-04",
	} {
		got, ok := parseDate(in)
		if !ok || got != want {
			t.Errorf("parseDate(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"13/45/2026", "February 30, 2026", "Page 1 of 3", "AUTH-2026-359566", "Nov 42026"} {
		if got, ok := parseDate(in); ok {
			t.Errorf("parseDate(%q) = %q; want no date", in, got)
		}
	}
}

func TestNormalizeMendsDateDigits(t *testing.T) {
	for in, want := range map[string]string{"42/14/1970": "1970-12-14", "11/47/1988": "1988-11-17", "72-04-2001": "2001-12-04"} {
		got, factor, ok := normalize("patient.dob", in)
		if !ok || got != want || factor > 0.5 {
			t.Errorf("normalize(patient.dob, %q) = %q, %v, %v; want %q for review", in, got, factor, ok, want)
		}
	}
	// A date read right keeps its confidence; one that cannot be mended is no date.
	if got, factor, ok := normalize("patient.dob", "12/14/1970"); !ok || got != "1970-12-14" || factor != 1 {
		t.Errorf("a date read right: %q, %v, %v", got, factor, ok)
	}
	if got, _, ok := normalize("patient.dob", "52/14/1970"); ok {
		t.Errorf("52/14/1970 gave %q; want no date", got)
	}
}

func TestParsePhone(t *testing.T) {
	for in, want := range map[string]string{
		"(916) 255-5241":      "9162555241",
		"916-255-5241":        "9162555241",
		"1-888-466-2219":      "8884662219",
		"714,295.4149":        "7142954149",
		"(8O5) 223-7932":      "8052237932",
		"Phone: 626.412.3354": "6264123354",
		"916.255.,5241":       "9162555241",
	} {
		got, ok := parsePhone(in)
		if !ok || got != want {
			t.Errorf("parsePhone(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if got, ok := parsePhone("A-2026-619224"); ok {
		t.Errorf("a reference number read as the phone %q", got)
	}
}

func TestParseOthers(t *testing.T) {
	if z, ok := parseZip("Sacramento, CA 95814-2725"); !ok || z != "95814-2725" {
		t.Errorf("zip+4: %q %v", z, ok)
	}
	if s, ok := parseState("Los Angeles, ca 90011"); !ok || s != "CA" {
		t.Errorf("state: %q %v", s, ok)
	}
	if e, ok := parseEmail("raj.flores65 @outlook .com"); !ok || e != "raj.flores65@outlook.com" {
		t.Errorf("email: %q %v", e, ok)
	}
	if e, ok := parseEmail("yolanda, obrien40(Dyahoo.com"); !ok || e != "yolanda.obrien40@yahoo.com" {
		t.Errorf("fax email: %q %v", e, ok)
	}
	for in, want := range map[string]string{
		"priya.singhS9@gmail.com": "priya.singh59@gmail.com", "luis.torres3S@att.net": "luis.torres35@att.net",
		"ana.SOTO@gmail.com": "ana.SOTO@gmail.com", "mei.lO2@yahoo.com": "mei.l02@yahoo.com",
		"mtorresQ@yahoo.com": "mtorres@yahoo.com", "raj.diaz65Q@outlook.com": "raj.diaz65@outlook.com",
		"QQ@ex.com": "QQ@ex.com",
		// The at sign read as a character of its own, or a common domain misspelt.
		"aisha.rodriguez274yahoo.com": "aisha.rodriguez27@yahoo.com", "priya.fitzgerald91Watt.net": "priya.fitzgerald91@att.net",
		"juan.brown820ic1loud.com": "juan.brown82@icloud.com", "raj.yamamoto890yahoo.com": "raj.yamamoto89@yahoo.com",
		"eduardo.nakamura73@att:net": "eduardo.nakamura73@att.net", "li.wong5@gmai1.com": "li.wong5@gmail.com",
		"thomas . gomez86@out Look.com": "thomas.gomez86@outlook.com", "jamal..gomez77@yahoo.com": "jamal.gomez77@yahoo.com",
		"ana.diaz.gmail.com": "ana.diaz@gmail.com", "lee@example.org": "lee@example.org",
		"ximena.cruzi@outLook.com":               "ximena.cruzi@outlook.com",
		"guadalupe.jacksoncastillo56(Wgmail.com": "guadalupe.jacksoncastillo56@gmail.com",
	} {
		if e, ok := parseEmail(in); !ok || e != want {
			t.Errorf("parseEmail(%q) = %q, want %q", in, e, want)
		}
	}
	// What was guessed goes to a person; what was read as written does not.
	for in, want := range map[string]bool{"aisha.rodriguez274yahoo.com": true, "li.wong5@gmai1.com": true, "li.wong5@gmail.com": false,
		"ximena.cruzi@outLook.com": true} {
		if _, guessed, _ := mendEmail(in); guessed != want {
			t.Errorf("mendEmail(%q) guessed %v, want %v", in, guessed, want)
		}
	}
	if id, ok := memberID("SV 7407918308"); !ok || id != "SV7407918308" {
		t.Errorf("member id printed apart from its prefix: %q %v", id, ok)
	}
	if m := memberIDTextRE.FindStringSubmatch("member 1d ........: LKB599198635"); m == nil || m[1] != "LKB599198635" {
		t.Errorf("member id after a dotted leader and a 1 read for the I: %q", m)
	}
	if id, ok := memberID("§V754200824501"); !ok || id != "SV754200824501" {
		t.Errorf("member id: %q %v", id, ok)
	}
	if !confusable("LKB510330276", "LKBS10330276") || confusable("LKB510330276", "LKB510330277") {
		t.Error("confusable ids")
	}
}

func TestClinicalArea(t *testing.T) {
	for in, want := range map[string]string{
		"Admission to residential treatment center for eating disorder": "Mental Health Treatment",
		"MRI lumbar spine without contrast":                             "Diagnostic Imaging, Screening and Testing",
		"Humira (adalimumab) 40 mg every other week":                    "Pharmacy/Prescription Drugs",
		"Outpatient speech therapy, 24 visits":                          "Rehabilitation Services - Outpatient",
		"Emergency department services, level 4":                        "Acute Medical Services - Outpatient",
		"payment for my ER visit":                                       "Acute Medical Services - Outpatient",
		"Urgent care visit":                                             "Emergency/Urgent Care",
		"gallbladder surgery gallstones with recurrent pain":            "General Surgery",
		"Chemotherapy before surgery":                                   "Cancer Treatment",
		"Genetic testing, hereditary cancer panel BRCA genetic test":    "Diagnostic Imaging, Screening and Testing",
	} {
		if got := ClinicalArea(in); got != want {
			t.Errorf("ClinicalArea(%q) = %q; want %q", in, got, want)
		}
	}
	if got := ClinicalArea("thank you"); got != "" {
		t.Errorf("no service: %q", got)
	}
}

// TestMiddleInitialTrustedLess: a letter alone has no word to confirm it; a faxed "C" read
// as "E" at 0.77 goes to a person, a typed one read at 0.95 does not.
func TestMiddleInitialTrustedLess(t *testing.T) {
	_, factor, ok := normalize("patient.middle_initial", "E")
	if !ok || 0.77*factor >= 0.75 || 0.95*factor < 0.75 {
		t.Errorf("middle initial factor %v", factor)
	}
}
