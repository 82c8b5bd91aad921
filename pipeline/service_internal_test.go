package pipeline

import (
	"os"
	"strings"
	"testing"
)

func TestWithoutPath(t *testing.T) {
	_, err := os.Stat("/inbox/20261102-154629-7142954149-9162555241.tif")
	if got := withoutPath(err); strings.Contains(got, "7142954149") || !strings.Contains(got, "no such file") {
		t.Errorf("withoutPath(%v) = %q, want the failure without the file's name", err, got)
	}
	err = os.Rename("/inbox/Maria-Lopez.pdf", "/inbox/.spool/x")
	if got := withoutPath(err); strings.Contains(got, "Lopez") {
		t.Errorf("withoutPath(%v) = %q names the file", err, got)
	}
}
