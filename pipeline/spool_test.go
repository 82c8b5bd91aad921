package pipeline_test

import (
	"os"
	"path/filepath"
	"testing"

	"intake/pipeline"
)

// TestSpoolForgetsHalfWrittenClaims: a claim's description that was being written when
// the process died is a temporary file in the spool; the next start removes it (the file
// it was for is still in the inbox), and nothing is resumed from it.
func TestSpoolForgetsHalfWrittenClaims(t *testing.T) {
	inbox := t.TempDir()
	sp, err := pipeline.OpenSpool(inbox, "k")
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(sp.Dir(), ".tmp-325555014")
	if err := os.WriteFile(tmp, []byte(`{"item":`), 0o640); err != nil {
		t.Fatal(err)
	}
	items, err := sp.Pending()
	if err != nil || len(items) != 0 {
		t.Fatalf("Pending = %v, %v; want nothing to resume", items, err)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("the half-written description is still in the spool (%v)", err)
	}
}
