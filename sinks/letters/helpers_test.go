package letters_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"intake/fixtures/device"
	"intake/pipeline/casenum"
	"intake/sinks/letters"
)

// ackEN and ackES are the letters most tests print: a plain English one, and a Spanish
// one with every option on and accents in the recipient's name and address.
func ackEN() letters.Ack {
	return letters.Ack{
		CaseNumber: "HC26-000123-5",
		Date:       time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC),
		Received:   time.Date(2026, 11, 24, 9, 30, 12, 0, time.UTC),
		Language:   "en",
		To:         letters.Address{Name: "Jane Q. Doe", Lines: []string{"4417 Alder Creek Way", "Sacramento, CA 95823"}},
		Patient:    "Jane Q. Doe",
		Plan:       "Blue Shield of California",
		Kind:       letters.KindIMR,
	}
}

func ackES() letters.Ack {
	return letters.Ack{
		CaseNumber: casenum.Format(2026, 4711),
		Date:       time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Received:   time.Date(2026, 11, 24, 15, 2, 0, 0, time.UTC),
		Language:   "es",
		To:         letters.Address{Name: "José Ángel Peña Ibáñez", Lines: []string{"1234 Cañada Road, Apt 5", "Unit B", "San José, CA 95112-1234"}},
		Patient:    "María Peña Ibáñez",
		Plan:       "L.A. Care Health Plan",
		Kind:       letters.KindUndetermined,
		Urgent:     true,
		CopyOf:     "María Peña Ibáñez",
	}
}

func render(t testing.TB, a letters.Ack) []byte {
	t.Helper()
	b, err := letters.RenderAck(a)
	if err != nil {
		t.Fatalf("RenderAck: %v", err)
	}
	return b
}

// run runs a poppler command on pdf (written to a temporary file, put where args has
// "IN") and returns its standard output; anything on standard error fails the test.
func run(t testing.TB, pdf []byte, name string, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s not found: install the Debian package poppler-utils", name)
	}
	in := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	for i, a := range args {
		if a == "IN" {
			args[i] = in
		}
	}
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// text is what pdftotext -layout reads on pages first to last.
func text(t testing.TB, pdf []byte, first, last int) string {
	t.Helper()
	return string(run(t, pdf, "pdftotext", "-layout", "-enc", "UTF-8", "-f", fmt.Sprint(first), "-l", fmt.Sprint(last), "IN", "-"))
}

// word is one word pdftotext -bbox finds, in points from the page's top-left corner.
type word struct {
	X0, Y0, X1, Y1 float64
	Text           string
}

// words reads the words of one page with their boxes.
func words(t testing.TB, pdf []byte, page int) []word {
	t.Helper()
	out := run(t, pdf, "pdftotext", "-bbox", "-enc", "UTF-8", "-f", fmt.Sprint(page), "-l", fmt.Sprint(page), "IN", "-")
	// The output is XHTML; its <word> elements carry the boxes.
	var doc struct {
		Words []struct {
			XMin float64 `xml:"xMin,attr"`
			YMin float64 `xml:"yMin,attr"`
			XMax float64 `xml:"xMax,attr"`
			YMax float64 `xml:"yMax,attr"`
			Text string  `xml:",chardata"`
		} `xml:"body>doc>page>word"`
	}
	d := xml.NewDecoder(bytes.NewReader(out))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	if err := d.Decode(&doc); err != nil {
		t.Fatalf("pdftotext -bbox output: %v", err)
	}
	var ws []word
	for _, w := range doc.Words {
		ws = append(ws, word{w.XMin, w.YMin, w.XMax, w.YMax, w.Text})
	}
	if len(ws) == 0 {
		t.Fatal("pdftotext -bbox found no words")
	}
	return ws
}

// rasterize renders one page in grey with pdftoppm at xdpi by ydpi.
func rasterize(t testing.TB, pdf []byte, page int, xdpi, ydpi int) *image.Gray {
	t.Helper()
	img, err := device.PrintPDFPage(pdf, page, xdpi, ydpi)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// bilevel thresholds a grey page as a fax machine does.
func bilevel(g *image.Gray) *image.Gray { return device.Bilevel(g) }
