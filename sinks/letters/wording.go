package letters

import (
	"fmt"
	"strings"
	"time"
)

// The Help Center's contact block, printed on both pages.
const (
	street    = "980 9th Street, Suite 500"
	cityLine  = "Sacramento, CA 95814-2725"
	tollFree  = "1-888-466-2219"
	tdd       = "1-877-688-9891"
	faxNumber = "916-255-5241"
)

// wording is everything the letter says in one language. Functions take the values that
// vary; the rest is fixed text.
type wording struct {
	agency, center  string // letterhead: the department and "HELP CENTER"
	contact         []string
	date            func(time.Time) string
	patient, dmhc   string // header labels
	plan            string
	copyOf          func(enrollee string) string
	dear            func(name string) string
	received        func(date, caseNumber string) string
	kind            map[string]string
	urgent          string
	nextHeading     string
	stages          [3][2]string // name, what happens
	clocks          string
	sendHeading     string
	important       string
	send            string
	questionHeading string
	questions       string
	closing         []string
	enclosure       string
	pageOf          func(n, m int) string

	// The return cover sheet.
	sheetAgency   string
	sheetSubtitle string // under "RETURN COVER SHEET"; empty in English
	sheetOnTop    string
	sheetCaseNo   string // the line above the case number
	sheetPatient  func(patient, plan string) string
	sheetSend     string
	sheetNote     string
	sheetSent     func(date string) string
}

var monthsES = [...]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
	"agosto", "septiembre", "octubre", "noviembre", "diciembre"}

var english = wording{
	agency: "DEPARTMENT OF MANAGED HEALTH CARE",
	center: "HELP CENTER",
	contact: []string{"Help Center", street, cityLine,
		"Toll-free: " + tollFree, "TDD: " + tdd, "Fax: " + faxNumber},
	date:    func(t time.Time) string { return t.Format("January 2, 2006") },
	patient: "Patient:", dmhc: "DMHC#:", plan: "Health Plan:",
	copyOf: func(e string) string { return "Copy sent to the authorized assistant of " + e + "." },
	dear:   func(n string) string { return "Dear " + n + ":" },
	received: func(d, n string) string {
		return "The Help Center of the Department of Managed Health Care received your submission on " + d +
			". Your case number is " + n + ". Please use this number whenever you write to us or call us about this case."
	},
	kind: map[string]string{
		KindIMR:          "We are reviewing your submission as an application for an Independent Medical Review (IMR).",
		KindComplaint:    "We are reviewing your submission as a consumer complaint about your health plan.",
		KindUndetermined: "After we review your submission, the Help Center will decide whether it is handled as an Independent Medical Review (IMR) or as a consumer complaint, and we will let you know.",
	},
	urgent:      "URGENT: We are treating your case as urgent. Urgent cases are typically decided within 7 days.",
	nextHeading: "What happens next",
	stages: [3][2]string{
		{"Intake and Processing.", "We open your case, send you this letter and confirm that your health plan is licensed by the Department and, when required, that you completed its grievance process."},
		{"Information Gathering and Review.", "We ask your health plan, and your doctors when needed, for records and review them. We may ask you for more information."},
		{"Determination.", "We send the decision to you and to your health plan."},
	},
	clocks:      "Urgent cases are typically decided within 7 days and other cases within 30 days; an Independent Medical Review may take up to 45 days.",
	sendHeading: "How to send us more documents",
	important:   "Put the enclosed Return Cover Sheet on top of everything you send us about this case,",
	send: "so that it is attached to your case. Fax: " + faxNumber + ". Mail: Help Center, " + street + ", " + cityLine +
		". Send copies, not originals: we cannot return documents.",
	questionHeading: "Questions?",
	questions:       "Call the Help Center toll-free at " + tollFree + " (TDD " + tdd + " for people who are deaf or hard of hearing or have a speech disability).",
	closing:         []string{"Sincerely,", "Help Center", "Department of Managed Health Care"},
	enclosure:       "Enclosure: Return Cover Sheet",
	pageOf:          func(n, m int) string { return fmt.Sprintf("Page %d of %d", n, m) },

	sheetAgency: "DEPARTMENT OF MANAGED HEALTH CARE - HELP CENTER",
	sheetOnTop:  "Put this sheet on top of everything you send us about your case.",
	sheetCaseNo: "DMHC# (case number)",
	sheetPatient: func(p, h string) string {
		if h == "" {
			return "Patient: " + endSentence(p)
		}
		return "Patient: " + p + ". Health Plan: " + endSentence(h)
	},
	sheetSend: "Fax: " + faxNumber + ", or mail to: Help Center, Department of Managed Health Care, " + street + ", " + cityLine +
		". Questions: " + tollFree + " (TDD " + tdd + ").",
	sheetNote: "Do not write below the barcode. Send copies, not originals: the Help Center cannot return documents.",
	sheetSent: func(d string) string { return "Sent with the Help Center's letter of " + d + "." },
}

