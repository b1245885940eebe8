// Package config reads profhub's settings from PROFHUB_* environment
// variables and command-line flags. Flags win over the environment; both are
// validated once at start, and an error names the variable that is wrong so
// an administrator can fix it without reading code.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is every setting the hub reads at start. It is passed explicitly to
// whoever needs it; there is no global copy.
type Config struct {
	Listen          string
	DataDir         string
	DatabaseURL     string // empty: SQLite file in DataDir
	RedisURL        string // empty: in-process Redis-compatible server
	RedisPrefix     string
	BaseURL         string // public address, e.g. https://hub.example.org
	BlobDir         string
	LogFormat       string // text | json
	LogLevel        string // debug | info | warn | error
	AdminPassword   string // first start only
	SecretKey       string // encrypts channel credentials at rest
	MaxBodyBytes    int64
	SessionTTL      time.Duration
	ShutdownTimeout time.Duration
	TrustProxy      bool // honour X-Forwarded-For / X-Forwarded-Proto
	// WebhooksAllowPrivate lets webhook endpoints be loopback or private
	// addresses (an integration inside the union's own network).
	WebhooksAllowPrivate bool
	// /metrics is served on MetricsListen (a private address) and, when
	// MetricsToken is set, on the public listener to Bearer MetricsToken;
	// with neither it is not served at all.
	MetricsListen string
	MetricsToken  string
	// TimeZone is the installation's zone: pages, exports and letters show
	// dates and times in it, unless a user chose another in the profile.
	TimeZone *time.Location
	// Calls in the chat: STUN/TURN URLs handed to the browsers, and the
	// secret shared with coturn (use-auth-secret) from which the hub makes
	// short-lived TURN credentials.
	ICEServers []string
	TURNURLs   []string
	TURNSecret string
}

// DefaultTimeZone is Orenburg's zone (UTC+5). The IANA database has no
// Europe/Orenburg: the region keeps Yekaterinburg's time.
const DefaultTimeZone = "Asia/Yekaterinburg"

// setting describes one variable: its environment name, flag name, help and
// where it lands in Config.
type setting struct {
	env, flag, help string
	secret          bool
	def             string
	set             func(c *Config, v string) error
	get             func(c *Config) string
}

