package source

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sampleDir is the committed sample corpus (read from disk: this test does not import the
// fixtures packages).
const sampleDir = "../../fixtures/sample"

// sampleTruth is the part of NAME.truth.json this package answers for.
type sampleTruth struct {
	Input struct {
		File        string `json:"file"`
		Channel     string `json:"channel"`
		ReceivedAt  string `json:"received_at"`
		Station     string `json:"station"`
		MetadataVia string `json:"metadata_via"`
		Sidecar     string `json:"sidecar"`
		Partial     bool   `json:"partial"`
		Fax         *struct {
			CallerNumber string `json:"caller_number"`
			CalledNumber string `json:"called_number"`
			CSID         string `json:"csid"`
			Status       string `json:"status"`
		} `json:"fax"`
	} `json:"input"`
}

// Every input of the sample corpus, described with no hints from an inbox, must give what
// its truth file says the devices delivered.
func TestDescribeSampleCorpus(t *testing.T) {
	var inputs []string
	for _, pat := range []string{"*.pdf", "*.tif"} {
		m, err := filepath.Glob(filepath.Join(sampleDir, pat))
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, m...)
	}
	if len(inputs) < 11 {
		t.Fatalf("found %d inputs in %s, want the 11 of the sample", len(inputs), sampleDir)
	}
	vias := map[string]int{}
	for _, path := range inputs {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(strings.TrimSuffix(path, filepath.Ext(path)) + ".truth.json")
			if err != nil {
				t.Fatal(err)
			}
			var tr sampleTruth
			if err := json.Unmarshal(b, &tr); err != nil {
				t.Fatal(err)
			}
			in := tr.Input
			want, err := time.Parse(time.RFC3339, in.ReceivedAt)
			if err != nil {
				t.Fatal(err)
			}

			m, err := Describe(path, Hints{}, nil)
			if err != nil {
				t.Fatalf("Describe: %v", err)
			}
			vias[m.ReceivedVia]++
			if m.Channel != in.Channel {
				t.Errorf("channel %q, want %q", m.Channel, in.Channel)
			}
			if !m.ReceivedAt.Equal(want) {
				t.Errorf("received at %v, want %v", m.ReceivedAt, want)
			}
			if m.Station != in.Station {
				t.Errorf("station %q, want %q", m.Station, in.Station)
			}
			if m.ReceivedVia != in.MetadataVia {
				t.Errorf("received via %q, want %q", m.ReceivedVia, in.MetadataVia)
			}
			if m.SidecarError != "" {
				t.Errorf("sidecar error %q", m.SidecarError)
			}
			if got := filepath.Base(m.Sidecar); in.Sidecar != "" && got != in.Sidecar || in.Sidecar == "" && m.Sidecar != "" {
				t.Errorf("sidecar %q, want %q", m.Sidecar, in.Sidecar)
			}
			if in.MetadataVia == ViaSidecar && m.Partial != in.Partial {
				t.Errorf("partial %v, want %v", m.Partial, in.Partial)
			}
			switch {
			case in.Fax == nil && m.Fax != nil:
				t.Errorf("fax metadata %+v, want none", *m.Fax)
			case in.Fax != nil && m.Fax == nil:
				t.Errorf("no fax metadata, want %+v", *in.Fax)
			case in.Fax != nil:
				f, w := m.Fax, in.Fax
				if f.CallerNumber != w.CallerNumber || f.CalledNumber != w.CalledNumber || f.CSID != w.CSID || f.Status != w.Status {
					t.Errorf("fax %q %q %q %q, want %q %q %q %q", f.CallerNumber, f.CalledNumber, f.CSID, f.Status,
						w.CallerNumber, w.CalledNumber, w.CSID, w.Status)
				}
			}
		})
	}
	for _, via := range []string{ViaSidecar, ViaTIFFTags, ViaFileName} {
		if vias[via] == 0 {
			t.Errorf("the sample has no input whose time comes from %s: the test no longer covers it", via)
		}
	}
}
