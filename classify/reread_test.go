package classify

import (
	"context"
	"image"
	"slices"
	"testing"

	"intake/fixtures/paper"
	"intake/ocr"
	"intake/ocr/raster"
)

// TestSecondLook: a form's value OCR left out (here taken out of what it read) is found
// again by reading its box on its own; an empty box is not read; what is found goes to its
// field with a lowered confidence.
func TestSecondLook(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Tesseract")
	}
	p := paper.NewPage()
	p.Text(paper.Sans, 11, 40, 60, "PATIENT INFORMATION")
	row := func(y float64, cells ...[2]any) {
		for _, c := range cells {
			x := c[0].(float64)
			if v := c[1].(string); v != "" {
				p.Text(paper.Serif, 11, x+4, y, v)
			}
		}
	}
	caps := func(y float64, cells ...[2]any) {
		for _, c := range cells {
			x := c[0].(float64)
			p.Line(x, y-9, x+150, y-9, 0.5)
			p.Text(paper.Serif, 7, x, y, c[1].(string))
		}
	}
	row(100, [2]any{40.0, "Rosalind"}, [2]any{240.0, ""}, [2]any{400.0, "Okafor"})
	caps(110, [2]any{40.0, "First Name"}, [2]any{240.0, "Middle Initial"}, [2]any{400.0, "Last Name"})
	row(140, [2]any{40.0, "3519 Magnolia Rd"})
	caps(150, [2]any{40.0, "Street Address"})
	row(180, [2]any{40.0, "Oxnard"}, [2]any{240.0, "CA"}, [2]any{400.0, "93030"})
	caps(190, [2]any{40.0, "City"}, [2]any{240.0, "State"}, [2]any{400.0, "Zip"})
	p.Text(paper.Sans, 7, 400, 760, "DMHC 20-224 (Rev 01/20)")

	pool, page, img := readKeeping(t, p, 300)
	// As if Tesseract had dropped the first name.
	var kept []ocr.Word
	for _, w := range page.Words {
		if w.Text != "Rosalind" {
			kept = append(kept, w)
		}
	}
	if len(kept) == len(page.Words) {
		t.Fatalf("OCR did not read the first name in the first place: %q", page.Text)
	}
	missing := ocr.NewPage(page.Width, page.Height, page.DPI, renumberLines(kept))

	areas := UnreadAreas(missing, img)
	var keys []string
	var parts []ocr.Area
	for _, a := range areas {
		keys = append(keys, a.Key)
		parts = append(parts, a.Area)
	}
	if !slices.Equal(keys, []string{"patient.first_name"}) {
		t.Fatalf("areas to read again: %v, want only the first name's (the middle initial's box is empty)", keys)
	}
	words, err := pool.ReadAreas(context.Background(), parts, missing.DPI)
	if err != nil {
		t.Fatal(err)
	}
	again := Reread(missing, areas, words)
	fields := map[string]Field{}
	extractForm(Document{Pages: []int{1}}, []Page{{OCR: again}}, fields)
	f, ok := fields["patient.first_name"]
	if !ok || f.Value != "Rosalind" {
		t.Fatalf("first name after a second look = %v (%v), want Rosalind", f.Value, ok)
	}
	if f.Confidence > rereadFactor {
		t.Errorf("first name read again with confidence %.2f, want it lowered", f.Confidence)
	}
	if g := fields["patient.last_name"]; g.Value != "Okafor" {
		t.Errorf("last name = %v, want Okafor as first read", g.Value)
	}
}

