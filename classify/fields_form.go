package classify

import (
	"image"
	"regexp"
	"sort"
	"strings"

	"intake/classify/omr"
	"intake/ocr"
)

// The IMR Application/Complaint Form (DMHC 20-224) is the regulator's own form: it is read
// from its printed captions, in both editions (Rev 09/25 prints each caption at the top of
// a box with the value under it; Rev 01/20 types the value on a rule with the caption under
// it) and both languages.

// formText are the captions of the form's text fields, English and Spanish.
var formText = []struct {
	key    string
	labels []string
}{
	{"patient.first_name", []string{"first name", "nombre"}},
	{"patient.middle_initial", []string{"middle initial", "inicial del segundo nombre"}},
	{"patient.last_name", []string{"last name", "apellido"}},
	{"patient.dob", []string{"patient's date of birth (mm/dd/yyyy)", "fecha de nacimiento del paciente (mm/dd/aaaa)"}},
	{"patient.guardian_name", []string{"name of parent or guardian if filing for minor child", "nombre del padre, madre o tutor si presenta la queja por un menor"}},
	{"patient.street", []string{"street address", "direccion"}},
	{"patient.city", []string{"city", "ciudad"}},
	{"patient.state", []string{"state", "estado"}},
	{"patient.zip", []string{"zip", "codigo postal"}},
	{"patient.phone", []string{"primary phone #", "phone #", "numero de telefono", "telefono principal"}},
	{"patient.phone2", []string{"secondary phone #", "telefono secundario"}},
	{"patient.email", []string{"email address", "correo electronico"}},
	{"plan.name", []string{"health plan name", "nombre del plan de salud"}},
	{"plan.member_id", []string{"patient's membership #", "numero de afiliado del paciente"}},
	{"plan.medical_group", []string{"medical group name (if enrolled in a medical group)", "nombre del grupo medico (si esta inscrito en un grupo medico)"}},
	{"plan.employer", []string{"employer", "empleador"}},
	{"signer_name", []string{"patient or parent name (print)", "nombre del paciente o padre/madre (letra de molde)"}},
	{"primary_language", []string{"primary language spoken", "idioma principal"}},
}

// maxWidth bounds a field whose right neighbour's caption may be unreadable (the signer's
// name, whose neighbour is the signature) or is no caption of a row (the birth date's, on
// Rev 01/20: "Gender:" and its boxes on the value's line), in points.
var maxWidth = map[string]float64{"signer_name": 200, "patient.dob": 200}

// formQuestions are the yes/no questions: a distinctive part of each, both languages.
var formQuestions = []struct {
	key     string
	phrases []string
}{
	{"patient.email_ok", []string{"sent to this email", "en este correo electronico"}},
	{"wants_assistant", []string{"want someone to help you", "desea que alguien le ayude"}},
	{"medi_cal", []string{"do you have medi-cal", "tiene medi-cal"}},
	{"fair_hearing", []string{"state fair hearing", "audiencia estatal imparcial"}},
	{"medicare", []string{"medicare or medicare advantage", "medicare o medicare advantage"}},
	{"grievance_filed", []string{"filed a complaint or grievance", "presentado una queja o reclamo"}},
	{"wants_reimbursement", []string{"want payment for a health care service", "desea que le paguen un servicio"}},
	{"wants_future_services", []string{"pay for future services", "pague servicios futuros"}},
	{"plan_denied", []string{"deny, delay or modify", "nego, retraso o modifico"}},
	{"out_of_network", []string{"out-of-network providers", "proveedores fuera de la red"}},
	{"wants_primary_language", []string{"communicate with you in your primary language", "comuniquemos con usted en su idioma"}},
}

// formLong are the free-text answers: the question (its start and its end, as it may wrap)
// and the answer under it.
var formLong = []struct {
	key        string
	start, end []string
}{
	{"reimbursement_services", []string{"list the dates of service", "anote las fechas del servicio"}, []string{"the provider's name:", "nombre del proveedor:"}},
	{"condition", []string{"what is your medical condition", "cual es su condicion medica"}, []string{"doctor's diagnosis?", "diagnostico de su medico?"}},
	{"treatment_requested", []string{"what medical treatment(s)/service(s)", "que tratamiento(s)/servicio(s)"}, []string{"are you asking for?", "esta solicitando?"}},
	{"providers", []string{"names and phone numbers of your primary care", "nombres y numeros de telefono de su medico"}, []string{"for this condition:", "por esta condicion:"}},
	{"problem", []string{"briefly describe the problem", "describa brevemente el problema"}, []string{"with your health plan:", "con su plan de salud:"}},
}

// answerLines is how many lines the form gives each free-text answer.
var answerLines = map[string]int{"reimbursement_services": 2, "condition": 2, "treatment_requested": 2, "providers": 2, "problem": 6}

// formStops are what ends a free-text answer: the next question or section.
var formStops = []string{
	"what is your medical condition", "cual es su condicion medica", "what medical treatment", "que tratamiento",
	"did your health plan deny", "su plan de salud nego", "names and phone numbers", "nombres y numeros de telefono",
	"have you seen any out-of-network", "ha visto a proveedores", "briefly describe", "describa brevemente",
	"medical release", "autorizacion para divulgar", "your health problem", "su problema de salud",
	"i authorize any health care provider", "autorizo a cualquier proveedor", "do you want your health plan to pay",
	"desea que su plan de salud pague", "imr application/complaint form", "formulario de queja/solicitud",
	"page 1", "page 2", "page 3", "pagina 1", "pagina 2", "pagina 3", "please continue", "continue en la pagina",
	"out-of-network providers", "proveedores fuera de la red", "did your health plan", "su plan de salud nego",
}

var denialReasons = []struct {
	value   string
	phrases []string
}{
	{"not_medically_necessary", []string{"not medically necessary", "no es medicamente necesario"}},
	{"experimental_investigational", []string{"experimental or investigational", "experimental o de investigacion"}},
	{"not_emergency_urgent", []string{"not an emergency/urgent", "no es una emergencia/urgencia"}},
	{"not_covered_benefit", []string{"not a covered benefit", "no es un beneficio cubierto"}},
	{"other", []string{"other (explain):", "otra (explique):"}},
}

// formPage is one page of a form being read.
type formPage struct {
	pg     Page
	v      *view
	no     int  // page of the input, 1-based
	old    bool // Rev 01/20: values over their captions
	th     int  // text height, pixels
	labels []formLabel
}