var settings = []setting{
	{env: "PROFHUB_LISTEN", flag: "listen", def: ":8080", help: "address to listen on",
		set: func(c *Config, v string) error { c.Listen = v; return nil }, get: func(c *Config) string { return c.Listen }},
	{env: "PROFHUB_DATA_DIR", flag: "data-dir", def: "./data", help: "directory for the SQLite file, blobs and other local state",
		set: func(c *Config, v string) error { c.DataDir = v; return nil }, get: func(c *Config) string { return c.DataDir }},
	{env: "PROFHUB_DATABASE_URL", flag: "database-url", secret: true, help: "postgres://… for PostgreSQL; empty for the SQLite file in the data directory",
		set: setDatabaseURL, get: func(c *Config) string { return c.DatabaseURL }},
	{env: "PROFHUB_REDIS_URL", flag: "redis-url", secret: true, help: "redis://, rediss:// or redis+sentinel:// URL; empty for the in-process server (single node)",
		set: setRedisURL, get: func(c *Config) string { return c.RedisURL }},
	{env: "PROFHUB_REDIS_PREFIX", flag: "redis-prefix", def: "profhub:", help: "prefix of every Redis key, so installations can share one Redis",
		set: func(c *Config, v string) error { c.RedisPrefix = v; return nil }, get: func(c *Config) string { return c.RedisPrefix }},
	{env: "PROFHUB_BASE_URL", flag: "base-url", help: "public address of the hub (https://… makes cookies Secure)",
		set: setBaseURL, get: func(c *Config) string { return c.BaseURL }},
	{env: "PROFHUB_BLOB_DIR", flag: "blob-dir", help: "directory for attachments and recordings (default: DATA_DIR/blobs)",
		set: func(c *Config, v string) error { c.BlobDir = v; return nil }, get: func(c *Config) string { return c.BlobDir }},
	{env: "PROFHUB_LOG_FORMAT", flag: "log-format", def: "text", help: "text or json",
		set: oneOf(func(c *Config) *string { return &c.LogFormat }, "text", "json"), get: func(c *Config) string { return c.LogFormat }},
	{env: "PROFHUB_LOG_LEVEL", flag: "log-level", def: "info", help: "debug, info, warn or error",
		set: oneOf(func(c *Config) *string { return &c.LogLevel }, "debug", "info", "warn", "error"), get: func(c *Config) string { return c.LogLevel }},
	{env: "PROFHUB_ADMIN_PASSWORD", flag: "admin-password", secret: true, help: "password of the administrator created on first start (default: a random one printed to the log)",
		set: func(c *Config, v string) error { c.AdminPassword = v; return nil }, get: func(c *Config) string { return c.AdminPassword }},
	{env: "PROFHUB_SECRET_KEY", flag: "secret-key", secret: true, help: "key that encrypts channel credentials at rest (or PROFHUB_SECRET_KEY_FILE)",
		set: func(c *Config, v string) error { c.SecretKey = v; return nil }, get: func(c *Config) string { return c.SecretKey }},
	{env: "PROFHUB_SECRET_KEY_FILE", flag: "secret-key-file", help: "file holding PROFHUB_SECRET_KEY",
		set: setSecretKeyFile, get: func(c *Config) string { return "" }},
	{env: "PROFHUB_MAX_BODY_BYTES", flag: "max-body-bytes", def: "1048576", help: "largest request body accepted by ordinary endpoints",
		set: setMaxBody, get: func(c *Config) string { return strconv.FormatInt(c.MaxBodyBytes, 10) }},
	{env: "PROFHUB_SESSION_TTL", flag: "session-ttl", def: "12h", help: "how long a login session lives without activity",
		set: duration(func(c *Config) *time.Duration { return &c.SessionTTL }), get: func(c *Config) string { return c.SessionTTL.String() }},
	{env: "PROFHUB_SHUTDOWN_TIMEOUT", flag: "shutdown-timeout", def: "20s", help: "how long SIGTERM waits for requests and workers to finish",
		set: duration(func(c *Config) *time.Duration { return &c.ShutdownTimeout }), get: func(c *Config) string { return c.ShutdownTimeout.String() }},
	{env: "PROFHUB_TRUST_PROXY", flag: "trust-proxy", def: "false", help: "trust X-Forwarded-For/-Proto from a reverse proxy in front of the hub",
		set: func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			c.TrustProxy = b
			return err
		}, get: func(c *Config) string { return strconv.FormatBool(c.TrustProxy) }},
	{env: "PROFHUB_WEBHOOKS_ALLOW_PRIVATE", flag: "webhooks-allow-private", def: "false", help: "let webhook endpoints be loopback or private addresses",
		set: func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			c.WebhooksAllowPrivate = b
			return err
		}, get: func(c *Config) string { return strconv.FormatBool(c.WebhooksAllowPrivate) }},
	{env: "PROFHUB_METRICS_LISTEN", flag: "metrics-listen", help: "separate address serving only /metrics, e.g. 127.0.0.1:9090 (default: none)",
		set: setMetricsListen, get: func(c *Config) string { return c.MetricsListen }},
	{env: "PROFHUB_METRICS_TOKEN", flag: "metrics-token", secret: true, help: "Bearer token that /metrics demands; also serves it on the public listener (default: /metrics is not public)",
		set: setMetricsToken, get: func(c *Config) string { return c.MetricsToken }},
	{env: "PROFHUB_TIME_ZONE", flag: "time-zone", def: DefaultTimeZone, help: "IANA time zone of the installation's dates and times (Orenburg: Asia/Yekaterinburg, UTC+5); a user may choose another in the profile",
		set: setTimeZone, get: func(c *Config) string { return c.Zone().String() }},
	{env: "PROFHUB_ICE_SERVERS", flag: "ice-servers", help: "comma-separated STUN URLs for calls in the chat, e.g. stun:turn.example.org:3478 (default: none, calls work on one network)",
		set: func(c *Config, v string) error { c.ICEServers = splitList(v); return nil }, get: func(c *Config) string { return strings.Join(c.ICEServers, ",") }},
	{env: "PROFHUB_TURN_URLS", flag: "turn-urls", help: "comma-separated TURN URLs for calls, e.g. turn:turn.example.org:3478?transport=udp (needs PROFHUB_TURN_SECRET)",
		set: func(c *Config, v string) error { c.TURNURLs = splitList(v); return nil }, get: func(c *Config) string { return strings.Join(c.TURNURLs, ",") }},
	{env: "PROFHUB_TURN_SECRET", flag: "turn-secret", secret: true, help: "coturn's static-auth-secret: the hub hands out short-lived TURN credentials made with it",
		set: func(c *Config, v string) error { c.TURNSecret = v; return nil }, get: func(c *Config) string { return c.TURNSecret }},
}

