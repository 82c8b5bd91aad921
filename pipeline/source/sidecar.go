package source

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
)

// Fax statuses a sidecar may give.
const (
	StatusOK      = "ok"
	StatusPartial = "partial" // the transmission broke off; pages may be missing
)

// maxSidecar bounds what is read of a sidecar: the fax server writes a few hundred bytes.
const maxSidecar = 64 << 10

// Fax is the fax server's metadata. Its JSON is the contract's: the known keys below plus
// Extra's keys, which hold whatever else the sidecar said.
type Fax struct {
	CallerNumber string `json:"caller_number,omitempty"` // digits; North-American numbers as 10 digits
	CalledNumber string `json:"called_number,omitempty"`
	CSID         string `json:"csid,omitempty"`   // the sending machine's station id, free text
	Pages        int    `json:"pages,omitempty"`  // as the fax server announced them
	Status       string `json:"status,omitempty"` // StatusOK, StatusPartial or ""
	// Extra holds the sidecar's keys this package does not know, decoded as encoding/json
	// does with UseNumber (numbers are json.Number).
	Extra map[string]any `json:"-"`
}

// isKnown reports whether k is a sidecar key with a place of its own (received_at goes
// to Meta).
func isKnown(k string) bool {
	switch k {
	case "received_at", "caller_number", "called_number", "csid", "pages", "status":
		return true
	}
	return false
}

// MarshalJSON writes the known keys that are set and the Extra keys, in key order.
func (f Fax) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(f.Extra)+5)
	for k, v := range f.Extra {
		if !isKnown(k) {
			m[k] = v
		}
	}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set("caller_number", f.CallerNumber)
	set("called_number", f.CalledNumber)
	set("csid", f.CSID)
	set("status", f.Status)
	if f.Pages != 0 {
		m["pages"] = f.Pages
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads what MarshalJSON writes, or a sidecar (whose received_at it drops).
// Values of the wrong type are an error.
func (f *Fax) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	fx, _, problems := decodeFax(raw, nil)
	if len(problems) > 0 {
		return errors.New("source: fax metadata: " + strings.Join(problems, "; "))
	}
	*f = fx
	return nil
}

// SidecarPaths returns where the sidecar of the input at path may be, in the order they are
// tried: NAME.tif.json, then NAME.json.
func SidecarPaths(path string) []string {
	ps := []string{path + ".json"}
	if ext := filepath.Ext(path); ext != "" && !strings.EqualFold(ext, ".json") {
		ps = append(ps, strings.TrimSuffix(path, ext)+".json")
	}
	return ps
}

// sidecar is what a sidecar said.
type sidecar struct {
	receivedAt time.Time
	fax        Fax
}

// readSidecar finds and reads the sidecar of path. It returns the sidecar's path when one
// exists, what it said (nil when it could not be used at all), and a sentence naming what
// was wrong with it ("" when nothing).
func readSidecar(path string, zone *time.Location) (string, *sidecar, string) {
	for _, p := range SidecarPaths(path) {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return p, nil, "the sidecar could not be read"
		}
		if !fi.Mode().IsRegular() {
			return p, nil, "the sidecar is not a regular file"
		}
		f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if err != nil {
			return p, nil, "the sidecar could not be read"
		}
		b, err := io.ReadAll(io.LimitReader(f, maxSidecar+1))
		f.Close()
		if err != nil {
			return p, nil, "the sidecar could not be read"
		}
		if len(b) > maxSidecar {
			return p, nil, "the sidecar is too large to be a fax sidecar"
		}
		sc, problems := parseSidecar(b, zone)
		return p, sc, strings.Join(problems, "; ")
	}
	return "", nil, ""
}

