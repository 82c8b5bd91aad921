package classify

import (
	"intake/classify/barcode"
	"intake/classify/omr"
	"intake/ocr"
)

// Kind is a document kind of the contract.
type Kind string

// The document kinds.
const (
	IMRForm       Kind = "imr_form"
	AssistantForm Kind = "authorized_assistant_form"
	DenialLetter  Kind = "denial_letter"
	FaxCover      Kind = "fax_cover"
	ReturnSheet   Kind = "return_sheet"
	Supporting    Kind = "supporting"
)

// Field is one extracted value.
type Field struct {
	Value       any     // string or bool, normalised as the contract says
	Confidence  float64 // 0..1
	Page        int     // 1-based page of the input the value was read on
	NeedsReview bool    // true when a person should look before the value is used
	Box         ocr.Box // where the value is on its page (zero when not known), for review
}

// Document is one document of an input: a run of pages that belong together.
type Document struct {
	Kind       Kind
	Pages      []int   // 1-based pages of the input, in reading order (a form's pages sorted by their page number)
	Confidence float64 // how sure the kind is, 0..1
	Language   string  // "en" or "es"
	Fields     map[string]Field
	// Envelope numbers the envelopes of a batch from 0: a separator sheet starts the next.
	Envelope int
	// Urgent: a supporting record in which a physician certifies an imminent and serious
	// threat to the patient's health.
	Urgent bool
}

// Result is what Analyze makes of an input's pages.
type Result struct {
	Documents  []Document
	Blank      []int // 1-based pages with nothing on them (duplex backs)
	Separators []int // 1-based separator sheets
}

// Page is what classification knows of one page: what OCR read, and what Inspect measured
// on the image. Build it with Inspect; tests may fill it by hand.
type Page struct {
	OCR     *ocr.Page
	Symbols []barcode.Symbol // Code 128 symbols and patch codes
	Boxes   []omr.Box        // printed checkboxes and how full they are
	Ink     float64          // fraction of dark pixels on the whole page
	Marks   []Mark           // ink measured in areas where something is handwritten (signatures)
}

// Mark is the ink found in one area of a page that OCR does not read: a signature.
type Mark struct {
	Label string  // the label the area belongs to, e.g. "signature"
	Area  ocr.Box // where it was measured
	Ink   float64 // fraction of dark pixels, printed lines excluded
}
