package kv_test

import (
	"context"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/storage/kv"
	"github.com/profhub/profhub/internal/storage/kv/kvtest"
)

func TestKeysArePrefixedAndExpire(t *testing.T) {
	ctx := context.Background()
	c := kvtest.Open(t)
	k := c.Key("line", "{42}", "queue")
	if k != c.Prefix()+"line:{42}:queue" {
		t.Fatalf("Key = %q", k)
	}
	if err := c.Set(ctx, k, "v", 200*time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Get(ctx, k).Result(); err != nil || v != "v" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	// TTLs must run by themselves in the embedded server too: login
	// throttling and offers rely on it.
	deadline := time.Now().Add(3 * time.Second)
	for c.Exists(ctx, k).Val() == 1 {
		if time.Now().After(deadline) {
			t.Fatal("key did not expire")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestDeletePrefixLeavesOtherInstallations(t *testing.T) {
	ctx := context.Background()
	a := kvtest.Open(t)
	other, err := kv.Open(ctx, kvtest.URL(), kvtest.NewPrefix())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = other.DeletePrefix(ctx); other.Close() }()
	if a.Embedded() {
		// Two embedded clients are two servers; share the first one.
		t.Skip("isolation between installations needs one shared Redis")
	}
	for i := range 1200 {
		a.Set(ctx, a.Key("k", string(rune('a'+i%26)), time.Now().String()), 1, 0)
	}
	other.Set(ctx, other.Key("keep"), 1, 0)
	if err := a.DeletePrefix(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(a.Keys(ctx, a.Prefix()+"*").Val()); n != 0 {
		t.Fatalf("%d keys left under prefix", n)
	}
	if other.Exists(ctx, other.Key("keep")).Val() != 1 {
		t.Fatal("DeletePrefix removed another installation's key")
	}
}

func TestOpenRefusesUnreachableRedis(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := kv.Open(ctx, "redis://127.0.0.1:1/0", "x:"); err == nil {
		t.Fatal("Open succeeded against a closed port")
	}
}
