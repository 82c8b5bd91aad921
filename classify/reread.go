package classify

import (
	"image"
	"strings"
	"unicode"

	"intake/classify/omr"
	"intake/ocr"
)

// Tesseract's layout analysis sometimes drops a form's value altogether: a name typed on
// the rule it sits on, a lone initial in a wide box, a line a fax machine left slanted.
// Where a caption of the form has no value under (or over) it but its box holds ink, or a
// value it read with doubt, the box is cut out, its rules removed, and read again as a
// single line (ocr.Pool.ReadAreas); a free-text answer likewise, as a block.

// Area is a part of a page to read again.
type Area struct {
	Key      string // the field whose value it should hold
	ocr.Area        // the area with its rules removed; Image.Rect is where it lies
	// Drop: the words OCR first read there (indices into the page's words), unsure ones (a
	// value typed through its rule, a line of text struck by it); the second look's reading
	// takes their place when it is surer of itself than they were.
	Drop []int
	// Check: the word in Drop was read surely, but a lone letter (a middle initial: an S
	// read as an E at 0.85) has no word around it to confirm it. A second reading that
	// differs sends it to a person.
	Check bool
	// Struck: a rule ran through what is written there; its strokes were put back across
	// it (omr.Clean), and what is read of them is less sure (struckFactor).
	Struck bool
}

// unsureWord is the confidence under which a word OCR read does not count as read: an
// answer whose words are all below it is read again.
const unsureWord = 0.6

// replacedFactor lowers the confidence of a value read again in place of one read with
// doubt.
const replacedFactor = 0.8

// unsureValue is the confidence under which a value of the form read by OCR is read again
// ("Pai" for a "Raj" typed through its rule, at 0.60).
const unsureValue = 0.7

// maxUnsureValues bounds how many values read with doubt a page reads again (a fax page
// at normal resolution has many): a second look costs a line's reading each.
const maxUnsureValues = 4

// minAreaInk is how much ink, rules and captions left out, an area must hold to hold
// something, in squares of the page's text height: a typed initial has about 0.35, an
// empty box on a fax a few hundredths.
const minAreaInk = 0.15

// rereadFactor lowers the confidence of what a second look read: the words were missed
// once, and a person should rather check them than not.
const rereadFactor = 0.9

// struckFactor lowers further the confidence of a value read where a rule ran through it.
const struckFactor = 0.85

// disagreeConfidence is the most a lone letter keeps when two readings of it differ.
const disagreeConfidence = 0.6

// loneLetterFactor lowers further the confidence of a single letter a second look read.
const loneLetterFactor = 0.8

// UnreadAreas returns the areas of a form page (p, read from img) worth a second look: value
// boxes and free-text answers in which OCR read nothing though they hold ink, answers it read
// only as unsure noise, and up to maxUnsureValues values it read with doubt (each with the
// words to replace, Area.Drop). Pages that are not the form's give none.
func UnreadAreas(p *ocr.Page, img *image.Gray) []Area {
	if p == nil || img == nil || len(p.Words) == 0 {
		return nil
	}
	fp := &formPage{pg: Page{OCR: p}, v: newView(p), th: textHeight(p), old: strings.Contains(fold(p.Text), "rev 01/20")}
	fp.findLabels()
	keyed := 0
	for _, l := range fp.labels {
		if l.key != "" {
			keyed++
		}
	}
	var out []Area
	unsure := 0
	for _, l := range fp.labels {
		// A page with a few captions of the form only (a letter quoting one) is not it.
		if l.key == "" || keyed < 4 {
			continue
		}
		if w, ok := maxWidth[l.key]; ok {
			l.next = min(l.next, l.box.Min.X+int(w*p.DPI/72))
		}
		_, _, conf, read := fp.valueOf(l)
		check := read && conf >= unsureValue && l.key == "patient.middle_initial"
		if !check && read && (conf >= unsureValue || unsure >= maxUnsureValues) {
			continue
		}
		r := fp.valueArea(l).Intersect(img.Rect)
		// An area with nothing read in it but noise (a streak through an e-mail read as
		// "i2willi" and specks) is as good as unread: the noise gives way to the second look.
		if r.Dx() < 2*fp.th || r.Dy() < fp.th || !read && fp.hasWordsAbove(r, unsureWord) {
			continue
		}
		clean, _, struck := omr.Clean(img, r)
		if fp.whiteOut(clean)*float64(r.Dx()*r.Dy()) < minAreaInk*float64(fp.th*fp.th) {
			continue
		}
		a := Area{Key: l.key, Area: ocr.Area{Image: clean}, Struck: struck}
		if check {
			if a.Drop = fp.wordsIn(r, 1); len(a.Drop) != 1 {
				continue
			}
			a.Check = true
		} else if read {
			// Read with doubt (a value typed through its rule: "Pai" for "Raj").
			unsure++
			a.Drop = fp.wordsIn(r, 1)
		} else {
			a.Drop = fp.wordsIn(r, unsureWord)
		}
		out = append(out, a)
	}
	// The free-text answers: a band under the question with ink and no line read, on a
	// page with at least two of the form's questions.
	type band struct {
		q           image.Rectangle
		endY, stopY int
	}
	bands := map[string]band{}
	for _, lt := range formLong {
		if q, endY, stopY, ok := fp.answerBand(lt.key, lt.start, lt.end); ok {
			bands[lt.key] = band{q, endY, stopY}
		}
	}
	for _, lt := range formLong {
		b, ok := bands[lt.key]
		if !ok || len(bands) < 2 {
			continue
		}
		q, endY, stopY := b.q, b.endY, b.stopY
		r := image.Rect(q.Min.X-fp.th, endY+fp.th/4, p.Width*96/100, stopY-fp.th/4).Intersect(img.Rect)
		if r.Dy() < fp.th || r.Dx() < 4*fp.th || fp.hasWordsAbove(r, unsureWord) {
			continue
		}
		drop := fp.wordsIn(r, unsureWord)
		clean, _, _ := omr.Clean(img, r)
		if fp.whiteOut(clean)*float64(r.Dx()*r.Dy()) < minAreaInk*float64(fp.th*fp.th) {
			continue
		}
		out = append(out, Area{Key: lt.key, Area: ocr.Area{Image: clean, Block: true}, Drop: drop})
	}
	return out
}

