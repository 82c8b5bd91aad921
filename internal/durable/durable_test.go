package durable

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFileReplacesAndWriteOnceKeeps(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	p := filepath.Join(dir, "f.txt")
	if err := WriteFile(p, []byte("one"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("two"), 0o640); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "two" {
		t.Errorf("WriteFile kept %q, want the new content", b)
	}
	if err := WriteOnce(p, strings.NewReader("three"), 0o640); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "two" {
		t.Errorf("WriteOnce replaced an existing file with %q", b)
	}
	q := filepath.Join(dir, "g.txt")
	if err := WriteOnce(q, strings.NewReader("four"), 0o640); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(q); err != nil || st.Mode().Perm() != 0o640 {
		t.Errorf("WriteOnce of a new file: %v, mode %v", err, st.Mode().Perm())
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".tmp-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestBatch(t *testing.T) {
	root := t.TempDir()
	b := NewBatch(root)
	for i, name := range []string{"cases/A/one.pdf", "cases/B/two.pdf", "cases/A/one.pdf"} {
		if err := b.WriteFile(filepath.Join(root, name), []byte(strings.Repeat("x", i+1)), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := b.Sync(); err != nil { // nothing new: nothing to do
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(root, "cases/A/one.pdf"))
	if err != nil || string(got) != "xxx" {
		t.Errorf("the file written twice holds %q, %v; want the second write", got, err)
	}
	fi, err := os.Stat(filepath.Join(root, "cases/B/two.pdf"))
	if err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, %v; want 0640", fi.Mode().Perm(), err)
	}
	left, _ := filepath.Glob(filepath.Join(root, "cases/*/.tmp-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
