package letters

import "intake/pipeline/ack"

// Renderer makes the acknowledgement job's letters (it implements ack.Renderer).
type Renderer struct{}

var _ ack.Renderer = Renderer{}

// Render makes one letter's PDF.
func (Renderer) Render(l ack.Letter) ([]byte, error) {
	return RenderAck(Ack{CaseNumber: l.CaseNumber, Date: l.Date, Received: l.Received, Language: l.Language,
		To: Address{Name: l.ToName, Lines: l.ToLines}, Patient: l.Patient, Plan: l.Plan, Kind: l.Kind,
		Urgent: l.Urgent, CopyOf: l.CopyOf})
}

// Merge makes the print batch.
func (Renderer) Merge(pdfs [][]byte) ([]byte, error) { return Merge(pdfs) }

// PageCount counts a PDF's pages.
func (Renderer) PageCount(pdf []byte) (int, error) { return PageCount(pdf) }
