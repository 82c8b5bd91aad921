package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"intake/pipeline"
	"intake/pipeline/casenum"
	"intake/pipeline/record"
	"intake/sinks/store"
)

// childDirEnv, when set, makes this test binary a second process that creates cases in
// the embedded store of that folder (see TestSQLiteTwoProcesses).
const childDirEnv = "INTAKE_STORE_TEST_CHILD_DIR"

const casesPerProcess = 25

func TestMain(m *testing.M) {
	if dir := os.Getenv(childDirEnv); dir != "" {
		if err := createCases(context.Background(), dir, "child"); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func createCases(ctx context.Context, dir, who string) error {
	s, err := store.Open(ctx, "", dir)
	if err != nil {
		return err
	}
	defer s.Close()
	// Start together: the child says it is ready, the parent waits for that.
	ready := filepath.Join(dir, "child-ready")
	if who == "child" {
		if err := os.WriteFile(ready, nil, 0o600); err != nil {
			return err
		}
	} else {
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(time.Millisecond) {
			if _, err := os.Stat(ready); err == nil {
				break
			}
			if time.Now().After(deadline) {
				return errors.New("the other process did not start")
			}
		}
	}
	for i := range casesPerProcess {
		received := time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)
		err := s.Update(ctx, func(tx pipeline.Tx) error {
			in := &record.Input{ClaimID: fmt.Sprintf("%s-%d", who, i), SHA256: "x", Channel: "mail",
				ReceivedAt: received, Status: record.Processed}
			if err := tx.AddInput(in); err != nil {
				return err
			}
			return tx.CreateCase(&record.Case{ReceivedAt: received})
		})
		if err != nil {
			return fmt.Errorf("%s, case %d: %w", who, i, err)
		}
		time.Sleep(3 * time.Millisecond) // as a pipeline would, between documents
	}
	return nil
}

// Two processes (this one and a child) open the same fresh embedded database at once and
// create cases side by side: both migrate safely, and the numbers are unique and have no
// gaps.
func TestSQLiteTwoProcesses(t *testing.T) {
	dir := t.TempDir()
	child := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childDirEnv+"="+dir)
	out := make(chan []byte, 1)
	var childErr error
	go func() {
		b, err := child.CombinedOutput()
		childErr = err
		out <- b
	}()
	if err := createCases(t.Context(), dir, "parent"); err != nil {
		t.Errorf("this process: %v", err)
	}
	if b := <-out; childErr != nil {
		t.Fatalf("the other process: %v\n%s", childErr, b)
	}
	s := openStore(t, "", dir)
	ins, err := s.Inputs(t.Context(), store.InputFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var order []byte
	for i := len(ins) - 1; i >= 0; i-- {
		order = append(order, ins[i].ClaimID[0])
	}
	t.Logf("commit order (c child, p parent): %s", order)
	cases, err := s.ListCases(t.Context(), store.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var serials []int
	for _, c := range cases {
		n, err := casenum.Parse(c.Number)
		if err != nil {
			t.Fatalf("case number %q: %v", c.Number, err)
		}
		serials = append(serials, n.Serial)
	}
	sort.Ints(serials)
	if len(serials) != 2*casesPerProcess {
		t.Fatalf("%d cases, want %d", len(serials), 2*casesPerProcess)
	}
	for i, n := range serials {
		if n != i+1 {
			t.Fatalf("serials are not 1..%d without gaps or repeats: %v", 2*casesPerProcess, serials)
		}
	}
}