type formLabel struct {
	key  string
	box  image.Rectangle
	next int // x where the next caption on the same caption row starts (the field's right edge)
	// damaged: the caption was known only as part of its row (see damagedRows); its
	// value's confidence is lowered.
	damaged bool
}

func extractForm(doc Document, pages []Page, fields map[string]Field) {
	fps := make([]*formPage, len(pages))
	old := false
	for k, pg := range pages {
		if strings.Contains(fold(pg.OCR.Text), "rev 01/20") {
			old = true
		}
		fps[k] = &formPage{pg: pg, v: newView(pg.OCR), no: doc.Pages[k], th: textHeight(pg.OCR)}
	}
	for _, fp := range fps {
		fp.old = old
		fp.findLabels()
		fp.textFields(fields)
		fp.questions(fields)
		fp.gender(fields)
		fp.reason(fields)
		fp.longText(fields)
		fp.signature(fields)
	}
	if _, ok := fields["primary_language"]; !ok {
		for _, fp := range fps {
			fp.languageAboveQuestion(fields)
		}
	}
}

// languageNames are the languages people write as their primary language, folded.
var languageNames = wordSet("english espanol spanish chinese mandarin cantonese vietnamese korean tagalog filipino russian armenian arabic farsi persian punjabi hindi hmong japanese khmer cambodian lao portuguese french thai ukrainian somali")

// languageAboveQuestion reads the primary language when its caption was misread beyond
// recognition ("Tdiorha principal"): a language's name alone on a line just over the
// question whether to be written to in it, or over the caption right above that question.
func (fp *formPage) languageAboveQuestion(fields map[string]Field) {
	m, ok := fp.v.findAny("communicate with you in your primary language", "comuniquemos con usted en su idioma")
	if !ok {
		return
	}
	p := fp.pg.OCR
	for _, l := range p.Lines {
		if l.Box.Max.Y > m.box.Min.Y || m.box.Min.Y-l.Box.Max.Y > 5*fp.th || len(l.Words) == 0 || len(l.Words) > 2 {
			continue
		}
		w := p.Words[l.Words[0]]
		if len(l.Words) == 1 && languageNames[token(w.Text)] {
			fp.set(fields, "primary_language", strings.Trim(w.Text, ".,;:|_"), w.Confidence*0.8, w.Box)
			return
		}
	}
}

// formStopCaptions end a field on the caption row without being fields themselves.
var formStopCaptions = []string{
	"patient or parent signature", "firma del paciente o padre/madre", "date", "fecha", "gender:", "genero:",
}

// findLabels finds the captions of the text fields. A caption row is read left to right,
// taking at each word the longest caption that starts there (captions of neighbouring
// boxes can run together in one OCR line); a row counts only when captions make up most of
// its words, so a value that contains a caption's word ("State of California") is not one.
func (fp *formPage) findLabels() {
	var caps []captionSpec
	for _, f := range formText {
		for _, l := range f.labels {
			caps = append(caps, captionSpec{f.key, phraseTokens(l)})
		}
	}
	for _, l := range formStopCaptions {
		caps = append(caps, captionSpec{"", phraseTokens(l)})
	}
	fp.findCaptions(caps, 1, 0.5)
	fp.damagedRows()
	fp.setEdges()
}

// formRows are the form's caption rows as they are printed, left to right, in each edition
// and language: a row whose captions are too damaged to be found one by one ("Caty Mate
// Ap" on a fax at normal resolution) is still known whole.
var formRows = [][][2]string{
	{{"patient.first_name", "first name"}, {"patient.middle_initial", "middle initial"}, {"patient.last_name", "last name"}},
	{{"patient.first_name", "nombre"}, {"patient.middle_initial", "inicial del segundo nombre"}, {"patient.last_name", "apellido"}},
	{{"patient.dob", "patient's date of birth (mm/dd/yyyy)"}},
	{{"patient.dob", "fecha de nacimiento del paciente (mm/dd/aaaa)"}},
	{{"patient.guardian_name", "name of parent or guardian if filing for minor child"}},
	{{"patient.guardian_name", "nombre del padre, madre o tutor si presenta la queja por un menor"}},
	{{"patient.street", "street address"}},
	{{"patient.street", "direccion"}},
	{{"patient.city", "city"}, {"patient.state", "state"}, {"patient.zip", "zip"}},
	{{"patient.city", "ciudad"}, {"patient.state", "estado"}, {"patient.zip", "codigo postal"}},
	{{"patient.phone", "primary phone #"}, {"patient.phone2", "secondary phone #"}, {"patient.email", "email address"}},
	{{"patient.phone", "phone #"}, {"patient.email", "email address"}},
	{{"patient.phone", "numero de telefono"}, {"patient.email", "correo electronico"}},
	{{"patient.phone", "telefono principal"}, {"patient.phone2", "telefono secundario"}, {"patient.email", "correo electronico"}},
	{{"plan.name", "health plan name"}, {"plan.member_id", "patient's membership #"}},
	{{"plan.name", "nombre del plan de salud"}, {"plan.member_id", "numero de afiliado del paciente"}},
	{{"plan.medical_group", "medical group name (if enrolled in a medical group)"}, {"plan.employer", "employer"}},
	{{"plan.medical_group", "nombre del grupo medico (si esta inscrito en un grupo medico)"}, {"plan.employer", "empleador"}},
}

// maxRowDamage is the share of a caption row's letters that may be misread, added or
// lost for the row to be known whole: a row of several captions in their order is more
// telling than one caption alone, and more so when one of them was found as it should
// read. Each caption in the row may lose up to three quarters of its letters ("Ap" for
// "Zip", "Guy" for "City").
const (
	maxRowDamage         = 0.45
	maxAnchoredRowDamage = 0.55
	maxOneCaptionRow     = 0.34
	maxCaptionDamage     = 0.75
)

