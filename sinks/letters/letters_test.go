package letters_test

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"intake/sinks/letters"
)

// flat joins a page's text into one line with single spaces, so that a phrase reads the
// same whether or not the paragraph broke inside it.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestLetterText reads the letter back as a person (or a screen reader) would get it
// from the PDF: who it is for, the case, the dates, what kind of review, what happens
// next, how to reach the Help Center, in the letter's language with its accents.
func TestLetterText(t *testing.T) {
	complaint := ackEN()
	complaint.Kind = letters.KindComplaint
	complaint.Plan = ""
	urgentEN := ackEN()
	urgentEN.Kind = letters.KindUndetermined
	urgentEN.Urgent = true
	urgentEN.CopyOf = "Jane Q. Doe"
	urgentEN.To = letters.Address{Name: "Robert Doe", Lines: []string{"88 Pine St", "Davis, CA 95616"}}
	imrES := ackES()
	imrES.Kind, imrES.Urgent, imrES.CopyOf = letters.KindIMR, false, ""
	complaintES := ackES()
	complaintES.Kind, complaintES.Urgent, complaintES.CopyOf = letters.KindComplaint, false, ""

	enCommon := []string{
		"DEPARTMENT OF MANAGED HEALTH CARE", "HELP CENTER",
		"980 9th Street, Suite 500", "Sacramento, CA 95814-2725",
		"Toll-free: 1-888-466-2219", "TDD: 1-877-688-9891", "Fax: 916-255-5241",
		"DMHC#: HC26-000123-5", "Your case number is HC26-000123-5.",
		"received your submission on November 24, 2026.",
		"1. Intake and Processing.", "2. Information Gathering and Review.", "3. Determination.",
		"Urgent cases are typically decided within 7 days and other cases within 30 days; an Independent Medical Review may take up to 45 days.",
		"Put the enclosed Return Cover Sheet on top of everything you send us about this case",
		"Fax: 916-255-5241. Mail: Help Center, 980 9th Street, Suite 500, Sacramento, CA 95814-2725.",
		"toll-free at 1-888-466-2219 (TDD 1-877-688-9891",
		"Enclosure: Return Cover Sheet", "Page 1 of 2",
	}
	esCommon := []string{
		"DEPARTAMENTO DE ATENCIÓN MÉDICA ADMINISTRADA", "CENTRO DE AYUDA",
		"980 9th Street, Suite 500", "Sacramento, CA 95814-2725",
		"Llamada gratuita: 1-888-466-2219", "TDD: 1-877-688-9891", "Fax: 916-255-5241",
		"Paciente: María Peña Ibáñez", "DMHC#: HC26-004711-3", "Plan de salud: L.A. Care Health Plan",
		"José Ángel Peña Ibáñez", "1234 Cañada Road, Apt 5", "Unit B", "San José, CA 95112-1234",
		"1 de diciembre de 2026",
		"recibió su solicitud el 24 de noviembre de 2026.", "El número de su caso es HC26-004711-3.",
		"¿Qué sucede ahora?", "1. Admisión y procesamiento.", "2. Recopilación de información y revisión.", "3. Determinación.",
		"Los casos urgentes normalmente se deciden en un plazo de 7 días y los demás en 30 días; una Revisión Médica Independiente puede tardar hasta 45 días.",
		"¡Importante! Ponga la hoja de portada adjunta (Return Cover Sheet) encima de todo lo que nos envíe",
		"Envíe copias, no originales", "¿Tiene preguntas?",
		"Llame gratis al Centro de Ayuda al 1-888-466-2219 (TDD 1-877-688-9891", "Página 1 de 2",
	}
	imrEN := "We are reviewing your submission as an application for an Independent Medical Review (IMR)."
	complaintEN := "We are reviewing your submission as a consumer complaint about your health plan."
	undecidedEN := "the Help Center will decide whether it is handled as an Independent Medical Review (IMR) or as a consumer complaint"
	imrESw := "Estamos revisando su solicitud como una Revisión Médica Independiente (IMR)."
	complaintESw := "Estamos revisando su solicitud como una queja del consumidor sobre su plan de salud."
	undecidedES := "el Centro de Ayuda decidirá si se tramita como una Revisión Médica Independiente (IMR) o como una queja del consumidor"
	urgentENw := "URGENT: We are treating your case as urgent. Urgent cases are typically decided within 7 days."
	urgentESw := "URGENTE: Tramitamos su caso como urgente. Los casos urgentes normalmente se deciden en un plazo de 7 días."

	for _, tc := range []struct {
		name      string
		ack       letters.Ack
		want, not []string
		re        []string // regular expressions over the layout text (header columns)
	}{
		{"en imr", ackEN(), append([]string{imrEN, "November 30, 2026", "Dear Jane Q. Doe:",
			"Jane Q. Doe 4417 Alder Creek Way Sacramento, CA 95823"}, enCommon...),
			[]string{complaintEN, undecidedEN, "URGENT", "Copy sent"},
			[]string{`(?m)^Patient:\s+Jane Q\. Doe$`, `(?m)^DMHC#:\s+HC26-000123-5$`, `(?m)^Health Plan:\s+Blue Shield of California$`}},
		{"en complaint without plan", complaint, append([]string{complaintEN}, enCommon...),
			[]string{imrEN, undecidedEN, "URGENT"},
			[]string{`(?m)^Health Plan:$`}},
		{"en undetermined urgent copy", urgentEN, append([]string{undecidedEN, urgentENw,
			"Copy sent to the authorized assistant of Jane Q. Doe.", "Dear Jane Q. Doe:", "Robert Doe 88 Pine St Davis, CA 95616"}, enCommon...),
			[]string{imrEN, complaintEN, "Dear Robert Doe"}, nil},
		{"es undetermined urgent copy", ackES(), append([]string{undecidedES, urgentESw,
			"Copia enviada al asistente autorizado de María Peña Ibáñez.", "Estimado(a) María Peña Ibáñez:"}, esCommon...),
			[]string{imrESw, complaintESw, "José Ángel Peña Ibáñez:"}, nil},
		{"es imr", imrES, append([]string{imrESw, "Estimado(a) José Ángel Peña Ibáñez:"}, esCommon...),
			[]string{undecidedES, complaintESw, "URGENTE", "Copia enviada"}, nil},
		{"es complaint", complaintES, append([]string{complaintESw}, esCommon...),
			[]string{undecidedES, imrESw, "URGENTE"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			layout := text(t, render(t, tc.ack), 1, 1)
			got := flat(layout)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("page 1 lacks %q", w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("page 1 has %q", w)
				}
			}
			for _, r := range tc.re {
				if !regexp.MustCompile(r).MatchString(layout) {
					t.Errorf("page 1 does not match %s", r)
				}
			}
			if t.Failed() {
				t.Logf("page 1:\n%s", layout)
			}
		})
	}
}

