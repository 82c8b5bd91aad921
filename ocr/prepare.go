package ocr

import (
	"fmt"
	"image"
	"math"
	"time"

	"intake/ocr/lept"
	"intake/ocr/raster"
)

// Orientation is which way up a page image lies.
type Orientation struct {
	Rotate     int     // clockwise degrees that turn the page upright: 0, 90, 180 or 270
	Confidence float64 // the detector's confidence; 0 when the page has too little text to tell
}

// An Orienter finds which way up a page image lies. *Tesseract is one (Tesseract's
// orientation and script detection). Like an Engine it serves one goroutine at a time.
type Orienter interface {
	Orient(img *image.Gray, dpi float64) (Orientation, error)
}

// Defaults of PrepareOptions.
const (
	// DefaultMinOrientationConfidence is the orientation confidence (Tesseract's OSD
	// score from 250 characters, see Tesseract.Orient) from which a page is turned. On the
	// corpus's pages (TestOrientation and the tuning runs behind it) every page found
	// turned scored 3.5 or more and no wrong answer scored above 0.6.
	DefaultMinOrientationConfidence = 2.0
	// DefaultMinSkew is the skew (degrees) below which a page is left as it is.
	DefaultMinSkew = 0.1
	// MaxSkew is the largest skew (degrees, either way) that is searched for.
	MaxSkew = 5.0
	// AssumedDPI is the resolution assumed for a page image whose file declares none and
	// that does not look like a whole letter, legal or A4 sheet.
	AssumedDPI = 300.0
)

// minSkewConfidence is Leptonica's own threshold (skew.c): below it, the measured angle is
// noise (too few text lines, or a picture).
const minSkewConfidence = 3.0

// PrepareOptions say what Prepare does; the zero value resamples and deskews but does not
// check orientation (it needs an Orienter).
type PrepareOptions struct {
	Orienter                 Orienter // finds which way up the page lies; nil: not checked
	MinOrientationConfidence float64  // default DefaultMinOrientationConfidence
	MinSkew                  float64  // degrees; default DefaultMinSkew
	NoDeskew                 bool     // leave the skew as it is (it is still measured)
	// Turn, when Known, is how the page is to be turned (clockwise degrees: 0, 90, 180,
	// 270) instead of looking: the review station shows a page as it was read.
	Turn struct {
		Degrees int
		Known   bool
	}
}

// Prepared is a page image ready for recognition and what was done to make it so.
type Prepared struct {
	Image    *image.Gray // square pixels, upright, straight; the raster page's own image when nothing was changed
	DPI      float64     // of Image, both ways
	Rotation int         // clockwise degrees the page was turned: 0, 90, 180 or 270
	// Skew is how many degrees the page lay turned clockwise (negative: anticlockwise),
	// 0 when it could not be told (Info.SkewConfidence below 3); removed when Info.Deskewed.
	Skew float64
	Info Preparation
}

// Preparation records how a page image was prepared, for logs, tuning and reports.
type Preparation struct {
	SourceWidth, SourceHeight int         // pixels of the raster page
	SourceXDPI, SourceYDPI    float64     // as the file declared them (0: none)
	DPIAssumed                bool        // the file declared no resolution; DPI is a guess
	Resampled                 bool        // pixels were not square and were made so
	Downscaled                bool        // scanned finer than 250 dpi, read at 200
	Streaks                   int         // columns of vertical streaks (dirty scanner glass) painted out
	OrientedBy                string      // "": not checked; "updown": found upright without the Orienter; "orienter"
	UpDown                    float64     // Leptonica's up-down confidence (see uprightText); 0 when not measured
	Orientation               Orientation // the Orienter's answer, when asked
	SkewConfidence            float64     // Leptonica's; below 3 the skew was not trusted
	Deskewed                  bool
	Timings                   Timings
}

// Timings are the time spent on each step of one page.
type Timings struct {
	Resample  time.Duration // conversion in, square pixels, the reduced binarised copy
	Orient    time.Duration // orientation: Leptonica's test, Tesseract's when asked, the quarter turn
	Deskew    time.Duration // skew measure and removal
	Prepare   time.Duration // all of the preparation, conversions included
	Recognize time.Duration // the engine's recognition
}

