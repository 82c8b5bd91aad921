package pipeline

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"intake/internal/durable"
)

// SpoolDirName is the hidden folder, inside each inbox, where claimed files wait until
// they are committed. Being inside the inbox, a claim is a rename on one file system:
// atomic, and only one of several instances sharing the inbox can win it.
const SpoolDirName = ".spool"

// Spool holds the files one instance has claimed from one inbox.
type Spool struct {
	dir string
}

// OpenSpool opens (creating it when needed) the spool of instance in inbox.
func OpenSpool(inbox, instance string) (*Spool, error) {
	dir := filepath.Join(inbox, SpoolDirName, instance)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("cannot create the spool folder: %w", err)
	}
	return &Spool{dir: dir}, nil
}

// Dir is the spool's folder.
func (s *Spool) Dir() string { return s.dir }

// spooled is what the spool keeps beside a claimed file.
type spooled struct {
	Item        Item   `json:"item"`
	Sidecar     string `json:"sidecar,omitempty"`      // the sidecar's name in the spool
	SidecarFrom string `json:"sidecar_from,omitempty"` // where the sidecar was in the inbox
}

// Claim moves the file at path (and its sidecar, if any) into the spool and returns the
// item to process. It first writes the item's description, then renames the file: a crash
// in between leaves the file in the inbox and a description that Pending discards. When
// another instance took the file first, Claim returns an error wrapping os.ErrNotExist.
func (s *Spool) Claim(path, sidecar string, it Item) (Item, error) {
	id, err := NewClaimID()
	if err != nil {
		return Item{}, err
	}
	it.ClaimID = id
	if it.Name == "" {
		it.Name = filepath.Base(path)
	}
	it.Path = filepath.Join(s.dir, id)
	sp := spooled{Item: it}
	if sidecar != "" {
		sp.Sidecar, sp.SidecarFrom = id+".sidecar.json", sidecar
	}
	b, err := json.Marshal(sp)
	if err != nil {
		return Item{}, err
	}
	meta := filepath.Join(s.dir, id+".item.json")
	if err := writeSynced(meta, b); err != nil {
		return Item{}, err
	}
	if err := os.Rename(path, it.Path); err != nil {
		os.Remove(meta)
		return Item{}, err
	}
	if sidecar != "" {
		// The sidecar's content is in the item already; moving it keeps the inbox tidy.
		if err := os.Rename(sidecar, filepath.Join(s.dir, sp.Sidecar)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return it, nil
		}
	}
	syncDir(s.dir)
	return it, nil
}

// Pending lists the items claimed but not done (after a restart), oldest first.
func (s *Spool) Pending() ([]Item, error) {
	// A description being written when the process died is left as a temporary file:
	// the claim it was for never happened (the file is still in the inbox).
	if tmps, err := filepath.Glob(filepath.Join(s.dir, ".tmp-*")); err == nil {
		for _, t := range tmps {
			os.Remove(t)
		}
	}
	metas, err := filepath.Glob(filepath.Join(s.dir, "*.item.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(metas)
	var out []Item
	for _, m := range metas {
		b, err := os.ReadFile(m)
		var sp spooled
		if err == nil {
			err = json.Unmarshal(b, &sp)
		}
		id := strings.TrimSuffix(filepath.Base(m), ".item.json")
		data := filepath.Join(s.dir, id)
		if _, statErr := os.Stat(data); statErr != nil {
			// The claim never completed: the file is still in the inbox.
			os.Remove(m)
			continue
		}
		if err != nil {
			// The description is damaged; the file is not lost: it is processed with
			// what can be known from it alone.
			sp = spooled{Item: Item{Name: id}}
		}
		sp.Item.ClaimID, sp.Item.Path = id, data
		if sp.Sidecar != "" && sp.SidecarFrom != "" {
			// A crash between moving the file and its sidecar left the sidecar in the inbox
			// (its content is in the item already): take it along now.
			if _, err := os.Stat(filepath.Join(s.dir, sp.Sidecar)); errors.Is(err, os.ErrNotExist) {
				os.Rename(sp.SidecarFrom, filepath.Join(s.dir, sp.Sidecar))
			}
		}
		out = append(out, sp.Item)
	}
	return out, nil
}

// Done removes a committed item's file, sidecar and description from the spool.
func (s *Spool) Done(it Item) error {
	if err := os.Remove(it.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	os.Remove(filepath.Join(s.dir, it.ClaimID+".sidecar.json"))
	os.Remove(filepath.Join(s.dir, it.ClaimID+".item.json"))
	return syncDir(s.dir)
}

// NewClaimID is unique per claim and sorts by time.
func NewClaimID() (string, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return time.Now().UTC().Format("20060102T150405.000000") + "-" + hex.EncodeToString(b[:]), nil
}

func writeSynced(path string, data []byte) error { return durable.WriteFile(path, data, 0o640) }

func syncDir(dir string) error { return durable.SyncDir(dir) }
