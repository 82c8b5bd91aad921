package evaluate_test

import (
	"context"
	"testing"

	"intake/ocr/ocrtest"
	"intake/pipeline/evaluate"
)

// TestMain limits Tesseract to one OpenMP thread: the tests read pages with it.
func TestMain(m *testing.M) { ocrtest.Main(m) }

// TestSampleFigures runs the whole reading of the committed sample corpus (real files,
// real Tesseract) and holds the figures a regression would lower. The floors sit a little
// under what the sample measured when they were set (see README, "Document understanding"),
// so that a change for the worse fails here, not in the Help Center.
func TestSampleFigures(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 77 pages with Tesseract")
	}
	rep, inputs, err := evaluate.Run(context.Background(), "../../fixtures/sample", evaluate.Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) != 11 {
		t.Fatalf("%d inputs scored, want the sample's 11", len(inputs))
	}
	t.Logf("\n%s", rep.Table())
	check := func(name string, got, floor float64) {
		t.Helper()
		if got < floor {
			t.Errorf("%s = %.3f, below the floor %.3f", name, got, floor)
		}
	}
	check("document kind accuracy", rep.Documents.KindAccuracy, 0.99)
	check("separation exact", rep.Documents.SeparationExact, 0.9)
	check("document language", rep.Documents.LanguageAccuracy, 0.95)
	check("checkbox accuracy", rep.Checkbox, 0.98)
	for cond, floor := range map[string]float64{"mail_jpeg300": 0.95, "mail_g4_300": 0.97, "mail_g4_200": 0.96, "fax_fine": 0.96, "fax_normal": 0.9} {
		tally := rep.Fields.ByCondition[cond]
		if tally == nil {
			t.Errorf("no fields scored for %s", cond)
			continue
		}
		check(cond+" short fields", tally.Accuracy, floor)
		if tally.AutoAcceptErrorRate > 0.05 {
			t.Errorf("%s: %.1f%% of auto-accepted fields are wrong, over 5%%", cond, 100*tally.AutoAcceptErrorRate)
		}
	}
	if rep.Fields.LongTextCER > 0.04 {
		t.Errorf("long text character error rate %.3f, over 0.04", rep.Fields.LongTextCER)
	}
	if rep.Case == nil || rep.Case.Cases == 0 {
		t.Fatal("no cases scored")
	}
	check("case kind accuracy", rep.Case.KindAccuracy, 0.95)
	if rep.Case.UrgentRecall < 1 {
		t.Errorf("urgent recall %.2f: an urgent case was missed", rep.Case.UrgentRecall)
	}
	check("urgent precision", rep.Case.UrgentPrecision, 0.8)
}
