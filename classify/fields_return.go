package classify

import (
	"image"
	"regexp"

	"intake/pipeline/casenum"
)

// caseNumberTextRE finds what may be a case number in OCR text: HC, two digits, six digits
// and a check digit, with or without hyphens and spaces, O read for 0.
var caseNumberTextRE = regexp.MustCompile(`(?i)\bHC\s?[0-9O]{2}\s?[-–—]?\s?[0-9O]{6}\s?[-–—]?\s?[0-9O]\b`)

// extractReturnSheet reads the case number a return sheet names: from its barcode when
// one decodes, else from the printed number; both must pass the check digit.
func extractReturnSheet(doc Document, pages []Page, fields map[string]Field) {
	for k, pg := range pages {
		var fromBar, fromText string
		var box image.Rectangle
		conf := 0.0
		for _, s := range pg.Symbols {
			if s.Kind != "code128" {
				continue
			}
			if n, err := casenum.Parse(s.Text); err == nil {
				fromBar, box = n.String(), s.Box
				break
			}
		}
		for _, l := range pg.OCR.Lines {
			for _, m := range caseNumberTextRE.FindAllString(l.Text, -1) {
				if n, err := casenum.Parse(m); err == nil {
					fromText = n.String()
					if fromBar == "" {
						box = l.Box
					}
					conf = lineConfidence(pg.OCR, l)
					break
				}
			}
			if fromText != "" {
				break
			}
		}
		value := fromBar
		switch {
		case fromBar != "" && (fromText == fromBar || fromText == ""):
			conf = 0.99 // the barcode's own check character and the Luhn digit agree
			if fromText == "" {
				conf = 0.97
			}
		case fromBar != "":
			conf = 0.6 // barcode and print disagree: a person looks
		case fromText != "":
			value = fromText
			conf = min(conf, 0.95)
		default:
			continue
		}
		fields["case.number"] = newField(value, conf, doc.Pages[k], box, pg.OCR)
		return
	}
}
