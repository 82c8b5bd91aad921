package letters

import (
	"errors"
	"fmt"
)

// The #10 window envelope, measured on the letter folded in three: the window is 4.5 x
// 1.125 in, 0.875 in from the left edge, and its top lies 2.0 to 2.5 in below the top of
// the sheet, depending on where the folded letter settles in the envelope. The address
// goes where the window is in every position (2.5 to 3.125 in from the top), and nothing
// else is printed where the window may be (2.0 to 3.625 in).
const (
	windowLeft      = 0.875 * 72
	windowWidth     = 4.5 * 72
	windowHeight    = 1.125 * 72
	windowTopHigh   = 2.0 * 72 // the window's top when the letter sits low in the envelope
	windowTopLow    = 2.5 * 72 // ... and when it sits high
	addrX           = 72.0     // the letter's left margin, 1/8 in inside the window
	windowTextWidth = windowLeft + windowWidth - 9 - addrX
	addrSize        = 10.0
	addrLeading     = 11.0
)

var addrFace = sans

// Page margins.
const (
	left      = 72.0
	textWidth = pageW - 2*left
	bottom    = 734.0 // the body ends above the footer
)

// bodyType is the size of the letter's body text, its leading and the space between
// paragraphs.
type bodyType struct{ size, leading, gap float64 }

// bodyTypes are tried in turn until the letter fits its page: the second only for
// uncommonly long names and plan names.
var bodyTypes = []bodyType{{9.5, 12, 6}, {9, 11, 4}}

// letterPage draws page 1 in the first body type that lets it fit.
func letterPage(a Ack, w wording) ([]byte, error) {
	var err error
	for _, bt := range bodyTypes {
		var b []byte
		if b, err = letterPageIn(a, w, bt); err == nil {
			return b, nil
		}
		if !errors.Is(err, ErrLayout) {
			return nil, err
		}
	}
	return nil, err
}

// letterPageIn draws page 1: letterhead, date, the address in the window, the case
// header and the body.
func letterPageIn(a Ack, w wording, bt bodyType) ([]byte, error) {
	bodySize, leading, gap := bt.size, bt.leading, bt.gap
	var c canvas
	// Letterhead and contact block.
	c.text(sansBold, 10.5, left, 52, w.agency)
	c.text(sansBold, 16, left, 72, w.center)
	for i, l := range w.contact {
		c.right(sans, 8.5, pageW-left, 46+float64(i)*9.5, l)
	}
	c.rule(left, pageW-left, 104, 0.75)
	c.text(sans, 10, left, 128, w.date(a.Date))

	// The address, centred in the part of the sheet the window always shows.
	lines := append([]string{a.To.Name}, a.To.Lines...)
	ascent, descent := 0.93*addrSize, 0.22*addrSize // as text extractors measure Helvetica
	blockH := float64(len(lines)-1)*addrLeading + ascent + descent
	safeTop, safeBottom := windowTopLow, windowTopHigh+windowHeight
	y := safeTop + (safeBottom-safeTop-blockH)/2 + ascent
	for _, l := range lines {
		c.text(addrFace, addrSize, addrX, y, l)
		y += addrLeading
	}

	// The header every Help Center letter carries, below the lowest window position.
	y = windowTopLow + windowHeight + 14
	label := max(width(sansBold, 10, w.patient), width(sansBold, 10, w.dmhc), width(sansBold, 10, w.plan)) + 8
	for _, h := range [][2]string{{w.patient, a.Patient}, {w.dmhc, a.CaseNumber}, {w.plan, a.Plan}} {
		c.text(sansBold, 10, left, y, h[0])
		y = c.paragraph(10, left+label, y, textWidth-label, 12.5, run{sans, h[1]})
	}
	y += gap
	if a.CopyOf != "" {
		y = c.paragraph(10, left, y, textWidth, 12.5, run{sansBold, w.copyOf(a.CopyOf)}) + gap
	}
	if a.Urgent {
		// A framed line in bold: the first thing read after the header.
		top := y - 11
		end := c.paragraph(11, left+8, y+3, textWidth-16, 13.5, run{sansBold, w.urgent})
		c.frame(left, top, textWidth, end-top-4, 1.5)
		y = end + gap + 4
	}
	enrollee := a.To.Name
	if a.CopyOf != "" {
		enrollee = a.CopyOf
	}
	y = c.paragraph(bodySize, left, y+4, textWidth, leading, run{sans, w.dear(enrollee)}) + gap
	y = c.paragraph(bodySize, left, y, textWidth, leading, run{sans, w.received(w.date(a.Received), a.CaseNumber)}) + gap
	y = c.paragraph(bodySize, left, y, textWidth, leading, run{sans, w.kind[a.Kind]}) + gap

	y = c.paragraph(10.5, left, y+2, textWidth, leading, run{sansBold, w.nextHeading}) + 2
	for i, s := range w.stages {
		c.text(sansBold, bodySize, left+4, y, fmt.Sprintf("%d.", i+1))
		y = c.paragraph(bodySize, left+18, y, textWidth-18, leading, run{sansBold, s[0]}, run{sans, s[1]}) + 3
	}
	var clocks run
	if a.Urgent {
		clocks = run{sansBold, w.clocks}
	} else {
		clocks = run{sans, w.clocks}
	}
	y = c.paragraph(bodySize, left, y+1, textWidth, leading, clocks) + gap

	y = c.paragraph(10.5, left, y+2, textWidth, leading, run{sansBold, w.sendHeading}) + 2
	y = c.paragraph(bodySize, left, y, textWidth, leading, run{sansBold, w.important}, run{sans, w.send}) + gap
	y = c.paragraph(bodySize, left, y+2, textWidth, leading, run{sansBold, w.questionHeading}, run{sans, w.questions}) + gap

	y += 4
	for _, l := range w.closing {
		c.text(sans, bodySize, left, y, l)
		y += leading
	}
	if y-leading > bottom {
		return nil, fmt.Errorf("%w: the letter runs %.0f pt past its page", ErrLayout, y-leading-bottom)
	}

	// Footer.
	c.rule(left, pageW-left, 742, 0.5)
	c.text(sans, 8, left, 754, w.enclosure)
	c.right(sans, 8, pageW-left, 754, w.dmhc+" "+a.CaseNumber+"   "+w.pageOf(1, 2))
	if c.err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, c.err)
	}
	return c.b.Bytes(), nil
}