// damagedRows finds the caption rows whose captions were not all found one by one, by
// comparing each row's letters with the rows the form prints. A row within maxRowDamage of
// one is split into its captions where the letters fit best; the captions found one by one
// there that agree are kept, those that do not ("fast Name" taken for "Last Name") are
// dropped, and the rest are added, marked damaged.
func (fp *formPage) damagedRows() {
	p := fp.pg.OCR
	for _, r := range rows(p) {
		var ws []int
		var lets []string
		for _, w := range r.words {
			if t := lettersOf(token(p.Words[w].Text)); t != "" {
				ws, lets = append(ws, w), append(lets, t)
			}
		}
		if len(ws) == 0 || len(ws) > 16 {
			continue
		}
		best, bestD, bestCuts := -1, 2.0, []int(nil)
		for k, fr := range formRows {
			caps := make([]string, len(fr))
			for i, c := range fr {
				caps[i] = lettersOf(strings.Join(phraseTokens(c[1]), ""))
			}
			d, cuts := splitRow(lets, caps)
			limit := maxRowDamage
			switch {
			case len(caps) == 1:
				limit = maxOneCaptionRow
			case cuts != nil:
				// A caption of the row read exactly ("Zip" in "Guy Stu Zip") anchors it.
				for i, c := range caps {
					if strings.Join(lets[cuts[i]:cuts[i+1]], "") == c {
						limit = maxAnchoredRowDamage
					}
				}
			}
			if d > limit {
				continue
			}
			if cuts != nil && d < bestD {
				best, bestD, bestCuts = k, d, cuts
			}
		}
		if best < 0 {
			continue
		}
		// The row's captions stand between the tops and bottoms of the words read
		// surely there: a word a streak or a value above merged into the caption ("Hi"
		// 43 pixels high under an e-mail) does not stretch its caption's box over the value.
		var tops, bottoms []int
		for _, w := range ws {
			if p.Words[w].Confidence >= 0.8 {
				tops, bottoms = append(tops, p.Words[w].Box.Min.Y), append(bottoms, p.Words[w].Box.Max.Y)
			}
		}
		var want []formLabel
		for i, c := range formRows[best] {
			box := p.Words[ws[bestCuts[i]]].Box
			for _, w := range ws[bestCuts[i]:bestCuts[i+1]] {
				box = box.Union(p.Words[w].Box)
			}
			if len(tops) >= 2 {
				// No margin above: the value over the caption may reach down to it.
				y0, y1 := median(tops), median(bottoms)+fp.th/3
				if y0 < y1 && box.Max.Y > y0 && box.Min.Y < y1 {
					box.Min.Y, box.Max.Y = max(box.Min.Y, y0), min(box.Max.Y, y1)
				}
			}
			want = append(want, formLabel{key: c[0], box: box, damaged: true})
		}
		// The captions already found on this row: kept where they agree.
		kept := fp.labels[:0]
		for _, l := range fp.labels {
			if m := mid(l.box); m < r.box.Min.Y || m > r.box.Max.Y || l.key == "" {
				kept = append(kept, l)
				continue
			}
			for i, w := range want {
				if w.key == l.key && !w.box.Intersect(l.box).Empty() {
					want[i] = l
				}
			}
		}
		fp.labels = append(kept, want...)
	}
}

// splitRow cuts a row's words (their letters, lets) into len(caps) runs, one per caption in
// order, every run at least one word, where the letters fit best. It returns the row's
// damage (edit distance over the captions' letters) and the cuts (run i is words
// cuts[i]:cuts[i+1]); nil cuts when no split keeps each caption within maxCaptionDamage.
func splitRow(lets, caps []string) (float64, []int) {
	total := 0
	for _, c := range caps {
		total += len(c)
	}
	n := len(lets)
	if n < len(caps) || total == 0 {
		return 1, nil
	}
	bestD, bestCuts := -1, []int(nil)
	cuts := make([]int, len(caps)+1)
	cuts[len(caps)] = n
	var try func(i, from int)
	try = func(i, from int) {
		if i == len(caps) {
			dist := 0
			for k, c := range caps {
				d := EditDistance(strings.Join(lets[cuts[k]:cuts[k+1]], ""), c)
				if float64(d) > maxCaptionDamage*float64(len(c))+0.5 {
					return
				}
				dist += d
			}
			if bestD < 0 || dist < bestD {
				bestD, bestCuts = dist, append([]int(nil), cuts...)
			}
			return
		}
		if i == 0 {
			cuts[0] = 0
			try(1, 1)
			return
		}
		for c := from; c <= n-(len(caps)-i); c++ {
			cuts[i] = c
			try(i+1, c+1)
		}
	}
	try(0, 0)
	if bestCuts == nil {
		return 1, nil
	}
	return float64(bestD) / float64(total), bestCuts
}

// captionSpec is a caption to look for: the key its value goes to ("" for a caption that
// only bounds its neighbours) and its tokens.
type captionSpec struct {
	key  string
	toks []string
}

// findCaptions finds rows made mostly of captions, at least minPerRow of them, and adds
// them to fp.labels with their right edges.
func (fp *formPage) findCaptions(caps []captionSpec, minPerRow int, minShare float64) {
	p := fp.pg.OCR
	for _, r := range rows(p) {
		var ws []int
		merged := 0
		for _, w := range r.words {
			if token(p.Words[w].Text) != "" {
				ws = append(ws, w)
				if mergedLines(p.Words[w], fp.th) {
					merged++
				}
			}
		}
		var found []formLabel
		used := 0
		// weak: every caption found is one word read inexactly ("-employed" for
		// "Employer", in the value typed over a Spanish form's "Empleador").
		weak := true
		for i := 0; i < len(ws); {
			best, bestN, bestLoose := -1, 0, false
			for c, cp := range caps {
				n, took, loose := prefixMatch(p, ws[i:], cp.toks)
				// Long captions may lose their last words (a misread "(mm/dd/yyyy)").
				need := len(cp.toks)
				if need > 3 {
					need = max(3, (3*need+3)/4)
				}
				// A caption read right wins over one read loosely over as many words
				// ("Teléfono secundario" is no "Teléfono principal").
				if n >= need && (took > bestN || took == bestN && bestLoose && !loose) {
					best, bestN, bestLoose = c, took, loose
				}
			}
			if best < 0 {
				// A caption of three words or more with one word misread beyond recognition
				// ("Health Plan Nanu" on a fax) is no label, but its words still show the
				// row is one of captions.
				if n := nearCaption(p, ws[i:], caps); n > 0 {
					used += n
					i += n
					continue
				}
				i++
				continue
			}
			box := p.Words[ws[i]].Box
			for _, w := range ws[i : i+bestN] {
				box = box.Union(p.Words[w].Box)
			}
			found = append(found, formLabel{key: caps[best].key, box: box})
			if len(caps[best].toks) > 1 || token(p.Words[ws[i]].Text) == caps[best].toks[0] {
				weak = false
			}
			used += bestN
			i += bestN
		}
		// Words that are two lines run together (a value typed over its caption, read as
		// one unsure word with the caption under it) tell nothing about the row.
		if len(found) < minPerRow || float64(used) < minShare*float64(len(ws)-merged) {
			continue
		}
		// A row of values may hold a word like a one-word caption: a row is one of
		// captions on such a word only when nothing else stands in it.
		if weak && used < len(ws)-merged {
			continue
		}
		fp.labels = append(fp.labels, found...)
	}
	fp.setEdges()
}

