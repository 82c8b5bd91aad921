package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{nil, {"bogus"}, {"fixtures"}, {"fixtures", "--count", "0", "--out", t.TempDir()}, {"fixtures", "--nope"}, {"process", "x.pdf"}} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("intake %v: exit %d, want 2 (stderr %q)", args, code, errb.String())
		}
		if errb.Len() == 0 {
			t.Errorf("intake %v: says nothing on stderr", args)
		}
	}
}

func TestFixturesWritesACorpus(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "corpus")
	var out, errb bytes.Buffer
	if code := run([]string{"fixtures", "--out", dir, "--seed", "7", "--count", "2"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	seq, err := os.ReadFile(filepath.Join(dir, "sequence.txt"))
	if err != nil {
		t.Fatal(err)
	}
	names := strings.Fields(string(seq))
	if len(names) != 2 {
		t.Fatalf("sequence lists %v", names)
	}
	for _, n := range names {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Error(err)
		}
		if _, err := os.Stat(filepath.Join(dir, strings.TrimSuffix(n, filepath.Ext(n))+".truth.json")); err != nil {
			t.Error(err)
		}
	}
	if !strings.Contains(out.String(), "Wrote 2 submissions") || !strings.Contains(out.String(), "sequence.txt") {
		t.Errorf("summary does not say what was written and where:\n%s", out.String())
	}
}
