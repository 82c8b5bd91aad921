package source

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	z, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("no time zone data for %s: %v", name, err)
	}
	return z
}

// mtime is the modification time every test file gets: never the expected received time
// unless nothing else says one.
var mtime = time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC)

// put writes the named files (name -> contents) into a new folder and gives them mtime.
func put(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func faxTIFF(csid, when string) string {
	var ents []entry
	if csid != "" {
		ents = append(ents, ascii(270, csid))
	}
	if when != "" {
		ents = append(ents, ascii(306, when))
	}
	return string(makeTIFF(binary.LittleEndian, 64, ents...))
}

func TestDescribeRules(t *testing.T) {
	la := mustZone(t, DefaultZone)
	ny := mustZone(t, "America/New_York")
	const pdf = "%PDF-1.4\n"
	type want struct {
		channel, station, via, at string // at: RFC 3339
		fax                       *Fax
		sidecar                   string // base name
		partial                   bool
	}
	cases := []struct {
		name  string
		files map[string]string
		input string
		hints Hints
		zone  *time.Location
		want  want
	}{
		{
			name:  "scanning station file name",
			files: map[string]string{"scan-station1-20261102-100657-001.pdf": pdf},
			want:  want{channel: "mail", station: "station1", via: "file_name", at: "2026-11-02T10:06:57-08:00"},
		},
		{
			name:  "station name with a hyphen",
			files: map[string]string{"scan-floor-2-west-20260715-080000-123.pdf": pdf},
			want:  want{channel: "mail", station: "floor-2-west", via: "file_name", at: "2026-07-15T08:00:00-07:00"},
		},
		{
			name:  "fax file name with a leading 1",
			files: map[string]string{"20261102-154629-17142954149-9162555241.tif": "not really a TIFF"},
			want: want{channel: "fax", via: "file_name", at: "2026-11-02T15:46:29-08:00",
				fax: &Fax{CallerNumber: "7142954149", CalledNumber: "9162555241"}},
		},
		{
			name:  "fax file name with the caller only",
			files: map[string]string{"20261124-093012-9165550142.pdf": pdf},
			want:  want{channel: "fax", via: "file_name", at: "2026-11-24T09:30:12-08:00", fax: &Fax{CallerNumber: "9165550142"}},
		},
		{
			name:  "fax file name with an impossible date",
			files: map[string]string{"20261340-093012-9165550142.tif": pdf},
			want:  want{channel: "mail", via: "mtime", at: "2026-11-20T09:00:00-08:00"},
		},
		{
			name:  "no convention: the modification time",
			files: map[string]string{"letter.pdf": pdf},
			want:  want{channel: "mail", via: "mtime", at: "2026-11-20T09:00:00-08:00"},
		},
		{
			name:  "TIFF tags",
			files: map[string]string{"fax001003.tif": faxTIFF("ST MARYS CLINIC", "2026:11:02 12:22:43")},
			want:  want{channel: "fax", via: "tiff_tags", at: "2026-11-02T12:22:43-08:00", fax: &Fax{CSID: "ST MARYS CLINIC"}},
		},
		{
			name:  "TIFF found by its bytes, not its name",
			files: map[string]string{"incoming.bin": faxTIFF("LEGAL AID SOC", "2026:11:03 12:31:46")},
			want:  want{channel: "fax", via: "tiff_tags", at: "2026-11-03T12:31:46-08:00", fax: &Fax{CSID: "LEGAL AID SOC"}},
		},
		{
			name:  "TIFF with a bad DateTime: the CSID stays, the time falls back",
			files: map[string]string{"fax000001.tif": faxTIFF("Fax", "yesterday")},
			want:  want{channel: "fax", via: "mtime", at: "2026-11-20T09:00:00-08:00", fax: &Fax{CSID: "Fax"}},
		},
		{
			name:  "TIFF with a CSID only, fax file name gives the time",
			files: map[string]string{"20261102-154629-7142954149-9162555241.tif": faxTIFF("HP LaserJet MFP", "")},
			want: want{channel: "fax", via: "file_name", at: "2026-11-02T15:46:29-08:00",
				fax: &Fax{CSID: "HP LaserJet MFP", CallerNumber: "7142954149", CalledNumber: "9162555241"}},
		},
		{
			name: "sidecar NAME.tif.json",
			files: map[string]string{"fax001000.tif": faxTIFF("", ""), "fax001000.tif.json": `{"called_number": "9162555241", "caller_number": "+1 (619) 550-2036",
				"pages": 6, "received_at": "2026-11-02T08:13:30-08:00", "status": "ok"}`},
			want: want{channel: "fax", via: "sidecar", at: "2026-11-02T08:13:30-08:00", sidecar: "fax001000.tif.json",
				fax: &Fax{CallerNumber: "6195502036", CalledNumber: "9162555241", Pages: 6, Status: "ok"}},
		},
		{
			name:  "sidecar NAME.json beside a PDF",
			files: map[string]string{"fax001008.pdf": pdf, "fax001008.json": `{"received_at": "2026-11-03T19:43:50Z", "csid": " ST MARYS CLINIC "}`},
			want: want{channel: "fax", via: "sidecar", at: "2026-11-03T11:43:50-08:00", sidecar: "fax001008.json",
				fax: &Fax{CSID: "ST MARYS CLINIC"}},
		},
		{
			name: "NAME.pdf.json is preferred to NAME.json",
			files: map[string]string{"f.pdf": pdf, "f.json": `{"received_at": "2026-11-01T08:00:00-07:00"}`,
				"f.pdf.json": `{"received_at": "2026-11-03T08:00:00-08:00"}`},
			want: want{channel: "fax", via: "sidecar", at: "2026-11-03T08:00:00-08:00", sidecar: "f.pdf.json", fax: &Fax{}},
		},
		{
			name: "sidecar wins over TIFF tags; tags fill what it lacks",
			files: map[string]string{"fax1.tif": faxTIFF("ST MARYS CLINIC", "2026:11:02 12:22:43"),
				"fax1.tif.json": `{"received_at": "2026-11-02T12:22:45-08:00", "caller_number": "9165550142"}`},
			want: want{channel: "fax", via: "sidecar", at: "2026-11-02T12:22:45-08:00", sidecar: "fax1.tif.json",
				fax: &Fax{CallerNumber: "9165550142", CSID: "ST MARYS CLINIC"}},
		},
		{
			name: "sidecar CSID wins over the TIFF's",
			files: map[string]string{"fax2.tif": faxTIFF("FROM TAGS", "2026:11:02 12:22:43"),
				"fax2.json": `{"csid": "FROM SIDECAR"}`},
			want: want{channel: "fax", via: "tiff_tags", at: "2026-11-02T12:22:43-08:00", sidecar: "fax2.json",
				fax: &Fax{CSID: "FROM SIDECAR"}},
		},
		{
			name: "sidecar with no time: the file name gives it, and the called number",
			files: map[string]string{"20261102-154629-7142954149-9162555241.pdf": pdf,
				"20261102-154629-7142954149-9162555241.json": `{"caller_number": "8005550100", "status": "partial", "pages": "4"}`},
			want: want{channel: "fax", via: "file_name", at: "2026-11-02T15:46:29-08:00", partial: true,
				sidecar: "20261102-154629-7142954149-9162555241.json",
				fax:     &Fax{CallerNumber: "8005550100", CalledNumber: "9162555241", Status: "partial", Pages: 4}},
		},
		{
			name:  "sidecar time with no zone is local",
			files: map[string]string{"f.tif": pdf, "f.tif.json": `{"received_at": "2026-11-02T08:13:30"}`},
			want:  want{channel: "fax", via: "sidecar", at: "2026-11-02T08:13:30-08:00", sidecar: "f.tif.json", fax: &Fax{}},
		},
		{
			name:  "the inbox says channel and station",
			files: map[string]string{"scan-station1-20261102-100657-001.pdf": pdf},
			hints: Hints{Channel: "fax", Station: "line2"},
			want:  want{channel: "fax", station: "line2", via: "file_name", at: "2026-11-02T10:06:57-08:00"},
		},
		{
			name:  "a mail inbox keeps fax metadata it finds",
			files: map[string]string{"20261124-093012-9165550142.pdf": pdf},
			hints: Hints{Channel: "mail"},
			want:  want{channel: "mail", via: "file_name", at: "2026-11-24T09:30:12-08:00", fax: &Fax{CallerNumber: "9165550142"}},
		},
		{
			name:  "another zone",
			files: map[string]string{"scan-s1-20261102-100657-001.pdf": pdf},
			zone:  ny,
			want:  want{channel: "mail", station: "s1", via: "file_name", at: "2026-11-02T10:06:57-05:00"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := put(t, c.files)
			input := c.input
			if input == "" {
				for name := range c.files {
					if !strings.HasSuffix(name, ".json") {
						input = name
					}
				}
			}
			m, err := Describe(filepath.Join(dir, input), c.hints, c.zone)
			if err != nil {
				t.Fatal(err)
			}
			w := c.want
			at, err := time.Parse(time.RFC3339, w.at)
			if err != nil {
				t.Fatal(err)
			}
			if m.Channel != w.channel || m.Station != w.station || m.ReceivedVia != w.via || m.Partial != w.partial {
				t.Errorf("got channel %q station %q via %q partial %v; want %q %q %q %v",
					m.Channel, m.Station, m.ReceivedVia, m.Partial, w.channel, w.station, w.via, w.partial)
			}
			if !m.ReceivedAt.Equal(at) {
				t.Errorf("received at %v, want %v", m.ReceivedAt, at)
			}
			zone := c.zone
			if zone == nil {
				zone = la
			}
			if w.via != ViaSidecar && m.ReceivedAt.Location().String() != zone.String() {
				t.Errorf("received at is in %v, want %v", m.ReceivedAt.Location(), zone)
			}
			if !reflect.DeepEqual(m.Fax, w.fax) {
				t.Errorf("fax %+v, want %+v", m.Fax, w.fax)
			}
			if got := filepath.Base(m.Sidecar); w.sidecar != "" && got != w.sidecar || w.sidecar == "" && m.Sidecar != "" {
				t.Errorf("sidecar %q, want %q", m.Sidecar, w.sidecar)
			}
			if m.SidecarError != "" {
				t.Errorf("sidecar error %q", m.SidecarError)
			}
		})
	}
}

// A sidecar that cannot be used is ignored (the next source gives the time), is still
// named, and the reason says nothing of what the file holds.
func TestDescribeMalformedSidecar(t *testing.T) {
	const secret = "GONZALEZ 1957-03-04"
	const input = "20261102-154629-7142954149-9162555241.tif"
	cases := []struct {
		name    string
		sidecar string
		via     string // where the time comes from then
		fax     *Fax   // what survives
		problem string // part of the reason
	}{
		{"not JSON", `{"received_at": "` + secret, "file_name", nil, "not valid JSON"},
		{"trailing data", `{"csid": "a"} {"csid": "` + secret + `"}`, "file_name", nil, "not valid JSON"},
		{"an array", `["` + secret + `"]`, "file_name", nil, "not a JSON object"},
		{"null", `null`, "file_name", nil, "not a JSON object"},
		{"a string", `"` + secret + `"`, "file_name", nil, "not a JSON object"},
		{"empty", ``, "file_name", nil, "not valid JSON"},
		{"received_at not a time", `{"received_at": "` + secret + `", "csid": "OK CLINIC"}`, "file_name",
			&Fax{CSID: "OK CLINIC"}, "received_at is not an RFC 3339 time"},
		{"received_at a number", `{"received_at": 1762100000}`, "file_name", &Fax{}, "received_at"},
		{"pages negative", `{"pages": -1, "received_at": "2026-11-02T08:00:00-08:00"}`, "sidecar", &Fax{}, "pages is not a whole number"},
		{"pages fractional", `{"pages": 1.5}`, "file_name", &Fax{}, "pages"},
		{"unknown status", `{"status": "` + secret + `"}`, "file_name", &Fax{}, "status is not ok or partial"},
		{"caller an object", `{"caller_number": {"n": "` + secret + `"}}`, "file_name", &Fax{}, "caller_number is not a phone number"},
		{"csid a list", `{"csid": ["` + secret + `"]}`, "file_name", &Fax{}, "csid is not text"},
		{"too large", `{"note": "` + strings.Repeat("x", maxSidecar) + `"}`, "file_name", nil, "too large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := put(t, map[string]string{input: "II*\x00", input + ".json": c.sidecar})
			m, err := Describe(filepath.Join(dir, input), Hints{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if m.ReceivedVia != c.via {
				t.Errorf("received via %q, want %q", m.ReceivedVia, c.via)
			}
			if filepath.Base(m.Sidecar) != input+".json" {
				t.Errorf("sidecar %q not named", m.Sidecar)
			}
			if !strings.Contains(m.SidecarError, c.problem) {
				t.Errorf("sidecar error %q, want it to say %q", m.SidecarError, c.problem)
			}
			if strings.Contains(m.SidecarError, "GONZALEZ") || strings.Contains(m.SidecarError, "1957") {
				t.Errorf("sidecar error %q quotes the file", m.SidecarError)
			}
			// The file name still gives the numbers the sidecar did not.
			want := &Fax{CallerNumber: "7142954149", CalledNumber: "9162555241"}
			if c.fax != nil {
				*want = *c.fax
				want.CallerNumber, want.CalledNumber = "7142954149", "9162555241"
			}
			if !reflect.DeepEqual(m.Fax, want) {
				t.Errorf("fax %+v, want %+v", m.Fax, want)
			}
		})
	}
}

func TestDescribeSidecarNotAFile(t *testing.T) {
	dir := put(t, map[string]string{"fax1.tif": "II*\x00"})
	if err := os.Mkdir(filepath.Join(dir, "fax1.tif.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	m, err := Describe(filepath.Join(dir, "fax1.tif"), Hints{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.SidecarError == "" || m.ReceivedVia != ViaModTime || m.Channel != ChannelMail {
		t.Errorf("got %+v, want the folder reported and ignored", m)
	}
}

// Unknown sidecar keys are kept and written back with the contract's keys.
func TestFaxExtraKeys(t *testing.T) {
	dir := put(t, map[string]string{"fax1.tif": "II*\x00", "fax1.tif.json": `{"caller_number": "9165550142",
		"modem": "ttyS0", "duration_s": 95, "retries": [1, 2], "status": "ok", "received_at": "2026-11-02T08:13:30-08:00"}`})
	m, err := Describe(filepath.Join(dir, "fax1.tif"), Hints{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantExtra := map[string]any{"modem": "ttyS0", "duration_s": json.Number("95"), "retries": []any{json.Number("1"), json.Number("2")}}
	if !reflect.DeepEqual(m.Fax.Extra, wantExtra) {
		t.Errorf("extra %#v, want %#v", m.Fax.Extra, wantExtra)
	}
	b, err := json.Marshal(m.Fax)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"caller_number":"9165550142","duration_s":95,"modem":"ttyS0","retries":[1,2],"status":"ok"}`
	if string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var back Fax
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, m.Fax) {
		t.Errorf("round trip %+v, want %+v", back, *m.Fax)
	}
	// A known key in Extra never shadows the field.
	b, _ = json.Marshal(Fax{CSID: "REAL", Extra: map[string]any{"csid": "SHADOW", "pages": 99}})
	if string(b) != `{"csid":"REAL"}` {
		t.Errorf("JSON %s", b)
	}
	if err := json.Unmarshal([]byte(`{"pages": "many"}`), &back); err == nil {
		t.Error("Unmarshal accepted pages that are not a number")
	}
}

// A damaged or cut-off TIFF gives no tags, not an error: the next source gives the time.
func TestDescribeDamagedTIFF(t *testing.T) {
	full, err := os.ReadFile(filepath.Join(sampleDir, "fax001003.tif"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 3, 4, 8, 10, 1000, 13698 + 20} {
		dir := put(t, map[string]string{"fax001003.tif": string(full[:n])})
		m, err := Describe(filepath.Join(dir, "fax001003.tif"), Hints{}, nil)
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if m.ReceivedVia != ViaModTime || m.Fax != nil || m.Channel != ChannelMail {
			t.Errorf("%d bytes: got %+v, want the modification time and no fax metadata", n, m)
		}
	}
}

func TestDescribeErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Describe(filepath.Join(dir, "missing.pdf"), Hints{}, nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want not-exist", err)
	}
	if _, err := Describe(dir, Hints{}, nil); !errors.Is(err, ErrNotRegular) {
		t.Errorf("folder: %v, want ErrNotRegular", err)
	}
}

func TestNormalPhone(t *testing.T) {
	for in, want := range map[string]string{
		"9165550142":       "9165550142",
		"19165550142":      "9165550142",
		"+1 916 555 0142":  "9165550142",
		"(916) 555-0142":   "9165550142",
		"1-916-555-0142":   "9165550142",
		"+52 55 1234 5678": "+525512345678",
		"+44 20 7946 0958": "+442079460958",
		"5550142":          "5550142",
		"anonymous":        "",
		"":                 "",
	} {
		if got := normalPhone(in); got != want {
			t.Errorf("normalPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSidecarPaths(t *testing.T) {
	for in, want := range map[string][]string{
		"in/fax1.tif": {"in/fax1.tif.json", "in/fax1.json"},
		"in/fax1.PDF": {"in/fax1.PDF.json", "in/fax1.json"},
		"in/fax1":     {"in/fax1.json"},
	} {
		if got := SidecarPaths(in); !reflect.DeepEqual(got, want) {
			t.Errorf("SidecarPaths(%q) = %q, want %q", in, got, want)
		}
	}
}