var spanish = wording{
	agency: "DEPARTAMENTO DE ATENCIÓN MÉDICA ADMINISTRADA",
	center: "CENTRO DE AYUDA",
	contact: []string{"Help Center", street, cityLine,
		"Llamada gratuita: " + tollFree, "TDD: " + tdd, "Fax: " + faxNumber},
	date: func(t time.Time) string {
		return fmt.Sprintf("%d de %s de %d", t.Day(), monthsES[t.Month()-1], t.Year())
	},
	patient: "Paciente:", dmhc: "DMHC#:", plan: "Plan de salud:",
	copyOf: func(e string) string { return "Copia enviada al asistente autorizado de " + e + "." },
	dear:   func(n string) string { return "Estimado(a) " + n + ":" },
	received: func(d, n string) string {
		return "El Centro de Ayuda del Departamento de Atención Médica Administrada recibió su solicitud el " + d +
			". El número de su caso es " + n + ". Use este número siempre que nos escriba o nos llame sobre este caso."
	},
	kind: map[string]string{
		KindIMR:          "Estamos revisando su solicitud como una Revisión Médica Independiente (IMR).",
		KindComplaint:    "Estamos revisando su solicitud como una queja del consumidor sobre su plan de salud.",
		KindUndetermined: "Después de revisar su solicitud, el Centro de Ayuda decidirá si se tramita como una Revisión Médica Independiente (IMR) o como una queja del consumidor, y se lo haremos saber.",
	},
	urgent:      "URGENTE: Tramitamos su caso como urgente. Los casos urgentes normalmente se deciden en un plazo de 7 días.",
	nextHeading: "¿Qué sucede ahora?",
	stages: [3][2]string{
		{"Admisión y procesamiento.", "Abrimos su caso, le enviamos esta carta y confirmamos que su plan tiene licencia del Departamento y, si se requiere, que usted completó el proceso de quejas del plan."},
		{"Recopilación de información y revisión.", "Pedimos los expedientes a su plan de salud y, si hace falta, a sus médicos, y los revisamos. Es posible que le pidamos más información."},
		{"Determinación.", "Le enviamos la decisión a usted y a su plan de salud."},
	},
	clocks:      "Los casos urgentes normalmente se deciden en un plazo de 7 días y los demás en 30 días; una Revisión Médica Independiente puede tardar hasta 45 días.",
	sendHeading: "¿Cómo nos envía más documentos?",
	important:   "¡Importante! Ponga la hoja de portada adjunta (Return Cover Sheet) encima de todo lo que nos envíe",
	send: "sobre este caso, para que se agregue a su caso. Fax: " + faxNumber + ". Correo: Help Center, " + street + ", " + cityLine +
		". Envíe copias, no originales: no podemos devolver documentos.",
	questionHeading: "¿Tiene preguntas?",
	questions:       "Llame gratis al Centro de Ayuda al " + tollFree + " (TDD " + tdd + " para personas sordas, con dificultades auditivas o del habla).",
	closing:         []string{"Atentamente,", "Centro de Ayuda", "Departamento de Atención Médica Administrada"},
	enclosure:       "Anexo: hoja de portada para devolver (Return Cover Sheet)",
	pageOf:          func(n, m int) string { return fmt.Sprintf("Página %d de %d", n, m) },

	sheetAgency:   "DEPARTAMENTO DE ATENCIÓN MÉDICA ADMINISTRADA - CENTRO DE AYUDA",
	sheetSubtitle: "HOJA DE PORTADA PARA DEVOLVER",
	sheetOnTop:    "Ponga esta hoja encima de todo lo que nos envíe sobre su caso.",
	sheetCaseNo:   "DMHC# (case number) - número de caso",
	sheetPatient: func(p, h string) string {
		if h == "" {
			return "Paciente: " + endSentence(p)
		}
		return "Paciente: " + p + ". Plan de salud: " + endSentence(h)
	},
	sheetSend: "Fax: " + faxNumber + ", o por correo a: Help Center, Department of Managed Health Care, " + street + ", " + cityLine +
		". Preguntas: " + tollFree + " (TDD " + tdd + ").",
	sheetNote: "No escriba debajo del código de barras. Envíe copias, no originales: el Centro de Ayuda no puede devolver documentos.",
	sheetSent: func(d string) string { return "Enviada con la carta del Centro de Ayuda del " + d + "." },
}

// endSentence ends s with one full stop ("Health, Inc." stays as it is).
func endSentence(s string) string {
	if strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}
