package classify_test

import (
	"testing"

	"intake/ocr/ocrtest"
)

// TestMain limits Tesseract to one OpenMP thread: the tests read pages with it.
func TestMain(m *testing.M) { ocrtest.Main(m) }
