package source

import (
	"path/filepath"
	"regexp"
	"time"
)

// File name conventions of the devices (README, "The test corpus"). Compiled once; never
// changed.
var (
	// A fax server: YYYYMMDD-HHMMSS-CALLER[-CALLED].tif|pdf, in local time.
	faxName = regexp.MustCompile(`^(\d{8})-(\d{6})-(\+?\d{3,15})(?:-(\+?\d{3,15}))?\.(?i:tiff?|pdf)$`)
	// A scanning station: scan-STATION-YYYYMMDD-HHMMSS-NNN.pdf, in local time.
	scanName = regexp.MustCompile(`^(?i:scan)-(.+)-(\d{8})-(\d{6})-(\d+)\.(?i:pdf|tiff?)$`)
)

// NamedByFaxServer tells whether the file's name follows the fax server's convention
// (YYYYMMDD-HHMMSS-CALLER[-CALLED]), which carries its received time and caller: such a fax
// has what it needs without a sidecar.
func NamedByFaxServer(path string) bool { return faxName.MatchString(filepath.Base(path)) }

// nameInfo is what a file name says.
type nameInfo struct {
	at      time.Time // zero when the name gives no time
	fax     bool      // a fax server's name
	caller  string
	called  string
	station string
}

// parseName reads a device's file name (the base name) in zone.
func parseName(base string, zone *time.Location) nameInfo {
	var ni nameInfo
	if m := faxName.FindStringSubmatch(base); m != nil {
		t, err := time.ParseInLocation("20060102150405", m[1]+m[2], zone)
		if err != nil {
			return ni
		}
		ni.at, ni.fax = t, true
		ni.caller, ni.called = normalPhone(m[3]), normalPhone(m[4])
		return ni
	}
	if m := scanName.FindStringSubmatch(base); m != nil {
		t, err := time.ParseInLocation("20060102150405", m[2]+m[3], zone)
		if err != nil {
			return ni
		}
		ni.at, ni.station = t, m[1]
	}
	return ni
}
