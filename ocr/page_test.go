package ocr

import "testing"

func TestWordAccuracy(t *testing.T) {
	for _, tc := range []struct {
		ref, hyp string
		want     float64
	}{
		{"Patient Name: Maria Lopez", "patient name maria lopez", 1},
		{"Range 4.0 - 11.0 mg/dL", "Range 4.0-11.0 mg/dL", 1},
		{"one two three four", "one two four", 0.75},
		{"the the the", "the", 1.0 / 3},
		{"", "anything", 1},
		{"Gonzalez", "", 0},
		{"reading order matters not", "not matters order reading", 1},
		{"x10^3/uL", "x1073/uL", 0.5},
	} {
		if got := WordAccuracy(tc.ref, tc.hyp); got < tc.want-1e-9 || got > tc.want+1e-9 {
			t.Errorf("WordAccuracy(%q, %q) = %v, want %v", tc.ref, tc.hyp, got, tc.want)
		}
	}
}
