package classify_test

import (
	"fmt"
	"os"
	"testing"

	"intake/ocr"
)

func TestMain(m *testing.M) {
	if err := ocr.SingleThreaded(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}