// TestCoverSheetText: the return cover sheet names itself, the case and the patient in
// words a person and the recogniser both read, in English and Spanish.
func TestCoverSheetText(t *testing.T) {
	noPlan := ackEN()
	noPlan.Plan = ""
	for _, tc := range []struct {
		name      string
		ack       letters.Ack
		want, not []string
	}{
		{"en", ackEN(), []string{"DEPARTMENT OF MANAGED HEALTH CARE - HELP CENTER", "RETURN COVER SHEET",
			"Put this sheet on top of everything you send us about your case.", "DMHC# (case number) HC26-000123-5",
			"Patient: Jane Q. Doe. Health Plan: Blue Shield of California.",
			"Fax: 916-255-5241, or mail to: Help Center, Department of Managed Health Care, 980 9th Street, Suite 500, Sacramento, CA 95814-2725.",
			"Questions: 1-888-466-2219 (TDD 1-877-688-9891).", "Do not write below the barcode.",
			"Sent with the Help Center's letter of November 30, 2026."}, []string{"HOJA"}},
		{"en without plan", noPlan, []string{"Patient: Jane Q. Doe."}, []string{"Health Plan"}},
		{"es", ackES(), []string{"DEPARTAMENTO DE ATENCIÓN MÉDICA ADMINISTRADA - CENTRO DE AYUDA", "RETURN COVER SHEET",
			"HOJA DE PORTADA PARA DEVOLVER", "Ponga esta hoja encima de todo lo que nos envíe sobre su caso.",
			"DMHC# (case number) - número de caso HC26-004711-3",
			"Paciente: María Peña Ibáñez. Plan de salud: L.A. Care Health Plan.",
			"Fax: 916-255-5241, o por correo a: Help Center", "No escriba debajo del código de barras.",
			"Enviada con la carta del Centro de Ayuda del 1 de diciembre de 2026."}, []string{"Put this sheet"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			layout := text(t, render(t, tc.ack), 2, 2)
			got := flat(layout)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("page 2 lacks %q", w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("page 2 has %q", w)
				}
			}
			if t.Failed() {
				t.Logf("page 2:\n%s", layout)
			}
		})
	}
}

