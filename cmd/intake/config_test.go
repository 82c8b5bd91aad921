package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// checkConfig runs `intake config check args...` in the process and decodes what it
// prints; it fails the test when the check does.
func checkConfig(t *testing.T, args ...string) Config {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(append([]string{"config", "check"}, args...), &out, &errOut); code != 0 {
		t.Fatalf("intake config check %v: exit %d: %s", args, code, errOut.String())
	}
	var c Config
	if _, err := toml.Decode(out.String(), &c); err != nil {
		t.Fatalf("intake config check printed what is not TOML: %v\n%s", err, out.String())
	}
	return c
}

// clearEnv unsets intake's variables for the test (the developer's own must not count).
func clearEnv(t *testing.T) {
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "INTAKE_") && !strings.HasPrefix(k, "INTAKE_TEST_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "intake.toml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConfigPrecedence: the defaults, then the file, then the environment, then the flags,
// each over the one before; the command line's inboxes replace the file's.
func TestConfigPrecedence(t *testing.T) {
	clearEnv(t)
	in1, in2 := t.TempDir(), t.TempDir()
	file := writeConfig(t, `
data = "/from/file"
log_level = "warn"
[[inbox]]
path = "`+in1+`"
channel = "fax"
[limits]
max_pages = 10
[ack]
days = 7
`)
	c := checkConfig(t, "--inbox", in1)
	if c.Data != "./intake-data" || c.Limits.MaxPages != 1000 || c.Ack.Days != 5 || c.LogLevel != "info" {
		t.Errorf("defaults: data %q, max_pages %d, ack days %d, log level %q", c.Data, c.Limits.MaxPages, c.Ack.Days, c.LogLevel)
	}
	c = checkConfig(t, "--config", file)
	if c.Data != "/from/file" || c.Limits.MaxPages != 10 || c.Ack.Days != 7 || c.LogLevel != "warn" || len(c.Inboxes) != 1 || c.Inboxes[0].Channel != "fax" {
		t.Errorf("the file's values: %+v", c)
	}
	if c.Watch.GiveUp.String() != "2m0s" || c.OCR.PageTimeout.String() != "1m0s" {
		t.Errorf("what the file leaves out keeps its default: give_up %v, page_timeout %v", c.Watch.GiveUp, c.OCR.PageTimeout)
	}
	t.Setenv("INTAKE_CONFIG", file)
	t.Setenv("INTAKE_DATA", "/from/env")
	t.Setenv("INTAKE_LOG_LEVEL", "debug")
	c = checkConfig(t)
	if c.Data != "/from/env" || c.LogLevel != "debug" || c.Limits.MaxPages != 10 {
		t.Errorf("the environment over the file (INTAKE_CONFIG naming it): data %q, log level %q, max_pages %d", c.Data, c.LogLevel, c.Limits.MaxPages)
	}
	c = checkConfig(t, "--data", "/from/flag", "--max-pages", "20", "--inbox", in2+",channel=mail,station=s2")
	if c.Data != "/from/flag" || c.Limits.MaxPages != 20 || c.LogLevel != "debug" {
		t.Errorf("the flags over the environment: data %q, max_pages %d, log level %q", c.Data, c.Limits.MaxPages, c.LogLevel)
	}
	if len(c.Inboxes) != 1 || c.Inboxes[0].Path != in2 || c.Inboxes[0].Station != "s2" {
		t.Errorf("--inbox replaces the file's inboxes: %+v", c.Inboxes)
	}
}

// TestConfigValidation: each mistake is reported, naming the key, and the check fails.
func TestConfigValidation(t *testing.T) {
	clearEnv(t)
	inbox := t.TempDir()
	for _, tc := range []struct {
		name, file string
		args       []string
		want       string
	}{
		{"unknown key", "[limits]\nmax_page = 3\n", nil, "unknown key(s) limits.max_page"},
		{"misspelt section", "[ocr]\nworker = 2\n", nil, "ocr.worker"},
		{"bad duration", "[watch]\nsettle = \"soon\"\n", nil, "not a duration"},
		{"bad channel", "[[inbox]]\npath = \"" + inbox + "\"\nchannel = \"email\"\n", nil, "neither mail nor fax"},
		{"bad schedule", "[ack]\nschedule = \"every night\"\n", nil, "ack.schedule"},
		{"bad log level", "log_level = \"loud\"\n", nil, "log_level"},
		{"no such inbox", "[[inbox]]\npath = \"/nonexistent/inbox\"\n", nil, "not a folder that can be read"},
		{"password in the file", "db = \"postgres://intake:hunter2@db/intake\"\n", nil, "db holds a password"},
		{"password on the command line", "", []string{"--db", "postgres://intake:hunter2@db/intake"}, "anyone on the machine can read"},
		{"no inbox", "", nil, "at least one inbox"},
		{"zero limit", "[limits]\nmax_pages = 0\n", nil, "at least 1"},
		{"tls mode", "db = \"postgres://intake@db/intake\"\ndb_sslmode = \"maybe\"\n", nil, "db_sslmode"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"config", "check", "--config", writeConfig(t, tc.file)}
			if !strings.Contains(tc.file, "[[inbox]]") && tc.name != "no inbox" {
				args = append(args, "--inbox", inbox)
			}
			var out, errOut bytes.Buffer
			code := run(append(args, tc.args...), &out, &errOut)
			if code == 0 || !strings.Contains(errOut.String(), tc.want) {
				t.Errorf("exit %d, said %q; want a failure saying %q", code, errOut.String(), tc.want)
			}
			if strings.Contains(errOut.String()+out.String(), "hunter2") {
				t.Errorf("the password was printed")
			}
		})
	}
}

// TestConfigMasksSecrets: the effective configuration shows that a password is set, never
// the password, whether it came in the address or from a file.
func TestConfigMasksSecrets(t *testing.T) {
	clearEnv(t)
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("correct-horse\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("INTAKE_DB", "postgres://intake:battery-staple@db/intake")
	var out, errOut bytes.Buffer
	if code := run([]string{"config", "check", "--inbox", t.TempDir()}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	t.Setenv("INTAKE_DB", "postgres://intake@db/intake")
	t.Setenv("INTAKE_DB_PASSWORD_FILE", pw)
	if code := run([]string{"config", "check", "--inbox", t.TempDir()}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if s := out.String(); strings.Contains(s, "battery-staple") || strings.Contains(s, "correct-horse") || !strings.Contains(s, "xxxxx") ||
		!strings.Contains(s, "password is set") {
		t.Errorf("printed configuration:\n%s\nwant the passwords masked and said to be set", s)
	}
	// The password from the file reaches the address the store is opened with.
	c, err := loadConfig("")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.finish(); err != nil {
		t.Fatal(err)
	}
	dsn, err := c.dsn()
	if err != nil || !strings.Contains(dsn, "intake:correct-horse@db") {
		t.Errorf("the store's address %q (%v) lacks the password from the file", dsn, err)
	}
}

// TestExampleConfig: the example shipped in the repository is valid as it stands (but for
// its folders, which are a server's).
func TestExampleConfig(t *testing.T) {
	clearEnv(t)
	c := checkConfig(t, "--config", "../../intake.example.toml", "--inbox", t.TempDir())
	if c.Data != "/var/lib/intake" || c.HTTP != "127.0.0.1:8080" || len(c.OCR.Languages) != 2 {
		t.Errorf("the example's values did not come through: %+v", c)
	}
}