// readKeeping reads the paper page p rendered at dpi on a pool of one engine (closed when
// the test ends) and returns the pool, what it read and the page image it read.
func readKeeping(t *testing.T, p *paper.Page, dpi float64) (*ocr.Pool, *ocr.Page, *image.Gray) {
	t.Helper()
	pool, err := ocr.NewPool(ocr.PoolOptions{Workers: 1, KeepImage: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	page, err := pool.Recognize(context.Background(), &raster.Page{Image: p.Render(dpi), XDPI: dpi, YDPI: dpi})
	if err != nil {
		t.Fatal(err)
	}
	img := page.Image
	page.Image = nil
	return pool, page, img
}

// renumberLines numbers the words' lines again from 0 without gaps, in order.
func renumberLines(ws []ocr.Word) []ocr.Word {
	out := make([]ocr.Word, len(ws))
	to := map[int]int{}
	for i, w := range ws {
		if _, ok := to[w.Line]; !ok {
			to[w.Line] = len(to)
		}
		w.Line = to[w.Line]
		out[i] = w
	}
	return out
}

// TestRereadLoneLetterDoubted: a single letter read by a second look has no word around it
// to confirm it, and goes to a person even when Tesseract is sure of it.
func TestRereadLoneLetterDoubted(t *testing.T) {
	p := ocr.NewPage(1700, 2200, 200, []ocr.Word{{Text: "Priya", Box: image.Rect(138, 442, 200, 486), Confidence: 0.96}})
	area := Area{Key: "patient.middle_initial", Area: ocr.Area{Image: image.NewGray(image.Rect(700, 430, 1000, 500))}}
	name := Area{Key: "patient.last_name", Area: ocr.Area{Image: image.NewGray(image.Rect(1000, 430, 1600, 500))}}
	again := Reread(p, []Area{area, name}, [][]ocr.Word{
		{{Text: "E", Box: image.Rect(727, 450, 745, 470), Confidence: 0.9}},
		{{Text: "Washington", Box: image.Rect(1025, 453, 1170, 480), Confidence: 0.9}},
	})
	conf := map[string]float64{}
	for _, w := range again.Words {
		conf[w.Text] = w.Confidence
	}
	if c := conf["E"]; c == 0 || c >= reviewBelow {
		t.Errorf("a lone letter read again kept confidence %.2f, want it below %.2f", c, reviewBelow)
	}
	if c := conf["Washington"]; c < reviewBelow {
		t.Errorf("a word read again has confidence %.2f, want at least %.2f", c, reviewBelow)
	}
}

// TestRereadReplacesNoise: a line of the problem's answer struck through by its rule, read
// first as noise ("fed ll is" at 0.42), gives way to what the second look read there; a
// word read surely beside it stays.
func TestRereadReplacesNoise(t *testing.T) {
	p := ocr.NewPage(1700, 2200, 200, []ocr.Word{
		{Text: "Briefly", Box: image.Rect(137, 440, 220, 460), Confidence: 0.93, Line: 0},
		{Text: "describe", Box: image.Rect(230, 440, 320, 460), Confidence: 0.97, Line: 0},
		{Text: "fed", Box: image.Rect(380, 490, 430, 512), Confidence: 0.42, Line: 1},
		{Text: "ll", Box: image.Rect(600, 490, 630, 512), Confidence: 0.42, Line: 1},
		{Text: "is", Box: image.Rect(900, 490, 930, 512), Confidence: 0.42, Line: 1},
		{Text: "MEDICAL", Box: image.Rect(125, 700, 272, 720), Confidence: 0.92, Line: 2},
	})
	area := Area{Key: "problem", Area: ocr.Area{Image: image.NewGray(image.Rect(120, 480, 1600, 560)), Block: true}, Drop: []int{2, 3, 4}}
	again := Reread(p, []Area{area}, [][]ocr.Word{{
		{Text: "My", Box: image.Rect(140, 488, 170, 512), Confidence: 0.9},
		{Text: "doctor", Box: image.Rect(180, 488, 260, 512), Confidence: 0.9},
		{Text: "asked", Box: image.Rect(270, 488, 340, 512), Confidence: 0.9},
	}})
	var texts []string
	for _, l := range again.Lines {
		texts = append(texts, l.Text)
	}
	want := []string{"Briefly describe", "MEDICAL", "My doctor asked"}
	if !slices.Equal(texts, want) {
		t.Errorf("lines after the second look: %q, want %q", texts, want)
	}
	// The page read first is left as it was.
	if len(p.Words) != 6 {
		t.Errorf("the first reading lost words: %d", len(p.Words))
	}
	// A second look less sure than the first reading leaves it.
	for i := 2; i <= 4; i++ {
		p.Words[i].Confidence = 0.58
	}
	same := Reread(p, []Area{area}, [][]ocr.Word{{{Text: "My", Box: image.Rect(140, 488, 170, 512), Confidence: 0.5}}})
	if same != p {
		t.Errorf("a second look surer of nothing changed the page: %q", same.Text)
	}
}

// TestRereadValueInDoubt: a value OCR read with doubt ("Pai" at 0.60, for a "Raj" typed
// through its rule) gives way to a surer second reading, which still goes to a person.
func TestRereadValueInDoubt(t *testing.T) {
	p := ocr.NewPage(1700, 2200, 200, []ocr.Word{
		{Text: "Pai", Box: image.Rect(138, 468, 179, 485), Confidence: 0.60, Line: 0},
		{Text: "First", Box: image.Rect(132, 491, 165, 505), Confidence: 0.95, Line: 1},
		{Text: "Name", Box: image.Rect(172, 491, 217, 505), Confidence: 0.95, Line: 1},
	})
	area := Area{Key: "patient.first_name", Area: ocr.Area{Image: image.NewGray(image.Rect(123, 438, 733, 493))}, Drop: []int{0}}
	again := Reread(p, []Area{area}, [][]ocr.Word{{{Text: "Raj", Box: image.Rect(138, 468, 179, 483), Confidence: 0.92}}})
	var texts []string
	for _, w := range again.Words {
		texts = append(texts, w.Text)
		if w.Text == "Raj" && w.Confidence >= reviewBelow {
			t.Errorf("the value read again has confidence %.2f, want it under %.2f", w.Confidence, reviewBelow)
		}
	}
	if !slices.Equal(texts, []string{"First", "Name", "Raj"}) {
		t.Errorf("words after the second look: %q", texts)
	}
}

// TestRereadNotShorter: a second look surer of itself but holding less of the value (part
// of an address) leaves the first reading.
func TestRereadNotShorter(t *testing.T) {
	p := ocr.NewPage(1700, 2200, 200, []ocr.Word{
		{Text: "yolanda.johnson99@gmail.com", Box: image.Rect(1081, 834, 1450, 857), Confidence: 0.6},
	})
	area := Area{Key: "patient.email", Area: ocr.Area{Image: image.NewGray(image.Rect(1060, 800, 1630, 870))}, Drop: []int{0}}
	again := Reread(p, []Area{area}, [][]ocr.Word{{{Text: "johnson99@gmail.com", Box: image.Rect(1180, 834, 1450, 857), Confidence: 0.93}}})
	if again != p {
		t.Errorf("a shorter second reading took the place of the first: %q", again.Text)
	}
}

// TestRereadChecksLoneLetter: a middle initial read surely ("E" at 0.85 for a typed S) is
// read again; the same letter leaves the page as it was, another sends the first reading
// to a person.
func TestRereadChecksLoneLetter(t *testing.T) {
	page := func() *ocr.Page {
		return ocr.NewPage(1700, 2200, 200, []ocr.Word{
			{Text: "Miguel", Box: image.Rect(138, 450, 216, 485), Confidence: 0.96, Line: 0},
			{Text: "E", Box: image.Rect(748, 456, 764, 477), Confidence: 0.85, Line: 0},
			{Text: "Castillo", Box: image.Rect(1026, 457, 1115, 478), Confidence: 0.92, Line: 0},
		})
	}
	area := Area{Key: "patient.middle_initial", Area: ocr.Area{Image: image.NewGray(image.Rect(733, 440, 1000, 500))}, Drop: []int{1}, Check: true}
	letter := func(text string, conf float64) [][]ocr.Word {
		return [][]ocr.Word{{{Text: text, Box: image.Rect(748, 456, 764, 477), Confidence: conf}}}
	}
	initial := func(p *ocr.Page) ocr.Word {
		for _, w := range p.Words {
			if len(w.Text) == 1 {
				return w
			}
		}
		return ocr.Word{}
	}
	p := page()
	if got := Reread(p, []Area{area}, letter("E", 0.9)); got != p {
		t.Errorf("a second reading that agrees changed the page: %q", got.Text)
	}
	got := initial(Reread(p, []Area{area}, letter("S", 0.95)))
	if got.Text != "E" || got.Confidence > disagreeConfidence {
		t.Errorf("a surer second reading S: initial %q at %.2f, want E for a person", got.Text, got.Confidence)
	}
	got = initial(Reread(p, []Area{area}, letter("B", 0.6)))
	if got.Text != "E" || got.Confidence > disagreeConfidence {
		t.Errorf("a less sure second reading B: initial %q at %.2f, want E for a person", got.Text, got.Confidence)
	}
	if p.Words[1].Confidence != 0.85 {
		t.Errorf("the first reading was changed: %.2f", p.Words[1].Confidence)
	}
}

// TestRereadStruckValue: a birth date typed low on its rule, which OCR read nothing of,
// is read by the second look as "11/08/1985" at 0.85 (for 1986: the rule took the 6's
// bottom). Read where a rule ran through it, it goes to a person; read from an area the
// rule only bordered, at the same confidence, it does not.
func TestRereadStruckValue(t *testing.T) {
	p := ocr.NewPage(1700, 2200, 200, []ocr.Word{{Text: "Fecha", Box: image.Rect(132, 565, 176, 580), Confidence: 0.96}})
	date := []ocr.Word{{Text: "11/08/1985", Box: image.Rect(140, 541, 330, 562), Confidence: 0.85}}
	for _, struck := range []bool{true, false} {
		area := Area{Key: "patient.dob", Area: ocr.Area{Image: image.NewGray(image.Rect(123, 519, 678, 574))}, Struck: struck}
		again := Reread(p, []Area{area}, [][]ocr.Word{date})
		var got float64
		for _, w := range again.Words {
			if w.Text == "11/08/1985" {
				got = w.Confidence
			}
		}
		if struck && (got == 0 || got >= reviewBelow) || !struck && got < reviewBelow {
			t.Errorf("struck %v: the date read again has confidence %.2f (review under %.2f)", struck, got, reviewBelow)
		}
	}
}

// TestSecondLookBirthDateBesideGender: on Rev 01/20 the birth date is typed over its
// caption, with "Gender:" and its boxes further along the same line. A date typed so low
// that its rule runs through it, which OCR left out, is still read again (the words of the
// gender question are not in its box), and what is read goes to a person.
func TestSecondLookBirthDateBesideGender(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Tesseract")
	}
	p := paper.NewPage()
	p.Text(paper.Sans, 11, 40, 60, "PATIENT INFORMATION")
	// A row of values typed over their rules, each from its caption's left edge, the
	// captions under them at 40, 240 and 400 points.
	row := func(y float64, values, captions [3]string) {
		for i, x := range []float64{40, 240, 400} {
			if values[i] != "" {
				p.Text(paper.Mono, 10, x+4, y, values[i])
			}
			p.Line(x, y+2, x+150, y+2, 0.5)
			p.Text(paper.Serif, 7, x, y+10, captions[i])
		}
	}
	row(100, [3]string{"Rosalind", "", "Okafor"}, [3]string{"First Name", "Middle Initial", "Last Name"})
	p.Text(paper.Mono, 10, 44, 140, "11/08/1986")
	p.Line(40, 138.4, 230, 138.4, 0.6) // through the digits' lower third
	p.Text(paper.Serif, 7, 40, 148, "Patient's Date of Birth (mm/dd/yyyy)")
	p.Text(paper.Serif, 9, 260, 138, "Gender:  [ ] Male   [X] Female   [ ] Other")
	p.Text(paper.Mono, 10, 44, 180, "3519 Magnolia Rd")
	p.Line(40, 182, 560, 182, 0.5)
	p.Text(paper.Serif, 7, 40, 190, "Street Address")
	row(220, [3]string{"Oxnard", "CA", "93030"}, [3]string{"City", "State", "Zip"})
	p.Text(paper.Sans, 7, 400, 760, "DMHC 20-224 (Rev 01/20)")

	pool, page, img := readKeeping(t, p, 200)
	// As if Tesseract had read nothing of the struck date.
	var kept []ocr.Word
	for _, w := range page.Words {
		if !inArea(w, image.Rect(0, 120*200/72, 250*200/72, 140*200/72)) {
			kept = append(kept, w)
		}
	}
	missing := ocr.NewPage(page.Width, page.Height, page.DPI, renumberLines(kept))
	areas := UnreadAreas(missing, img)
	var parts []ocr.Area
	var struck bool
	for _, a := range areas {
		parts = append(parts, a.Area)
		if a.Key == "patient.dob" {
			struck = a.Struck
		}
	}
	if parts == nil || !slices.ContainsFunc(areas, func(a Area) bool { return a.Key == "patient.dob" }) {
		t.Fatalf("the birth date's box is not read again (areas %d)", len(areas))
	}
	if !struck {
		t.Error("the rule through the birth date was not told")
	}
	words, err := pool.ReadAreas(context.Background(), parts, missing.DPI)
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]Field{}
	extractForm(Document{Pages: []int{1}}, []Page{{OCR: Reread(missing, areas, words)}}, fields)
	f, ok := fields["patient.dob"]
	if !ok {
		t.Fatal("no birth date after the second look")
	}
	if f.Confidence >= reviewBelow {
		t.Errorf("birth date %v read through its rule with confidence %.2f, want it for a person (under %.2f)", f.Value, f.Confidence, reviewBelow)
	}
}
