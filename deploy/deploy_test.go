package deploy

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"intake/pipeline/source"
)

// The repository's root, seen from this package's folder (where go test runs).
const root = ".."

func readFile(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// aptPackages is .ci/apt-packages.txt as the Makefile and the Dockerfile read it: one
// package a line, comments and blank lines left out.
func aptPackages(t *testing.T) []string {
	t.Helper()
	var pkgs []string
	for _, l := range strings.Split(readFile(t, ".ci/apt-packages.txt"), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		pkgs = append(pkgs, l)
	}
	if len(pkgs) == 0 {
		t.Fatal(".ci/apt-packages.txt lists no package")
	}
	return pkgs
}

// buildOnly reports whether a package is needed only to compile intake: the runtime stage
// may leave out these and nothing else.
func buildOnly(p string) bool {
	return strings.HasSuffix(p, "-dev") || p == "gcc" || p == "pkg-config"
}

// instruction is one Dockerfile instruction, its continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, RUN, ...
	args string
	line int
}

// parseDockerfile reads the instructions, stage by stage (a FROM starts one). Comment
// lines go, also inside an instruction continued with a backslash, as Docker does.
func parseDockerfile(t *testing.T, text string) [][]instruction {
	t.Helper()
	var stages [][]instruction
	var cur strings.Builder
	start := 0
	flush := func() {
		s := strings.TrimSpace(cur.String())
		cur.Reset()
		if s == "" {
			return
		}
		cmd, args, _ := strings.Cut(s, " ")
		in := instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args), line: start}
		if in.cmd == "FROM" {
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			if in.cmd != "ARG" {
				t.Fatalf("Dockerfile line %d: %s before the first FROM", in.line, in.cmd)
			}
			return
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], in)
	}
	for i, l := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(l)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && cur.Len() == 0) {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if body, ok := strings.CutSuffix(strings.TrimRight(l, " \t"), "\\"); ok {
			cur.WriteString(body + " ")
			continue
		}
		cur.WriteString(l)
		flush()
	}
	flush()
	return stages
}

func dockerfile(t *testing.T) [][]instruction {
	t.Helper()
	stages := parseDockerfile(t, readFile(t, "Dockerfile"))
	if len(stages) != 2 {
		t.Fatalf("the Dockerfile has %d stages, want 2 (build and runtime)", len(stages))
	}
	return stages
}

