package classify

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"intake/ocr"
)

// pageKind is what one page looks like on its own.
type pageKind struct {
	kind  Kind    // "" when the page shows nothing of its own (a continuation page)
	score float64 // strength of the evidence for kind, 0..1
	start bool    // the page begins a document (a letter's first page, a cover)
	blank bool
	sep   bool
	// formPage is the page number a form prints in its footer (1..3), 0 when unknown.
	formPage int
	// pageOf is "Page N of M" printed on the page (0, 0 when not printed).
	pageN, pageM int
	lang         string
	langScore    float64 // positive: Spanish, negative: English
}

// Phrases, folded (lower case, no accents). They are the printed wording of the
// regulator's own forms and the words that any plan's letter or a fax cover uses; none is
// taken from a particular plan.
var (
	formPhrases = []string{
		"independent medical review (imr) application", "application/complaint form",
		"revision medica independiente (imr)", "formulario de queja/solicitud",
		"patient information", "informacion del paciente", "health plan information",
		"informacion del plan de salud", "your health problem", "su problema de salud",
		"medical release", "autorizacion para divulgar", "statistical information only",
		"informacion estadistica", "dmhc 20-224", "complaint form - english", "patient's date of birth",
		"fecha de nacimiento del paciente", "primary language spoken", "idioma principal",
		"do you want someone to help you", "desea que alguien le ayude",
	}
	assistantPhrases = []string{
		"authorized assistant form", "dmhc 20-160", "part a: patient", "part b: person assisting",
		"person assisting the patient", "relationship to patient", "power of attorney for health care",
	}
	returnPhrases = []string{
		"return cover sheet", "requested information sheet", "put this sheet on top",
		"return this sheet", "do not write below the barcode", "dmhc# (case number)",
		"attached to your case", "please send the information checked below",
	}
	faxPhrases = []string{
		"fax cover", "facsimile", "transmittal", "total pages", "no. of pages", "number of pages",
		"pages:", "including cover", "including this page", "please reply", "please recycle",
		"please comment", "for review", "recipient fax", "sender phone", "callback", "fax number",
	}
	// Words of a plan's decision about care.
	decisionPhrases = []string{
		"denied", "deny ", "denial", "not approved", "not medically necessary", "medical necessity",
		"modified", "modify", "delayed", "upheld", "uphold", "adverse benefit determination",
		"notice of action", "your request", "prior authorization", "authorization request",
		"your appeal", "your grievance", "right to appeal", "appeal", "grievance",
		"experimental or investigational", "not a covered benefit", "not covered", "decision",
		"negada", "negado", "denegad", "negamos", "modificad", "retrasad", "su solicitud",
		"apelacion", "apelar", "queja", "decision", "determinacion", "no es medicamente necesari",
		"we reviewed", "we have reviewed", "revisamos",
	}
	// The regulator's IMR notice that every plan decision must carry.
	imrNoticePhrases = []string{
		"department of managed health care", "departamento de atencion medica administrada",
		"independent medical review", "revision medica independiente", "1-888-466-2219",
	}
	letterPhrases = []string{"dear ", "estimado", "estimada", "sincerely", "atentamente", "re:", "member id",
		"member:", "miembro", "n.° de miembro", "reference", "referencia", "member services", "servicios para miembros"}
	// Records that support a complaint: clinical notes, results, cards, benefit statements,
	// a physician's letter.
	supportingPhrases = []string{
		"progress note", "office visit note", "clinic note", "chief complaint", "assessment and plan",
		"assessment/plan", "history of present illness", "vital signs", "laboratory report",
		"reference range", "specimen", "accession", "explanation of benefits", "this is not a bill",
		"amount billed", "claim number", "member id card", "rx bin", "rxbin", "rx grp", "copay",
		"letter of medical necessity", "i am writing on behalf of", "to whom it may concern",
		"my patient", "npi ", "insurance card", "discharge summary", "medication list",
	}
	// What a record prints as its title, or a physician's letter says first.
	strongSupporting = []string{
		"progress note", "office visit note", "clinic note", "laboratory report", "lab report",
		"explanation of benefits", "this is not a bill", "letter of medical necessity",
		"i am writing on behalf of", "member id card", "insurance card", "discharge summary",
		"history of present illness", "reference range",
		// The front and back of a member's card.
		"rxbin", "rxpcn", "rxgrp", "possession of this card", "this card does not guarantee",
	}
	separatorPhrases = []string{"separator sheet", "*separator*", "patch t"}

	caseNumberRE = regexp.MustCompile(`\bHC\s?\d{2}\s?[-–]\s?\d{6}\s?[-–]\s?\d\b`)
	pageOfRE     = regexp.MustCompile(`(?i)\b(?:page|p[aá]gina)\s+(\d{1,2})\s+(?:of|de)\s+(\d{1,2})\b`)
	pageNRE      = regexp.MustCompile(`(?i)\b(?:page|p[aá]gina)\s+(\d)\b`)
)

// headerBand is the top share of a page where a fax machine prints its header line.
const headerBand = 0.03

