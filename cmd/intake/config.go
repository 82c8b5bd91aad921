package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/robfig/cron/v3"

	"intake/ocr/raster"
	"intake/pipeline/watch"
)

// The configuration: one TOML file (--config, or INTAKE_CONFIG), then the environment, then
// the command line, each overriding the one before; the built-in defaults under them all.
// An unknown key in the file is an error, not a silent no-op: a misspelt limit would
// otherwise leave the default in force without anyone knowing.

// Config is everything intake can be told. Sizes are in MiB; durations are strings such
// as "30s" or "2m".
type Config struct {
	Data           string        `toml:"data"`             // the data folder
	DB             string        `toml:"db"`               // postgres://USER@HOST/DB; empty for the embedded store
	DBPasswordFile string        `toml:"db_password_file"` // a file holding the database password
	DBSSLMode      string        `toml:"db_sslmode"`       // disable, require, verify-ca or verify-full
	Instance       string        `toml:"instance"`         // this instance's name (default: the host name)
	HTTP           string        `toml:"http"`             // address for /healthz, /readyz and /metrics; empty for none
	LogLevel       string        `toml:"log_level"`        // debug, info, warn, error
	Grace          Duration      `toml:"grace"`            // on SIGTERM, how long the workers have to stop
	Files          int           `toml:"files"`            // files processed at once
	Inboxes        []InboxConfig `toml:"inbox"`
	Watch          WatchConfig   `toml:"watch"`
	OCR            OCRConfig     `toml:"ocr"`
	Limits         LimitsConfig  `toml:"limits"`
	Ack            AckConfig     `toml:"ack"`

	// dbPassword comes from INTAKE_DB_PASSWORD or the password file; it is never printed.
	dbPassword string
}

// InboxConfig is one watched folder.
type InboxConfig struct {
	Path    string `toml:"path"`
	Channel string `toml:"channel"` // mail or fax
	Station string `toml:"station"`
}

// WatchConfig is how inboxes are watched.
type WatchConfig struct {
	Settle Duration `toml:"settle"`  // a file is taken once unchanged this long
	Poll   Duration `toml:"poll"`    // look at this interval instead of waiting for events (0: events)
	Rescan Duration `toml:"rescan"`  // a full rescan at this interval
	GiveUp Duration `toml:"give_up"` // a file that never looks complete is taken after this long
}

// OCRConfig is how pages are read.
type OCRConfig struct {
	Workers     int      `toml:"workers"`   // engines (0: one per CPU)
	Languages   []string `toml:"languages"` // Tesseract's names
	PageTimeout Duration `toml:"page_timeout"`
}

// LimitsConfig bounds what one input may cost.
type LimitsConfig struct {
	MaxFileMB     int64    `toml:"max_file_mb"`
	MaxPages      int      `toml:"max_pages"`
	MaxPagePixels int64    `toml:"max_page_pixels"`
	MaxDecodedMB  int64    `toml:"max_decoded_mb"`
	FileTimeout   Duration `toml:"file_timeout"`
}

// AckConfig is the acknowledgement letters' rule and schedule.
type AckConfig struct {
	Schedule     string `toml:"schedule"` // cron, Help Center time; "off" for never
	Days         int    `toml:"days"`
	BusinessDays bool   `toml:"business_days"`
}

// Duration is a time.Duration written as "30s" in the file.
type Duration time.Duration

// UnmarshalText reads "30s", "2m", "1h30m".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration like 30s or 2m", b)
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the duration as time.Duration prints it.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// defaultConfig is the configuration with nothing given.
func defaultConfig() Config {
	return Config{
		Data:     "./intake-data",
		LogLevel: "info",
		Grace:    Duration(30 * time.Second),
		Files:    2,
		Watch: WatchConfig{Settle: Duration(watch.DefaultSettle), Rescan: Duration(watch.DefaultRescan),
			GiveUp: Duration(2 * time.Minute)},
		OCR: OCRConfig{Languages: []string{"eng", "spa"}, PageTimeout: Duration(time.Minute)},
		Limits: LimitsConfig{MaxFileMB: raster.DefaultMaxFileBytes >> 20, MaxPages: raster.DefaultMaxPages,
			MaxPagePixels: raster.DefaultMaxPagePixels, MaxDecodedMB: raster.DefaultMaxDecoded >> 20,
			FileTimeout: Duration(30 * time.Minute)},
		Ack: AckConfig{Schedule: "0 2 * * *", Days: 5},
	}
}