// mergedLines says whether w is OCR's reading of two lines run together: taller than a
// line of text and read with little confidence.
func mergedLines(w ocr.Word, th int) bool {
	return w.Confidence < 0.7 && w.Box.Dy()*10 > th*13
}

// setEdges gives each field its right edge: the next caption on its caption row.
func (fp *formPage) setEdges() {
	p := fp.pg.OCR
	for i := range fp.labels {
		a := &fp.labels[i]
		a.next = p.Width * 96 / 100
		for j, b := range fp.labels {
			if i != j && abs(mid(a.box)-mid(b.box)) < fp.th && b.box.Min.X > a.box.Min.X && b.box.Min.X < a.next {
				a.next = b.box.Min.X
			}
		}
	}
}

// prefixMatch says how many of the caption's tokens the words ws begin with (each read
// right or nearly, a compound such as "padre/madre" possibly split in two, one word of a
// long caption wrong), how many words they took, and whether a word was let through
// unread (loose).
func prefixMatch(p *ocr.Page, ws []int, toks []string) (n, took int, loose bool) {
	spare := len(toks) >= 4
	for n < len(toks) && took < len(ws) {
		// A caption's words follow each other closely: a word two heights or more past
		// the last is the next box's caption ("Patient [Signature]  Date").
		if took > 0 {
			prev, cur := p.Words[ws[took-1]].Box, p.Words[ws[took]].Box
			if cur.Min.X-prev.Max.X > 2*max(prev.Dy(), cur.Dy()) {
				break
			}
		}
		t := token(p.Words[ws[took]].Text)
		if similar(t, toks[n]) {
			n, took = n+1, took+1
			continue
		}
		// One word inside a long caption may be misread beyond recognition ("Parent
		// Natne (Print)"), when the word after it is right.
		if spare && n > 0 && n+1 < len(toks) && took+1 < len(ws) && similar(token(p.Words[ws[took+1]].Text), toks[n+1]) {
			spare, loose = false, true
			n, took = n+1, took+1
			continue
		}
		// A caption of two words whose first is long and read exactly is known by it
		// ("Middle tninal"), when the second is about as long as it should be.
		if len(toks) == 2 && n == 1 && took > 0 && token(p.Words[ws[took-1]].Text) == toks[0] &&
			len(toks[0]) >= 5 && abs(len(t)-len(toks[1])) <= 2 {
			n, took, loose = n+1, took+1, true
			continue
		}
		// Or by its second, read exactly, when the first begins with the right letter and
		// is about as long ("Fira Name").
		if len(toks) == 2 && n == 0 && took+1 < len(ws) && token(p.Words[ws[took+1]].Text) == toks[1] &&
			len(toks[1]) >= 4 && t != "" && t[0] == toks[0][0] && abs(len(t)-len(toks[0])) <= 2 {
			n, took, loose = n+1, took+1, true
			continue
		}
		want, got := lettersOf(toks[n]), lettersOf(t)
		if want == toks[n] || took+1 >= len(ws) || got+lettersOf(token(p.Words[ws[took+1]].Text)) != want {
			break
		}
		n, took = n+1, took+2
	}
	return n, took, loose
}

// nearCaption says how many of the words ws begin with a caption of three words or more
// read with exactly one word wrong (not its first); 0 when none.
func nearCaption(p *ocr.Page, ws []int, caps []captionSpec) int {
	for _, cp := range caps {
		if len(cp.toks) < 3 || len(cp.toks) > len(ws) {
			continue
		}
		missed := 0
		for k, want := range cp.toks {
			if !similar(token(p.Words[ws[k]].Text), want) {
				missed++
				if k == 0 {
					missed = 2
				}
			}
		}
		if missed == 1 {
			return len(cp.toks)
		}
	}
	return 0
}

// valueOf returns the words typed in a caption's field: the run of words, on the row
// nearest the caption (under it, or over it in Rev 01/20), that starts at the caption's left
// edge. A value that runs past its box into the next one is kept whole (its words follow
// each other closely), and the next field's value does not take it.
// cutValueConfidence is the most confidence a value cut from its neighbour's keeps.
const cutValueConfidence = 0.7