// parseSidecar reads a sidecar's JSON. A sidecar that is not a JSON object gives nil; a key
// with a value of the wrong kind is left out. Each problem is a sentence that quotes
// nothing from the file.
func parseSidecar(b []byte, zone *time.Location) (*sidecar, []string) {
	if !json.Valid(b) {
		return nil, []string{"the sidecar is not valid JSON"}
	}
	if t := bytes.TrimSpace(b); len(t) == 0 || t[0] != '{' {
		return nil, []string{"the sidecar is not a JSON object"}
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, []string{"the sidecar is not a JSON object"}
	}
	fx, at, problems := decodeFax(raw, zone)
	return &sidecar{receivedAt: at, fax: fx}, problems
}

// decodeFax takes the known keys out of raw and keeps the rest in Extra. received_at is
// read (in zone, when it has no offset) only when zone is not nil.
func decodeFax(raw map[string]json.RawMessage, zone *time.Location) (Fax, time.Time, []string) {
	var fx Fax
	var at time.Time
	var problems []string
	bad := func(key, what string) { problems = append(problems, "the sidecar's "+key+" is not "+what) }
	for _, k := range slices.Sorted(maps.Keys(raw)) { // sorted: problems come in the same order each time
		v := raw[k]
		if isNull(v) {
			continue // an optional key with no value
		}
		switch {
		case k == "received_at":
			if zone == nil {
				continue // not fax metadata: it belongs to Meta
			}
			s, ok := jsonString(v)
			t, tok := parseReceived(s, zone)
			if !ok || !tok {
				bad(k, "an RFC 3339 time")
				continue
			}
			at = t
		case k == "caller_number" || k == "called_number":
			s, ok := jsonText(v)
			if !ok {
				bad(k, "a phone number")
				continue
			}
			if k == "caller_number" {
				fx.CallerNumber = normalPhone(s)
			} else {
				fx.CalledNumber = normalPhone(s)
			}
		case k == "csid":
			s, ok := jsonText(v)
			if !ok {
				bad(k, "text")
				continue
			}
			fx.CSID = cleanText(s)
		case k == "pages":
			s, ok := jsonText(v)
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if !ok || err != nil || n < 0 {
				bad(k, "a whole number")
				continue
			}
			fx.Pages = n
		case k == "status":
			s, ok := jsonString(v)
			s = strings.ToLower(strings.TrimSpace(s))
			if !ok || (s != StatusOK && s != StatusPartial) {
				bad(k, "ok or partial")
				continue
			}
			fx.Status = s
		default:
			d := json.NewDecoder(bytes.NewReader(v))
			d.UseNumber()
			var x any
			if err := d.Decode(&x); err == nil {
				if fx.Extra == nil {
					fx.Extra = make(map[string]any)
				}
				fx.Extra[k] = x
			}
		}
	}
	return fx, at, problems
}

func isNull(v json.RawMessage) bool { return string(bytes.TrimSpace(v)) == "null" }

// jsonString decodes a JSON string.
func jsonString(v json.RawMessage) (string, bool) {
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", false
	}
	return s, true
}

// jsonText decodes a JSON string or number as text (fax servers write phone numbers and
// page counts either way).
func jsonText(v json.RawMessage) (string, bool) {
	if s, ok := jsonString(v); ok {
		return s, true
	}
	var n json.Number
	if err := json.Unmarshal(v, &n); err != nil {
		return "", false
	}
	return n.String(), true
}

// parseReceived reads an RFC 3339 time; a time with no zone is read in zone.
func parseReceived(s string, zone *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, zone); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// normalPhone keeps a phone number's digits: a North-American number as its 10 digits (a
// leading 1 dropped), another international one with its "+". No digits gives "".
func normalPhone(s string) string {
	s = strings.TrimSpace(s)
	plus := strings.HasPrefix(s, "+")
	d := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			d = append(d, c)
		}
	}
	switch {
	case len(d) == 0:
		return ""
	case len(d) == 11 && d[0] == '1':
		return string(d[1:])
	case len(d) == 10 && !plus:
		return string(d)
	case plus:
		return "+" + string(d)
	default:
		return string(d)
	}
}

// cleanText makes free text from a device safe to keep: valid UTF-8, control characters
// as spaces, no surrounding space.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}