// Prepare makes a raster page ready for recognition:
//
//   - pixels are made square at the horizontal resolution (a fax at 204x98 dpi gets twice
//     the rows), by linear interpolation, as grey: black-and-white pages come out grey at
//     the edges (Tesseract binarises itself, better from grey);
//   - a page whose file declares no resolution is given one: if it has the proportions of a
//     letter, legal or A4 sheet (either way round), its short side is taken as that sheet's
//     width (2550 pixels across a letter page is 300 dpi); otherwise AssumedDPI (300);
//   - with an Orienter, the page is turned upright by quarter turns when the orientation
//     is found with at least MinOrientationConfidence;
//   - the skew (up to ±5°) is measured on a binarised copy and, when more than MinSkew and
//     Leptonica is confident of it, removed by turning the page back about its centre (the
//     image keeps its size, corners are filled white).
//
// Orientation and skew are measured on a copy of about 150 dpi: as reliable as the whole
// page and several times cheaper. An error is returned only when the image cannot be
// processed at all (ErrUnreadable) or the Orienter fails.
func Prepare(pg *raster.Page, o PrepareOptions) (*Prepared, error) {
	if pg == nil || pg.Image == nil || pg.Image.Rect.Empty() {
		return nil, fmt.Errorf("%w: no image", ErrUnreadable)
	}
	if o.MinOrientationConfidence == 0 {
		o.MinOrientationConfidence = DefaultMinOrientationConfidence
	}
	if o.MinSkew == 0 {
		o.MinSkew = DefaultMinSkew
	}
	start := time.Now()
	w, h := pg.Image.Rect.Dx(), pg.Image.Rect.Dy()
	xdpi, ydpi, assumed := resolution(w, h, pg.XDPI, pg.YDPI)
	out := &Prepared{DPI: xdpi, Info: Preparation{
		SourceWidth: w, SourceHeight: h, SourceXDPI: pg.XDPI, SourceYDPI: pg.YDPI, DPIAssumed: assumed,
	}}
	fail := func(step string, err error) (*Prepared, error) {
		return nil, fmt.Errorf("%w: %s: %v", ErrUnreadable, step, err)
	}

	// img is the page as it will be read, while it is up to date; pix is the same in
	// Leptonica, for what Leptonica does. small is the copy that orientation and skew are
	// measured on, at sdpi.
	img := pg.Image
	if img.Rect.Min != (image.Point{}) {
		img = copyGray(img)
	}
	if sy := xdpi / ydpi; math.Abs(sy-1) > 0.005 {
		img = resampleRows(img, int(math.Round(float64(h)*sy)))
		out.Info.Resampled = true
	}
	// Before anything turns the page: a streak runs along the paper's path, up the image.
	if clean, n := removeStreaks(img); n > 0 {
		img, out.Info.Streaks = clean, n
	}
	pix, err := lept.FromGray(img)
	if err != nil {
		return fail("convert", err)
	}
	var small *lept.Pix
	defer func() { pix.Close(); small.Close() }() // Close twice does nothing
	replace := func(p *lept.Pix) { pix.Close(); pix, img = p, nil }
	// A page scanned finer than Tesseract needs is read at 200 dpi (see readDPI).
	if xdpi > maxReadDPI {
		scaled, err := pix.ScaleGray(readDPI/xdpi, readDPI/xdpi)
		if err != nil {
			return fail("downscale", err)
		}
		replace(scaled)
		xdpi, out.DPI, out.Info.Downscaled = readDPI, readDPI, true
	}
	sdpi := xdpi
	switch {
	case xdpi >= 250 && xdpi <= 330:
		small, err = pix.Reduce2()
		sdpi = xdpi / 2
	case xdpi > 180:
		small, err = pix.ScaleGray(smallDPI/xdpi, smallDPI/xdpi)
		sdpi = smallDPI
	}
	if err != nil {
		return fail("reduce", err)
	}
	if small == nil {
		small = pix // until pix changes, below
	}
	bin, err := small.Binarize(128)
	if err != nil {
		return fail("binarise", err)
	}
	defer func() { bin.Close() }()
	t := time.Now()
	out.Info.Timings.Resample = t.Sub(start)

	// Leptonica's angle is the clockwise turn that levels the lines: the page lies turned
	// the other way.
	angle, conf, err := bin.FindSkew(MaxSkew, 2)
	if err != nil {
		return fail("skew", err)
	}
	// turnQuarters turns the page q quarters clockwise, and measures the skew again when
	// the lines were upright.
	turnQuarters := func(q int) error {
		if q == 0 {
			return nil
		}
		p, err := pix.RotateQuarter(q)
		if err != nil {
			_, err = fail("rotate", err)
			return err
		}
		replace(p)
		b, err := bin.RotateQuarter(q)
		if err != nil {
			_, err = fail("rotate", err)
			return err
		}
		bin.Close()
		bin = b
		out.Rotation = q * 90
		if q%2 == 1 {
			if angle, conf, err = bin.FindSkew(MaxSkew, 2); err != nil {
				_, err = fail("skew", err)
				return err
			}
		}
		return nil
	}
	t2 := time.Now()
	if o.Turn.Known {
		if err := turnQuarters(((o.Turn.Degrees/90)%4 + 4) % 4); err != nil {
			return nil, err
		}
	} else if o.Orienter != nil {
		q, sure, err := uprightText(bin, conf, &out.Info)
		if err != nil {
			return fail("orientation", err)
		}
		if sure {
			out.Info.OrientedBy = "updown"
		} else {
			g, err := small.Gray8()
			if err != nil {
				return fail("orientation", err)
			}
			or, err := o.Orienter.Orient(g, sdpi)
			if err != nil {
				return nil, err
			}
			out.Info.OrientedBy, out.Info.Orientation = "orienter", or
			need := o.MinOrientationConfidence
			// Tesseract's answer of upside down, not sure of itself, stands when Leptonica
			// finds the letters on their heads too.
			if or.Rotate == 180 && out.Info.UpDown <= -minUpright {
				need = min(need, minAgreedOrientation)
			}
			if or.Confidence >= need {
				q = or.Rotate / 90 % 4
			}
		}
		if err := turnQuarters(q); err != nil {
			return nil, err
		}
	}
	t3 := time.Now()
	out.Info.Timings.Orient = t3.Sub(t2)

	out.Info.SkewConfidence = conf
	if conf >= minSkewConfidence {
		out.Skew = -angle
	}
	if img == nil {
		if img, err = pix.Gray8(); err != nil {
			return fail("convert", err)
		}
	}
	if !o.NoDeskew && math.Abs(out.Skew) > o.MinSkew {
		// Interpolated: turning by shears (whole pixels shifted) cost black-and-white
		// pages two points of word accuracy, more than the skew itself.
		img = rotateWhite(img, angle)
		out.Info.Deskewed = true
	}
	out.Image = img
	out.Info.Timings.Deskew = time.Since(t3) + t2.Sub(t)
	out.Info.Timings.Prepare = time.Since(start)
	return out, nil
}

