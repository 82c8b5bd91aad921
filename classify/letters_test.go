package classify_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"intake/classify"
	"intake/fixtures/device"
	"intake/fixtures/paper"
	"intake/ocr"
	"intake/ocr/raster"
)

// Letters written here by hand, in layouts and wordings the corpus generator never uses:
// a right-aligned letterhead and a two-column detail block; an out-of-state plan writing
// prose with no labels at all; a Spanish medical group notice with its details in a
// sentence. Each must be recognised as a plan's decision and mostly read.

type handLetter struct {
	name  string
	page  *paper.Page
	want  map[string]any
	least int // how many of want must be read right
}

func handLetters() []handLetter {
	var out []handLetter

	// 1. A right-aligned letterhead, a two-column block of details, "Plan ID #".
	p := paper.NewPage()
	p.TextRight(paper.SerifBold, 16, 560, 60, "Northwind Health Alliance")
	p.TextRight(paper.Serif, 9, 560, 74, "Utilization Review Department")
	p.TextRight(paper.Serif, 9, 560, 86, "PO Box 4410, Fresno, CA 93744")
	p.Text(paper.Serif, 11, 72, 130, "March 3, 2026")
	p.Text(paper.Serif, 11, 72, 160, "Dolores Ybarra")
	p.Text(paper.Serif, 11, 72, 174, "114 Alder Court")
	p.Text(paper.Serif, 11, 72, 188, "Merced, CA 95340")
	p.Text(paper.SerifBold, 12, 72, 226, "NOTICE OF DENIAL OF PRIOR AUTHORIZATION")
	rows := [][2]string{{"Patient Name:", "Dolores Ybarra"}, {"Plan ID #:", "NWH40917733"}, {"Date of Birth:", "07/14/1961"},
		{"Authorization Number:", "PA-77120-26"}}
	for i, r := range rows {
		p.Text(paper.SerifBold, 10.5, 72, 256+float64(i)*15, r[0])
		p.Text(paper.Serif, 10.5, 220, 256+float64(i)*15, r[1])
	}
	y := p.Paragraph(paper.Serif, 11, 72, 340, 468, 14, "Dear Ms. Ybarra:")
	y = p.Paragraph(paper.Serif, 11, 72, y+8, 468, 14, "We have reviewed the request submitted by Dr. Alan Cho for lumbar spinal fusion at L4-L5. The request has been denied. Based on the clinical information provided, the procedure is not medically necessary at this time because conservative treatment has not been tried for six weeks.")
	y = p.Paragraph(paper.Serif, 11, 72, y+8, 468, 14, "This decision was made using InterQual Spine Surgery Criteria. This decision was made by Karen Ito, MD, our Medical Director.")
	p.Paragraph(paper.Serif, 10, 72, y+8, 468, 13, "The California Department of Managed Health Care is responsible for regulating health care service plans. If you have a grievance against your health plan, you should first telephone your health plan. You may also be eligible for an Independent Medical Review (IMR). The department's toll-free number is 1-888-466-2219.")
	out = append(out, handLetter{"northwind", p, map[string]any{
		"letter.date": "2026-03-03", "member.name": "Dolores Ybarra", "member.id": "NWH40917733", "member.dob": "1961-07-14",
		"reference_number": "PA-77120-26", "decision": "denied", "reason": "medical_necessity", "imr_notice": true,
		"letter.sender": "Northwind Health Alliance", "reviewer": "Karen Ito, MD",
	}, 8})

	// 2. Prose only: no labels, the member named in the salutation and the first sentence.
	p = paper.NewPage()
	p.TextCenter(paper.SansBold, 14, 306, 64, "Cascade Mutual Health Plan")
	p.TextCenter(paper.Sans, 9, 306, 78, "Member Appeals Unit  -  2200 Sixth Avenue, Seattle, WA 98121")
	p.Text(paper.Sans, 10.5, 72, 120, "January 19, 2026")
	y = p.Paragraph(paper.Sans, 10.5, 72, 160, 468, 14, "Dear Member:")
	y = p.Paragraph(paper.Sans, 10.5, 72, y+8, 468, 14, "Your physician asked us to cover proton beam therapy for your prostate cancer. After review by a board-certified oncologist, we are unable to approve this request. The treatment is considered experimental and investigational for your condition under our Medical Policy 8.01.10.")
	y = p.Paragraph(paper.Sans, 10.5, 72, y+8, 468, 14, "Your case reference is CM-2026-004417. You may appeal this decision within 180 days.")
	p.Paragraph(paper.Sans, 10, 72, y+8, 468, 13, "If you live in California, you may ask the Department of Managed Health Care for an Independent Medical Review by calling 1-888-466-2219.")
	out = append(out, handLetter{"prose", p, map[string]any{
		"letter.date": "2026-01-19", "reference_number": "CM-2026-004417", "decision": "denied",
		"reason": "experimental_investigational", "imr_notice": true, "letter.sender": "Cascade Mutual Health Plan",
	}, 5})

	// 3. Spanish, a medical group, details in a sentence.
	p = paper.NewPage()
	p.Text(paper.SerifBold, 13, 72, 60, "Grupo Médico Valle Central")
	p.Text(paper.Serif, 9, 72, 73, "Departamento de Autorizaciones  -  Tel. (559) 555-0190")
	p.Text(paper.Serif, 11, 72, 110, "14 de mayo de 2026")
	p.Text(paper.Serif, 11, 72, 140, "Estimada Sra. Lucía Ortega:")
	y = p.Paragraph(paper.Serif, 11, 72, 160, 468, 14, "Le escribimos sobre la solicitud de su médico para terapia física, 12 visitas. Número de miembro: VCM5528104. Fecha de nacimiento: 02/03/1979.")
	y = p.Paragraph(paper.Serif, 11, 72, y+8, 468, 14, "Después de revisar su expediente, su solicitud ha sido negada porque el servicio no es médicamente necesario en este momento. Referencia: AUT-2026-3381.")
	p.Paragraph(paper.Serif, 10, 72, y+8, 468, 13, "El Departamento de Atención Médica Administrada de California es responsable de regular los planes de servicios de atención médica. Puede ser elegible para una Revisión Médica Independiente (IMR). Llame al 1-888-466-2219.")
	out = append(out, handLetter{"spanish", p, map[string]any{
		"letter.date": "2026-05-14", "member.id": "VCM5528104", "member.dob": "1979-02-03", "decision": "denied",
		"reason": "medical_necessity", "imr_notice": true, "reference_number": "AUT-2026-3381",
	}, 5})

	// 4. Spanish, the date printed beside the letterhead, whose "Inc." wraps to a second
	// line; the provider and the service named in a sentence about a referral.
	p = paper.NewPage()
	p.Text(paper.SansBold, 14, 72, 60, "Sierra Nevada Health,")
	p.Text(paper.SansBold, 14, 72, 78, "Inc.")
	p.TextRight(paper.Sans, 11, 540, 60, "3 de agosto de 2026")
	p.Text(paper.Sans, 11, 72, 130, "Estimado Sr. Tomás Herrera:")
	y = p.Paragraph(paper.Sans, 11, 72, 150, 468, 14, "Revisamos la referencia que Dr. Marta Quiroga envió para resonancia magnética de la rodilla izquierda. La cita fue retrasada porque el centro de imágenes no tenía horarios disponibles; le llamaremos esta semana. Número de miembro: SNH77120456.")
	p.Paragraph(paper.Sans, 10, 72, y+8, 468, 13, "El Departamento de Atención Médica Administrada de California es responsable de regular los planes de servicios de atención médica. Puede ser elegible para una Revisión Médica Independiente (IMR). Llame al 1-888-466-2219.")
	out = append(out, handLetter{"spanish referral", p, map[string]any{
		"letter.date": "2026-08-03", "member.id": "SNH77120456", "decision": "delayed", "reason": "other", "imr_notice": true,
		"letter.sender": "Sierra Nevada Health, Inc.", "requesting_provider": "Dr. Marta Quiroga",
		"service": "resonancia magnética de la rodilla izquierda",
	}, 8})
	return out
}

