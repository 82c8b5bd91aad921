package source

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// DefaultZone is the Help Center's time zone, used for times written without one when
// Describe is given no zone.
const DefaultZone = "America/Los_Angeles"

// Channels.
const (
	ChannelMail = "mail"
	ChannelFax  = "fax"
)

// Where the received time came from (Meta.ReceivedVia).
const (
	ViaSidecar  = "sidecar"
	ViaTIFFTags = "tiff_tags"
	ViaFileName = "file_name"
	ViaModTime  = "mtime"
)

// ErrNotRegular is returned for a path that is not a regular file (a folder, FIFO, socket
// or device).
var ErrNotRegular = errors.New("source: not a regular file")

// Hints is what the inbox a file was found in says about it; empty fields are worked out
// from the file.
type Hints struct {
	Channel string // mail or fax
	Station string // scanning station or fax line
}

// Meta is what is known about an input before it is read.
type Meta struct {
	Channel     string    `json:"channel"`
	Station     string    `json:"station,omitempty"`
	ReceivedAt  time.Time `json:"received_at"`
	ReceivedVia string    `json:"received_via"` // ViaSidecar, ViaTIFFTags, ViaFileName or ViaModTime
	Fax         *Fax      `json:"fax,omitempty"`
	// Sidecar is the path of the fax sidecar found beside the file, even when it could not
	// be used; it belongs with the input (archive it along).
	Sidecar string `json:"sidecar,omitempty"`
	// SidecarError says, in a sentence that quotes nothing from the file, why the sidecar
	// or some of its keys were ignored.
	SidecarError string `json:"sidecar_error,omitempty"`
	// Partial is true when the fax server says the transmission broke off.
	Partial bool `json:"partial,omitempty"`
}

// Describe says what is known about the file at path before it is read (see the package
// documentation for where each value comes from). zone is the Help Center's time zone for
// times written without one; nil means DefaultZone.
func Describe(path string, h Hints, zone *time.Location) (Meta, error) {
	if zone == nil {
		z, err := time.LoadLocation(DefaultZone)
		if err != nil {
			return Meta{}, fmt.Errorf("source: time zone: %w", err)
		}
		zone = z
	}
	f, fi, err := openRegular(path)
	if err != nil {
		return Meta{}, err
	}
	defer f.Close()

	var m Meta
	var sc *sidecar
	m.Sidecar, sc, m.SidecarError = readSidecar(path, zone)
	var tags tiffTags
	if isTIFF(f) {
		tags = readTIFFTags(f, fi.Size())
	}
	name := parseName(filepath.Base(path), zone)

	// The received time, from the most trusted place that has it.
	switch {
	case sc != nil && !sc.receivedAt.IsZero():
		m.ReceivedAt, m.ReceivedVia = sc.receivedAt, ViaSidecar
	case tags.dateTime != "":
		if t, ok := parseTIFFTime(tags.dateTime, zone); ok {
			m.ReceivedAt, m.ReceivedVia = t, ViaTIFFTags
		}
	}
	if m.ReceivedVia == "" && !name.at.IsZero() {
		m.ReceivedAt, m.ReceivedVia = name.at, ViaFileName
	}
	if m.ReceivedVia == "" {
		m.ReceivedAt, m.ReceivedVia = fi.ModTime().In(zone), ViaModTime
	}

	// Fax metadata: each value from the most trusted place that has it.
	if sc != nil || tags.description != "" || tags.dateTime != "" || name.fax {
		fx := &Fax{}
		if sc != nil {
			*fx = sc.fax
		}
		if fx.CSID == "" {
			fx.CSID = tags.description
		}
		if fx.CallerNumber == "" {
			fx.CallerNumber = name.caller
		}
		if fx.CalledNumber == "" {
			fx.CalledNumber = name.called
		}
		m.Fax = fx
		m.Partial = fx.Status == StatusPartial
	}

	switch {
	case h.Channel != "":
		m.Channel = h.Channel
	case m.Fax != nil:
		m.Channel = ChannelFax
	default:
		m.Channel = ChannelMail
	}
	m.Station = h.Station
	if m.Station == "" {
		m.Station = name.station
	}
	return m, nil
}

// openRegular opens path for reading without blocking on a FIFO, and refuses anything that
// is not a regular file.
func openRegular(path string) (*os.File, os.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("source: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, ErrNotRegular
	}
	// O_NONBLOCK: if the file was swapped for a FIFO since the Stat, opening it must not
	// wait for a writer. It has no effect on regular files.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("source: %w", err)
	}
	fi, err = f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("source: %w", err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, ErrNotRegular
	}
	return f, fi, nil
}

// isTIFF reports whether r starts with a classic TIFF header in either byte order.
func isTIFF(r io.ReaderAt) bool {
	var h [4]byte
	if _, err := r.ReadAt(h[:], 0); err != nil {
		return false
	}
	s := string(h[:])
	return s == "II*\x00" || s == "MM\x00*"
}
