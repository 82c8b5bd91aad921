package omr

import (
	"math/rand/v2"
	"testing"

	"intake/fixtures/device"
	"intake/fixtures/paper"
)

// textPage prints headings and body text in every typeface, with the letters that look
// most like boxes (O, D, B, 0, 8, Q, U, H, E next to stems) large and bold.
func textPage() *paper.Page {
	p := paper.NewPage()
	y := 60.0
	for _, f := range []paper.Font{paper.SansBold, paper.SerifBold, paper.MonoBold} {
		for _, size := range []float64{9.5, 12, 14} {
			p.Text(f, size, 40, y, "BOX DOD OBO 0808 QUO HEH EIN ENDORSED MEDICAL REVIEW FORM")
			y += size * 1.6
		}
	}
	for _, f := range []paper.Font{paper.Sans, paper.Serif, paper.Mono, paper.SansItalic} {
		y = p.Paragraph(f, 10, 40, y+8, 530, 12.5,
			"Our Denied and Deferred requests: the Department of Managed Health Care (DMHC) reviewed your Independent Medical Review (IMR) application. O D B 0 8 [ ] ( ) # 1234567890 oo dd bb.")
	}
	p.Text(paper.SansBold, 24, 60, y+40, "RETURN COVER SHEET ODB")
	return p
}

// fieldsPage prints what the Rev 09/25 edition boxes text in: fields 26 points tall and 80
// to 540 wide, a caption row 18 points tall, grey section bars, the 34-point seal, a
// 0.5-inch empty square, and a signature line.
func fieldsPage() *paper.Page {
	p := paper.NewPage()
	p.Rect(36, 40, 34, 34, 1.2)
	p.Text(paper.SansBold, 10, 39, 61, "DMHC")
	y := 100.0
	p.FillRect(36, y, 540, 15, 215)
	p.Rect(36, y, 540, 15, 0.6)
	p.Text(paper.SansBold, 9.5, 41, y+11, "PATIENT INFORMATION")
	y += 15
	for _, row := range [][]float64{{220, 100, 220}, {200, 340}, {250, 80, 210}, {170, 170, 200}, {540}} {
		x := 36.0
		for _, w := range row {
			p.Rect(x, y, w, 26, 0.6)
			p.Text(paper.Sans, 7, x+3, y+8, "Label")
			p.Text(paper.Mono, 9.5, x+5, y+21, "Value 0")
			x += w
		}
		y += 26
	}
	p.Rect(36, y, 540, 18, 0.6)
	p.Text(paper.Sans, 9, 40, y+12.5, "Would you like communication sent to this email?")
	y += 40
	p.Rect(100, y, 36, 36, 0.8)
	p.Line(200, y+30, 420, y+30, 0.5)
	p.Text(paper.Serif, 7, 200, y+38, "Signature")
	return p
}

// TestNoBoxesWhereNoneArePrinted finds nothing on pages of text and of boxed text fields
// in every condition.
func TestNoBoxesWhereNoneArePrinted(t *testing.T) {
	for k, c := range device.Conditions {
		t.Run(string(c), func(t *testing.T) {
			t.Parallel()
			for i, p := range []*paper.Page{textPage(), fieldsPage()} {
				r := rand.New(rand.NewPCG(uint64(k), uint64(i)))
				e := effects(r, c)
				e.Noise = 0.7
				s := scan(t, r, p, c, e)
				for _, b := range FindBoxes(s.img, s.dpi) {
					t.Errorf("%s page %d: box %v (fill %.2f, confidence %.2f) where none is printed", c, i, b.Rect, b.Fill, b.Confidence)
				}
			}
		})
	}
}
