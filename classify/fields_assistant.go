package classify

// assistantText are the captions of the Authorized Assistant Form (DMHC 20-160): each at
// the top of its box, the value under it.
var assistantText = []struct {
	key    string
	labels []string
}{
	{"patient.name", []string{"patient name (print)", "patient name"}},
	{"patient.signed_date", []string{"date"}},
	{"assistant.name", []string{"name"}},
	{"assistant.relationship", []string{"relationship to patient"}},
	{"assistant.street", []string{"address"}},
	{"assistant.city", []string{"city"}},
	{"assistant.state", []string{"state"}},
	{"assistant.zip", []string{"zip"}},
	{"assistant.phone", []string{"primary phone #"}},
	{"assistant.phone2", []string{"secondary phone #"}},
	{"assistant.email", []string{"email address"}},
}

func extractAssistant(doc Document, pages []Page, fields map[string]Field) {
	for k, pg := range pages {
		fp := &formPage{pg: pg, v: newView(pg.OCR), no: doc.Pages[k], th: textHeight(pg.OCR)}
		var caps []captionSpec
		for _, f := range assistantText {
			for _, l := range f.labels {
				caps = append(caps, captionSpec{f.key, phraseTokens(l)})
			}
		}
		caps = append(caps, captionSpec{"", phraseTokens("patient signature")})
		fp.findCaptions(caps, 1, 0.5)
		fp.textFields(fields)
		// The power-of-attorney box, left of its sentence.
		if m, ok := fp.v.findAny("my power of attorney", "power of attorney for health care"); ok {
			for _, bx := range pg.Boxes {
				if bx.Rect.Max.X <= m.box.Min.X+fp.th && m.box.Min.X-bx.Rect.Max.X < 3*fp.th && abs(mid(bx.Rect)-mid(m.box)) < fp.th {
					fp.set(fields, "assistant.poa_attached", bx.Checked, bx.Confidence, bx.Rect)
					break
				}
			}
		}
		for _, want := range []string{"signature-right", "patient-signer-right"} {
			found := false
			for _, m := range pg.Marks {
				if m.Label != want {
					continue
				}
				signed, conf := inkDecision(m.Ink)
				fields["patient.signed"] = Field{Value: signed, Confidence: conf, Page: fp.no, Box: m.Area, NeedsReview: conf < reviewBelow}
				found = true
				break
			}
			if found {
				break
			}
		}
	}
}

// inkDecision says whether an area measured ink as signed, and how sure that is.
func inkDecision(ink float64) (bool, float64) {
	signed := ink > signatureInk
	d := ink/signatureInk - 1
	if d < 0 {
		d = -d
	}
	return signed, clamp(0.6 + 0.4*min(d, 1))
}