func find(stage []instruction, cmd string) []instruction {
	var out []instruction
	for _, in := range stage {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// execForm reads a JSON array argument (["a", "b"]); nil when it is not one.
func execForm(s string) []string {
	var v []string
	if json.Unmarshal([]byte(s), &v) != nil {
		return nil
	}
	return v
}

// installedByStage runs the part of the stage's RUN that lists the packages for apt-get
// (everything before "| xargs apt-get install") against the real .ci/apt-packages.txt,
// and returns what it lists.
func installedByStage(t *testing.T, n int, stage []instruction) []string {
	t.Helper()
	// The list must come into the stage from the repository's file.
	dest := ""
	for _, in := range find(stage, "COPY") {
		f := strings.Fields(in.args)
		if len(f) == 2 && f[0] == ".ci/apt-packages.txt" {
			dest = f[1]
		}
	}
	if dest == "" {
		t.Fatalf("stage %d does not COPY .ci/apt-packages.txt", n)
	}
	var installs []string
	for _, in := range find(stage, "RUN") {
		for _, part := range strings.Split(in.args, "&&") {
			if strings.Contains(part, "apt-get install") || strings.Contains(part, "apt install") {
				installs = append(installs, part)
			}
		}
	}
	if len(installs) != 1 {
		t.Fatalf("stage %d installs packages in %d places, want exactly 1 (from .ci/apt-packages.txt)", n, len(installs))
	}
	part := installs[0]
	i := strings.LastIndex(part, "| xargs")
	if i < 0 || !strings.Contains(part[:i], dest) {
		t.Fatalf("stage %d: apt-get install does not take its packages from %s: %s", n, dest, part)
	}
	consumer := strings.Fields(part[i+1:])
	if len(consumer) < 3 || consumer[1] != "apt-get" || consumer[2] != "install" {
		t.Fatalf("stage %d: the list goes to %q, want xargs apt-get install", n, strings.Join(consumer, " "))
	}
	for _, a := range consumer[3:] {
		if !strings.HasPrefix(a, "-") {
			t.Errorf("stage %d: apt-get install names a package of its own (%s): add it to .ci/apt-packages.txt instead", n, a)
		}
	}
	producer := strings.ReplaceAll(part[:i], dest, `"$APT_LIST"`)
	cmd := exec.Command("sh", "-c", producer)
	cmd.Env = append(os.Environ(), "APT_LIST="+filepath.Join(root, ".ci/apt-packages.txt"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("stage %d: %s: %v %s", n, producer, err, stderr.String())
	}
	return strings.Fields(string(out))
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// The acceptance test of issue 9: the Dockerfile installs the Makefile's packages.
func TestDockerfileInstallsTheListedPackages(t *testing.T) {
	stages := dockerfile(t)
	pkgs := aptPackages(t)
	var runtime []string
	for _, p := range pkgs {
		if !buildOnly(p) {
			runtime = append(runtime, p)
		}
	}
	if got := installedByStage(t, 1, stages[0]); !slices.Equal(sorted(got), sorted(pkgs)) {
		t.Errorf("the build stage installs %v, want .ci/apt-packages.txt: %v", got, pkgs)
	}
	if got := installedByStage(t, 2, stages[1]); !slices.Equal(sorted(got), sorted(runtime)) {
		t.Errorf("the runtime stage installs %v, want .ci/apt-packages.txt less headers, gcc and pkg-config: %v", got, runtime)
	}
	// What the service cannot run without, named so that a shortened list is noticed.
	for _, p := range []string{"tesseract-ocr", "tesseract-ocr-eng", "tesseract-ocr-spa", "tesseract-ocr-osd", "poppler-utils"} {
		if !slices.Contains(runtime, p) {
			t.Errorf("%s is not installed in the runtime stage", p)
		}
	}
	// The binary links against the build stage's libtesseract: both stages must be the
	// same Debian release.
	release := regexp.MustCompile(`\b(bookworm|trixie|bullseye|forky)\b`)
	var rel []string
	for i, st := range stages {
		m := release.FindString(st[0].args)
		if m == "" {
			t.Errorf("stage %d's base (%s) names no Debian release", i+1, st[0].args)
		}
		rel = append(rel, m)
	}
	if rel[0] != rel[1] {
		t.Errorf("the build stage is Debian %s, the runtime stage %s", rel[0], rel[1])
	}
}

func TestMakefileReadsTheSameList(t *testing.T) {
	mk := readFile(t, "Makefile")
	if !regexp.MustCompile(`(?m)^APT_PACKAGES\s*:?=\s*\$\(shell grep [^\n]*\.ci/apt-packages\.txt\)`).MatchString(mk) {
		t.Fatal("the Makefile's APT_PACKAGES is not read from .ci/apt-packages.txt")
	}
	// The deps recipe: from "deps:" to the next line that is not part of a recipe.
	i := strings.Index(mk, "\ndeps:")
	if i < 0 {
		t.Fatal("the Makefile has no deps target")
	}
	var recipe strings.Builder
	for _, l := range strings.Split(mk[i+1:], "\n")[1:] {
		if !strings.HasPrefix(l, "\t") {
			break
		}
		recipe.WriteString(l + "\n")
	}
	if r := recipe.String(); !strings.Contains(r, "$(APT_PACKAGES)") {
		t.Fatalf("the deps recipe does not install $(APT_PACKAGES):\n%s", r)
	}
	// And what make itself makes of it, when make is here: the commands deps runs install
	// every package of the list with apt-get.
	if _, err := exec.LookPath("make"); err != nil {
		t.Log("no make here; the Makefile was checked as text only")
		return
	}
	dry, err := exec.Command("make", "-n", "--no-print-directory", "-C", root, "deps").Output()
	if err != nil {
		t.Fatalf("make -n deps: %v", err)
	}
	if !strings.Contains(string(dry), "apt-get install") {
		t.Errorf("make deps would not run apt-get install:\n%s", dry)
	}
	for _, p := range aptPackages(t) {
		if !strings.Contains(string(dry), " "+p+" ") && !strings.Contains(string(dry), " "+p+";") {
			t.Errorf("make deps does not look for %s", p)
		}
	}
	cmd := exec.Command("make", "-s", "--no-print-directory", "-C", root,
		"--eval", "deploy-test-apt-packages: ; @echo $(APT_PACKAGES)", "deploy-test-apt-packages")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("make: %v", err)
	}
	if got, want := strings.Fields(string(out)), aptPackages(t); !slices.Equal(got, want) {
		t.Errorf("make's APT_PACKAGES is %v, want %v", got, want)
	}
}

func TestDockerfileRuntime(t *testing.T) {
	stages := dockerfile(t)
	rt := stages[1]
	last := func(cmd string) string {
		ins := find(rt, cmd)
		if len(ins) == 0 {
			t.Fatalf("the runtime stage has no %s", cmd)
		}
		return ins[len(ins)-1].args
	}

	user, _, _ := strings.Cut(last("USER"), ":")
	if user == "" || user == "root" || user == "0" {
		t.Errorf("the image runs as %q, want a user other than root", user)
	}
	// Nothing after USER may switch back.
	seenUser := false
	for _, in := range rt {
		if in.cmd == "USER" {
			seenUser = true
		} else if seenUser && in.cmd == "RUN" {
			t.Errorf("line %d: RUN after USER", in.line)
		}
	}

	var volumes []string
	for _, in := range find(rt, "VOLUME") {
		if v := execForm(in.args); v != nil {
			volumes = append(volumes, v...)
		} else {
			volumes = append(volumes, strings.Fields(in.args)...)
		}
	}
	for _, want := range []string{"/var/lib/intake", "/srv/intake/mail", "/srv/intake/fax"} {
		if !slices.Contains(volumes, want) {
			t.Errorf("no VOLUME for %s (volumes: %v)", want, volumes)
		}
	}

	hc := last("HEALTHCHECK")
	_, cmdPart, ok := strings.Cut(hc, "CMD ")
	hcCmd := execForm(strings.TrimSpace(cmdPart))
	if !ok || !slices.Equal(hcCmd, []string{"intake", "healthcheck", "--url", "http://127.0.0.1:8080/healthz"}) {
		t.Errorf("HEALTHCHECK %s: want CMD [\"intake\", \"healthcheck\", \"--url\", \"http://127.0.0.1:8080/healthz\"] (exec form: the image has no curl)", hc)
	}
	for _, tool := range []string{"curl", "wget"} {
		if strings.Contains(hc, tool) {
			t.Errorf("HEALTHCHECK uses %s, which the image does not have", tool)
		}
	}

	env := map[string]string{}
	for _, in := range find(rt, "ENV") {
		for _, kv := range strings.Fields(in.args) {
			if k, v, ok := strings.Cut(kv, "="); ok {
				env[k] = strings.Trim(v, `"`)
			}
		}
	}
	if env["OMP_THREAD_LIMIT"] != "1" {
		t.Errorf("ENV OMP_THREAD_LIMIT is %q, want 1", env["OMP_THREAD_LIMIT"])
	}

	if got := execForm(last("ENTRYPOINT")); !slices.Equal(got, []string{"intake"}) {
		t.Errorf("ENTRYPOINT %v, want [\"intake\"]", got)
	}
	if got := execForm(last("CMD")); !slices.Equal(got, []string{"run", "--config", "/etc/intake/intake.toml"}) {
		t.Errorf("CMD %v, want [\"run\", \"--config\", \"/etc/intake/intake.toml\"]", got)
	}
	for _, st := range stages {
		for _, in := range find(st, "EXPOSE") {
			t.Errorf("line %d: EXPOSE %s: the health and metrics port is not for the public", in.line, in.args)
		}
	}
	// Every file the build copies from the repository must be there (a missing one fails
	// docker build).
	for _, st := range stages {
		for _, in := range find(st, "COPY") {
			f := strings.Fields(in.args)
			if len(f) < 2 || strings.HasPrefix(f[0], "--from") {
				continue
			}
			for _, src := range f[:len(f)-1] {
				if _, err := os.Stat(filepath.Join(root, src)); err != nil {
					t.Errorf("line %d: COPY %s: %v", in.line, src, err)
				}
			}
		}
	}
}

// unit reads a systemd unit file: section -> key -> values, in order.
func unit(t *testing.T, text string) map[string]map[string][]string {
	t.Helper()
	u := map[string]map[string][]string{}
	section := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimSpace(sc.Text())
		switch {
		case l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, ";"):
		case strings.HasPrefix(l, "[") && strings.HasSuffix(l, "]"):
			section = l[1 : len(l)-1]
			if u[section] == nil {
				u[section] = map[string][]string{}
			}
		default:
			k, v, ok := strings.Cut(l, "=")
			if !ok || section == "" || strings.TrimSpace(k) == "" {
				t.Fatalf("deploy/intake.service line %d is neither a section, a comment nor Key=Value: %s", n, l)
			}
			if strings.HasSuffix(v, `\`) {
				t.Fatalf("deploy/intake.service line %d: continued lines are not expected", n)
			}
			k = strings.TrimSpace(k)
			u[section][k] = append(u[section][k], strings.TrimSpace(v))
		}
	}
	return u
}

func TestSystemdUnit(t *testing.T) {
	text := readFile(t, "deploy/intake.service")
	u := unit(t, text)
	svc := u["Service"]
	if svc == nil {
		t.Fatal("no [Service] section")
	}
	one := func(k string) string {
		v := svc[k]
		if len(v) == 0 {
			t.Errorf("[Service] has no %s", k)
			return ""
		}
		return v[len(v)-1]
	}
	want := map[string]string{
		"User":                    "intake",
		"Restart":                 "on-failure",
		"UMask":                   "0027",
		"EnvironmentFile":         "-/etc/intake/intake.env",
		"ProtectSystem":           "strict",
		"ProtectHome":             "yes",
		"PrivateTmp":              "yes",
		"NoNewPrivileges":         "yes",
		"PrivateDevices":          "yes",
		"ProtectKernelTunables":   "yes",
		"ProtectKernelModules":    "yes",
		"ProtectKernelLogs":       "yes",
		"ProtectControlGroups":    "yes",
		"RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6",
		"RestrictNamespaces":      "yes",
		"LockPersonality":         "yes",
		"MemoryDenyWriteExecute":  "yes",
		"SystemCallFilter":        "@system-service",
		"CapabilityBoundingSet":   "", // empty: no capabilities at all
	}
	for k, v := range want {
		if got := one(k); got != v {
			t.Errorf("%s=%s, want %s=%s", k, got, k, v)
		}
	}
	exe := strings.Fields(one("ExecStart"))
	if len(exe) < 2 || exe[0] != "/usr/local/bin/intake" || exe[1] != "run" {
		t.Errorf("ExecStart=%s, want /usr/local/bin/intake run ...", strings.Join(exe, " "))
	}
	if !strings.Contains(strings.Join(exe, " "), "--config /etc/intake/intake.toml") {
		t.Errorf("ExecStart does not read /etc/intake/intake.toml")
	}
	for _, a := range exe {
		if strings.HasPrefix(a, "--db") || strings.Contains(strings.ToLower(a), "password") {
			t.Errorf("ExecStart has %s: the store and its password belong in the configuration and the environment file", a)
		}
	}
	if !slices.Contains(svc["Environment"], "OMP_THREAD_LIMIT=1") {
		t.Errorf("Environment=%v, want OMP_THREAD_LIMIT=1", svc["Environment"])
	}
	rw := strings.Fields(strings.Join(svc["ReadWritePaths"], " "))
	for _, p := range []string{"/var/lib/intake", "/srv/intake"} {
		if !slices.Contains(rw, p) {
			t.Errorf("ReadWritePaths=%v lacks %s", rw, p)
		}
	}
	// The stop timeout must outlast the configuration's grace, a little.
	grace := 30 * time.Second
	if m := regexp.MustCompile(`(?m)^\s*grace\s*=\s*"([^"]+)"`).FindStringSubmatch(readFileIfAny(filepath.Join(root, "intake.example.toml"))); m != nil {
		if d, err := time.ParseDuration(m[1]); err == nil {
			grace = d
		}
	}
	stop, err := time.ParseDuration(strings.ReplaceAll(one("TimeoutStopSec"), " ", ""))
	if err != nil {
		t.Errorf("TimeoutStopSec=%s: %v", one("TimeoutStopSec"), err)
	} else if stop <= grace || stop > grace+time.Minute {
		t.Errorf("TimeoutStopSec=%s, want a little more than the grace period (%s)", stop, grace)
	}
	if got := u["Install"]["WantedBy"]; !slices.Equal(got, []string{"multi-user.target"}) {
		t.Errorf("[Install] WantedBy=%v, want multi-user.target", got)
	}

	// systemd's own parser, when it is here: it warns about unknown keys and bad values.
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		return
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "intake.service")
	// verify also wants the program to exist; any executable stands in for it.
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(text, "/usr/local/bin/intake", sh)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("systemd-analyze", "verify", path).CombinedOutput()
	if bytes.Contains(out, []byte(path)) || bytes.Contains(out, []byte("intake.service:")) {
		t.Errorf("systemd-analyze verify:\n%s", out)
	} else if err != nil {
		t.Logf("systemd-analyze verify could not run here (%v): %s", err, out)
	}
}

