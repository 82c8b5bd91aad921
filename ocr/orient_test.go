package ocr_test

import (
	"fmt"
	"testing"

	"intake/fixtures/device"
	"intake/ocr"
)

// TestOrientation checks the orientation decision on pages of the corpus's kinds, fed the
// ways the devices feed them (faxes only upright or upside down): each is turned upright,
// or, for a page without text to tell by, left alone. It logs how each page was decided
// and the confidences, the figures the thresholds were tuned from (on 288 pages).
func TestOrientation(t *testing.T) {
	slow(t)
	eng := engine(t)
	var orienter int
	for i, tc := range []struct {
		page string
		c    device.Condition
		rots []int
	}{
		{"form", device.MailG4300, []int{0, 90, 180, 270}},
		{"lab", device.MailJPEG300, []int{0, 180, 270}},
		{"letter es", device.FaxFine, []int{0, 180}},
		{"note", device.FaxNormal, []int{0, 180}},
		{"card", device.MailG4200, []int{0, 90}},
		{"fax cover", device.MailG4200, []int{0, 180}},
		{"separator", device.MailJPEG300, []int{0}},
		{"blank", device.MailG4300, []int{0, 180}},
	} {
		page, _ := sample(t, tc.page)
		for _, rot := range tc.rots {
			t.Run(fmt.Sprintf("%s/%s/%d", tc.page, tc.c, rot), func(t *testing.T) {
				e := device.Effects{Rotate: rot, Skew: 1.2, Noise: 0.4, Blur: i%3 == 0}
				p, err := ocr.Prepare(scan(page, tc.c, e, uint64(i)), ocr.PrepareOptions{Orienter: eng})
				if err != nil {
					t.Fatal(err)
				}
				want := (360 - rot) % 360
				if tc.page == "blank" || tc.page == "separator" {
					want = 0 // nothing to tell by: left alone
				}
				info := p.Info
				t.Logf("turned %3d° by %-8s updown %6.2f osd %+v skew %.2f (conf %.1f); orientation %v",
					p.Rotation, info.OrientedBy, info.UpDown, info.Orientation, p.Skew, info.SkewConfidence, info.Timings.Orient)
				if info.OrientedBy == "orienter" {
					orienter++
				}
				if p.Rotation != want {
					t.Errorf("turned %d°, want %d°", p.Rotation, want)
				}
			})
		}
	}
	t.Logf("the orienter was asked about %d pages", orienter)
}