// The #10 window envelope on the folded letter, in points from the top-left corner: the
// window's left edge is 0.875 in from the sheet's, it is 4.5 x 1.125 in, and its top is
// 2.0 to 2.5 in from the top of the sheet depending on how the letter settles.
const (
	winLeft, winRight = 63.0, 63.0 + 324
	winHigh, winLow   = 144.0, 180.0 // the window's top in its two extreme positions
	winHeight         = 81.0
)

// TestAddressInWindow: every word of the recipient's name and address shows through the
// window wherever the letter settles in the envelope, and nothing else ever does.
func TestAddressInWindow(t *testing.T) {
	oneLine := ackEN()
	oneLine.To = letters.Address{Name: "Jane Q. Doe", Lines: []string{"PO Box 12, Sacramento, CA 95823"}}
	long := ackEN()
	long.To = letters.Address{Name: "Maximiliano Bartholomew Featherstonehaugh-Wainwright", Lines: []string{
		"c/o Guadalupe Hernández-Villaseñor, Authorized Assistant", "12345 North Cherry Blossom Boulevard, Apt 1207", "Rancho Santa Margarita, CA 92688-1234"}}
	for _, tc := range []struct {
		name string
		ack  letters.Ack
	}{{"en", ackEN()}, {"es four lines", ackES()}, {"one line", oneLine}, {"longest lines", long}} {
		t.Run(tc.name, func(t *testing.T) {
			want := strings.Fields(strings.Join(append([]string{tc.ack.To.Name}, tc.ack.To.Lines...), " "))
			var seen []string
			for _, w := range words(t, render(t, tc.ack), 1) {
				// Anything that may show through the window in any position.
				if w.X1 <= winLeft || w.X0 >= winRight || w.Y1 <= winHigh || w.Y0 >= winLow+winHeight {
					continue
				}
				seen = append(seen, w.Text)
				// An address word must show in every position of the window.
				if w.X0 < winLeft || w.X1 > winRight || w.Y0 < winLow || w.Y1 > winHigh+winHeight {
					t.Errorf("%q at x %.1f-%.1f, y %.1f-%.1f pt is not inside the window in every position (x %.1f-%.1f, y %.1f-%.1f)",
						w.Text, w.X0, w.X1, w.Y0, w.Y1, winLeft, winRight, winLow, winHigh+winHeight)
				}
			}
			if strings.Join(seen, " ") != strings.Join(want, " ") {
				t.Errorf("the window shows %q, want the address %q", seen, want)
			}
		})
	}
}

