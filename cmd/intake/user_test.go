package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"intake/sinks/store"
)

// A user added with `intake user add` can be found by name with a hash of the password
// (never the password); the password comes from the environment or standard input, and a
// name taken or a short password is refused.
func TestUserAdd(t *testing.T) {
	data := t.TempDir()
	add := func(stdin string, args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := cmdUserIO(append([]string{"add", "--data", data}, args...), strings.NewReader(stdin), &out, &errb)
		return code, errb.String()
	}
	t.Setenv("INTAKE_USER_PASSWORD", "correct horse battery")
	if code, msg := add("", "ana"); code != 0 {
		t.Fatalf("user add ana: exit %d: %s", code, msg)
	}
	if code, msg := add("", "ana"); code != 1 || !strings.Contains(msg, "already exists") {
		t.Errorf("adding ana again: exit %d: %s", code, msg)
	}
	os.Unsetenv("INTAKE_USER_PASSWORD")
	if code, msg := add("short\n", "ben"); code != 2 || !strings.Contains(msg, "at least") {
		t.Errorf("a short password: exit %d: %s", code, msg)
	}
	if code, msg := add("another long password\n", "ben"); code != 0 {
		t.Fatalf("user add ben from stdin: exit %d: %s", code, msg)
	}
	if code, _ := add("", "carl"); code != 2 {
		t.Errorf("no password anywhere: exit %d, want 2", code)
	}
	if code, _ := add(""); code != 2 {
		t.Errorf("no name: exit %d, want 2", code)
	}

	st, err := store.Open(context.Background(), "", data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for name, password := range map[string]string{"ana": "correct horse battery", "ben": "another long password"} {
		u, err := st.UserByName(t.Context(), name)
		if err != nil || u == nil {
			t.Fatalf("user %s: %v, %v", name, u, err)
		}
		if strings.Contains(u.PasswordHash, password) || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
			t.Errorf("user %s: the stored hash does not match the password", name)
		}
	}
	if u, _ := st.UserByName(t.Context(), "carl"); u != nil {
		t.Error("carl was added without a password")
	}
}