// Leptonica vouches for a page's being upright (so that the Orienter is not asked) when
// its letters stand up (UpDown at least minUpright) and its text lines run across: the skew
// search scores lines across at least minLinesRatio times as well as lines down (the page
// turned a quarter), or, for monospaced text whose columns score as lines too, its letters
// stand up clearly (UpDown at least minUprightAlone) and much more so than across
// (minUpDownRatio). Tuned on 288 pages of every kind in the corpus fed every way (with
// TestOrientation as the check): upright pages scored UpDown 0 to 23, upside-down ones -24
// to 0, sideways ones -7.3 to 7.9; lines across scored 0.75 to 118 times as well as lines
// down on upright pages, at most 0.9 times on sideways pages with UpDown of 3 or more. 88%
// of the upright pages passed, in about 25 ms, against 100 to 600 ms for Tesseract's
// orientation detection; no page that was not upright did. The same rule with the sign
// turned finds a page upside down (UpDown at most -minUpright, lines across).
const (
	// minAgreedOrientation is the orientation confidence from which Tesseract's "upside
	// down" stands when Leptonica agrees (UpDown at most -minUpright): 200 dpi pages turned
	// over scored 0.9 and 1.05 (seed 4242) against DefaultMinOrientationConfidence 2.
	minAgreedOrientation = 0.6
	minUpright           = 3.0
	minLinesRatio        = 1.5
	minUprightAlone      = 10.0
	minUpDownRatio       = 2.5
)