func (fp *formPage) valueOf(l formLabel) (string, image.Rectangle, float64, bool) {
	p := fp.pg.OCR
	h := fp.th
	var lo, hi int
	if fp.old {
		lo, hi = l.box.Min.Y-int(2.6*float64(h)), l.box.Min.Y-h/5
	} else {
		lo, hi = l.box.Max.Y, l.box.Max.Y+int(2.4*float64(h))
	}
	var band []int
	for i, w := range p.Words {
		m := mid(w.Box)
		// An address's dot or underscore may be read as a word of its own ("thomas . gomez").
		mailMark := emailKeys[l.key] && (w.Text == "." || w.Text == "_")
		if m < lo || m > hi || fp.isLabelWord(w.Box) || token(w.Text) == "" && !mailMark && !(l.key == "patient.middle_initial" && barInitial(w, h)) {
			continue
		}
		band = append(band, i)
	}
	// The row: the word nearest the caption's left edge, counting distance across as well
	// as down, among those inside the field.
	ref, refWord, bestD := 0, -1, -1
	for _, i := range band {
		b := p.Words[i].Box
		cx := (b.Min.X + b.Max.X) / 2
		if cx < l.box.Min.X-h || cx > l.next-h/2 {
			continue
		}
		d := abs(mid(b)-mid(l.box)) + abs(b.Min.X-l.box.Min.X)/2
		if bestD < 0 || d < bestD {
			bestD, ref, refWord = d, mid(b), i
		}
	}
	if refWord < 0 {
		return "", image.Rectangle{}, 0, false
	}
	var row []int
	for _, i := range band {
		if abs(mid(p.Words[i].Box)-ref) <= h*2/3 {
			row = append(row, i)
		}
	}
	sort.Slice(row, func(a, b int) bool { return p.Words[row[a]].Box.Min.X < p.Words[row[b]].Box.Min.X })
	// Runs of words with no gap wider than a couple of spaces; the field's value is the run
	// that holds the first word inside the field.
	first := -1
	for k, i := range row {
		cx := (p.Words[i].Box.Min.X + p.Words[i].Box.Max.X) / 2
		if cx >= l.box.Min.X-h && cx <= l.next-h/2 {
			first = k
			break
		}
	}
	startK, endK := first, first
	for startK > 0 && p.Words[row[startK]].Box.Min.X-p.Words[row[startK-1]].Box.Max.X <= 3*h/2 {
		startK--
	}
	// An address has no spaces: a gap OCR left inside one (around a dot it lost) is wider
	// than a space between words, and an address is alone in its box.
	gap := 3 * h / 2
	if emailKeys[l.key] {
		gap = 3 * h
	}
	for endK+1 < len(row) && p.Words[row[endK+1]].Box.Min.X-p.Words[row[endK]].Box.Max.X <= gap {
		endK++
	}
	// Values are typed from their caption's left edge: a word that starts there, a space
	// after the word before it, begins the next field's value, even with no wider gap
	// between (a medical group's name run on under the employer's caption, the employer
	// typed after it). A long value may also merely reach there: whichever it was, a
	// person looks at both.
	conf := 1.0
	startsField := func(k int, x int) bool {
		w, prev := p.Words[row[k]].Box, p.Words[row[k-1]].Box
		return w.Min.X >= x-h/4 && w.Min.X <= x+h && w.Min.X-prev.Max.X >= h/3
	}
	if l.next < p.Width*9/10 {
		for k := first + 1; k <= endK; k++ {
			if startsField(k, l.next) {
				endK, conf = k-1, cutValueConfidence
				break
			}
		}
	}
	// A run that began left of this field is the previous field's overflow: it is not ours,
	// and what follows it in our field is.
	if startK < first && p.Words[row[startK]].Box.Min.X < l.box.Min.X-2*h {
		cut := -1
		for k := startK + 1; k <= endK; k++ {
			if startsField(k, l.box.Min.X) {
				cut = k
				break
			}
		}
		if cut < 0 {
			return "", image.Rectangle{}, 0, false
		}
		startK, conf = cut, cutValueConfidence
	}
	var b strings.Builder
	box := image.Rectangle{}
	for _, i := range row[startK : endK+1] {
		w := p.Words[i]
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if l.key == "patient.middle_initial" && barInitial(w, h) {
			b.WriteString("I")
		} else {
			b.WriteString(w.Text)
		}
		if box.Empty() {
			box = w.Box
		} else {
			box = box.Union(w.Box)
		}
		conf = min(conf, w.Confidence)
	}
	// Values are typed from their caption's left edge: one whose first word read starts
	// well right of it lost its first words ("Physicians." for "Capitol Independent
	// Physicians"); an organisation's name read up to a comma went on beyond its box
	// (", Inc." left in the next one). Either goes to a person.
	if first := p.Words[row[startK]].Box.Min.X; first > l.box.Min.X+4*h && l.key != "patient.middle_initial" ||
		orgKeys[l.key] && strings.HasSuffix(strings.TrimSpace(b.String()), ",") {
		conf = min(conf, 0.6)
	}
	v := tidyValue(b.String())
	return v, box, conf, v != ""
}

// barInitial says whether w is a capital I that OCR read as a bar ("|"): a thin stroke as
// tall as a capital, where a box's side would run taller.
func barInitial(w ocr.Word, th int) bool {
	return strings.Trim(w.Text, "|") == "" && w.Box.Dx() <= th/3 && w.Box.Dy()*10 >= th*9 && w.Box.Dy()*10 <= th*16
}

// abbreviations keep their full stop at the end of a value ("Inc.", "Jr."); OCR often
// loses it. Street suffixes keep whatever was printed.
var (
	abbreviations = wordSet("inc co corp ltd jr sr")
	keepAsPrinted = wordSet("st ave dr blvd ln ct rd pl way pkwy hwy")
)

// tidyValue cleans what OCR adds around a typed value: quote marks and rule fragments at
// the ends, a full stop after a name, a word broken at a hyphen ("Rivera- Jackson"), an
// underscore read for a space.
func tidyValue(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool { return strings.ContainsRune(" |_:;,'`~-=‘’“”\"[]", r) })
	if !strings.Contains(s, "@") {
		s = strings.ReplaceAll(s, "_", " ")
	}
	s = hyphenBreakRE.ReplaceAllString(s, "$1-$2$3")
	f := strings.Fields(s)
	if len(f) > 0 {
		last := strings.TrimRight(strings.ToLower(f[len(f)-1]), ".")
		switch {
		case abbreviations[last] && !strings.HasSuffix(s, "."):
			s += "."
		case !abbreviations[last] && !keepAsPrinted[last] && len(last) > 1:
			s = strings.TrimRight(s, ".")
		}
	}
	return collapse(s)
}

// hyphenBreakRE: a hyphen with a space after it, before a capital ("Rivera- Jackson"), or
// with a space before it and none after ("Self -employed").
var hyphenBreakRE = regexp.MustCompile(`(\p{L})(?:- (\p{Lu})| -(\p{L}))`)

// isLabelWord: most of the word lies inside a caption (a value typed close under its
// caption may touch it, on a fax more so).
func (fp *formPage) isLabelWord(b image.Rectangle) bool {
	area := b.Dx() * b.Dy()
	for _, l := range fp.labels {
		in := b.Intersect(l.box)
		if !in.Empty() && 2*in.Dx()*in.Dy() > area {
			return true
		}
	}
	return false
}

func (fp *formPage) set(fields map[string]Field, key string, value any, conf float64, box image.Rectangle) {
	if old, ok := fields[key]; ok && old.Confidence >= conf {
		return
	}
	fields[key] = newField(value, conf, fp.no, box, fp.pg.OCR)
}

