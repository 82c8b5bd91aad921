package classify

import (
	"sort"
	"strings"
	"time"
)

// certifiedThreat is what a physician writes to certify that care cannot wait.
var certifiedThreat = []string{"imminent and serious threat", "amenaza inminente y grave", "serious jeopardy", "expedited review"}

// Analyze separates an input's pages (in file order) into documents, recognises each,
// extracts its fields and checks them against each other. received is when the input
// arrived (dates after it are doubtful); the zero time means now.
func Analyze(pages []Page, received time.Time) Result {
	var res Result
	kinds := make([]pageKind, len(pages))
	for i, pg := range pages {
		if pg.OCR == nil {
			kinds[i].blank = true
			continue
		}
		kinds[i] = classifyPage(pg)
	}
	envelope := 0
	for _, g := range separate(kinds) {
		if g.blank {
			for _, i := range g.pages {
				res.Blank = append(res.Blank, i+1)
			}
			continue
		}
		if g.sep {
			for _, i := range g.pages {
				res.Separators = append(res.Separators, i+1)
			}
			if len(res.Documents) > 0 && res.Documents[len(res.Documents)-1].Envelope == envelope {
				envelope++
			}
			continue
		}
		doc := Document{Kind: g.kind, Confidence: g.score, Envelope: envelope}
		es := 0.0
		for _, i := range g.pages {
			doc.Pages = append(doc.Pages, i+1)
			es += kinds[i].langScore
		}
		doc.Language = "en"
		if es > 0 {
			doc.Language = "es"
		}
		docPages := make([]Page, len(g.pages))
		for k, i := range g.pages {
			docPages[k] = pages[i]
		}
		doc.Fields = extract(doc, docPages)
		if doc.Kind == Supporting {
			for _, pg := range docPages {
				t := fold(pg.OCR.Text)
				for _, cue := range certifiedThreat {
					if strings.Contains(t, cue) {
						doc.Urgent = true
					}
				}
			}
		}
		res.Documents = append(res.Documents, doc)
	}
	coarseDoubt(res.Documents, pages)
	validate(res.Documents, received)
	joinSplitWords(res.Documents, pages)
	return res
}

// splitWordKeys are the address fields whose words OCR may split ("Oak land").
var splitWordKeys = []string{"patient.city", "patient.street", "assistant.city", "assistant.street"}

// joinSplitWords mends an address word that OCR split in two ("Oak land") when another
// document of the envelope writes it whole ("Oakland, CA 94601" on the plan's letter) and
// none writes it split.
func joinSplitWords(docs []Document, pages []Page) {
	for i := range docs {
		d := &docs[i]
		var others []string // the other documents' words, folded
		for j, o := range docs {
			if j == i || o.Envelope != d.Envelope {
				continue
			}
			for _, n := range o.Pages {
				if n >= 1 && n <= len(pages) && pages[n-1].OCR != nil {
					for _, w := range strings.Fields(fold(pages[n-1].OCR.Text)) {
						others = append(others, strings.Trim(w, ".,;:"))
					}
				}
			}
		}
		if len(others) == 0 {
			continue
		}
		whole, pairs := map[string]bool{}, map[string]bool{}
		for k, w := range others {
			whole[w] = true
			if k+1 < len(others) {
				pairs[w+" "+others[k+1]] = true
			}
		}
		for _, k := range splitWordKeys {
			f, ok := d.Fields[k]
			v, _ := f.Value.(string)
			if !ok || !strings.Contains(v, " ") {
				continue
			}
			fs := strings.Fields(v)
			for j := 0; j+1 < len(fs); j++ {
				a, b := fold(fs[j]), fold(fs[j+1])
				if len(a) >= 2 && len(b) >= 2 && whole[a+b] && !pairs[a+" "+b] {
					fs[j] += fs[j+1]
					fs = append(fs[:j+1], fs[j+2:]...)
				}
			}
			if joined := strings.Join(fs, " "); joined != v {
				f.Value = joined
				d.Fields[k] = f
			}
		}
	}
}

// group is a run of pages: a document, a blank page or a separator sheet.
type group struct {
	kind      Kind
	score     float64
	pages     []int // 0-based
	formPages map[int]bool
	blank     bool
	sep       bool
}

// separate groups the pages. A separator sheet ends the document before it; blank pages
// belong to nothing; a page that starts a document (a cover, a return sheet, a letter's
// first page, a form page whose number the current form already has) starts one; a page
// with nothing of its own continues the document before it.
func separate(kinds []pageKind) []group {
	var out []group
	cur := -1 // index in out of the open document
	for i, k := range kinds {
		switch {
		case k.sep:
			out = append(out, group{sep: true, pages: []int{i}})
			cur = -1
			continue
		case k.blank:
			out = append(out, group{blank: true, pages: []int{i}})
			continue
		}
		if cur >= 0 && continues(&out[cur], k) {
			g := &out[cur]
			g.pages = append(g.pages, i)
			if g.kind == IMRForm && k.formPage > 0 {
				g.formPages[k.formPage] = true
			}
			// A document first seen through a weak page takes a stronger page's kind.
			if k.kind != "" && k.score > g.score && g.kind != IMRForm {
				g.kind, g.score = k.kind, k.score
			}
			continue
		}
		kind, score := k.kind, k.score
		if kind == "" {
			kind, score = Supporting, 0.4
		}
		g := group{kind: kind, score: score, pages: []int{i}, formPages: map[int]bool{}}
		if kind == IMRForm && k.formPage > 0 {
			g.formPages[k.formPage] = true
		}
		out = append(out, g)
		cur = len(out) - 1
	}
	// A form's pages in the order of their page numbers is how they are read; the contract
	// lists pages of the input, so they stay sorted by position.
	for i := range out {
		sort.Ints(out[i].pages)
	}
	return out
}

// continues says whether page k belongs to the open document g.
func continues(g *group, k pageKind) bool {
	single := g.kind == FaxCover || g.kind == ReturnSheet || g.kind == AssistantForm
	switch {
	case k.kind == "":
		return !single
	case k.kind != g.kind:
		// A letter's later page that reads like a record (or the reverse) stays with it
		// when it says it is a later page.
		if (g.kind == DenialLetter || g.kind == Supporting) && (k.kind == DenialLetter || k.kind == Supporting) && !k.start {
			return true
		}
		return false
	case single:
		return false
	case g.kind == IMRForm:
		return k.formPage == 0 || !g.formPages[k.formPage]
	default:
		return !k.start
	}
}

// coarseFactor lowers the confidence of what was read on a page scanned at less than 120
// dpi down the page (a fax at normal resolution, 204x98): Tesseract is as sure of its
// words there as on a fine page, yet misreads more of them ("1983" for "1963" at 0.76).
const coarseFactor = 0.93

// coarseDoubt applies coarseFactor to the text values read on coarse pages. Checkboxes,
// measured rather than read, keep theirs, as does a return sheet's case number, which its
// check digit and its barcode vouch for.
func coarseDoubt(docs []Document, pages []Page) {
	for d := range docs {
		for key, f := range docs[d].Fields {
			if key == "case.number" {
				continue
			}
			if _, ok := f.Value.(string); !ok || f.Page < 1 || f.Page > len(pages) || !coarse(pages[f.Page-1]) {
				continue
			}
			f.Confidence *= coarseFactor
			docs[d].Fields[key] = f
		}
	}
}

// coarse says whether pg was scanned at less than 120 dpi down the page.
func coarse(pg Page) bool {
	if pg.OCR == nil {
		return false
	}
	in := pg.OCR.Info
	return in.SourceYDPI > 0 && in.SourceYDPI < 120
}