// splitList reads a comma-separated list, blanks dropped.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Loader collects settings from the environment and from flags registered
// on a FlagSet, so a subcommand can add its own flags to the same set.
type Loader struct {
	values map[string]string
	envErr error
}

// NewLoader reads environ and registers the settings' flags on fs. Call
// Config after fs.Parse. Variables starting with PROFHUB_TEST_ belong to the
// test suite and are ignored; any other unknown PROFHUB_ variable is an
// error, because a misspelt name silently falling back to a default is
// worse than a refusal.
func NewLoader(environ []string, fs *flag.FlagSet) *Loader {
	l := &Loader{values: map[string]string{}}
	for _, s := range settings {
		l.values[s.env] = s.def
	}
	for _, kv := range environ {
		name, val, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "PROFHUB_") || strings.HasPrefix(name, "PROFHUB_TEST_") {
			continue
		}
		if _, known := l.values[name]; !known {
			if l.envErr == nil {
				l.envErr = fmt.Errorf("config: unknown environment variable %s (see `profhub help`)", name)
			}
			continue
		}
		l.values[name] = val
	}
	for _, s := range settings {
		fs.Func(s.flag, s.help+" ["+s.env+"]", func(v string) error {
			l.values[s.env] = v
			return nil
		})
	}
	return l
}

// Config validates the collected values.
func (l *Loader) Config() (*Config, error) {
	if l.envErr != nil {
		return nil, l.envErr
	}
	c := &Config{}
	// Settings are applied in table order, so PROFHUB_SECRET_KEY_FILE (later)
	// can fill SecretKey when the key itself is not given.
	for _, s := range settings {
		if err := s.set(c, l.values[s.env]); err != nil {
			return nil, fmt.Errorf("config: %s (--%s): %w", s.env, s.flag, err)
		}
	}
	if c.BlobDir == "" {
		c.BlobDir = filepath.Join(c.DataDir, "blobs")
	}
	if c.MetricsListen != "" && c.MetricsListen == c.Listen {
		return nil, errors.New("config: PROFHUB_METRICS_LISTEN must differ from PROFHUB_LISTEN (leave it empty and set PROFHUB_METRICS_TOKEN to serve /metrics on the public address)")
	}
	return c, nil
}

// Load reads the environment, then the flags in args (without the program
// name).
func Load(environ []string, args []string) (*Config, error) {
	fs := flag.NewFlagSet("profhub", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	l := NewLoader(environ, fs)
	if err := fs.Parse(args); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("config: unexpected argument %q", fs.Arg(0))
	}
	return l.Config()
}

// Dump lists every setting with its effective value; secrets are masked so
// the output can be pasted into a support request.
func (c *Config) Dump() []string {
	var out []string
	for _, s := range settings {
		v := s.get(c)
		if s.secret && v != "" {
			v = mask(v)
		}
		out = append(out, s.env+"="+v)
	}
	return out
}

// Usage describes every setting, for --help output.
func Usage() []string {
	var out []string
	for _, s := range settings {
		line := fmt.Sprintf("  %-26s --%-18s %s", s.env, s.flag, s.help)
		if s.def != "" {
			line += " (default " + s.def + ")"
		}
		out = append(out, line)
	}
	return out
}

// EmbeddedSQL reports whether the hub runs on its SQLite file.
func (c *Config) EmbeddedSQL() bool { return c.DatabaseURL == "" }

// EmbeddedRedis reports whether the hub runs its own in-process Redis.
func (c *Config) EmbeddedRedis() bool { return c.RedisURL == "" }

