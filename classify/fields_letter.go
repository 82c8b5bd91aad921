package classify

import (
	"image"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"intake/ocr"
)

// A plan's letter is read without templates: labels that any plan uses for the member's
// details, the date and letterhead at the top, and the wording of the decision.

var letterLabels = map[string][]string{
	"member.name": {"member", "member:", "member name", "patient", "patient name", "enrollee", "enrollee name",
		"subscriber", "miembro", "nombre del miembro", "paciente", "afiliado"},
	"member.id": {"member id", "memberid", "member id (cin)", "member #", "member number", "id", "id #", "subscriber id",
		"plan id", "plan id #", "id number", "subscriber #", "subscriber number", "health plan id",
		"enrollee id", "n.o de miembro", "n.o de miembro (cin)", "no. de miembro", "numero de miembro", "n.º de miembro",
		"n. de miembro", "de miembro", "identificacion de miembro"},
	"member.dob": {"date of birth", "dob", "birth date", "fecha de nacimiento"},
	"reference_number": {"reference no", "reference no.", "reference #", "reference", "ref", "ref #", "ref.",
		"auth #", "authorization #", "authorization number", "case #", "case number", "grievance #", "appeal #",
		"claim #", "n.o de referencia", "n.º de referencia", "referencia", "numero de referencia", "de referencia"},
	"service": {"service", "services", "service requested", "service requested (code)", "requested service", "servicio", "servicio solicitado",
		"item or service", "medication", "treatment"},
	"requesting_provider": {"provider", "requesting provider", "requesting physician", "requested by",
		"ordering provider", "treating provider", "proveedor", "proveedor solicitante", "physician"},
	"plan.name":   {"health plan", "plan", "plan de salud"},
	"decision":    {"decision", "determination", "outcome", "status"},
	"":            {"date received", "received", "fecha de recepcion"},
	"letter.date": {"date", "fecha", "date of notice", "notice date", "letter date"},
}

// allLetterLabels is every label, for telling a label from a value.
var allLetterLabels = func() []string {
	var out []string
	for _, ls := range letterLabels {
		out = append(out, ls...)
	}
	sort.Strings(out)
	return out
}()

var (
	// codeSuffixRE: the procedure code after a service, in brackets with its kind, or bare
	// from a table's next column ("MRI LUMBAR SPINE WITHOUT CONTRAST 72148").
	codeSuffixRE = regexp.MustCompile(`(?i)\s*\((?:c?pt|hcpcs|ndc|icd-10|rev|cpt/hcpcs)\b.*$|(\D)\s+(?:\d{5}|[a-v]\d{4})$`)
	idPrefixRE   = regexp.MustCompile(`^([A-Z]{1,4}) (\d{6,})`)
	memberIDRE   = regexp.MustCompile(`\b[A-Z§$]{0,4}[0-9OSIl][0-9A-Z]{5,15}(?:-\d{1,3})?\b`)
	reviewerRE   = regexp.MustCompile(`((?:[A-Z][a-z]+(?:\s[A-Z]\.)?(?:\s[A-Z][A-Za-z'’-]+){1,2},\s?(?:MD|M\.D\.|DO|D\.O\.|PharmD|DDS|PhD))|(?:Dr\.?\s[A-Z][a-z]+(?:\s[A-Z]\.)?(?:\s[A-Z][A-Za-z'’-]+){1,2}))`)
	// refRE's id may start with the word that names it ("caso AUTH-2026-688144"): the
	// word is then the id's prefix, not its label.
	refRE          = regexp.MustCompile(`(?i)\b(reference|ref|case|caso|auth(?:orization)?|referencia|grievance|appeal|claim)\s*(?:no\.?|number|#|n\.?o)?\s*(?:is|es)?\s*[:.]?\s*([A-Z]{0,6}-?\d[A-Z0-9-]{4,})`)
	memberIDTextRE = regexp.MustCompile(`(?i)(?:member ?[il1t|]d|member #|member number|subscriber id|enrollee id|plan id|n\.?\s?[o°º]\.? de miembro|numero de miembro|numero de afiliado|(?:n\.?\s?[o°º]\.? de )?medi-cal(?: id| #| number)?\s*/\s*cin|\bcin\b)\s*(?:\(cin\))?[\s.]*[:#]?\s*\n?\s*(?:[-–—_|]\s*)?(?:[A-Za-z]{3,8}\s+|\d[\d-]{9,13}\s+)?([A-Z§$]{0,4}[0-9][0-9A-Z]{5,15}(?:-\d{1,3})?)`)
	serviceRE      = regexp.MustCompile(`(?i)(?:deny|denied|negar|request for|solicitud para|solicitud de|approve|aprobar|\d{4},? for|\d{4} para|following service:|siguiente servicio:|\bfor|\bpara)\s+((?:[^.;:]|\.\d){3,160}?)\s*\((?:CPT|HCPCS|NDC|Rev(?:enue)?\.?\s*code)`)
	// urlRE: a web address, which a sidebar beside the body puts into the body's lines.
	urlRE = regexp.MustCompile(`(?i)\b(?:www\.|https?://)\S+\s*`)
	// A service named without its code: what a visit, a claim or a bill was for, or the care
	// that was delayed.
	serviceTextRE = regexp.MustCompile(`(?:(?i:visit with|appointment with|keep seeing|continue seeing|continue to see|claim from|bill from|bill you received from) (?:Dr\.?\s)?[A-Z][a-z]+(?:\s[A-Z]\.)?(?:\s[A-Z][A-Za-z'’-]+){1,2},?\s+for\s+([^.;:]{3,100}?)(?:\s*[.;]|\s(?:after|because|until|while)\b)|(?i:your care|the care|your treatment) \(([^)]{3,80})\) (?i:was|has been) (?i:delayed|denied|modified)|(?i:factura que recibi[oó] de|reclamo de|visita con|cita con) (?:Dr\.?\s)?[A-Z][a-z]+(?:\s[A-Z]\.)?(?:\s[A-Z][A-Za-z'’-]+){1,2},?\s+por\s+([^.;:]{3,100}?)\s*[.;]|(?i:referral that|referencia que) (?:Dr\.?\s)?[A-Z][a-z]+(?:\s[A-Z]\.)?(?:\s[A-Z][A-Za-z'’-]+){1,2},?\s+(?i:sent|envi[oó]) (?i:for|para)\s+([^;:]{3,100}?)\s*[.;](?:\s|$)|(?i:seguir viendo a|seguir atendi[eé]ndose con) (?:Dr\.?\s)?[A-Z][a-z]+(?:\s[A-Z]\.)?(?:\s[A-Z][A-Za-z'’-]+){1,2},?\s+para\s+([^.;:]{3,100}?)(?:\s*[.;]|\s(?:seg[uú]n|porque|hasta|mientras|despu[eé]s|cuando)\b))`)
	joinWords     = map[string]bool{"of": true, "de": true, "del": true, "the": true, "and": true}
	// planTextRE: the plan named after "your health plan," in a sentence, its words
	// capitalised (or joining words) up to the first that is not.
	planTextRE = regexp.MustCompile(`(?:(?i:your (?:medi-cal |health |medicare |dental )?plan)|(?i:su plan(?: de salud| de medi-cal)?)),\s+([A-Z][A-Za-z&'’-]*(?:\s+(?:of|de|del|the|and|[A-Z][A-Za-z&'’-]*)){0,7})(?:[,.;:]|\s+[a-z(]|$)`)
	dobRE      = regexp.MustCompile(`(?i)\b(?:dob|date of birth|birth date|fecha de nacimiento)\b\s*[:.]?\s*`)
	providerRE = regexp.MustCompile(`(?i:(?:visit|appointment|appointments) with|keep seeing|continue seeing|continue to see|que envi[oó]|referral that|referencia que|seguir viendo a|requested by|request from|request that|submitted by|sent by|solicitud que|previa que|solicitado por|solicitud de|enviado por|from your (?:doctor|provider),?|your (?:doctor|physician|provider),|received from|claim from|bill from|su (?:médico|medico|doctor),|recibi[oó] de|reclamo de|visita con|cita con)\s+(Dr\.?\s[A-Z][a-z]+(?:\s[A-Z]\.)?(?:\s[A-Z][A-Za-z'’-]+){1,2}|[A-Z][a-z]+(?:\s[A-Z]\.)?(?:\s[A-Z][A-Za-z'’-]+){1,2},\s?(?:MD|DO|NP|PA-C))`)
)

