package omr

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"

	"intake/fixtures/device"
	"intake/fixtures/paper"
)

// scanned is a page as the OCR step hands it on, with the mapping from page points to its
// pixels.
type scanned struct {
	img  *image.Gray
	dpi  float64
	cond device.Condition
	e    device.Effects
	// geometry of the mapping
	scale, offX, rowScale, skew float64
	renderW, renderH            int
}

// scan runs the page through the device under condition c with effects e and returns what
// the OCR step would give: JPEG-decoded grey for MailJPEG300, square pixels for faxes (rows
// interpolated as ocr's preparation does).
func scan(t testing.TB, r *rand.Rand, p *paper.Page, c device.Condition, e device.Effects) scanned {
	t.Helper()
	xdpi, ydpi := c.Resolution()
	img := device.Scan(r, p, c, e, "")
	s := scanned{dpi: xdpi, cond: c, e: e, scale: xdpi / 72, rowScale: 1, skew: e.Skew}
	s.renderW, s.renderH = int(math.Round(p.W*s.scale)), int(math.Round(p.H*s.scale))
	if c.Fax() {
		s.offX = float64((s.renderW - device.FaxWidth) / 2)
		rows := int(math.Round(float64(img.Rect.Dy()) * xdpi / ydpi))
		s.rowScale = float64(rows) / float64(s.renderH)
		img = device.SquarePixels(img, xdpi, ydpi)
	}
	if c == device.MailJPEG300 {
		var err error
		if img, err = device.JPEGRoundTrip(r, img); err != nil {
			t.Fatal(err)
		}
	}
	s.img = img
	return s
}

// pt maps a point on the page (in points) to pixels of the scanned image.
func (s scanned) pt(x, y float64) (float64, float64) {
	px, py := x*s.scale, y*s.scale
	if s.skew != 0 {
		a := s.skew * math.Pi / 180
		cos, sin := math.Cos(a), math.Sin(a)
		cx, cy := float64(s.renderW)/2, float64(s.renderH)/2
		fx, fy := px-cx, py-cy
		px, py = cos*fx-sin*fy+cx, sin*fx+cos*fy+cy
	}
	return px - s.offX, py * s.rowScale
}

// effects draws the device effects for a test page: noise, blur, streaks and dropouts as
// the device makes them, skew only as much as deskewing leaves.
func effects(r *rand.Rand, c device.Condition) device.Effects {
	e := device.RandomEffects(r, c)
	e.Skew = (r.Float64()*2 - 1) * 0.5
	e.Rotate = 0
	return e
}
