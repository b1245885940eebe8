// Package kvtest gives tests a Redis client: the real Redis named by
// PROFHUB_TEST_REDIS_URL under a private key prefix (removed when the test
// ends), or the embedded server.
package kvtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/profhub/profhub/internal/storage/kv"
)

// URL is the test Redis, or "" for the embedded server.
func URL() string { return os.Getenv("PROFHUB_TEST_REDIS_URL") }

// NewPrefix returns a key prefix no other test run uses.
func NewPrefix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "test:" + hex.EncodeToString(b) + ":"
}

// Open returns a client with a private prefix.
func Open(t testing.TB) *kv.Client {
	t.Helper()
	c, err := kv.Open(context.Background(), URL(), NewPrefix())
	if err != nil {
		t.Fatalf("kvtest: %v", err)
	}
	t.Cleanup(func() {
		if !c.Embedded() {
			_ = c.DeletePrefix(context.Background())
		}
		c.Close()
	})
	return c
}