func TestLettersInUnseenStyles(t *testing.T) {
	if testing.Short() {
		t.Skip("reads pages with Tesseract")
	}
	pool, err := ocr.NewPool(ocr.PoolOptions{KeepImage: true})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	for i, hl := range handLetters() {
		t.Run(hl.name, func(t *testing.T) {
			for _, cond := range []device.Condition{device.MailJPEG300, device.FaxFine} {
				r := rand.New(rand.NewPCG(uint64(i), 7))
				x, y := cond.Resolution()
				img := device.Scan(r, hl.page, cond, device.Effects{Skew: 0.4}, "")
				page, err := pool.Recognize(context.Background(), &raster.Page{Image: img, XDPI: x, YDPI: y})
				if err != nil {
					t.Fatal(err)
				}
				pg := classify.Inspect(page, page.Image)
				res := classify.Analyze([]classify.Page{pg}, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
				if len(res.Documents) != 1 || res.Documents[0].Kind != classify.DenialLetter {
					var kinds []classify.Kind
					for _, d := range res.Documents {
						kinds = append(kinds, d.Kind)
					}
					t.Fatalf("%s: documents %v, want one denial_letter", cond, kinds)
				}
				got := res.Documents[0].Fields
				right := 0
				for k, want := range hl.want {
					if f, ok := got[k]; ok && equalValue(f.Value, want) {
						right++
					} else {
						t.Logf("%s: %s: got %v, want %v", cond, k, got[k].Value, want)
					}
				}
				if right < hl.least {
					t.Errorf("%s: %d of %d fields right, want at least %d", cond, right, len(hl.want), hl.least)
				}
				for _, k := range []string{"decision", "reason", "imr_notice"} {
					if f := got[k]; !equalValue(f.Value, hl.want[k]) {
						t.Errorf("%s: %s = %v, want %v", cond, k, f.Value, hl.want[k])
					}
				}
			}
		})
	}
}

func equalValue(got, want any) bool {
	if gs, ok := got.(string); ok {
		ws, ok := want.(string)
		return ok && foldEq(gs, ws)
	}
	return got == want
}

func foldEq(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
