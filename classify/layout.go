package classify

import (
	"image"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"intake/ocr"
)

// The layout helpers read a page geometrically, not in OCR's reading order: a label and
// its value are on one visual row even when OCR put them in different blocks (a column of
// labels, then a column of values), and a value can sit under its label (a grid cell) or
// over it (a caption under a rule).

// row is words whose vertical middles line up, left to right.
type row struct {
	words []int // indices in Page.Words, by x
	box   image.Rectangle
}

// rows groups a page's words (below the fax header, with some confidence) into rows.
func rows(p *ocr.Page) []row {
	var idx []int
	for i, w := range p.Words {
		if w.Norm.Y1 < headerBand || strings.TrimSpace(w.Text) == "" {
			continue
		}
		idx = append(idx, i)
	}
	sort.Slice(idx, func(a, b int) bool { return mid(p.Words[idx[a]].Box) < mid(p.Words[idx[b]].Box) })
	var out []row
	for _, i := range idx {
		b := p.Words[i].Box
		placed := false
		// Join the last row whose vertical span holds this word's middle.
		for k := len(out) - 1; k >= 0 && k >= len(out)-3; k-- {
			r := &out[k]
			m := mid(b)
			h := min(r.box.Dy(), b.Dy())
			if m > r.box.Min.Y+h/4 && m < r.box.Max.Y-h/4 || abs(mid(r.box)-m) < h/3 {
				r.words = append(r.words, i)
				r.box = r.box.Union(b)
				placed = true
				break
			}
			// A word a speck made taller than the row ("Pages:" 36 pixels high beside a
			// row of 23) sits in it when its top or its bottom lines up with the row's; it
			// does not make the row taller. A signature read as a word (taller still, and
			// unsure) is not one.
			w := p.Words[i]
			if b.Dy()*10 >= r.box.Dy()*13 && b.Dy() <= 2*r.box.Dy() && w.Confidence >= 0.6 &&
				(abs(b.Min.Y-r.box.Min.Y) <= h/4 || abs(b.Max.Y-r.box.Max.Y) <= h/4) {
				r.words = append(r.words, i)
				r.box.Min.X, r.box.Max.X = min(r.box.Min.X, b.Min.X), max(r.box.Max.X, b.Max.X)
				placed = true
				break
			}
		}
		if !placed {
			out = append(out, row{words: []int{i}, box: b})
		}
	}
	for k := range out {
		ws := out[k].words
		sort.Slice(ws, func(a, b int) bool { return p.Words[ws[a]].Box.Min.X < p.Words[ws[b]].Box.Min.X })
	}
	return out
}

func mid(r image.Rectangle) int { return (r.Min.Y + r.Max.Y) / 2 }

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// segment is a run of words on a row with no wide gap inside.
type segment struct {
	words []int
	box   image.Rectangle
	row   int
}

func (s segment) text(p *ocr.Page) string {
	var b strings.Builder
	for i, w := range s.words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p.Words[w].Text)
	}
	return b.String()
}

func (s segment) confidence(p *ocr.Page) float64 {
	c := 1.0
	for _, w := range s.words {
		c = min(c, p.Words[w].Confidence)
	}
	return c
}

// segments splits each row at gaps wider than gap times the row's text height.
func segments(p *ocr.Page, rs []row, gap float64) []segment {
	var out []segment
	for ri, r := range rs {
		var cur *segment
		for _, w := range r.words {
			b := p.Words[w].Box
			// A bar separates columns printed on one line ("Member: X | Member ID: Y").
			if t := strings.TrimSpace(p.Words[w].Text); t == "|" || t == "¦" {
				if cur != nil {
					out = append(out, *cur)
					cur = nil
				}
				continue
			}
			if cur != nil {
				prev := p.Words[cur.words[len(cur.words)-1]].Box
				h := float64(max(prev.Dy(), b.Dy(), textHeight(p)))
				if float64(b.Min.X-prev.Max.X) > gap*h {
					out = append(out, *cur)
					cur = nil
				}
			}
			if cur == nil {
				cur = &segment{row: ri, box: b}
			}
			cur.words = append(cur.words, w)
			cur.box = cur.box.Union(b)
		}
		if cur != nil {
			out = append(out, *cur)
		}
	}
	return out
}

// textHeight is the median height of the page's words that look like body text (the
// height of a capital letter and more), in pixels.
func textHeight(p *ocr.Page) int {
	var hs []int
	for _, w := range p.Words {
		if len([]rune(w.Text)) >= 3 && w.Confidence > 0.5 {
			hs = append(hs, w.Box.Dy())
		}
	}
	if len(hs) == 0 {
		return 10
	}
	return median(hs)
}

// labelled is a value found beside, under or over a label.
type labelled struct {
	label      string // the label as listed (folded)
	labelBox   image.Rectangle
	value      string
	box        image.Rectangle
	confidence float64
	words      []int
}