func extractLetter(doc Document, pages []Page, fields map[string]Field) {
	p1 := pages[0].OCR
	pageNo := doc.Pages[0]
	set := func(key string, value any, conf float64, box image.Rectangle, p *ocr.Page, no int) {
		if _, ok := fields[key]; ok {
			return
		}
		fields[key] = newField(value, conf, no, box, p)
	}

	// Labelled details, on the first page (a later page repeats the name and id). The plan's
	// name is taken from a caption table only: "Health Plan" alone is also a letterhead line.
	var labels []string
	for k, ls := range letterLabels {
		if k != "plan.name" {
			labels = append(labels, ls...)
		}
	}
	sort.Strings(labels) // the same result on every run
	rs := rows(p1)
	segs := segments(p1, rs, 2.2)
	for _, l := range pairs(p1, labels, true) {
		v := strings.TrimSpace(strings.Trim(l.value, ".:;,-=_ "))
		if v == "" {
			continue
		}
		key := letterKey(l.label)
		switch key {
		case "plan.name":
			if hasDigit(v) || len(strings.Fields(v)) > 8 {
				continue
			}
			set(key, collapse(v), l.confidence, l.box, p1, pageNo)
		case "member.name":
			v = tidyName(v)
			if !personName(v) {
				continue // "Member Services 1-800-...", "MEMBER APPEALS AND GRIEVANCES"
			}
			set(key, collapse(v), l.confidence, l.box, p1, pageNo)
		case "member.id":
			if id, ok := memberID(v); ok {
				set(key, id, l.confidence*idCertainty(v), l.box, p1, pageNo)
			}
		case "member.dob":
			if d, ok := parseDate(v); ok {
				set(key, d, l.confidence, l.box, p1, pageNo)
			}
		case "reference_number":
			if f := strings.Fields(v); len(f) > 0 && referenceShape(f[0]) {
				set(key, strings.Trim(f[0], ".,;"), l.confidence, l.box, p1, pageNo)
			}
		case "service":
			full, box, conf := continueValue(p1, segs, l, allLetterLabels)
			full = codeSuffixRE.ReplaceAllString(strings.TrimSpace(strings.Trim(full, ".:;,-=_ ")), "$1")
			full = dropLeadingMarks(full)
			// A sentence is not a service: a value run on from the body is refused.
			if len(strings.Fields(full)) > 16 || strings.Contains(fold(full), "reviewed this request") {
				continue
			}
			set(key, collapse(full), conf, box, p1, pageNo)
		case "requesting_provider":
			if hasDigit(v) {
				continue
			}
			set(key, collapse(firstSentence(strings.ReplaceAll(v, "Dr,", "Dr."))), l.confidence, l.box, p1, pageNo)
		case "letter.date":
			if d, ok := parseDate(v); ok {
				set(key, d, l.confidence, l.box, p1, pageNo)
			}
		case "decision":
			if d := decisionWord(v); d != "" {
				set(key, d, l.confidence, l.box, p1, pageNo)
			}
		}
	}

	// A table of captions over values ("Member Name  Member ID  DOB" over the values).
	fp := &formPage{pg: pages[0], v: newView(p1), no: pageNo, th: textHeight(p1)}
	fp.findCaptions(letterCaptions(), 2, 0.75)
	for _, l := range fp.labels {
		if l.key == "" {
			continue
		}
		v, box, conf, ok := fp.valueOf(l)
		if !ok {
			continue
		}
		switch l.key {
		case "member.name":
			if personName(v) {
				set(l.key, collapse(v), conf, box, p1, pageNo)
			}
		case "member.id":
			if id, ok := memberID(v); ok {
				set(l.key, id, conf*idCertainty(v), box, p1, pageNo)
			}
		case "member.dob", "letter.date":
			if d, ok := parseDate(v); ok {
				set(l.key, d, conf, box, p1, pageNo)
			}
		case "reference_number":
			if f := strings.Fields(v); len(f) > 0 && referenceShape(f[0]) {
				set(l.key, strings.Trim(f[0], ".,;"), conf, box, p1, pageNo)
			}
		case "service":
			set(l.key, collapse(codeSuffixRE.ReplaceAllString(v, "$1")), conf, box, p1, pageNo)
		case "decision":
			if d := decisionWord(v); d != "" {
				set(l.key, d, conf, box, p1, pageNo)
			}
		default:
			if !hasDigit(v) {
				set(l.key, collapse(v), conf, box, p1, pageNo)
			}
		}
	}

	// Details written in a sentence or after "RE:" ("RE: Ana Diaz, DOB 01/02/1990; Case A-1").
	top := topLines(p1, 0.55)
	if _, ok := fields["reference_number"]; !ok {
		if id, ok := refInText(top); ok {
			set("reference_number", id, 0.8, image.Rectangle{}, p1, pageNo)
		}
	}
	if _, ok := fields["service"]; !ok {
		// The service named in a sentence, before its procedure code.
		// A sidebar's web address may sit inside the sentence's line ("review for
		// Acupuncture, www.plan.com 12 sessions (CPT 97810)"); it is never the service's.
		if m := serviceRE.FindStringSubmatch(urlRE.ReplaceAllString(letterBody(pages[:1]), "")); m != nil {
			set("service", collapse(m[1]), 0.6, image.Rectangle{}, p1, pageNo)
		} else if m := serviceTextRE.FindStringSubmatch(collapse(letterBody(pages[:1]))); m != nil {
			set("service", collapse(codeSuffixRE.ReplaceAllString(m[1]+m[2]+m[3]+m[4]+m[5], "$1")), 0.6, image.Rectangle{}, p1, pageNo)
		}
	}
	if _, ok := fields["member.id"]; !ok {
		// A label may break over two lines ("N.° de" / "miembro: SV1045..."), or its value
		// go to the next line after a dash, past a word of a sidebar ("Member ID: -" /
		// "Phone BH2602...").
		if m := memberIDTextRE.FindStringSubmatch(fold(strings.Join(strings.Fields(top), " "))); m != nil {
			if id, ok := memberID(m[1]); ok {
				set("member.id", id, 0.8*idCertainty(m[1]), image.Rectangle{}, p1, pageNo)
			}
		}
	}
	if _, ok := fields["member.dob"]; !ok {
		if loc := dobRE.FindStringIndex(top); loc != nil {
			if d, at, ok := findDate(top[loc[1]:]); ok && at < 3 {
				set("member.dob", d, 0.8, image.Rectangle{}, p1, pageNo)
			}
		}
	}
	if _, ok := fields["member.name"]; !ok {
		for _, l := range p1.Lines {
			t := strings.TrimSpace(l.Text)
			m := reLineRE.FindStringIndex(t)
			if m == nil {
				continue
			}
			name := strings.TrimSpace(t[m[1]:])
			if k := strings.IndexAny(name, ",;|"); k > 0 {
				name = name[:k]
			}
			if name = tidyName(name); personName(name) {
				set("member.name", collapse(name), lineConfidence(p1, l)*0.9, l.Box, p1, pageNo)
			}
			break
		}
	}
	if _, ok := fields["member.name"]; !ok {
		// The addressee: the line under the letter's date, for a person to confirm.
		if d, ok := fields["letter.date"]; ok {
			for i, l := range p1.Lines {
				if ocr.Normalize(l.Box, p1.Width, p1.Height) != d.Box || i+1 >= len(p1.Lines) {
					continue
				}
				next := p1.Lines[i+1]
				if name := tidyName(strings.TrimSpace(next.Text)); personName(name) {
					set("member.name", collapse(name), min(lineConfidence(p1, next), 0.7), next.Box, p1, pageNo)
				}
				break
			}
		}
	}

	// The date: alone on a line near the top.
	if _, ok := fields["letter.date"]; !ok {
		for i, l := range p1.Lines {
			if l.Norm.Y0 < headerBand || l.Norm.Y0 > 0.45 {
				continue
			}
			// The Help Center's RECEIVED stamp dates the arrival, not the letter.
			if i > 0 && receivedStamp(p1.Lines[i-1].Text) {
				continue
			}
			t := fold(l.Text)
			if strings.Contains(t, "birth") || strings.Contains(t, "nacimiento") || strings.Contains(t, "dob") {
				continue
			}
			if d, at, ok := findDate(l.Text); ok && at < 3 {
				set("letter.date", d, lineConfidence(p1, l), l.Box, p1, pageNo)
				break
			}
			// Or after "Date:" at the end of a heading's line, perhaps glued to it
			// ("NOTICE OF DELAY IN DECISION Date:'06/18/2026").
			if d, ok := dateAfterLabel(l.Text); ok {
				set("letter.date", d, lineConfidence(p1, l)*0.9, l.Box, p1, pageNo)
				break
			}
			// Or ending a line that OCR ran together with a sidebar's ("Golden Poppy 30 de
			// julio de 2026"): likely, so it is kept, but a person confirms it.
			if d, ok := dateEndingLine(l.Text); ok {
				set("letter.date", d, min(lineConfidence(p1, l), 0.7), l.Box, p1, pageNo)
				break
			}
		}
	}

	// The letterhead: the first line of the page that names an organisation.
	if s, box, conf, ok := letterhead(p1); ok {
		set("letter.sender", s, conf, box, p1, pageNo)
		if looksLikePlan(s) {
			set("plan.name", s, conf*0.95, box, p1, pageNo)
		}
	}

	// The body: decision, reason, criteria, reviewer, the IMR notice.
	body := letterBody(pages)
	// A medical group's letter names the plan it decides for in a sentence ("for your
	// Medi-Cal plan, Mission Trails Health Network.").
	if m := planTextRE.FindStringSubmatch(body); m != nil {
		ws := strings.Fields(m[1])
		for len(ws) > 0 && joinWords[ws[len(ws)-1]] {
			ws = ws[:len(ws)-1] // "... of California and the"
		}
		if len(ws) >= 2 {
			set("plan.name", strings.Join(ws, " "), 0.8, image.Rectangle{}, nil, pageNo)
		}
	}
	// "Dr," before a name is "Dr." misread.
	decisionText := drCommaRE.ReplaceAllString(withoutNotice(body), "Dr. $1")
	if d := decisionOf(decisionText); d != "" {
		set("decision", d, 0.85, image.Rectangle{}, nil, pageNo)
	}
	reason, rivals := reasonOf(decisionText)
	reasonConf := 0.8
	switch {
	case rivals:
		reasonConf = 0.6 // the letter's wording names more than one reason: a person reads it
	case reason == "other":
		reasonConf = 0.65 // no wording of a known reason was found: a guess, which a person reads
	}
	set("reason", reason, reasonConf, image.Rectangle{}, nil, pageNo)
	if c, ok := criteriaOf(decisionText); ok {
		conf := 0.8
		if sentenceLike(c) {
			conf = 0.5 // the letter's sentences run into the name of the criteria
		}
		set("criteria", c, conf, image.Rectangle{}, nil, pageNo)
	}
	if r, ok := reviewerOf(decisionText); ok {
		set("reviewer", r, 0.8, image.Rectangle{}, nil, pageNo)
	}
	if _, ok := fields["requesting_provider"]; !ok {
		if m := providerRE.FindStringSubmatch(decisionText); m != nil {
			set("requesting_provider", collapse(m[1]), 0.75, image.Rectangle{}, nil, pageNo)
		}
	}
	f := fold(body)
	notice := (strings.Contains(f, "independent medical review") || strings.Contains(f, "revision medica independiente")) &&
		(strings.Contains(f, "managed health care") || strings.Contains(f, "atencion medica administrada") ||
			strings.Contains(f, "466-2219") || strings.Contains(f, "dmhc.ca.gov"))
	// Plans must print the notice; a letter where it was not found is read by a person,
	// who sees whether the plan left it out or OCR lost it.
	hasIt := notice || hasNotice(pages)
	noticeConf := 0.9
	if !hasIt {
		noticeConf = 0.6
	}
	set("imr_notice", hasIt, noticeConf, image.Rectangle{}, nil, pageNo)
}

