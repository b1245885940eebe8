package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	c, err := Load(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != ":8080" || c.DataDir != "./data" || !c.EmbeddedSQL() || !c.EmbeddedRedis() ||
		c.BlobDir != filepath.Join("data", "blobs") || c.SessionTTL != 12*time.Hour || c.RedisPrefix != "profhub:" {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestEnvironmentAndFlags(t *testing.T) {
	env := []string{"PROFHUB_LISTEN=:9000", "PROFHUB_DATABASE_URL=postgres://u:secret@db/profhub", "PROFHUB_TEST_REDIS_URL=ignored",
		"PROFHUB_REDIS_URL=redis://:pw@r:6379/0", "PATH=/bin"}
	c, err := Load(env, []string{"--listen", ":9100", "--log-format=json"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != ":9100" || c.LogFormat != "json" || c.EmbeddedSQL() {
		t.Fatalf("flags over env: %+v", c)
	}
	dump := strings.Join(c.Dump(), "\n")
	if strings.Contains(dump, "secret") || strings.Contains(dump, ":pw@") {
		t.Fatalf("dump shows a secret:\n%s", dump)
	}
	if !strings.Contains(dump, "PROFHUB_LISTEN=:9100") {
		t.Fatalf("dump lacks a plain value:\n%s", dump)
	}
}

func TestBadValuesNameTheVariable(t *testing.T) {
	tests := []struct {
		env  string
		want string
	}{
		{"PROFHUB_LOG_FORMAT=xml", "PROFHUB_LOG_FORMAT"},
		{"PROFHUB_DATABASE_URL=mysql://x", "PROFHUB_DATABASE_URL"},
		{"PROFHUB_REDIS_URL=http://x", "PROFHUB_REDIS_URL"},
		{"PROFHUB_SESSION_TTL=forever", "PROFHUB_SESSION_TTL"},
		{"PROFHUB_MAX_BODY_BYTES=12", "PROFHUB_MAX_BODY_BYTES"},
		{"PROFHUB_BASE_URL=hub.example.org", "PROFHUB_BASE_URL"},
		{"PROFHUB_TRUST_PROXY=perhaps", "PROFHUB_TRUST_PROXY"},
		{"PROFHUB_DATABSE_URL=postgres://x", "PROFHUB_DATABSE_URL"},
		{"PROFHUB_METRICS_LISTEN=9090", "PROFHUB_METRICS_LISTEN"},
		{"PROFHUB_METRICS_LISTEN=:8080", "PROFHUB_METRICS_LISTEN"}, // the public listener's own address
		{"PROFHUB_METRICS_TOKEN=short", "PROFHUB_METRICS_TOKEN"},
		{"PROFHUB_METRICS_TOKEN=sixteen chars with spaces", "PROFHUB_METRICS_TOKEN"},
	}
	for _, tc := range tests {
		_, err := Load([]string{tc.env}, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to name %s", tc.env, err, tc.want)
		}
	}
	if _, err := Load(nil, []string{"--no-such-flag"}); err == nil {
		t.Error("unknown flag accepted")
	}
}

func TestSecretKeyFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(f, []byte("  k3y\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load([]string{"PROFHUB_SECRET_KEY_FILE=" + f}, nil)
	if err != nil || c.SecretKey != "k3y" {
		t.Fatalf("key from file = %q, %v", c.SecretKey, err)
	}
	if _, err := Load([]string{"PROFHUB_SECRET_KEY_FILE=" + f, "PROFHUB_SECRET_KEY=x"}, nil); err == nil {
		t.Fatal("both key and key file accepted")
	}
}

func TestMetricsSettings(t *testing.T) {
	c, err := Load(nil, nil)
	if err != nil || c.MetricsListen != "" || c.MetricsToken != "" {
		t.Fatalf("metrics must be off by default: %+v %v", c, err)
	}
	c, err = Load([]string{"PROFHUB_METRICS_LISTEN=127.0.0.1:9090", "PROFHUB_METRICS_TOKEN=scrape-token-0123456789"}, nil)
	if err != nil || c.MetricsListen != "127.0.0.1:9090" || c.MetricsToken != "scrape-token-0123456789" {
		t.Fatalf("metrics settings: %+v %v", c, err)
	}
	if dump := strings.Join(c.Dump(), "\n"); strings.Contains(dump, "scrape-token") {
		t.Fatalf("dump shows the metrics token:\n%s", dump)
	}
}
