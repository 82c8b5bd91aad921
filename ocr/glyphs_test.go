package ocr

import (
	"image"
	"strings"
	"testing"
)

// line lays words out on one line, left to right, each 12 px per letter and 30 px tall,
// with a 10 px space; a word given as "|tall" is a bar 90 px tall.
func line(texts ...string) []Word {
	var ws []Word
	x := 0
	for _, t := range texts {
		h, w := 30, 12*len([]rune(t))
		if t == "|tall" {
			t, h = "|", 90
		}
		if t == "|" {
			w = 4
		}
		ws = append(ws, Word{Text: t, Box: image.Rect(x, 100, x+w, 100+h)})
		x += w + 10
	}
	return ws
}

func texts(ws []Word) string {
	var s []string
	for _, w := range ws {
		s = append(s, w.Text)
	}
	return strings.Join(s, " ")
}

func TestFixPronounI(t *testing.T) {
	for _, c := range []struct{ in, want []string }{
		{[]string{"whom", "|", "have", "treated"}, []string{"whom", "I", "have", "treated"}},
		{[]string{"notice.", "|", "paid", "my"}, []string{"notice.", "I", "paid", "my"}},
		{[]string{"|", "asked", "for"}, []string{"I", "asked", "for"}},
		{[]string{"one,", "l", "could", "not"}, []string{"one,", "I", "could", "not"}},
		// A separator between two labelled values stays a bar.
		{[]string{"M1234", "|", "Member", "ID:"}, []string{"M1234", "|", "Member", "ID:"}},
		// So does a ruling line taller than the text, and a bar at the end of a line.
		{[]string{"name", "|tall", "street"}, []string{"name", "|", "street"}},
		{[]string{"see", "|"}, []string{"see", "|"}},
		// A digit is not changed: "1 tablet" is right.
		{[]string{"take", "1", "tablet"}, []string{"take", "1", "tablet"}},
	} {
		ws := line(c.in...)
		fixPronounI(ws)
		if got, want := texts(ws), strings.Join(c.want, " "); got != want {
			t.Errorf("%q: got %q, want %q", strings.Join(c.in, " "), got, want)
		}
	}
	// The next word on another line does not count.
	ws := line("see", "|")
	ws = append(ws, Word{Text: "paid", Box: image.Rect(0, 200, 48, 230), Line: 1})
	fixPronounI(ws)
	if ws[1].Text != "|" {
		t.Errorf("a bar at the end of a line became %q", ws[1].Text)
	}
}

// TestFixEuroC: a euro sign where a C was printed becomes the C again; amounts keep theirs.
func TestFixEuroC(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"chronic hepatitis €", "chronic hepatitis C"},
		{"Medical Policy €G-MED-17", "Medical Policy CG-MED-17"},
		{"costs €40 per visit", "costs €40 per visit"},
		{"costs 40 € per visit", "costs 40 € per visit"},
		{"Vitamin € and D", "Vitamin C and D"},
	} {
		ws := line(strings.Fields(tc.in)...)
		fixEuroC(ws)
		if got := texts(ws); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.in, got, tc.want)
		}
	}
}