// labelIn says which label of the list (folded, longest first) a segment starts with, and
// after how many of its words.
func labelIn(p *ocr.Page, s segment, labels []string) (string, int) {
	best, bestN := "", 0
	skip := 0
	// A subject line's "RE:" may come before the first label.
	if len(s.words) > 1 && token(p.Words[s.words[0]].Text) == "re" && strings.HasSuffix(p.Words[s.words[0]].Text, ":") {
		skip = 1
	}
	for _, l := range labels {
		want := phraseTokens(l)
		if len(want) == 0 || len(want)+skip > len(s.words) {
			continue
		}
		ok := true
		k := skip
		// "Re: Complaint on behalf of ...": no label after it, "RE:" is the label.
		if skip == 1 && len(want) == 1 && want[0] == "re" {
			k = 0
		}
		for _, w := range want {
			// Skip words of pure punctuation ("=", "-") between label words.
			for k < len(s.words) && token(p.Words[s.words[k]].Text) == "" {
				k++
			}
			if k >= len(s.words) || !similar(token(p.Words[s.words[k]].Text), w) {
				ok = false
				break
			}
			k++
		}
		if ok && (len(want) > len(phraseTokens(best)) || best == "") {
			best, bestN = l, k
		}
	}
	// A heading is not a label: its letters are much taller than the text's, and wider. A
	// word box made tall by a speck or a rule above it ("Pages:" on a fax, 48 pixels high
	// where the text is 24) keeps its letters' width.
	if best != "" {
		h := p.Words[s.words[0]].Box.Dy()
		width, chars := 0, 0
		for _, w := range s.words[:bestN] {
			h = min(h, p.Words[w].Box.Dy())
			width += p.Words[w].Box.Dx()
			chars += utf8.RuneCountInString(p.Words[w].Text)
		}
		th := float64(textHeight(p))
		if float64(h) > 1.8*th && float64(width) > 1.1*th*float64(chars) {
			return "", 0
		}
	}
	// A label is what the segment starts with, and a short label must be followed by a
	// colon or stand alone, or "to" would be found in every sentence.
	if best != "" && len(phraseTokens(best)) == 1 && bestN < len(s.words) {
		last := p.Words[s.words[bestN-1]].Text
		if !strings.HasSuffix(last, ":") && !strings.HasSuffix(last, "#") {
			// "TO Department of ..." in a labelled grid: accept when the label is upper case.
			if strings.ToUpper(last) != last || len(token(last)) < 2 {
				return "", 0
			}
		}
	}
	return best, bestN
}

// pairs finds every label of the list on the page and its value: the rest of the label's
// segment; else the next segment on the row; else the segment under the label (a grid
// cell); with below false, the segment over it (a caption under a rule).
func pairs(p *ocr.Page, labels []string, below bool) []labelled {
	rs := rows(p)
	segs := segments(p, rs, 2.2)
	isLabel := make([]int, len(segs))
	found := make([]string, len(segs))
	for i, s := range segs {
		found[i], isLabel[i] = labelIn(p, s, labels)
	}
	var out []labelled
	for i, s := range segs {
		if found[i] == "" {
			continue
		}
		n := isLabel[i]
		lb := p.Words[s.words[0]].Box
		for _, w := range s.words[1:n] {
			lb = lb.Union(p.Words[w].Box)
		}
		l := labelled{label: found[i], labelBox: lb}
		rest := s.words[n:]
		for len(rest) > 0 && token(p.Words[rest[0]].Text) == "" {
			rest = rest[1:] // "Member: - Ana Diaz"
		}
		// A word ending a sentence at the end of a line ("... waiting for the provider.")
		// is no label over the next line.
		if last := p.Words[s.words[n-1]].Text; len(rest) == 0 && strings.HasSuffix(last, ".") && !strings.HasSuffix(found[i], ".") {
			continue
		}
		// The value beside the label, past specks read as punctuation ("Member name: .
		// Karen Reyes").
		next := i + 1
		for next < len(segs) && segs[next].row == s.row && found[next] == "" && !hasToken(p, segs[next].words) {
			next++
		}
		switch {
		case len(rest) > 0:
			l.words = rest
		case next < len(segs) && segs[next].row == s.row && found[next] == "":
			l.words = segs[next].words
		default:
			if j := stacked(p, segs, found, i, below); j >= 0 {
				l.words = segs[j].words
			}
		}
		if len(l.words) == 0 {
			out = append(out, l)
			continue
		}
		var b strings.Builder
		l.box = p.Words[l.words[0]].Box
		l.confidence = 1
		for k, w := range l.words {
			if k > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(p.Words[w].Text)
			l.box = l.box.Union(p.Words[w].Box)
			l.confidence = min(l.confidence, p.Words[w].Confidence)
		}
		l.value = strings.TrimSpace(strings.TrimLeft(b.String(), ":=-_ "))
		// A label without a colon followed by a lower-case word is prose ("requested
		// service is not ..."), unless the label is printed in capitals.
		if len(rest) > 0 && n > 0 {
			last := p.Words[s.words[n-1]].Text
			first := []rune(p.Words[rest[0]].Text)
			if !strings.HasSuffix(last, ":") && !strings.HasSuffix(last, "#") && strings.ToUpper(last) != last &&
				len(first) > 0 && unicode.IsLower(first[0]) {
				continue
			}
		}
		out = append(out, l)
	}
	return out
}

// hasToken says whether any of the words ws is more than punctuation (a speck read as a
// comma beside a label is no value).
func hasToken(p *ocr.Page, ws []int) bool {
	for _, w := range ws {
		if token(p.Words[w].Text) != "" {
			return true
		}
	}
	return false
}

// stacked finds the segment right under (or over) segment i, starting near its left edge,
// within two line heights, that is not itself a label.
func stacked(p *ocr.Page, segs []segment, found []string, i int, below bool) int {
	s := segs[i]
	h := s.box.Dy()
	best, bestD := -1, 0
	for j, t := range segs {
		if j == i || found[j] != "" {
			continue
		}
		var d int
		if below {
			d = t.box.Min.Y - s.box.Max.Y
		} else {
			d = s.box.Min.Y - t.box.Max.Y
		}
		if d < -h/3 || d > 2*h {
			continue
		}
		if abs(t.box.Min.X-s.box.Min.X) > 3*h {
			continue
		}
		if best < 0 || d < bestD {
			best, bestD = j, d
		}
	}
	return best
}

// median returns the middle of xs (the upper one of two), sorting a copy.
func median(xs []int) int {
	s := append([]int(nil), xs...)
	sort.Ints(s)
	return s[len(s)/2]
}
