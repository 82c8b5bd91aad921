// Package archive keeps the originals the pipeline has read, and the files that could not
// be read, in the data folder:
//
//	archive/YYYY/MM/DD/SHA256.pdf            the original, by received date (write-once, 0640)
//	archive/YYYY/MM/DD/SHA256.ocr.txt        its OCR text
//	archive/YYYY/MM/DD/SHA256.result.json    its result record
//	cases/HC26-000001-3/YYYY-MM-DD-SHA.pdf   the same original filed under each of its cases (a hard link)
//	quarantine/YYYY-MM-DD/CLAIM-NAME         a file that could not be processed
//	quarantine/YYYY-MM-DD/CLAIM-NAME.reason.txt  why, in words for a person (no health information)
//
// Every file is written to a temporary name, synced, and then linked or renamed into
// place, and its folder synced, so a crash leaves either the whole file or none. An
// original, once archived, is never replaced. The folders are 0750, the files 0640: the
// archive holds health information.
package archive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"intake/internal/durable"
)

// Archive is the archive in one data folder. It implements pipeline.Archive.
type Archive struct {
	root string
	zone *time.Location
}

// New opens (creating when needed) the archive in the data folder dir. Dates are counted
// in zone (the Help Center's).
func New(dir string, zone *time.Location) (*Archive, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("archive: cannot create the data folder: %w", err)
	}
	if zone == nil {
		zone = time.UTC
	}
	return &Archive{root: dir, zone: zone}, nil
}

// Root is the data folder.
func (a *Archive) Root() string { return a.root }

// Keep stores the original at src under its received date and content hash, once.
func (a *Archive) Keep(src, sha256, ext string, received time.Time) (string, error) {
	rel := filepath.Join("archive", received.In(a.zone).Format("2006/01/02"), sha256+ext)
	dst := filepath.Join(a.root, rel)
	if st, err := os.Stat(dst); err == nil && st.Mode().IsRegular() {
		return rel, nil // write-once: the same content is already there
	}
	if err := a.copyOnce(src, dst); err != nil {
		return "", err
	}
	return rel, nil
}

// Put writes data beside the original at originalRel, replacing its extension with suffix.
func (a *Archive) Put(originalRel, suffix string, data []byte) error {
	base := strings.TrimSuffix(originalRel, filepath.Ext(originalRel))
	return writeFile(filepath.Join(a.root, base+suffix), data)
}

// Quarantine copies src into the quarantine folder with a reason file beside it.
func (a *Archive) Quarantine(src, name, claimID, reason string, received time.Time) (string, error) {
	day := received
	if day.IsZero() {
		day = time.Now()
	}
	rel := filepath.Join("quarantine", day.In(a.zone).Format("2006-01-02"), SafeName(claimID+"-"+name))
	dst := filepath.Join(a.root, rel)
	if err := writeFile(dst+".reason.txt", []byte(reason+"\n")); err != nil {
		return "", err
	}
	if _, err := os.Stat(dst); err == nil {
		return rel, nil
	}
	// A pipe or a link put in the file's place has nothing to keep: the reason says so.
	if err := a.copyOnce(src, dst); err != nil && !errors.Is(err, ErrNotRegular) {
		return rel, err
	}
	return rel, nil
}

// LinkCase files the original at originalRel under the case's folder too.
func (a *Archive) LinkCase(originalRel, caseNumber string, received time.Time) error {
	base := filepath.Base(originalRel)
	ext := filepath.Ext(base)
	sha := strings.TrimSuffix(base, ext)
	if len(sha) > 12 {
		sha = sha[:12]
	}
	dir := filepath.Join(a.root, "cases", SafeName(caseNumber))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	dst := filepath.Join(dir, received.In(a.zone).Format("2006-01-02")+"-"+sha+ext)
	if _, err := os.Stat(dst); err == nil {
		return nil
	}
	src := filepath.Join(a.root, originalRel)
	if err := os.Link(src, dst); err != nil {
		if err := a.copyOnce(src, dst); err != nil {
			return err
		}
	}
	return syncDir(dir)
}

// copyOnce copies src to dst through a synced temporary file; dst is never replaced.
// Only a regular file is copied: src is opened without following a link and without
// waiting for a FIFO's writer; anything else is ErrNotRegular.
func (a *Archive) copyOnce(src, dst string) error {
	in, err := os.OpenFile(src, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return ErrNotRegular
		}
		return err
	}
	defer in.Close()
	if st, err := in.Stat(); err != nil {
		return err
	} else if !st.Mode().IsRegular() {
		return ErrNotRegular
	}
	return durable.WriteOnce(dst, in, 0o640)
}

// ErrNotRegular is a path that holds something other than a regular file (a pipe, a link).
var ErrNotRegular = errors.New("archive: not a regular file")

func writeFile(path string, data []byte) error { return durable.WriteFile(path, data, 0o640) }

func syncDir(dir string) error { return durable.SyncDir(dir) }

// SafeName makes a file name safe to create: no folders, no control characters, valid
// UTF-8, not hidden, at most 120 bytes.
func SafeName(name string) string {
	name = strings.ToValidUTF8(name, "_")
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == '/' || r == '\\' || r == 0 || unicode.IsControl(r):
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	s := strings.TrimLeft(b.String(), ".")
	if s == "" {
		s = "file"
	}
	for len(s) > 120 {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}