// configPath is the file named by --config in args (either spelling, with = or apart),
// else by INTAKE_CONFIG; "" for none.
func configPath(args []string) string {
	for i, a := range args {
		if a == "--" {
			break
		}
		for _, p := range []string{"--config", "-config"} {
			if v, ok := strings.CutPrefix(a, p+"="); ok {
				return v
			}
			if a == p && i+1 < len(args) {
				return args[i+1]
			}
		}
	}
	return os.Getenv("INTAKE_CONFIG")
}

// loadConfig reads the defaults, then the file (if any), then the environment.
func loadConfig(path string) (Config, error) {
	c := defaultConfig()
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("configuration: %w", err)
		}
		md, err := toml.Decode(string(b), &c)
		if err != nil {
			return c, fmt.Errorf("configuration %s: %w", path, err)
		}
		if hasPassword(c.DB) {
			return c, fmt.Errorf("configuration %s: db holds a password; give it in INTAKE_DB_PASSWORD or db_password_file instead", path)
		}
		if un := md.Undecoded(); len(un) > 0 {
			keys := make([]string, len(un))
			for i, k := range un {
				keys[i] = k.String()
			}
			return c, fmt.Errorf("configuration %s: unknown key(s) %s", path, strings.Join(keys, ", "))
		}
	}
	for env, to := range map[string]*string{
		"INTAKE_DATA": &c.Data, "INTAKE_DB": &c.DB, "INTAKE_DB_PASSWORD_FILE": &c.DBPasswordFile,
		"INTAKE_DB_SSLMODE": &c.DBSSLMode, "INTAKE_INSTANCE": &c.Instance, "INTAKE_HTTP": &c.HTTP,
		"INTAKE_LOG_LEVEL": &c.LogLevel,
	} {
		if v, ok := os.LookupEnv(env); ok {
			*to = v
		}
	}
	c.dbPassword = os.Getenv("INTAKE_DB_PASSWORD")
	return c, nil
}

// hasPassword says whether the store's address holds a password.
func hasPassword(dsn string) bool {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return false
	}
	_, has := u.User.Password()
	return has
}

// finish reads the password file when no password came from the environment.
func (c *Config) finish() error {
	if c.dbPassword == "" && c.DBPasswordFile != "" {
		b, err := os.ReadFile(c.DBPasswordFile)
		if err != nil {
			return fmt.Errorf("the database password file: %w", err)
		}
		c.dbPassword = strings.TrimRight(string(b), "\r\n")
	}
	return nil
}