// TestPagesAndMerge: a letter has two pages, and the mailroom's batch holds every letter's
// pages in order, each page showing its own case number.
func TestPagesAndMerge(t *testing.T) {
	a, b, c := ackEN(), ackES(), ackEN()
	c.CaseNumber, c.Kind = "HC26-000042-7", letters.KindComplaint
	var pdfs [][]byte
	for _, x := range []letters.Ack{a, b, c} {
		p := render(t, x)
		n, err := letters.PageCount(p)
		if err != nil || n != 2 {
			t.Fatalf("%s: PageCount = %d, %v; want 2", x.CaseNumber, n, err)
		}
		pdfs = append(pdfs, p)
	}
	batch, err := letters.Merge(pdfs)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := letters.PageCount(batch); err != nil || n != 6 {
		t.Fatalf("batch PageCount = %d, %v; want 6", n, err)
	}
	for i, x := range []letters.Ack{a, a, b, b, c, c} {
		page := flat(text(t, batch, i+1, i+1))
		if !strings.Contains(page, x.CaseNumber) {
			t.Errorf("batch page %d does not show %s", i+1, x.CaseNumber)
		}
		for _, other := range []string{a.CaseNumber, b.CaseNumber, c.CaseNumber} {
			if other != x.CaseNumber && strings.Contains(page, other) {
				t.Errorf("batch page %d shows %s, another letter's case", i+1, other)
			}
		}
		sheet := strings.Contains(page, "RETURN COVER SHEET") && !strings.Contains(page, "Page 1 of 2") && !strings.Contains(page, "Página 1 de 2")
		if sheet != (i%2 == 1) {
			t.Errorf("batch page %d: return cover sheet = %v, want %v", i+1, sheet, i%2 == 1)
		}
	}
	if _, err := letters.Merge(nil); !errors.Is(err, letters.ErrPDF) {
		t.Errorf("Merge(nil) = %v, want ErrPDF", err)
	}
	if _, err := letters.Merge([][]byte{pdfs[0], []byte("not a pdf")}); !errors.Is(err, letters.ErrPDF) {
		t.Errorf("Merge of a non-PDF = %v, want ErrPDF", err)
	}
	if _, err := letters.PageCount([]byte("%PDF-1.7 broken")); !errors.Is(err, letters.ErrPDF) {
		t.Errorf("PageCount of a broken file = %v, want ErrPDF", err)
	}
}

// TestDeterministic: the same letter renders to the same bytes (dated with the letter's
// date, not the clock); another letter gets another file identifier.
func TestDeterministic(t *testing.T) {
	first := render(t, ackES())
	time.Sleep(1100 * time.Millisecond) // pdfcpu's clock-based dates would change by now
	// pdfcpu's write order follows Go's map order, which changes from one walk to the
	// next: several renderings, some at once, must all agree.
	var wg sync.WaitGroup
	again := make([][]byte, 8)
	for i := range again {
		wg.Go(func() {
			b, err := letters.RenderAck(ackES())
			if err != nil {
				t.Error(err)
			}
			again[i] = b
		})
	}
	wg.Wait()
	for i, b := range again {
		if !bytes.Equal(first, b) {
			t.Fatalf("rendering %d of the same letter gave different bytes", i+2)
		}
	}
	if !regexp.MustCompile(`/CreationDate ?\(D:20261201000000\+00'00'\)`).Match(first) {
		t.Error("the PDF is not dated with the letter's date")
	}
	id := regexp.MustCompile(`/ID ?\[ ?<([0-9A-F]{32})> ?<([0-9A-F]{32})> ?\]`)
	other := ackES()
	other.Received = other.Received.AddDate(0, 0, 1)
	m1, m2 := id.FindSubmatch(first), id.FindSubmatch(render(t, other))
	if m1 == nil || m2 == nil {
		t.Fatal("no file identifier")
	}
	if bytes.Equal(m1[1], m2[1]) {
		t.Error("two different letters have the same file identifier")
	}
	if !bytes.Equal(m1[1], m1[2]) {
		t.Error("a new file's two identifiers differ")
	}
	checkXref(t, first)
}

// checkXref checks that every object the cross-reference table lists in use starts at
// the offset the table gives: what putting the objects in order must keep true.
func checkXref(t *testing.T, pdf []byte) {
	t.Helper()
	m := regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref at the end of the file")
	}
	at, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(pdf[at:], []byte("xref")) {
		t.Fatalf("startxref %d does not point at the cross-reference table", at)
	}
	sub := regexp.MustCompile(`^(\d+) (\d+)$`)
	entry := regexp.MustCompile(`^(\d{10}) (\d{5}) ([nf])$`)
	num, used := 0, 0
	for _, line := range strings.Split(string(pdf[at:]), "\n")[1:] {
		line = strings.TrimSpace(line)
		if line == "trailer" {
			break
		}
		if s := sub.FindStringSubmatch(line); s != nil {
			num, _ = strconv.Atoi(s[1])
			continue
		}
		e := entry.FindStringSubmatch(line)
		if e == nil {
			t.Fatalf("bad cross-reference line %q", line)
		}
		if e[3] == "n" {
			off, _ := strconv.Atoi(e[1])
			gen, _ := strconv.Atoi(e[2])
			if want := fmt.Sprintf("%d %d obj", num, gen); !bytes.HasPrefix(pdf[off:], []byte(want)) {
				t.Errorf("object %d: offset %d holds %q", num, off, pdf[off:min(off+12, len(pdf))])
			}
			used++
		}
		num++
	}
	if used < 8 {
		t.Errorf("only %d objects in use", used)
	}
}