// valueArea is where a caption's value is written: the band under the caption (Rev 09/25)
// or over it (Rev 01/20), from the caption's left edge to the next caption's, and not into
// another row of captions.
func (fp *formPage) valueArea(l formLabel) image.Rectangle {
	h := fp.th
	x0, x1 := l.box.Min.X-h/2, l.next-h/2
	var y0, y1 int
	// The band reaches into the caption: a value typed on its rule touches the caption
	// under it. The captions are painted out of the image read (whiteOut).
	if fp.old {
		y0, y1 = l.box.Min.Y-int(2.6*float64(h)), l.box.Min.Y+h/2
	} else {
		y0, y1 = l.box.Max.Y-h/2, l.box.Max.Y+int(2.6*float64(h))
	}
	for _, o := range fp.labels {
		if o.box.Max.X <= x0 || o.box.Min.X >= x1 || abs(mid(o.box)-mid(l.box)) < h {
			continue
		}
		if fp.old && o.box.Max.Y <= l.box.Min.Y {
			y0 = max(y0, o.box.Max.Y+h/6)
		}
		if !fp.old && o.box.Min.Y >= l.box.Max.Y {
			y1 = min(y1, o.box.Min.Y-h/6)
		}
	}
	return image.Rect(x0, y0, x1, y1)
}

// whiteOut paints the captions inside img white and returns the share of img's pixels
// still dark.
func (fp *formPage) whiteOut(img *image.Gray) float64 {
	for _, l := range fp.labels {
		r := l.box.Inset(-1).Intersect(img.Rect)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			fillWhite(img.Pix[img.PixOffset(r.Min.X, y):][:r.Dx()])
		}
	}
	return darkShare(img, img.Rect)
}

// hasWordsAbove says whether OCR read a word (not a caption's) whose middle is inside r
// with a confidence of at least conf.
func (fp *formPage) hasWordsAbove(r image.Rectangle, conf float64) bool {
	for _, w := range fp.pg.OCR.Words {
		if w.Confidence >= conf && inArea(w, r) && token(w.Text) != "" && !fp.isLabelWord(w.Box) {
			return true
		}
	}
	return false
}

// wordsIn returns the indices of the words OCR read (not captions) whose middle is inside r,
// read with a confidence under below.
func (fp *formPage) wordsIn(r image.Rectangle, below float64) []int {
	var out []int
	for i, w := range fp.pg.OCR.Words {
		if w.Confidence < below && inArea(w, r) && token(w.Text) != "" && !fp.isLabelWord(w.Box) {
			out = append(out, i)
		}
	}
	return out
}

