package raster

import (
	"maps"
	"testing"
)

// formPDF is a one-page fillable form: a text field, a ticked check box and an empty text
// field, the field dictionaries merged with their widgets.
func formPDF() []byte {
	return buildPDF([]pdfObj{
		{body: "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R 6 0 R 7 0 R 8 0 R] /DA (/Helv 0 Tf 0 g) >> >>"},
		{body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Annots [5 0 R 6 0 R 7 0 R 9 0 R] >>"},
		{body: "<< >>", stream: []byte("BT /F1 12 Tf 72 740 Td (IMR Application) Tj ET")},
		{body: "<< /Type /Annot /Subtype /Widget /FT /Tx /T (member_id) /V (W123456789) /Rect [72 700 300 720] /P 3 0 R /F 4 /DA (/Helv 0 Tf 0 g) >>"},
		{body: "<< /Type /Annot /Subtype /Widget /FT /Btn /T (urgent) /V /Yes /AS /Yes /Rect [72 660 84 672] /P 3 0 R /F 4 >>"},
		{body: "<< /Type /Annot /Subtype /Widget /FT /Tx /T (middle_initial) /Rect [72 620 100 640] /P 3 0 R /F 4 /DA (/Helv 0 Tf 0 g) >>"},
		{body: "<< /T (patient) /Kids [9 0 R] >>"},
		{body: "<< /Type /Annot /Subtype /Widget /Parent 8 0 R /FT /Tx /T (first_name) /V (Jane) /Rect [72 580 300 600] /P 3 0 R /F 4 /DA (/Helv 0 Tf 0 g) >>"},
	})
}

func TestFormFields(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want map[string]string
	}{
		{"fillable form", formPDF(), map[string]string{"member_id": "W123456789", "urgent": "Yes", "middle_initial": "", "patient.first_name": "Jane"}},
		{"scanned PDF without a form", onePagePDF("0 0 612 792", "", "BT /F1 12 Tf 72 700 Td (letter) Tj ET"), map[string]string{}},
		{"TIFF", tiffBytes(200, ifd{at: 40, entries: smallPage(16, 16)}), map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := openBytes(t, tc.data, Limits{}).FormFields()
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("fields %q, want %q", got, tc.want)
			}
		})
	}
}
