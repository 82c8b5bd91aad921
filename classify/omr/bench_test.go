package omr

import (
	"math/rand/v2"
	"testing"

	"intake/fixtures/device"
	"intake/fixtures/paperwork"
)

// BenchmarkFindBoxes times FindBoxes on page 1 of the IMR form (19 boxes): mail at 300 dpi
// (2550x3300, bilevel and JPEG grey) and a fax at 204 dpi with its rows doubled.
func BenchmarkFindBoxes(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	c := paperwork.NewCase(r, 1, paperwork.Scenario{Edition: "09/25", Language: "en"})
	page := paperwork.IMRForm(r, c, paperwork.FormOptions{}).Pages[0]
	for _, cond := range []device.Condition{device.MailG4300, device.MailJPEG300, device.FaxNormal} {
		s := scan(b, r, page, cond, device.Effects{Noise: 0.4})
		b.Run(string(cond), func(b *testing.B) {
			for b.Loop() {
				if n := len(FindBoxes(s.img, s.dpi)); n != 19 {
					b.Fatalf("%d boxes, want 19", n)
				}
			}
		})
	}
}