// inArea says whether w's middle is inside r.
func inArea(w ocr.Word, r image.Rectangle) bool {
	return image.Pt((w.Box.Min.X+w.Box.Max.X)/2, mid(w.Box)).In(r)
}

// minRereadConfidence is the least confidence of a word a second look keeps: below it,
// what Tesseract makes of a struck-through or smudged line is mostly noise ("cere tale
// pude eon"), worse for a person than nothing.
const minRereadConfidence = 0.45

// Reread returns p with what a second look read in each area (words[i] for areas[i], as
// ocr.Pool.ReadAreas returns them) added, their confidence lowered; words that are no
// more than punctuation, lie outside their area or are read with little confidence are
// left out. Where OCR had read words in an area with doubt (Area.Drop), the second look's
// words take their place if it is surer of them on average, and are left out if not. p
// is not changed.
func Reread(p *ocr.Page, areas []Area, words [][]ocr.Word) *ocr.Page {
	var add [][]ocr.Word
	drop := map[int]bool{}    // words of the first reading that give way
	doubted := map[int]bool{} // words of the first reading that a second one contradicted
	for i, ws := range words {
		if i >= len(areas) {
			break
		}
		var keep []ocr.Word
		renumber := map[int]int{}
		sure := 0.0
		for _, w := range ws {
			if token(w.Text) == "" || !w.Box.In(areas[i].Image.Rect) || w.Confidence < minRereadConfidence {
				continue
			}
			if _, ok := renumber[w.Line]; !ok {
				renumber[w.Line] = len(renumber)
			}
			sure += w.Confidence
			w.Line = renumber[w.Line]
			w.Confidence *= rereadFactor
			// Strokes put back across a rule are the rule's guess as much as the
			// writing's: "11/08/1985" for a 1986 typed low on its rule, at 0.85.
			if areas[i].Struck && !areas[i].Block {
				w.Confidence *= struckFactor
			}
			// A lone letter read out of its line has no word around it to confirm it: a
			// middle initial's S read as an E with Tesseract's 0.9.
			if !areas[i].Block && len([]rune(token(w.Text))) == 1 {
				w.Confidence *= loneLetterFactor
			}
			keep = append(keep, w)
		}
		if len(keep) == 0 {
			continue
		}
		if areas[i].Check {
			// A lone letter read again: the same letter confirms it and nothing changes;
			// another sends the first reading to a person. The second does not replace it:
			// a letter cut out of its line reads worse ("I" for a K, "L" for a U).
			k := areas[i].Drop[0]
			if k < len(p.Words) && (len(keep) != 1 || token(keep[0].Text) != token(p.Words[k].Text)) {
				doubted[k] = true
			}
			continue
		}
		if d := areas[i].Drop; len(d) > 0 {
			was := 0.0
			for _, k := range d {
				if k < len(p.Words) {
					was += p.Words[k].Confidence
				}
			}
			// Surer, and not shorter: a second look that read part of an address or an id
			// ("johnson99@gmail.com", "PCH49840976" without its "-01") is no better.
			if sure/float64(len(keep)) <= was/float64(len(d)) || 10*alnumCount(keep) < 9*alnumCount(wordsAt(p, d)) {
				continue
			}
			for _, k := range d {
				drop[k] = true
			}
			// Two readings of one value, the first in doubt: a person confirms ("Pai", then
			// "Rai", for a "Raj" typed through its rule).
			if !areas[i].Block {
				for k := range keep {
					keep[k].Confidence *= replacedFactor
				}
			}
		}
		add = append(add, keep)
	}
	if len(doubted) > 0 {
		q := *p
		q.Words = append([]ocr.Word(nil), p.Words...)
		for k := range doubted {
			q.Words[k].Confidence = min(q.Words[k].Confidence, disagreeConfidence)
		}
		p = &q
	}
	if len(add) == 0 {
		return p
	}
	if len(drop) > 0 {
		p = p.Without(func(i int, _ ocr.Word) bool { return drop[i] })
	}
	return p.AddAreas(add)
}

// alnumCount is the number of letters and digits in ws.
func alnumCount(ws []ocr.Word) int {
	n := 0
	for _, w := range ws {
		for _, r := range w.Text {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				n++
			}
		}
	}
	return n
}

// wordsAt returns p's words at the indices idx.
func wordsAt(p *ocr.Page, idx []int) []ocr.Word {
	var out []ocr.Word
	for _, k := range idx {
		if k < len(p.Words) {
			out = append(out, p.Words[k])
		}
	}
	return out
}

func fillWhite(b []byte) {
	for i := range b {
		b[i] = 255
	}
}