// bodyWords are the page's words below the fax header band and with some confidence.
func bodyWords(p *ocr.Page) []ocr.Word {
	var out []ocr.Word
	for _, w := range p.Words {
		if w.Norm.Y1 < headerBand || w.Confidence < 0.3 {
			continue
		}
		if token(w.Text) == "" {
			continue
		}
		out = append(out, w)
	}
	return out
}

// stampWords are what the mailroom's RECEIVED stamp prints: on an otherwise empty page they
// do not make it a page of a document.
var stampWords = map[string]bool{"received": true, "recibido": true, "dmhc": true, "help": true, "center": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "may": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "oct": true, "nov": true, "dec": true}

func isBlank(pg Page) bool {
	// On a page with almost no dark pixels, what Tesseract makes of grey show-through or
	// speckle ("Bide rts obs Sok", "=", "ma,”": scraps, or words read with little
	// confidence) is not text.
	faint := pg.Ink > 0 && pg.Ink < 0.001
	n := 0
	for _, w := range bodyWords(pg.OCR) {
		t := token(w.Text)
		if stampWords[t] || isDigits(t) || faint && (w.Confidence < 0.6 || letterCount(t) < 3) {
			continue
		}
		n++
	}
	if n >= 3 {
		return false
	}
	// With the image measured, a page with real ink (a drawing, a signature) is not blank.
	return pg.Ink == 0 || pg.Ink < 0.01
}

func letterCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// bodyText is the page's text without the fax header line, folded.
func bodyText(p *ocr.Page) string {
	var b strings.Builder
	for _, l := range p.Lines {
		if l.Norm.Y1 < headerBand+0.01 && l.Norm.Y0 < headerBand {
			continue
		}
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	return fold(b.String())
}

func classifyPage(pg Page) pageKind {
	var pk pageKind
	for _, s := range pg.Symbols {
		// Any patch code: mailrooms choose theirs (Patch T, the transfer patch, or Patch 2).
		if (s.Kind == "code128" && strings.EqualFold(s.Text, "SEPARATOR")) || s.Kind == "patch" {
			pk.sep = true
			return pk
		}
	}
	if isBlank(pg) {
		pk.blank = true
		return pk
	}
	text := bodyText(pg.OCR)
	count := func(ps []string) int {
		n := 0
		for _, p := range ps {
			if strings.Contains(text, p) {
				n++
			}
		}
		return n
	}
	if count(separatorPhrases) >= 2 {
		pk.sep = true
		return pk
	}
	pk.lang, pk.langScore = language(text)
	if m := pageOfRE.FindStringSubmatch(text); m != nil {
		pk.pageN, _ = strconv.Atoi(m[1])
		pk.pageM, _ = strconv.Atoi(m[2])
	}

	form, assist, ret, fax := count(formPhrases), count(assistantPhrases), count(returnPhrases), count(faxPhrases)
	decision, notice, letter, support := count(decisionPhrases), count(imrNoticePhrases), count(letterPhrases), count(supportingPhrases)
	hasCase := caseNumberRE.MatchString(strings.ToUpper(text))
	for _, s := range pg.Symbols {
		if s.Kind == "code128" && caseNumberRE.MatchString(s.Text) {
			hasCase = true
			ret += 2
		}
	}
	top := topText(pg.OCR, 0.3)

	switch {
	case assist >= 2 && strings.Contains(text, "authorized assistant form") && form < 4:
		pk.kind, pk.score, pk.start = AssistantForm, clamp(0.6+0.1*float64(assist)), true
	case form >= 3:
		pk.kind, pk.score = IMRForm, clamp(0.55+0.06*float64(form))
		pk.formPage = formPageNumber(pg.OCR)
		// The first page opens with the patient's section: that outweighs a footer number
		// misread on a blurred fax ("Page 2" on page 1).
		if strings.Contains(top, "patient information") || strings.Contains(top, "informacion del paciente") {
			pk.formPage = 1
		}
		pk.start = pk.formPage == 1
	case ret >= 1 && hasCase:
		pk.kind, pk.score, pk.start = ReturnSheet, clamp(0.7+0.1*float64(ret)), true
	case isFaxCover(top, text, fax) && !(decision >= 3 && notice >= 2):
		pk.kind, pk.score, pk.start = FaxCover, clamp(0.6+0.08*float64(fax)), true
	default:
		pk.kind, pk.score, pk.start = letterOrRecord(pg.OCR, text, decision, notice, letter, support, pk.pageN)
	}
	return pk
}

// topText is the folded text of the lines in the top share of the page (below the fax header).
func topText(p *ocr.Page, share float64) string { return fold(topLines(p, share)) }

// faxTitleRE: a cover names itself on a line of its own ("FAX", "Fax Cover Sheet",
// "Facsimile Transmittal"); a letterhead's "Fax (855) 555-4987" is not a title.
var faxTitleRE = regexp.MustCompile(`(?m)^\s*(?:fax|facsimile|telefax)(?:\s+(?:cover|transmittal|sheet|message|cover sheet|transmittal sheet))*\s*$`)

var (
	toLineRE   = regexp.MustCompile(`(?m)^\s*to\b`)
	fromLineRE = regexp.MustCompile(`(?m)^\s*from\b`)
)

// isFaxCover: a fax cover names itself near the top and has To and From with their values
// (or, its From lost, many of a cover's words);
// a letterhead's "Fax" beside its number is not a title.
func isFaxCover(top, text string, phrases int) bool {
	title := faxTitleRE.MatchString(top) || strings.Contains(top, "fax cover") || strings.Contains(top, "facsimile") ||
		strings.Contains(top, "fax transmittal")
	to := strings.Contains(text, "to:") || toLineRE.MatchString(text) || strings.Contains(text, "recipient")
	from := strings.Contains(text, "from:") || fromLineRE.MatchString(text) || strings.Contains(text, "sender")
	labels := 0
	for _, l := range []string{"date", "pages", "re:", "subject", "fax:", "fax number", "phone", "comments", "message"} {
		if strings.Contains(text, l) {
			labels++
		}
	}
	// A From line OCR lost is made up for by the cover's own words (its row of "Urgent,
	// For Review, Please Comment, Please Reply, Please Recycle").
	return to && (from || phrases >= 4) && (title && labels >= 2 || phrases >= 3 && labels >= 3)
}

// letterOrRecord tells a plan's decision letter from a supporting record, or a page with
// nothing of its own (kind "").
func letterOrRecord(p *ocr.Page, text string, decision, notice, letter, support, pageN int) (Kind, float64, bool) {
	salutation := strings.Contains(text, "dear ") || strings.Contains(text, "estimad")
	dated := hasDateNearTop(p)
	start := (salutation || dated) && pageN <= 1 && !continuationHeader(p)
	if pageN == 1 {
		start = true
	}
	// A record that names itself (a clinic note, a lab report, an EOB, a card) or a
	// physician writing for the patient is supporting material even when it talks of the
	// plan's denial; its page 2 of 2 ("Page 2 of 2" in the footer) goes on the record before
	// it; a plan's letter about a bill uses some of the same words (claim,
	// copay), so those count only when nothing says it is the plan's decision.
	strong := 0
	for _, p := range strongSupporting {
		if strings.Contains(text, p) {
			strong++
		}
	}
	plan := decision >= 3 && (letter >= 2 || notice >= 2)
	switch {
	case strong > 0:
		return Supporting, clamp(0.6 + 0.1*float64(strong+support)), start || !continuationHeader(p) && pageN <= 1
	case plan:
		return DenialLetter, clamp(0.5 + 0.05*float64(decision+notice+letter)), start
	case decision >= 2 && notice >= 2:
		return DenialLetter, 0.6, start
	case support >= 2:
		return Supporting, clamp(0.5 + 0.1*float64(support)), start || !continuationHeader(p) && pageN <= 1
	case start && (salutation || support > 0):
		return Supporting, 0.5, true
	}
	return "", 0, false
}

// continuationHeader: a letter's later pages repeat the member's name, id and date at the
// top with "Page N" (N > 1).
func continuationHeader(p *ocr.Page) bool {
	top := topText(p, 0.2)
	if m := pageNRE.FindStringSubmatch(top); m != nil && m[1] != "1" {
		return true
	}
	if m := pageOfRE.FindStringSubmatch(top); m != nil && m[1] != "1" {
		return true
	}
	return false
}

// hasDateNearTop: letters carry their date in the top third.
func hasDateNearTop(p *ocr.Page) bool {
	for _, l := range p.Lines {
		if l.Norm.Y0 < headerBand || l.Norm.Y0 > 0.35 {
			continue
		}
		if _, ok := parseDate(l.Text); ok {
			return true
		}
	}
	return false
}

// formPageNumber reads the form's footer page number ("Page 2", "Página 2").
func formPageNumber(p *ocr.Page) int {
	for i := len(p.Lines) - 1; i >= 0; i-- {
		l := p.Lines[i]
		if l.Norm.Y0 < 0.85 {
			break
		}
		if m := pageNRE.FindStringSubmatch(fold(l.Text)); m != nil {
			n, _ := strconv.Atoi(m[1])
			if n >= 1 && n <= 4 {
				return n
			}
		}
	}
	return 0
}

func clamp(f float64) float64 {
	return max(0, min(f, 0.99))
}

var (
	spanishWords = wordSet("de la el que y en los las del se por para con una su sus es usted su esta este al como mas pero sobre le lo")
	englishWords = wordSet("the of and to in is you your for that with this be are on it we our have has was by an or not from")
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// language counts the common words of each language in folded text: positive is Spanish.
func language(text string) (string, float64) {
	es, en := 0, 0
	for _, f := range strings.Fields(text) {
		t := strings.Trim(f, ".,;:()¿?¡!\"'")
		if spanishWords[t] {
			es++
		}
		if englishWords[t] {
			en++
		}
	}
	if es > en {
		return "es", float64(es - en)
	}
	return "en", float64(es - en)
}