// textFields reads the value of every caption found, normalised for its key.
func (fp *formPage) textFields(fields map[string]Field) {
	for _, l := range fp.labels {
		if l.key == "" {
			continue
		}
		if w, ok := maxWidth[l.key]; ok {
			l.next = min(l.next, l.box.Min.X+int(w*fp.pg.OCR.DPI/72))
		}
		v, box, conf, ok := fp.valueOf(l)
		if !ok {
			continue
		}
		value, factor, ok := normalize(l.key, v)
		if !ok {
			continue
		}
		if l.damaged {
			factor *= 0.9
		}
		fp.set(fields, l.key, value, conf*factor, box)
	}
}

// boxesNear returns the checkboxes whose middle is within the vertical band, right of x.
// genderBesideBirthDate reads the gender when OCR lost its line ("Gender: Male Female
// Other" not read at all): the form prints its three boxes beside the birth date's value,
// in that order. Known by place alone, the answer goes to a person.
func (fp *formPage) genderBesideBirthDate(fields map[string]Field) {
	for _, l := range fp.labels {
		if l.key != "patient.dob" {
			continue
		}
		h := fp.th
		y0, y1 := l.box.Max.Y, l.box.Max.Y+int(2.4*float64(h))
		if fp.old {
			y0, y1 = l.box.Min.Y-int(2.6*float64(h)), l.box.Min.Y
		}
		row := fp.boxesNear(y0, y1, l.box.Min.X+fp.pg.OCR.Width/4)
		if len(row) != 3 {
			return
		}
		ticked := -1
		for k, bx := range row {
			if bx.Checked {
				if ticked >= 0 {
					return
				}
				ticked = k
			}
		}
		if ticked >= 0 {
			bx := row[ticked]
			fp.set(fields, "patient.gender", []string{"male", "female", "other"}[ticked], min(bx.Confidence*0.75, 0.7), bx.Rect)
		}
		return
	}
}

func (fp *formPage) boxesNear(y0, y1, x int) []omr.Box {
	var out []omr.Box
	for _, b := range fp.pg.Boxes {
		m := mid(b.Rect)
		if m >= y0 && m <= y1 && b.Rect.Min.X >= x {
			out = append(out, b)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Rect.Min.X < out[j].Rect.Min.X })
	return out
}

func (fp *formPage) questions(fields map[string]Field) {
	p := fp.pg.OCR
	h := fp.th
	found := map[string]bool{}
	for _, q := range formQuestions {
		m, ok := fp.v.findAny(q.phrases...)
		if !ok {
			continue
		}
		found[q.key] = true
		// The Yes and No boxes sit at the right end of the question's first line: the row
		// of boxes nearest the question's words (OCR's line boxes can span two rows).
		cands := fp.boxesNear(m.box.Min.Y-2*h, m.box.Max.Y+h/2, p.Width/2)
		var pair []omr.Box
		bestD := -1
		for _, a := range cands {
			var row []omr.Box
			for _, b := range cands {
				if abs(mid(a.Rect)-mid(b.Rect)) <= h/2 {
					row = append(row, b)
				}
			}
			if len(row) < 2 {
				continue
			}
			if d := abs(mid(a.Rect) - mid(m.box)); bestD < 0 || d < bestD {
				bestD, pair = d, row
			}
		}
		if len(pair) < 2 {
			// One box of the pair not found (a broken outline on a fax): the other tells the
			// answer if it is ticked and sits in the Yes or the No column of the page.
			if b, col, ok := fp.loneBox(cands, m.box, h); ok && b.Checked {
				fp.set(fields, q.key, col == "yes", b.Confidence*0.85, b.Rect)
			}
			continue
		}
		fp.answer(fields, q.key, pair, 1)
	}
	fp.questionsByOrder(fields, found)
}

// answer reads a yes/no pair (the row's last two boxes) into key.
func (fp *formPage) answer(fields map[string]Field, key string, pair []omr.Box, factor float64) {
	sort.Slice(pair, func(i, j int) bool { return pair[i].Rect.Min.X < pair[j].Rect.Min.X })
	yes, no := pair[len(pair)-2], pair[len(pair)-1]
	conf := min(yes.Confidence, no.Confidence) * factor
	switch {
	case yes.Checked && !no.Checked:
		fp.set(fields, key, true, conf, yes.Rect)
	case no.Checked && !yes.Checked:
		fp.set(fields, key, false, conf, no.Rect)
	case yes.Checked && no.Checked:
		// Both ticked: the fuller one, for a person to confirm.
		fp.set(fields, key, yes.Fill > no.Fill, 0.4, yes.Rect.Union(no.Rect))
	}
}

// pageQuestions are the yes/no questions of each page of the form, in the order printed.
var pageQuestions = [][]string{
	{"patient.email_ok", "wants_assistant", "medi_cal", "fair_hearing", "medicare", "grievance_filed", "wants_reimbursement", "wants_future_services"},
	{"plan_denied", "out_of_network"},
	{"wants_primary_language"},
}

// questionsByOrder answers the questions whose wording OCR could not read from their place:
// when the page shows exactly as many yes/no rows as its questions, the rows are the
// questions in the order the form prints them. A person confirms such answers.
func (fp *formPage) questionsByOrder(fields map[string]Field, found map[string]bool) {
	var list []string
	for _, qs := range pageQuestions {
		for _, k := range qs {
			if found[k] {
				list = qs
			}
		}
	}
	if list == nil {
		return
	}
	missing := false
	for _, k := range list {
		if !found[k] {
			missing = true
		}
	}
	if !missing {
		return
	}
	h := fp.th
	// The rows: pairs of boxes in the Yes/No columns at the right edge (not the gender
	// boxes mid-page), top to bottom.
	var right []omr.Box
	for _, b := range fp.pg.Boxes {
		if b.Rect.Min.X > fp.pg.OCR.Width*7/10 {
			right = append(right, b)
		}
	}
	sort.Slice(right, func(i, j int) bool { return mid(right[i].Rect) < mid(right[j].Rect) })
	var rows [][]omr.Box
	for _, b := range right {
		if n := len(rows); n > 0 && abs(mid(rows[n-1][0].Rect)-mid(b.Rect)) <= h/2 {
			rows[n-1] = append(rows[n-1], b)
			continue
		}
		rows = append(rows, []omr.Box{b})
	}
	if len(rows) != len(list) {
		return
	}
	for i, k := range list {
		if found[k] || len(rows[i]) != 2 {
			continue
		}
		fp.answer(fields, k, rows[i], 0.7) // under the review threshold: a person confirms
	}
}