// uprightText tells how many quarter turns (0, or 2 for upside down) Leptonica finds the
// text of bin (1 bpp, lines scored lineConf by the skew search) needs, and whether it is
// sure; it records its measures in info.
func uprightText(bin *lept.Pix, lineConf float64, info *Preparation) (quarters int, sure bool, err error) {
	if lineConf < minSkewConfidence {
		return 0, false, nil
	}
	up, err := bin.UpDown()
	if err != nil {
		return 0, false, err
	}
	info.UpDown = up
	// Upside down is the same measure with its sign turned: letters standing on their heads.
	q := 0
	if up < 0 {
		q, up = 2, -up
	}
	if up < minUpright {
		return 0, false, nil
	}
	turned, err := bin.RotateQuarter(1)
	if err != nil {
		return 0, false, err
	}
	defer turned.Close()
	_, down, err := turned.FindSkew(MaxSkew, 2)
	if err != nil {
		return 0, false, err
	}
	if lineConf >= minLinesRatio*down {
		return q, true, nil
	}
	if up < minUprightAlone {
		return 0, false, nil
	}
	across, err := turned.UpDown()
	if err != nil {
		return 0, false, err
	}
	if up >= minUpDownRatio*math.Abs(across) {
		return q, true, nil
	}
	return 0, false, nil
}

// Pages finer than maxReadDPI are read at readDPI. Tesseract's LSTM scales each line of
// text to a fixed height before reading it, so beyond about 200 dpi more pixels cost time
// in the page's layout analysis and buy nothing: on the corpus's 300 dpi mail scans (seed
// 3141, 60 submissions), reading at 200 dpi instead of 300 raised the form and letter
// fields read right from 97.8% to 99.6% (grey JPEG) and from 98.8% to 99.2% (G4), the same
// word accuracy on page text, and read 22% more pages per second. Clean text of 7 pt and
// up reads the same at 200 as at 300 dpi; 5 to 6 pt loses 1 to 4% of its words
// (TestPrepareKeepsSmallPrintReadable keeps 7 pt whole). A 600 dpi tabloid page would
// otherwise take a gigabyte.
const maxReadDPI, readDPI = 250.0, 200.0

// smallDPI is the resolution of the copy that orientation and skew are measured on.
const smallDPI = 150

// resolution returns the resolution to read a page at: the declared one, or when there is
// none, one assumed from the sheet's proportions (see Prepare). One declared value stands
// for both.
func resolution(w, h int, xdpi, ydpi float64) (x, y float64, assumed bool) {
	const minDPI, maxDPI = 50, 2400
	ok := func(d float64) bool { return d >= minDPI && d <= maxDPI }
	switch {
	case ok(xdpi) && ok(ydpi):
		return xdpi, ydpi, false
	case ok(xdpi):
		return xdpi, xdpi, false
	case ok(ydpi):
		return ydpi, ydpi, false
	}
	short, long := float64(min(w, h)), float64(max(w, h))
	for _, sheet := range [][2]float64{{8.5, 11}, {8.5, 14}, {8.27, 11.69}} {
		if r := long / short; math.Abs(r-sheet[1]/sheet[0]) < 0.03 {
			if d := short / sheet[0]; d >= 100 && d <= 1200 {
				return d, d, true
			}
		}
	}
	return AssumedDPI, AssumedDPI, true
}
