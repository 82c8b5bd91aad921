package ocrtest

import (
	"fmt"
	"os"
	"testing"

	"intake/ocr"
)

// Main runs a package's tests with Tesseract limited to one OpenMP thread (restarting the
// test binary with OMP_THREAD_LIMIT=1 when it is unset). Packages whose tests read pages
// with Tesseract call it from TestMain:
//
//	func TestMain(m *testing.M) { ocrtest.Main(m) }
func Main(m *testing.M) {
	if err := ocr.SingleThreaded(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}