// TestRejects: what cannot be printed right is refused before anything is made, and the
// error does not repeat the patient's details.
func TestRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*letters.Ack)
		want   error
	}{
		{"bad check digit", func(a *letters.Ack) { a.CaseNumber = "HC26-000123-4" }, letters.ErrInvalid},
		{"not canonical", func(a *letters.Ack) { a.CaseNumber = "hc26 000123 5" }, letters.ErrInvalid},
		{"language", func(a *letters.Ack) { a.Language = "fr" }, letters.ErrInvalid},
		{"kind", func(a *letters.Ack) { a.Kind = "grievance" }, letters.ErrInvalid},
		{"no received date", func(a *letters.Ack) { a.Received = time.Time{} }, letters.ErrInvalid},
		{"no letter date", func(a *letters.Ack) { a.Date = time.Time{} }, letters.ErrInvalid},
		{"received after the letter", func(a *letters.Ack) { a.Received = a.Date.AddDate(0, 0, 1) }, letters.ErrInvalid},
		{"no address", func(a *letters.Ack) { a.To.Lines = nil }, letters.ErrInvalid},
		{"empty address line", func(a *letters.Ack) { a.To.Lines = []string{"", "Davis, CA 95616"} }, letters.ErrInvalid},
		{"no patient", func(a *letters.Ack) { a.Patient = "" }, letters.ErrInvalid},
		{"character without a glyph", func(a *letters.Ack) { a.Patient = "Łucja Wrzosek" }, letters.ErrInvalid},
		{"control character", func(a *letters.Ack) { a.Plan = "Blue\tShield" }, letters.ErrInvalid},
		{"five address lines", func(a *letters.Ack) { a.To.Lines = []string{"a", "b", "c", "Davis, CA 95616"} }, letters.ErrLayout},
		{"line wider than the window", func(a *letters.Ack) {
			a.To.Lines[0] = "12345 North Cherry Blossom Boulevard Extension, Building 7, Apt 1207"
		}, letters.ErrLayout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := ackEN()
			tc.change(&a)
			b, err := letters.RenderAck(a)
			if !errors.Is(err, tc.want) || b != nil {
				t.Fatalf("RenderAck = %d bytes, %v; want %v", len(b), err, tc.want)
			}
			for _, private := range []string{"Łucja", "Wrzosek", "Jane", "Alder", "Cherry"} {
				if strings.Contains(err.Error(), private) {
					t.Errorf("error %q repeats %q", err, private)
				}
			}
		})
	}
}

// TestLongValuesStillFit: the fullest letter (urgent, a copy, the longest kind wording,
// a four-line address, names and a plan that wrap) still fits its page in both languages.
func TestLongValuesStillFit(t *testing.T) {
	for _, lang := range []string{"en", "es"} {
		a := ackES()
		a.Language = lang
		a.Patient = "Maximiliano Bartholomew Featherstonehaugh-Wainwright de la Santísima Trinidad y Hernández-Villaseñor Jr."
		a.Plan = "Kaiser Foundation Health Plan, Inc. - Southern California Region, Medi-Cal Managed Care Two-Plan Model Commercial Product"
		a.CopyOf = a.Patient
		pdf := render(t, a)
		if n, err := letters.PageCount(pdf); err != nil || n != 2 {
			t.Fatalf("%s: PageCount = %d, %v; want 2", lang, n, err)
		}
		got := flat(text(t, pdf, 1, 1))
		for _, w := range []string{"Hernández-Villaseñor Jr.", "Two-Plan Model Commercial Product", "1-877-688-9891"} {
			if !strings.Contains(got, w) {
				t.Errorf("%s: page 1 lacks %q", lang, w)
			}
		}
	}
}