// Return cover sheet geometry: the layout the recogniser was developed on (the
// project's fixtures/paperwork ReturnSheet, style 0).
const (
	sheetModule  = 1.4  // pt per Code 128 module: 3.9 pixels at 200 dpi, 4 at a fax's 204
	sheetBarTop  = 272  // pt from the top
	sheetBarH    = 54.0 // pt
	sheetQuietPt = 10 * sheetModule
)

// coverSheetPage draws page 2, the return cover sheet: the case number in large type and
// as a Code 128 symbol, and what to do with the sheet.
func coverSheetPage(a Ack, w wording) ([]byte, error) {
	var c canvas
	const mid = pageW / 2
	c.center(sansBold, 11, mid, 60, w.sheetAgency)
	c.center(sansBold, 24, mid, 110, "RETURN COVER SHEET")
	onTop := 134.0
	if w.sheetSubtitle != "" {
		c.center(sansBold, 13, mid, 130, w.sheetSubtitle)
		onTop = 149
	}
	c.center(sans, 11, mid, onTop, w.sheetOnTop)
	c.frame(126, 160, 360, 90, 2)
	c.center(sans, 11, mid, 182, w.sheetCaseNo)
	c.center(monoBold, 30, mid, 226, a.CaseNumber)
	bw, err := c.code128(mid, sheetBarTop, sheetModule, sheetBarH, a.CaseNumber)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if bw+2*sheetQuietPt > pageW-2*left {
		return nil, fmt.Errorf("%w: the barcode is wider than the sheet", ErrLayout)
	}
	y := c.paragraph(11, 90, 370, 432, 15, run{sans, w.sheetPatient(a.Patient, a.Plan)})
	y = c.paragraph(11, 90, y+10, 432, 15, run{sans, w.sheetSend})
	c.paragraph(9, 90, y+16, 432, 12, run{sans, w.sheetNote})
	c.text(sans, 9, 90, 740, w.sheetSent(w.date(a.Date)))
	if c.err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, c.err)
	}
	return c.b.Bytes(), nil
}