// letterCaptions are the letter labels as captions of a table, by key.
func letterCaptions() []captionSpec {
	var keys []string
	for k := range letterLabels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []captionSpec
	for _, k := range keys {
		for _, l := range letterLabels[k] {
			if len(phraseTokens(l)) >= 1 {
				out = append(out, captionSpec{k, phraseTokens(l)})
			}
		}
	}
	return out
}

// topLines is the text of the lines in the top share of the page, below the fax header.
func topLines(p *ocr.Page, share float64) string {
	var b strings.Builder
	for _, l := range p.Lines {
		if l.Norm.Y0 < headerBand || l.Norm.Y0 > share {
			continue
		}
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

var notNameWords = wordSet("appeals grievances grievance services service department relations member miembro servicios unit plan health group medical center management utilization notice date")

// tidyName mends what OCR does to a middle initial: "Miguel Y, Jackson" (a comma read for
// the full stop), "Daniel |. Patel" (a bar read for an I).
var nameSemicolonRE = regexp.MustCompile(`^(\p{L}[\p{L}'’-]*);\s*(\p{L})`)

func tidyName(v string) string {
	v = initialCommaRE.ReplaceAllString(v, "$1. $2")
	// "LE; AISHA": the comma after a surname read as a semicolon.
	v = nameSemicolonRE.ReplaceAllString(v, "$1, $2")
	return strings.ReplaceAll(v, "|.", "I.")
}

var (
	initialCommaRE = regexp.MustCompile(`\b([A-Z]), ([A-Z][a-z])`)
	reLineRE       = regexp.MustCompile(`(?i)^(?:re|asunto)\s?[:;.]\s*`)
)

// personName: two to five words of letters, none a word of an office or a form.
func personName(v string) bool {
	f := strings.Fields(v)
	if len(f) < 2 || len(f) > 5 || hasDigit(v) {
		return false
	}
	for _, w := range f {
		if notNameWords[strings.Trim(fold(w), ".,:;")] {
			return false
		}
	}
	return true
}

func letterKey(label string) string {
	keys := make([]string, 0, len(letterLabels))
	for k := range letterLabels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ls := letterLabels[k]
		for _, l := range ls {
			if l == label {
				return k
			}
		}
	}
	return ""
}

// dropLeadingMarks removes what dotted leaders leave before a value ("2.0... .- : HUMIRA").
func dropLeadingMarks(s string) string {
	f := strings.Fields(s)
	for len(f) > 1 {
		letters := 0
		for _, r := range f[0] {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		if letters >= 2 {
			break
		}
		f = f[1:]
	}
	return strings.Join(f, " ")
}

// firstSentence cuts a value taken from prose at the end of its sentence ("requested by
// Dr. Marcus Shapiro. Thank you for ..."): a full stop after a word of three letters or
// more, followed by a capital, not the dot of "Dr." or of an initial.
func firstSentence(v string) string {
	f := strings.Fields(v)
	for i := 0; i+1 < len(f); i++ {
		w := f[i]
		if !strings.HasSuffix(w, ".") || len([]rune(w)) < 4 {
			continue
		}
		switch strings.ToLower(strings.TrimSuffix(w, ".")) {
		case "mrs", "sra", "dra", "prof":
			continue
		}
		if r := []rune(f[i+1]); unicode.IsUpper(r[0]) {
			return strings.TrimSuffix(strings.Join(f[:i+1], " "), ".")
		}
	}
	return v
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

// referenceShape: a reference number has at least five characters, three of them digits.
// dateEndingLine finds a date that ends a line with no label before it (no colon).
func dateEndingLine(line string) (string, bool) {
	d, at, ok := findDate(line)
	if !ok {
		return "", false
	}
	f := fold(line)
	tail := strings.TrimRight(f[at:], " .,")
	if strings.Contains(f[:at], ":") || len(tail) > 24 || len(tail) < 4 || !isDigits(tail[len(tail)-4:]) {
		return "", false
	}
	return d, true
}

// dateAfterLabel finds a date right after "Date:" or "Fecha:" in a line, with nothing but
// a speck or a space between them.
func dateAfterLabel(line string) (string, bool) {
	low := asciiLower(line)
	for _, lab := range []string{"date:", "fecha:"} {
		k := strings.Index(low, lab)
		if k < 0 || k > 0 && isAlnum(low[k-1]) {
			continue
		}
		if d, at, ok := findDate(line[k+len(lab):]); ok && at < 3 {
			return d, true
		}
	}
	return "", false
}

// refInText finds a reference number named in running text ("RE: ... Case A-12345",
// "caso AUTH-2026-688144").
func refInText(text string) (string, bool) {
	m := refRE.FindStringSubmatch(text)
	if m == nil {
		return "", false
	}
	id := m[2]
	if strings.HasPrefix(id, "-") && !strings.HasPrefix(m[0][len(m[1]):], " ") {
		id = m[1] + id // "AUTH-2026-688144": the word is the id's start
	}
	id = strings.Trim(id, ".,;-")
	return id, referenceShape(id)
}

func referenceShape(s string) bool {
	s = strings.Trim(s, ".,;:")
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return len(s) >= 5 && n >= 3
}

// memberID reads a member id: letters and digits, with the symbols OCR reads for an S. A
// prefix of letters printed apart from the digits ("SV 7407918308") is part of it.
func memberID(v string) (string, bool) {
	v = strings.NewReplacer("§", "S", "$", "S").Replace(strings.ToUpper(v))
	v = idPrefixRE.ReplaceAllString(v, "$1$2")
	m := memberIDRE.FindString(v)
	if m == "" || !hasDigit(m) {
		return "", false
	}
	return m, true
}

// idCertainty lowers the confidence of an id with characters OCR confuses.
func idCertainty(v string) float64 {
	if strings.ContainsAny(v, "§$") {
		return 0.7
	}
	return 1
}

var orgWords = wordSet("plan health care inc inc. group medical ipa network partners partnership alliance associates services insurance company corporation blue cross shield kaiser foundation hmo llc physicians")

// letterhead finds the organisation's name at the top of the first page: the first
// run of words (a row split at wide gaps, so an address printed beside it is left out)
// that names an organisation and holds no digits, joined with the line under it when the
// name was broken over two lines ("Bay Harbor Health" / "Plan").
func letterhead(p *ocr.Page) (string, image.Rectangle, float64, bool) {
	rs := rows(p)
	segs := segments(p, rs, 2.2)
	for i, s := range segs {
		if float64(s.box.Min.Y) > 0.2*float64(p.Height) {
			break
		}
		t := strings.TrimSpace(s.text(p))
		// "LAKESHORE BLUE HEALTH PLAN DATE: 08/01/2026", "Sunrise Medical Group Phone: (559) ...":
		// the name before the label.
		for _, lab := range []string{" date:", " phone:", " phone ", " tel:", " tel ", " fax:", " telefono"} {
			if k := indexFold(t, lab); k > 0 {
				t = strings.TrimSpace(t[:k])
			}
		}
		// "Pacific Crest Health, 24 de julio de 2026": the name before the date beside it.
		if ws := strings.Fields(t); len(ws) > 1 {
			for k := 1; k < len(ws); k++ {
				if _, at, ok := findDate(strings.Join(ws[k:], " ")); ok && at == 0 {
					t = strings.Join(ws[:k], " ")
					break
				}
			}
		}
		t = strings.TrimFunc(t, func(r rune) bool { return !unicode.IsLetter(r) && r != '.' && r != ')' })
		t = strings.TrimRight(t, ".")
		if strings.HasSuffix(fold(t), "inc") || strings.HasSuffix(fold(t), "co") {
			t += "."
		}
		if len(t) < 4 || hasDigit(t) || len(strings.Fields(t)) < 2 && !looksLikeOrg(t) {
			continue
		}
		name, box, conf := t, s.box, s.confidence(p)
		last := s
		for j := i + 1; j < len(segs) && j <= i+4; j++ {
			n := segs[j]
			nt := strings.TrimSpace(n.text(p))
			if abs(n.box.Min.X-s.box.Min.X) >= s.box.Dy() {
				continue // beside the name, not under it
			}
			if n.box.Min.Y-last.box.Max.Y >= last.box.Dy() || hasDigit(nt) {
				break
			}
			// The name goes on under itself when the line carries an organisation's name on
			// ("Plan of California"), or makes an organisation of words that were not one
			// yet ("Central Valley" / "Community Health" / "Partnership").
			if !continuesOrg(nt) && (looksLikeOrg(name) || !titleLine(nt) || !looksLikeOrg(nt)) {
				break
			}
			if f := fold(nt); f == "inc." || f == "inc" {
				name += ","
			}
			name += " " + nt
			box = box.Union(n.box)
			conf = min(conf, n.confidence(p))
			last = n
		}
		if !looksLikeOrg(name) {
			continue
		}
		return collapse(name), box, conf, true
	}
	return "", image.Rectangle{}, 0, false
}

// continuesOrg: a short line that carries on an organisation's name ("Health Plan",
// "Plan of California"), not a department ("Utilization Management").
func continuesOrg(s string) bool {
	f := strings.Fields(fold(s))
	for i, w := range f {
		f[i] = mendOrgWord(w) // "Pian of California"
	}
	if len(f) == 0 || len(f) > 4 || !orgWords[strings.Trim(f[0], ".,")] {
		return false
	}
	for _, w := range f {
		if deptWords[strings.Trim(w, ".,")] {
			return false
		}
	}
	return true
}

// titleLine: a short line of capitalised words, none a department's.
func titleLine(s string) bool {
	f := strings.Fields(s)
	if len(f) == 0 || len(f) > 4 {
		return false
	}
	for _, w := range f {
		if !startsUpper(w) && w != "of" && w != "de" && w != "del" || deptWords[strings.Trim(fold(w), ".,")] {
			return false
		}
	}
	return true
}

var deptWords = wordSet("department departamento unit management utilization appeals grievances services authorization review")

// allOrg: a short line of organisation words only ("Health Plan", "Plan").
func allOrg(s string) bool {
	f := strings.Fields(fold(s))
	if len(f) == 0 || len(f) > 3 {
		return false
	}
	for _, w := range f {
		if !orgWords[strings.Trim(w, ".,")] {
			return false
		}
	}
	return true
}

func looksLikeOrg(s string) bool {
	for _, w := range strings.Fields(fold(s)) {
		if orgWords[strings.Trim(w, ".,")] {
			return true
		}
	}
	return false
}

func looksLikePlan(s string) bool {
	f := fold(s)
	return strings.Contains(f, "plan") || strings.Contains(f, "health") && !strings.Contains(f, "medical group") && !strings.Contains(f, "ipa")
}

// letterBody is the letter's text, lines joined, without fax header lines.
func letterBody(pages []Page) string {
	var b strings.Builder
	for _, pg := range pages {
		for _, l := range pg.OCR.Lines {
			if l.Norm.Y1 < headerBand+0.01 && l.Norm.Y0 < headerBand {
				continue
			}
			t := strings.TrimSpace(l.Text)
			if strings.HasSuffix(t, "-") && !strings.HasSuffix(t, " -") {
				b.WriteString(t)
				continue
			}
			b.WriteString(t)
			b.WriteByte(' ')
		}
	}
	return b.String()
}

var sentenceRE = regexp.MustCompile(`[^.!?]+[.!?]?`)

// withoutNotice drops the sentences of the regulator's notice (the IMR rights every letter
// carries), which name every kind of reason and so must not be read as this letter's.
func withoutNotice(body string) string {
	var b strings.Builder
	for _, s := range sentenceRE.FindAllString(body, -1) {
		f := fold(s)
		if strings.Contains(f, "imr") || strings.Contains(f, "independent medical review") || strings.Contains(f, "revision medica independiente") ||
			strings.Contains(f, "department of managed health care") || strings.Contains(f, "departamento de atencion medica") ||
			strings.Contains(f, "the department") || strings.Contains(f, "el departamento") || strings.Contains(f, "managed health care") ||
			strings.Contains(f, "impartial review") || strings.Contains(f, "revision imparcial") {
			continue
		}
		b.WriteString(s)
	}
	return b.String()
}

// hasNotice: the regulator's paragraph is there, even misread here and there.
func hasNotice(pages []Page) bool {
	review, dept := false, false
	for _, pg := range pages {
		v := newView(pg.OCR)
		if _, ok := v.findAny("independent medical review", "revision medica independiente"); ok {
			review = true
		}
		if _, ok := v.findAny("department of managed health care", "departamento de atencion medica administrada", "managed health care", "atencion medica administrada"); ok {
			dept = true
		}
		if strings.Contains(v.text, "466-2219") || strings.Contains(v.text, "dmhc.ca.gov") {
			dept = true
		}
	}
	return review && dept
}

// indexFold is the byte index in s of the first place where sub (folded: lower case, no
// accents) begins, as fold reads it; -1 when nowhere. fold changes the length of text
// (accents go), so an index into fold(s) is not one into s.
func indexFold(s, sub string) int {
	for i := range s {
		end := min(len(s), i+4*len(sub))
		if strings.HasPrefix(fold(s[i:end]), sub) {
			return i
		}
	}
	return -1
}

// sentenceLike: text that holds the words of a letter's sentences, which the name of a
// guideline or policy does not ("... Esta decisión fue tomada por ...", "If you have").
func sentenceLike(t string) bool {
	f := " " + fold(t) + " "
	for _, w := range []string{" decision ", " decision,", "llamenos", " call us", " if you ", " si usted ", " tomada por ", " made by ", " you have ", " usted "} {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}

// receivedStamp: the line is the word of an arrival stamp ("RECEIVED"), over its date.
func receivedStamp(line string) bool {
	switch strings.Trim(fold(line), " .:") {
	case "received", "recibido", "date received":
		return true
	}
	return false
}

// decisionWord reads a decision printed as a value ("DECISION ....: DENIAL UPHELD",
// "Decisión: Negado"); "" when the value is a sentence or names none.
func decisionWord(v string) string {
	f := strings.Fields(fold(v))
	if len(f) == 0 || len(f) > 4 {
		return ""
	}
	t := strings.Join(f, " ")
	for _, d := range []struct{ word, value string }{
		{"upheld", "upheld"}, {"confirmad", "upheld"}, {"mantiene", "upheld"},
		{"modif", "modified"}, {"delay", "delayed"}, {"retrasad", "delayed"}, {"pend", "delayed"},
		{"denied", "denied"}, {"denial", "denied"}, {"negad", "denied"}, {"denegad", "denied"},
		{"approved", "approved"}, {"aprobad", "approved"},
	} {
		if strings.Contains(t, d.word) {
			return d.value
		}
	}
	return ""
}

func decisionOf(text string) string {
	f := fold(text)
	has := func(ps ...string) bool {
		for _, p := range ps {
			if strings.Contains(f, p) {
				return true
			}
		}
		return false
	}
	switch {
	case has("upheld", "uphold", "is upheld", "se mantiene", "queda confirmada", "ha sido confirmada", "sigue negad"):
		return "upheld"
	case has("has been modified", "have modified", "modified this request", "partially approved", "approved part of", "hemos modific", "aprobamos parte", "ha sido modificad", "hemos modificado", "modificamos", "what we approved", "lo que aprobamos"):
		return "modified"
	case has("is delayed", "delayed because", "been delayed", "was delayed", "were delayed", "cannot make a decision yet", "need more time", "extend the time",
		"esta retrasad", "se ha retrasado", "ha sido retrasad", "fue retrasad", "fueron retrasad", "se retraso", "necesitamos mas tiempo", "retrasamos", "todavia no podemos"):
		return "delayed"
	case has("denied", "deny", "not approved", "denial", "unable to approve", "cannot approve", "not able to approve",
		"negad", "negamos", "negar", "no aprobad", "denegad", "no podemos aprobar"):
		return "denied"
	case has("approved", "aprobad"):
		return "approved"
	}
	return ""
}

// reasonOf reads the reason of a decision from its wording, and tells whether the wording
// also names another reason (a rival), when the choice is a guess.
func reasonOf(text string) (string, bool) {
	f := fold(text)
	score := map[string]int{}
	for reason, ps := range map[string][]string{
		"experimental_investigational": {"experimental", "investigational", "investigacion", "not proven", "unproven"},
		"not_covered":                  {"not a covered benefit", "not covered", "excluded", "exclusion", "no es un beneficio cubierto", "no esta cubiert", "no cubre", "not a benefit"},
		"not_emergency_urgent":         {"not an emergency", "was not an emergency", "not urgent", "definition of an emergency", "prudent layperson", "definicion de una emergencia", "persona prudente", "no era una emergencia", "no fue una emergencia", "not emergent", "non-emergency"},
		"medical_necessity":            {"not medically necessary", "not show that this service is medically necessary", "medical necessity", "no es medicamente necesari", "sea medicamente necesari", "lower level of care", "medically necessary for you"},
	} {
		for _, p := range ps {
			if strings.Contains(f, p) {
				score[reason]++
			}
		}
	}
	best, bestN, named := "other", 0, 0
	for _, r := range []string{"experimental_investigational", "not_emergency_urgent", "not_covered", "medical_necessity"} {
		if score[r] > 0 {
			named++
		}
		if score[r] > bestN {
			best, bestN = r, score[r]
		}
	}
	// A review for medical necessity that has not decided (a delay) names no other reason.
	if best == "other" && (strings.Contains(f, "medically necessary") || strings.Contains(f, "medicamente necesari")) &&
		!strings.Contains(f, "premium") && !strings.Contains(f, "prima") && !strings.Contains(f, "paid correctly") {
		best = "medical_necessity"
	}
	return best, named > 1
}

// criteriaEnd is where a named guideline ends: the end of its sentence, or a comma OCR read
// for the full stop before "A copy ..." (a criteria name may itself hold commas).
const criteriaEnd = `(?:\.\s|\.$|[.,]\s+(?:A copy|You |Puede|Una copia|Si desea))`

var criteriaREs = []*regexp.Regexp{
	regexp.MustCompile(`(?i)guidelines? used to (?:review|make) (?:this|your) (?:request|decision) (?:was|were|is) (.+?)` + criteriaEnd),
	regexp.MustCompile(`(?i)siguientes criterios:\s*(.+?)` + criteriaEnd),
	regexp.MustCompile(`(?i)criteria (?:applied|used):\s*(.+?)` + criteriaEnd),
	regexp.MustCompile(`(?i)(?:decision|determination) using (?:the )?(.+?)` + criteriaEnd),
	regexp.MustCompile(`(?i)\busamos (.+?) para (?:tomar|hacer)`),
	// "based on MCG Care Guidelines, Bariatric Surgery and the clinical information": the
	// criteria run to what else the decision was based on.
	regexp.MustCompile(`(?i)(?:based|basada?) (?:on|en) (?:the )?([^.]{3,100}?(?:Guidelines?|Guidance|Criteria|Standards?|Policy)[^.]{0,60}?)\s+(?:and|y) (?:the|your|la|su|los|sus) (?:clinical|medical|records|notes|informaci[oó]n|expediente|registros)`),
	regexp.MustCompile(`(?i)(?:based|basada?) (?:on|en) (?:the )?([^.]+?(?:Guidelines?|Guidance|Criteria|Standard|Policy [A-Z0-9-]+))`),
	// Criteria named by their publisher alone ("based on InterQual Rehabilitation:
	// Physical Therapy and the clinical information").
	regexp.MustCompile(`(?:(?i:based|basada?) (?i:on|en) (?i:the )?)((?:InterQual|MCG|Milliman|NCCN|ASAM|Hayes|Apollo|LOCUS|CALOCUS)\b[^.]{0,80}?)\s+(?i:and|y) (?i:the|your|la|su|los|sus) (?i:clinical|medical|records|notes|informaci[oó]n|expediente|registros)`),
}

var drCommaRE = regexp.MustCompile(`\bDr,\s+([A-Z])`)

var codeHyphenGapRE = regexp.MustCompile(`([A-Z0-9])- (\d)`)

func criteriaOf(text string) (string, bool) {
	for _, re := range criteriaREs {
		if m := re.FindStringSubmatch(text); m != nil {
			c := strings.TrimSpace(m[1])
			// Another label run into the criteria's line ends it.
			for _, stop := range []string{", physician reviewer", " physician reviewer", ", reviewer", ", reviewed by", ", revisado por"} {
				if k := strings.Index(asciiLower(c), stop); k > 0 {
					c = c[:k]
				}
			}
			// "LAB-PGX- 04": a policy number broken after a hyphen.
			c = codeHyphenGapRE.ReplaceAllString(c, "$1-$2")
			// "NCCN Guidelines; B-Cell Lymphomas": a colon read as a semicolon.
			if strings.Count(c, ";") == 1 && !strings.Contains(c, ":") {
				c = strings.Replace(c, ";", ":", 1)
			}
			if len(c) > 3 && len(c) < 120 {
				return collapse(c), true
			}
		}
	}
	return "", false
}

// strayNameStopRE finds a full stop OCR put after a first name, before a surname and a
// physician's degree ("Diane. Farouk, MD").
var strayNameStopRE = regexp.MustCompile(`\b([A-Z][a-z]{2,})\.\s+([A-Z][A-Za-z'’-]+,\s?(?:MD|M\.D\.|DO|D\.O\.)\b)`)

var reviewerContextRE = regexp.MustCompile(`(?i)(?:reviewed by|made by|reviewing physician,?|physician reviewer:?|tomada por|revisad[ao] por|medical director,?|reviewer:?|reviewed this request is|who reviewed (?:this|your) (?:request|appeal|grievance) (?:is|was)|revis[oó] (?:esta|su) solicitud (?:es|fue))\s*`)

func reviewerOf(text string) (string, bool) {
	text = strayNameStopRE.ReplaceAllString(text, "$1 $2")
	for _, loc := range reviewerContextRE.FindAllStringIndex(text, -1) {
		rest := text[loc[1]:]
		if m := reviewerRE.FindStringSubmatchIndex(rest); m != nil && m[0] < 4 {
			return collapse(rest[m[2]:m[3]]), true
		}
	}
	return "", false
}