// SecureCookies reports whether cookies must carry the Secure flag.
func (c *Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// Zone is TimeZone, or the default zone when the configuration was built
// by hand (tests).
func (c *Config) Zone() *time.Location {
	if c.TimeZone != nil {
		return c.TimeZone
	}
	return DefaultZone()
}

// DefaultZone is DefaultTimeZone, or a fixed UTC+5 where the zone database
// lacks it: the zone of services built without one (tests, the demo).
func DefaultZone() *time.Location { return defaultZone }

var defaultZone = func() *time.Location {
	l, err := time.LoadLocation(DefaultTimeZone)
	if err != nil {
		return time.FixedZone("UTC+5", 5*3600)
	}
	return l
}()

// LoadZone loads an IANA zone by name. The binary embeds the zone
// database (time/tzdata in cmd/profhub), so a host without one works.
// "Local" and "UTC" are refused: the zone must be a place.
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" || name == "UTC" || strings.HasPrefix(name, "/") {
		return nil, fmt.Errorf("%q is not a time zone like Asia/Yekaterinburg", name)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%q is not a time zone like Asia/Yekaterinburg", name)
	}
	return l, nil
}

func setTimeZone(c *Config, v string) error {
	l, err := LoadZone(v)
	if err != nil {
		return err
	}
	c.TimeZone = l
	return nil
}

func mask(v string) string {
	u, err := url.Parse(v)
	if err == nil && u.Scheme != "" && u.Host != "" {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		// Sentinel URLs carry the Redis password in the query string.
		q := u.Query()
		for _, k := range []string{"password", "sentinel_password"} {
			if q.Has(k) {
				q.Set(k, "xxxxx")
			}
		}
		u.RawQuery = q.Encode()
		return u.Redacted()
	}
	return "******"
}

func setDatabaseURL(c *Config, v string) error {
	if v != "" && !strings.HasPrefix(v, "postgres://") && !strings.HasPrefix(v, "postgresql://") {
		return errors.New("must be empty (SQLite) or start with postgres://")
	}
	c.DatabaseURL = v
	return nil
}

func setRedisURL(c *Config, v string) error {
	if v != "" {
		u, err := url.Parse(v)
		if err != nil {
			return err
		}
		if !slices.Contains([]string{"redis", "rediss", "redis+sentinel", "redis+cluster", "unix"}, u.Scheme) {
			return fmt.Errorf("unsupported scheme %q (redis://, rediss://, redis+sentinel://, redis+cluster:// or unix://)", u.Scheme)
		}
	}
	c.RedisURL = v
	return nil
}

func setBaseURL(c *Config, v string) error {
	if v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return errors.New("must be an absolute http:// or https:// address")
		}
		v = strings.TrimRight(v, "/")
	}
	c.BaseURL = v
	return nil
}

func setMetricsListen(c *Config, v string) error {
	if v != "" {
		if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
			return errors.New("must be host:port, e.g. 127.0.0.1:9090")
		}
	}
	c.MetricsListen = v
	return nil
}

// setMetricsToken wants a token long enough not to be guessed: it guards
// figures that reveal the installation's load and layout.
func setMetricsToken(c *Config, v string) error {
	if v != "" && (len(v) < 16 || strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r > '~' })) {
		return errors.New("must have at least 16 printable ASCII characters without spaces")
	}
	c.MetricsToken = v
	return nil
}

func setSecretKeyFile(c *Config, path string) error {
	if path == "" {
		return nil
	}
	if c.SecretKey != "" {
		return errors.New("give PROFHUB_SECRET_KEY or PROFHUB_SECRET_KEY_FILE, not both")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	c.SecretKey = strings.TrimSpace(string(b))
	return nil
}

func setMaxBody(c *Config, v string) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1024 {
		return errors.New("must be a whole number of bytes, at least 1024")
	}
	c.MaxBodyBytes = n
	return nil
}

func oneOf(field func(*Config) *string, allowed ...string) func(*Config, string) error {
	return func(c *Config, v string) error {
		if !slices.Contains(allowed, v) {
			return fmt.Errorf("%q is not one of %s", v, strings.Join(allowed, ", "))
		}
		*field(c) = v
		return nil
	}
}

func duration(field func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("%q is not a positive duration such as 30s or 12h", v)
		}
		*field(c) = d
		return nil
	}
}