// loneBox finds the single box on the question's row and says whether it is in the page's
// Yes column or its No column (the columns of the page's complete yes/no pairs).
func (fp *formPage) loneBox(cands []omr.Box, q image.Rectangle, h int) (omr.Box, string, bool) {
	var lone []omr.Box
	for _, b := range cands {
		if abs(mid(b.Rect)-mid(q)) <= h {
			lone = append(lone, b)
		}
	}
	if len(lone) != 1 {
		return omr.Box{}, "", false
	}
	// The columns: pairs elsewhere on the page.
	var yesX, noX []int
	all := fp.pg.Boxes
	for i, a := range all {
		for _, b := range all[i+1:] {
			if abs(mid(a.Rect)-mid(b.Rect)) <= h/2 && a.Rect.Min.X > fp.pg.OCR.Width/2 && b.Rect.Min.X > fp.pg.OCR.Width/2 {
				l, r := a, b
				if r.Rect.Min.X < l.Rect.Min.X {
					l, r = r, l
				}
				yesX, noX = append(yesX, l.Rect.Min.X), append(noX, r.Rect.Min.X)
			}
		}
	}
	if len(yesX) == 0 {
		return omr.Box{}, "", false
	}
	sort.Ints(yesX)
	sort.Ints(noX)
	x := lone[0].Rect.Min.X
	switch {
	case abs(x-yesX[len(yesX)/2]) <= h:
		return lone[0], "yes", true
	case abs(x-noX[len(noX)/2]) <= h:
		return lone[0], "no", true
	}
	return omr.Box{}, "", false
}

// gender reads the Male / Female / Other boxes on the row of "Gender:": the option is the
// word right of the ticked box, or, when OCR could not read that word, the box's place in
// the row (the form prints them in that order in both editions and languages).
func (fp *formPage) gender(fields map[string]Field) {
	m, ok := fp.v.findAny("gender:", "genero:")
	if !ok {
		fp.genderBesideBirthDate(fields)
		return
	}
	p := fp.pg.OCR
	h := fp.th
	b := m.box
	row := fp.boxesNear(b.Min.Y-h, b.Max.Y+h, b.Max.X)
	if len(row) > 3 {
		row = row[:3]
	}
	options := []string{"male", "female", "other"}
	var ticked []int
	for k, bx := range row {
		if bx.Checked {
			ticked = append(ticked, k)
		}
	}
	if len(ticked) != 1 {
		return
	}
	k := ticked[0]
	bx := row[k]
	value, conf := "", 0.0
	for _, w := range p.Words {
		if w.Box.Min.X > bx.Rect.Max.X && w.Box.Min.X-bx.Rect.Max.X < 2*h && abs(mid(w.Box)-mid(bx.Rect)) < h {
			switch token(w.Text) {
			case "male", "masculino":
				value, conf = "male", bx.Confidence*w.Confidence
			case "female", "femenino":
				value, conf = "female", bx.Confidence*w.Confidence
			case "other", "otro", "something":
				value, conf = "other", bx.Confidence*w.Confidence
			}
			break
		}
	}
	if value == "" && len(row) == 3 {
		value, conf = options[k], bx.Confidence*0.9
	}
	if value != "" {
		fp.set(fields, "patient.gender", value, conf, bx.Rect)
	}
}

func (fp *formPage) reason(fields map[string]Field) {
	h := fp.th
	var ticked []struct {
		value string
		box   omr.Box
	}
	for _, r := range denialReasons {
		// The box just left of the reason's words; the same words in the patient's own
		// (a problem "no es un beneficio cubierto") have none.
		var ms []match
		for _, ph := range r.phrases {
			ms = append(ms, fp.v.find(ph)...)
		}
	matches:
		for _, m := range ms {
			for _, bx := range fp.pg.Boxes {
				if bx.Rect.Max.X <= m.box.Min.X && m.box.Min.X-bx.Rect.Max.X < 3*h && abs(mid(bx.Rect)-mid(m.box)) < h {
					if bx.Checked {
						ticked = append(ticked, struct {
							value string
							box   omr.Box
						}{r.value, bx})
					}
					break matches
				}
			}
		}
	}
	switch len(ticked) {
	case 0:
	case 1:
		fp.set(fields, "denial_reason", ticked[0].value, ticked[0].box.Confidence, ticked[0].box.Rect)
	default:
		fp.set(fields, "denial_reason", ticked[0].value, 0.4, ticked[0].box.Rect)
	}
}

// answerBand finds a free-text question (its start and end phrases) and returns its box
// and the band of the page under it that holds the answer: from the question's last line
// (endY) to the next question or section, or as far as the answer's box reaches (stopY).
func (fp *formPage) answerBand(key string, start, end []string) (q image.Rectangle, endY, stopY int, ok bool) {
	p := fp.pg.OCR
	m0, ok := fp.v.findAny(start...)
	if !ok {
		return q, 0, 0, false
	}
	q = m0.box
	// The question's last line.
	endY = p.Lines[m0.line].Box.Max.Y
	for _, e := range end {
		for _, m := range fp.v.find(e) {
			if m.line >= m0.line && m.line <= m0.line+3 {
				endY = max(endY, p.Lines[m.line].Box.Max.Y)
				q = q.Union(m.box)
			}
		}
	}
	// Up to the next question or section.
	stopY = p.Height
	stops := append([]string(nil), formStops...)
	for _, o := range formLong {
		if o.key != key {
			stops = append(stops, o.start...)
		}
	}
	for _, fq := range formQuestions {
		stops = append(stops, fq.phrases...)
	}
	// The reasons are options: a box's glyph starts their line. The same words starting a
	// line of the answer ("not medically necessary. I have been waiting...") go on.
	optionStops := map[string]bool{}
	for _, r := range denialReasons {
		stops = append(stops, r.phrases...)
		for _, ph := range r.phrases {
			optionStops[ph] = true
		}
	}
	// No further than the answer's box reaches: the form prints a box of a few 14-point
	// lines under each question.
	if n, ok := answerLines[key]; ok {
		stopY = min(stopY, endY+int(float64(n*14+12)*p.DPI/72))
	}
	for _, s := range stops {
		for _, m := range fp.v.find(s) {
			// Printed questions and options start their line (after a box's glyph);
			// the same words inside the answer do not end it.
			if m.first > 1 || m.first == 1 && !glyphLike(p.Words[p.Lines[m.line].Words[0]].Text) {
				continue
			}
			if optionStops[s] && m.first == 0 {
				continue
			}
			y := p.Lines[m.line].Box.Min.Y
			if y > endY+fp.th/2 && y < stopY {
				stopY = y
			}
		}
	}
	return q, endY, stopY, true
}

