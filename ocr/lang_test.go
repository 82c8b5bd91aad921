package ocr_test

import (
	"strings"
	"testing"

	"intake/ocr"
)

// TestMissingLanguage: a language without data fails NewTesseract with a message that
// says what to install.
func TestMissingLanguage(t *testing.T) {
	_, err := ocr.NewTesseract(ocr.TesseractOptions{Languages: []string{"eng", "xyz"}})
	if err == nil {
		t.Fatal("no error for a language without data")
	}
	if !strings.Contains(err.Error(), `"xyz" missing`) || !strings.Contains(err.Error(), "install tesseract-ocr-xyz") {
		t.Errorf("error %q does not say what to install", err)
	}
}