// dsn is the store's address as it is opened: the password and the TLS mode put in.
func (c *Config) dsn() (string, error) {
	if c.DB == "" {
		return "", nil
	}
	u, err := url.Parse(c.DB)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", errors.New("db must be a URL like postgres://intake@db.example/intake")
	}
	if c.dbPassword != "" {
		name := "intake"
		if u.User != nil {
			name = u.User.Username()
		}
		u.User = url.UserPassword(name, c.dbPassword)
	}
	if c.DBSSLMode != "" {
		q := u.Query()
		q.Set("sslmode", c.DBSSLMode)
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

// Validate lists everything wrong with the configuration, as sentences.
func (c *Config) Validate(service bool) []string {
	var errs []string
	bad := func(f string, a ...any) { errs = append(errs, fmt.Sprintf(f, a...)) }
	if c.Data == "" {
		bad("data: a data folder is needed")
	}
	if c.DB != "" {
		u, err := url.Parse(c.DB)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			bad("db: must be a URL like postgres://intake@db.example/intake")
		}
	}
	if c.DBSSLMode != "" && !slices.Contains([]string{"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}, c.DBSSLMode) {
		bad("db_sslmode: %q is none of disable, require, verify-ca, verify-full", c.DBSSLMode)
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, strings.ToLower(c.LogLevel)) {
		bad("log_level: %q is none of debug, info, warn, error", c.LogLevel)
	}
	if c.Files < 1 {
		bad("files: at least 1")
	}
	if c.OCR.Workers < 0 {
		bad("ocr.workers: 0 (one per CPU) or more")
	}
	if len(c.OCR.Languages) == 0 {
		bad("ocr.languages: at least one")
	}
	for name, d := range map[string]Duration{"grace": c.Grace, "watch.settle": c.Watch.Settle, "watch.rescan": c.Watch.Rescan,
		"watch.give_up": c.Watch.GiveUp, "ocr.page_timeout": c.OCR.PageTimeout, "limits.file_timeout": c.Limits.FileTimeout} {
		if d <= 0 {
			bad("%s: must be more than 0", name)
		}
	}
	if c.Watch.Poll < 0 {
		bad("watch.poll: 0 (events) or more")
	}
	if c.Limits.MaxFileMB < 1 || c.Limits.MaxPages < 1 || c.Limits.MaxPagePixels < 1 || c.Limits.MaxDecodedMB < 1 {
		bad("limits: every limit must be at least 1")
	}
	if c.Ack.Days < 1 {
		bad("ack.days: at least 1")
	}
	if c.Ack.Schedule != "off" {
		if _, err := cron.ParseStandard(c.Ack.Schedule); err != nil {
			bad("ack.schedule: %q is not a cron schedule like \"0 2 * * *\" (or \"off\")", c.Ack.Schedule)
		}
	}
	if service {
		if len(c.Inboxes) == 0 {
			bad("inbox: at least one inbox to watch")
		}
		seen := map[string]bool{}
		for i, in := range c.Inboxes {
			where := fmt.Sprintf("inbox %d (%s)", i+1, in.Path)
			if in.Channel != "" && in.Channel != "mail" && in.Channel != "fax" {
				bad("%s: channel %q is neither mail nor fax", where, in.Channel)
			}
			abs, _ := filepath.Abs(in.Path)
			if seen[abs] {
				bad("%s: given twice", where)
			}
			seen[abs] = true
			if st, err := os.Stat(in.Path); err != nil || !st.IsDir() {
				bad("%s: not a folder that can be read", where)
			}
		}
	}
	return errs
}

// print writes the configuration as TOML, the secrets masked.
func (c Config) print(w io.Writer) error {
	if u, err := url.Parse(c.DB); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			c.DB = u.String()
		}
	}
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(c); err != nil {
		return err
	}
	if c.dbPassword != "" {
		fmt.Fprintln(w, "# the database password is set (from the environment or db_password_file); not shown")
	}
	_, err := w.Write(b.Bytes())
	return err
}

// cmdConfig: intake config check [--config FILE] [the flags of intake run].
func cmdConfig(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprintln(stderr, "usage: intake config check [--config FILE] [flags of intake run]")
		return 2
	}
	args = args[1:]
	fl := flag.NewFlagSet("intake config check", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var c common
	if err := c.register(fl, args); err != nil {
		fmt.Fprintf(stderr, "intake config check: %v\n", err)
		return 2
	}
	c.registerService(fl)
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if errs := c.problems(true); len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintln(stderr, "intake config check:", e)
		}
		return 1
	}
	if err := c.cfg.print(stdout); err != nil {
		fmt.Fprintf(stderr, "intake config check: %v\n", err)
		return 1
	}
	return 0
}

// String is the duration as time.Duration prints it.
func (d Duration) String() string { return time.Duration(d).String() }