func readFileIfAny(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

// The hook scripts, their syntax checked by sh -n (and by shellcheck when it is here).
var hooks = []string{"deploy/hylafax/faxrcvd", "deploy/asterisk/fax-to-inbox.sh"}

func TestHookSyntax(t *testing.T) {
	for _, h := range hooks {
		path := filepath.Join(root, h)
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o111 == 0 {
			t.Errorf("%s is not executable", h)
		}
		if !strings.HasPrefix(readFile(t, h), "#!/bin/sh\n") {
			t.Errorf("%s does not start with #!/bin/sh", h)
		}
		if out, err := exec.Command("sh", "-n", path).CombinedOutput(); err != nil {
			t.Errorf("sh -n %s: %v\n%s", h, err, out)
		}
		if _, err := exec.LookPath("shellcheck"); err == nil {
			if out, err := exec.Command("shellcheck", "-s", "sh", "-S", "warning", path).CombinedOutput(); err != nil {
				t.Errorf("shellcheck %s:\n%s", h, out)
			}
		}
	}
}

// Hostile values: quotes, a command to wipe the disk (GNU rm refuses "/" anyway), and
// commands that would leave a file named pwned-* in the working folder if a shell ever
// ran them.
const (
	hostileCaller   = `+1 (619) 555-0100'; rm -rf / # $(touch pwned-a) ` + "`touch pwned-b`"
	hostileNoDigits = `'; rm -rf / #`
	hostileText     = `ACME "Med" \ '; rm -rf / # $(touch pwned-c) ` + "`touch pwned-d`" + `; touch "pwned-e"`
)

const zoneName = "America/Los_Angeles"

func zone(t *testing.T) *time.Location {
	t.Helper()
	// The scripts' date command needs the system's time zone files, not Go's copy.
	if _, err := os.Stat("/usr/share/zoneinfo/" + zoneName); err != nil {
		t.Skipf("no time zone data for %s on this machine: %v", zoneName, err)
	}
	z, err := time.LoadLocation(zoneName)
	if err != nil {
		t.Skip(err)
	}
	return z
}

// writeTIFF writes a small TIFF with HylaFAX's tags: the sending station's id and the
// receive time. Enough for source.Describe; no image.
func writeTIFF(t *testing.T, path, csid, dateTime string) []byte {
	t.Helper()
	var b bytes.Buffer
	le := binary.LittleEndian
	vals := []struct {
		tag uint16
		s   string
	}{{270, csid + "\x00"}, {306, dateTime + "\x00"}}
	b.WriteString("II*\x00")
	binary.Write(&b, le, uint32(8))
	binary.Write(&b, le, uint16(len(vals)))
	off := uint32(8 + 2 + 12*len(vals) + 4)
	for _, v := range vals {
		binary.Write(&b, le, v.tag)
		binary.Write(&b, le, uint16(2)) // ASCII
		binary.Write(&b, le, uint32(len(v.s)))
		binary.Write(&b, le, off)
		off += uint32(len(v.s))
	}
	binary.Write(&b, le, uint32(0)) // no next directory
	for _, v := range vals {
		b.WriteString(v.s)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// runHook runs a hook with sh (POSIX, not bash) in dir, with a clean environment.
func runHook(t *testing.T, dir, script string, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command("sh", append([]string{filepath.Join(must(filepath.Abs(root)), script)}, args...)...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + dir, "TZ=" + zoneName,
		"INTAKE_FAX_SYSLOG=no"}, env...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &ee):
		return ee.ExitCode(), string(out)
	}
	t.Fatalf("%s: %v", script, err)
	return 0, ""
}

func must(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}

// tree lists every file and folder under dir (relative paths).
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			out = append(out, must(filepath.Rel(dir, p)))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// noInjection fails when a hostile value was run as a command.
func noInjection(t *testing.T, dir string) {
	t.Helper()
	for _, p := range tree(t, dir) {
		if strings.Contains(p, "pwned") {
			t.Errorf("%s exists: a caller id was run as a command", p)
		}
	}
}

// delivered checks one fax the hook delivered: the TIFF under its final name, unchanged,
// not readable by others, with its sidecar, and returns what the watcher's source package
// makes of it.
func delivered(t *testing.T, inbox, name string, tiff []byte) source.Meta {
	t.Helper()
	path := filepath.Join(inbox, name)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the fax was not delivered as %s: %v (inbox: %v)", name, err, tree(t, inbox))
	}
	if !bytes.Equal(b, tiff) {
		t.Errorf("%s differs from the fax received", name)
	}
	for _, p := range []string{path, path + ".json"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o007 != 0 {
			t.Errorf("%s has mode %v: scans hold health information, others must not read them", filepath.Base(p), fi.Mode().Perm())
		}
	}
	raw, err := os.ReadFile(path + ".json")
	if err != nil {
		t.Fatalf("no sidecar %s.json: %v", name, err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("the sidecar is not JSON: %v\n%s", err, raw)
	}
	meta, err := source.Describe(path, source.Hints{Channel: source.ChannelFax}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if meta.SidecarError != "" {
		t.Errorf("the sidecar was not read cleanly: %s\n%s", meta.SidecarError, raw)
	}
	if meta.Sidecar != path+".json" || meta.ReceivedVia != source.ViaSidecar || meta.Fax == nil {
		t.Fatalf("the received time does not come from the sidecar: %+v\n%s", meta, raw)
	}
	return meta
}

func TestHylaFAXHook(t *testing.T) {
	z := zone(t)
	dir := t.TempDir()
	spool := filepath.Join(dir, "spool")
	inbox := filepath.Join(dir, "inbox")
	if err := os.Mkdir(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	tiff := writeTIFF(t, filepath.Join(spool, "recvq/fax000001.tif"), "TIFF CSID", "2026:01:01 00:00:00")
	// A stand-in for HylaFAX's faxinfo, its output shaped like the real one's.
	faxinfo := filepath.Join(dir, "faxinfo")
	script := "#!/bin/sh\ncat <<'EOF'\n    Sender: " + hostileText + "\n     Pages: 3\n   Quality: Fine\n" +
		"      Page: North American Letter\n  Received: 2026:11:02 08:13:30\nTimeToRecv: 0:39\nEOF\n"
	if err := os.WriteFile(faxinfo, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"INTAKE_FAX_INBOX=" + inbox, "INTAKE_FAXINFO=" + faxinfo}
	before := tree(t, spool)

	t.Run("faxinfo", func(t *testing.T) {
		// The same fax twice: the second, with the same time and caller, takes a new name.
		for i := range 2 {
			if code, out := runHook(t, spool, "deploy/hylafax/faxrcvd", env,
				"recvq/fax000001.tif", "ttyS0", "000000123", "", hostileCaller, `EVIL "NAME" $(touch pwned-f)`, "(916) 555-2000"); code != 0 {
				t.Fatalf("run %d: exit %d: %s", i+1, code, out)
			}
		}
		stem := "20261102-081330-+16195550100-9165552000"
		for _, name := range []string{stem + ".tif", stem + "-2.tif"} {
			m := delivered(t, inbox, name, tiff)
			if want := time.Date(2026, 11, 2, 8, 13, 30, 0, z); !m.ReceivedAt.Equal(want) {
				t.Errorf("%s: received %s, want %s", name, m.ReceivedAt, want)
			}
			f := m.Fax
			if f.CallerNumber != "6195550100" || f.CalledNumber != "9165552000" || f.Pages != 3 || f.Status != source.StatusOK || m.Partial {
				t.Errorf("%s: fax metadata %+v", name, *f)
			}
			if f.CSID != hostileText {
				t.Errorf("%s: csid %q, want %q", name, f.CSID, hostileText)
			}
			if f.Extra["fax_server"] != "hylafax" || f.Extra["commid"] != "000000123" || f.Extra["device"] != "ttyS0" {
				t.Errorf("%s: extra keys %v", name, f.Extra)
			}
		}
		if !source.NamedByFaxServer(filepath.Join(inbox, stem+".tif")) {
			t.Errorf("%s.tif does not follow the fax server's naming convention", stem)
		}
	})

	t.Run("no faxinfo, no caller number, broken call", func(t *testing.T) {
		env := []string{"INTAKE_FAX_INBOX=" + inbox, "INTAKE_FAXINFO=" + filepath.Join(dir, "missing")}
		start := time.Now().Truncate(time.Second)
		code, out := runHook(t, spool, "deploy/hylafax/faxrcvd", env,
			"recvq/fax000001.tif", "ttyS1", "000000124", "RSPREC error/got DCN", hostileNoDigits)
		end := time.Now()
		if code != 0 {
			t.Fatalf("exit %d: %s", code, out)
		}
		var name string
		for _, p := range tree(t, inbox) {
			if strings.HasSuffix(p, "-unknown.tif") {
				name = p
			}
		}
		if name == "" {
			t.Fatalf("no YYYYMMDD-HHMMSS-unknown.tif in %v", tree(t, inbox))
		}
		m := delivered(t, inbox, name, tiff)
		if m.ReceivedAt.Before(start) || m.ReceivedAt.After(end) {
			t.Errorf("received %s, want the time the hook ran (%s to %s)", m.ReceivedAt, start, end)
		}
		if want := m.ReceivedAt.In(z).Format("20060102-150405") + "-unknown.tif"; name != want {
			t.Errorf("named %s, want %s", name, want)
		}
		f := m.Fax
		if f.CallerNumber != "" || f.Status != source.StatusPartial || !m.Partial || f.Extra["caller_id"] != hostileNoDigits {
			t.Errorf("fax metadata %+v", *f)
		}
		if f.CSID != "TIFF CSID" { // no csid in the sidecar: the TIFF's tag
			t.Errorf("csid %q, want the TIFF's", f.CSID)
		}
	})

	t.Run("nothing received", func(t *testing.T) {
		n := len(tree(t, inbox))
		if code, out := runHook(t, spool, "deploy/hylafax/faxrcvd", env, "recvq/fax000099.tif", "ttyS0", "000000125", "No carrier"); code != 0 {
			t.Errorf("exit %d: %s", code, out)
		}
		if len(tree(t, inbox)) != n {
			t.Errorf("something was delivered for a call that left no document")
		}
	})

	t.Run("inbox missing", func(t *testing.T) {
		env := []string{"INTAKE_FAX_INBOX=" + filepath.Join(dir, "no-such-inbox")}
		if code, _ := runHook(t, spool, "deploy/hylafax/faxrcvd", env, "recvq/fax000001.tif", "ttyS0", "000000126", "", "6195550100"); code != 1 {
			t.Errorf("exit %d, want 1 (not delivered)", code)
		}
	})

	// HylaFAX's copy stays; nothing else appeared anywhere, and no temporary file is left.
	if got := tree(t, spool); !slices.Equal(got, before) {
		t.Errorf("the spool changed: %v, was %v", got, before)
	}
	for _, p := range tree(t, inbox) {
		if strings.HasPrefix(filepath.Base(p), ".") || strings.HasSuffix(p, ".tmp") {
			t.Errorf("%s left in the inbox", p)
		}
	}
	if got := tree(t, dir); len(got) != len(tree(t, spool))+len(tree(t, inbox))+3 { // spool, inbox, faxinfo
		t.Errorf("files outside the spool and the inbox: %v", got)
	}
	noInjection(t, dir)
}

func TestAsteriskHook(t *testing.T) {
	z := zone(t)
	dir := t.TempDir()
	spool := filepath.Join(dir, "spool")
	inbox := filepath.Join(dir, "inbox")
	if err := os.Mkdir(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"INTAKE_FAX_INBOX=" + inbox}
	const script = "deploy/asterisk/fax-to-inbox.sh"

	t.Run("complete fax", func(t *testing.T) {
		file := filepath.Join(spool, "1793632410.7.tif")
		tiff := writeTIFF(t, file, "TIFF CSID", "2026:01:01 00:00:00")
		at := time.Date(2026, 11, 2, 8, 13, 30, 0, z)
		code, out := runHook(t, spool, script, env, file, "status=SUCCESS", "pages=2", "caller="+hostileCaller,
			"called=9165552000", "csid="+hostileText, "received="+itoa(at.Unix()), "id=1793632410.7")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, out)
		}
		m := delivered(t, inbox, "20261102-081330-+16195550100-9165552000.tif", tiff)
		f := m.Fax
		if !m.ReceivedAt.Equal(at) || f.CallerNumber != "6195550100" || f.CalledNumber != "9165552000" ||
			f.Pages != 2 || f.Status != source.StatusOK || f.CSID != hostileText || f.Extra["uniqueid"] != "1793632410.7" {
			t.Errorf("meta %+v, fax %+v", m, *f)
		}
		if _, err := os.Stat(file); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the spooled copy is still there after delivery (%v)", err)
		}
	})

	t.Run("broken call, no caller number", func(t *testing.T) {
		file := filepath.Join(spool, "1793632411.8.tif")
		tiff := writeTIFF(t, file, "TIFF CSID", "2026:01:01 00:00:00")
		start := time.Now().Truncate(time.Second)
		code, out := runHook(t, spool, script, env, file, "status=FAILED", "pages=1", "caller="+hostileNoDigits, "error=LOST CARRIER", "stray")
		end := time.Now()
		if code != 0 {
			t.Fatalf("exit %d: %s", code, out)
		}
		var name string
		for _, p := range tree(t, inbox) {
			if strings.HasSuffix(p, "-unknown.tif") {
				name = p
			}
		}
		if name == "" {
			t.Fatalf("no YYYYMMDD-HHMMSS-unknown.tif in %v", tree(t, inbox))
		}
		m := delivered(t, inbox, name, tiff)
		if m.ReceivedAt.Before(start) || m.ReceivedAt.After(end) {
			t.Errorf("received %s, want the time the hook ran", m.ReceivedAt)
		}
		if want := m.ReceivedAt.In(z).Format("20060102-150405") + "-unknown.tif"; name != want {
			t.Errorf("named %s, want %s", name, want)
		}
		if f := m.Fax; f.Status != source.StatusPartial || f.CallerNumber != "" || f.Extra["caller_id"] != hostileNoDigits || f.Extra["error"] != "LOST CARRIER" {
			t.Errorf("fax %+v", *f)
		}
	})

	t.Run("inbox missing", func(t *testing.T) {
		file := filepath.Join(spool, "1793632412.9.tif")
		writeTIFF(t, file, "TIFF CSID", "2026:01:01 00:00:00")
		env := []string{"INTAKE_FAX_INBOX=" + filepath.Join(dir, "no-such-inbox")}
		if code, _ := runHook(t, spool, script, env, file, "status=SUCCESS", "caller=6195550100"); code != 1 {
			t.Errorf("exit %d, want 1 (not delivered)", code)
		}
		if _, err := os.Stat(file); err != nil {
			t.Errorf("the fax that could not be delivered is gone from the spool: %v", err)
		}
		os.Remove(file)
	})

	t.Run("nothing received", func(t *testing.T) {
		n := len(tree(t, inbox))
		if code, out := runHook(t, spool, script, env, filepath.Join(spool, "none.tif"), "status=FAILED", "pages=0"); code != 0 {
			t.Errorf("exit %d: %s", code, out)
		}
		if len(tree(t, inbox)) != n {
			t.Errorf("something was delivered for a call that left no document")
		}
	})

	for _, p := range tree(t, inbox) {
		if strings.HasPrefix(filepath.Base(p), ".") || strings.HasSuffix(p, ".tmp") {
			t.Errorf("%s left in the inbox", p)
		}
	}
	if got := tree(t, spool); len(got) != 0 {
		t.Errorf("left in the spool: %v", got)
	}
	if got := tree(t, dir); len(got) != len(tree(t, inbox))+2 { // spool, inbox
		t.Errorf("files outside the spool and the inbox: %v", got)
	}
	noInjection(t, dir)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// The dialplan hands the script only filtered values, each in single quotes, with the
// arguments the script knows; run its System() line as Asterisk would, through sh -c.
func TestAsteriskDialplan(t *testing.T) {
	z := zone(t)
	text := readFile(t, "deploy/asterisk/extensions.conf.sample")
	var lines []string // without comments
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, ";") {
			lines = append(lines, l)
		}
	}
	conf := strings.Join(lines, "\n")
	for _, want := range []string{
		"ReceiveFAX(${INTAKE_FAX_FILE}", "CHANNEL(hangup_handler_push)=intake-fax-done,s,1", "[intake-fax-done]",
		"Set(INTAKE_FAX_AT=${EPOCH})", "Set(INTAKE_FAX_FILE=${INTAKE_FAX_SPOOL}/${INTAKE_FAX_ID}.tif)",
		"INTAKE_FAX_HOOK=/usr/local/libexec/intake/fax-to-inbox.sh", "Return()",
		"${FAXOPT(status)}", "${FAXOPT(pages)}", "${FAXOPT(remotestationid)}", "${CALLERID(num)}",
	} {
		if !strings.Contains(conf, want) {
			t.Errorf("the dialplan lacks %s", want)
		}
	}
	// Values from the network go through FILTER, whose allowed characters include nothing
	// the shell would act on inside single quotes or out of them.
	filtered := map[string]bool{}
	for _, m := range regexp.MustCompile(`Set\((INTAKE_FAX_\w+)=\$\{FILTER\(([^,]*),`).FindAllStringSubmatch(conf, -1) {
		filtered[m[1]] = true
		allowed := strings.NewReplacer(`\x20`, "", `\-`, "").Replace(m[2])
		if strings.ContainsAny(allowed, "'\"`$;|&<>(){}\\!*?[]~#") {
			t.Errorf("FILTER(%s) for %s lets through characters the shell acts on", m[2], m[1])
		}
	}
	// Values Asterisk itself makes (the time, the file name from the filtered unique id)
	// and the configuration's.
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	if err := os.Mkdir(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "spool", "1793632413.10.tif")
	tiff := writeTIFF(t, file, "TIFF CSID", "2026:01:01 00:00:00")
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, z)
	values := map[string]string{
		"INTAKE_FAX_HOOK": filepath.Join(must(filepath.Abs(root)), "deploy/asterisk/fax-to-inbox.sh"),
		"INTAKE_FAX_FILE": file, "INTAKE_FAX_AT": itoa(at.Unix()),
		// What FILTER leaves of the network's values.
		"INTAKE_FAX_STATUS": "SUCCESS", "INTAKE_FAX_PAGES": "4", "INTAKE_FAX_CALLER": "+16195550100",
		"INTAKE_FAX_CALLED": "9165552000", "INTAKE_FAX_CSID": "ACME Fax 1", "INTAKE_FAX_ID": "1793632413.10",
		"INTAKE_FAX_ERROR": "",
	}
	m := regexp.MustCompile(`(?m)System\((.*)\)$`).FindStringSubmatch(conf)
	if m == nil {
		t.Fatal("the dialplan has no System()")
	}
	cmdline := m[1]
	for _, ref := range regexp.MustCompile(`\$\{([^}]*)\}`).FindAllStringSubmatch(cmdline, -1) {
		name := ref[1]
		if _, ok := values[name]; !ok {
			t.Fatalf("System() uses ${%s}, which the test does not know", name)
		}
		if !filtered[name] && !slices.Contains([]string{"INTAKE_FAX_HOOK", "INTAKE_FAX_FILE", "INTAKE_FAX_AT"}, name) {
			t.Errorf("${%s} reaches the shell without FILTER()", name)
		}
	}
	// Each argument after the script's path is one single-quoted word.
	args := strings.Fields(cmdline)
	known := map[string]bool{}
	for _, k := range regexp.MustCompile(`(?m)^\t(\w+)=\*\)`).FindAllStringSubmatch(readFile(t, "deploy/asterisk/fax-to-inbox.sh"), -1) {
		known[k[1]] = true
	}
	for _, a := range args[1:] {
		if len(a) < 2 || a[0] != '\'' || a[len(a)-1] != '\'' || strings.Count(a, "'") != 2 {
			t.Errorf("System() argument %s is not one single-quoted word", a)
			continue
		}
		if k, _, ok := strings.Cut(a[1:], "="); ok && !known[k] {
			t.Errorf("System() passes %s=, which fax-to-inbox.sh does not read", k)
		}
	}
	line := regexp.MustCompile(`\$\{([^}]*)\}`).ReplaceAllStringFunc(cmdline, func(s string) string { return values[s[2:len(s)-1]] })
	cmd := exec.Command("sh", "-c", line)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TZ=" + zoneName, "INTAKE_FAX_SYSLOG=no", "INTAKE_FAX_INBOX=" + inbox}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", line, err, out)
	}
	meta := delivered(t, inbox, "20261102-090000-+16195550100-9165552000.tif", tiff)
	if f := meta.Fax; !meta.ReceivedAt.Equal(at) || f.Pages != 4 || f.CSID != "ACME Fax 1" || f.Status != source.StatusOK {
		t.Errorf("meta %+v, fax %+v", meta, *f)
	}
}