// longText reads the free-text answers: the lines in each question's answer band.
func (fp *formPage) longText(fields map[string]Field) {
	p := fp.pg.OCR
	for _, lt := range formLong {
		_, endY, stopY, ok := fp.answerBand(lt.key, lt.start, lt.end)
		if !ok {
			continue
		}
		var parts []string
		var box image.Rectangle
		conf := 1.0
		lines := append([]ocr.Line(nil), p.Lines...)
		sort.SliceStable(lines, func(i, j int) bool { return lines[i].Box.Min.Y < lines[j].Box.Min.Y-fp.th/2 })
		for _, l := range lines {
			if mid(l.Box) <= endY || mid(l.Box) >= stopY {
				continue
			}
			t := cleanLine(p, l)
			if t == "" {
				continue
			}
			parts = append(parts, t)
			if box.Empty() {
				box = l.Box
			} else {
				box = box.Union(l.Box)
			}
			conf = min(conf, lineConfidence(p, l))
		}
		text := collapse(strings.Join(parts, " "))
		if text == "" {
			continue
		}
		if lt.key == "condition" || lt.key == "treatment_requested" {
			// A short answer: no dash from the box's edge before it, no full stop after.
			text = strings.TrimRight(strings.TrimLeft(text, "—–-_|. "), ".")
		}
		if lt.key == "providers" {
			// Phone numbers: OCR reads a full stop as a comma; "Dr," for "Dr.".
			text = strings.ReplaceAll(fixDigits(text), "Dr,", "Dr.")
		}
		fp.set(fields, lt.key, text, conf, box)
	}
}

// shortWords are words of two letters or fewer that start a line of an answer; anything
// else that short before a printed option is the option's box read as text.
var shortWords = wordSet("is it a an to of or in on no my me we he if at as by be do so up us es el la lo y de en mi se su yo ya ha le un al")

// glyphLike: a word that is a checkbox's glyph as OCR reads it ("[X]", "O", "Kl", "©").
func glyphLike(w string) bool {
	if strings.ContainsAny(w, "[]|©®()") {
		return true
	}
	return len([]rune(w)) <= 2 && !shortWords[strings.ToLower(w)]
}

// cleanLine is a line's text without what OCR reads in the rules and box edges of a form:
// bars, underscores and stray single letters of low confidence.
func cleanLine(p *ocr.Page, l ocr.Line) string {
	var ws []string
	for _, i := range l.Words {
		w := p.Words[i]
		t := strings.ReplaceAll(w.Text, "_", " ")
		if token(t) == "" {
			if strings.ContainsAny(t, "|_[]") || w.Confidence < 0.6 {
				continue
			}
		}
		if (t == "l" || t == "|") && w.Confidence < 0.6 {
			continue
		}
		// A box's edge read as a letter at the start of the line ("Ty Dr. Ana ..."); "I" and
		// Spanish "y", "o" are words.
		if len(ws) == 0 && len([]rune(token(t))) <= 2 && w.Confidence < 0.7 && len(l.Words) > 2 && !oneLetterWords[token(t)] {
			continue
		}
		ws = append(ws, t)
	}
	return collapse(strings.Join(ws, " "))
}

var oneLetterWords = wordSet("i a y o e u")

// signatureInk is the share of dark pixels above which a signature area is signed.
const signatureInk = 0.015

func (fp *formPage) signature(fields map[string]Field) {
	// The signature box: measured beside its caption when OCR found it, else beside the
	// signer's printed name (the caption is often crossed out by the signature itself).
	order := []string{"signature-right", "signer-right"}
	if fp.old {
		order = []string{"signature-above", "signer-above"}
	}
	// Both areas are measured: the surer wins, and when the other says otherwise (a small
	// signature under its caption, beside the area measured there) a person looks.
	var best *Mark
	bestSigned, bestConf, against := false, 0.0, false
	for _, want := range order {
		for i, m := range fp.pg.Marks {
			if m.Label != want {
				continue
			}
			signed, conf := inkDecision(m.Ink)
			if best != nil && signed != bestSigned && min(conf, bestConf) >= 0.7 {
				against = true
			}
			if best == nil || conf > bestConf {
				best, bestSigned, bestConf = &fp.pg.Marks[i], signed, conf
			}
		}
	}
	if best != nil {
		if against {
			bestConf *= 0.7
		}
		if old, ok := fields["signed"]; !ok || bestConf > old.Confidence {
			fields["signed"] = Field{Value: bestSigned, Confidence: bestConf, Page: fp.no, Box: best.Area, NeedsReview: bestConf < reviewBelow}
		}
	}
	// The date beside the signature: the "Date" caption on the signer's caption row.
	var signer *formLabel
	for i := range fp.labels {
		if fp.labels[i].key == "signer_name" {
			signer = &fp.labels[i]
		}
	}
	if signer == nil {
		return
	}
	for _, word := range []string{"date", "fecha"} {
		for _, l := range fp.v.find(word) {
			fp.dateBeside(fields, l, signer)
		}
	}
	if _, ok := fields["signed_date"]; !ok {
		// The "Date" caption unread (a signature runs over it): the date field starts 420
		// points right of the signer's caption, in both editions.
		dx := int(420 * fp.pg.OCR.DPI / 72)
		l := match{box: signer.box.Add(image.Pt(dx, 0))}
		l.box.Max.X = l.box.Min.X + fp.th
		fp.dateBeside(fields, l, signer)
	}
}

func (fp *formPage) dateBeside(fields map[string]Field, m match, signer *formLabel) {
	if abs(mid(m.box)-mid(signer.box)) > fp.th || m.box.Min.X < signer.box.Max.X {
		return
	}
	l := formLabel{key: "signed_date", box: m.box, next: fp.pg.OCR.Width * 96 / 100}
	v, box, conf, ok := fp.valueOf(l)
	if !ok {
		return
	}
	if d, ok := parseDate(v); ok {
		fp.set(fields, "signed_date", d, conf, box)
	}
}
