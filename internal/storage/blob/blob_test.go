package blob

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDirRoundTripAndLimits(t *testing.T) {
	ctx := context.Background()
	d, err := NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	info, err := d.Put(ctx, strings.NewReader("запись разговора"), 1024)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != int64(len("запись разговора")) || len(info.SHA256) != 64 {
		t.Fatalf("info = %+v", info)
	}
	f, err := d.Open(ctx, info.Key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(int64(len("запись ")), io.SeekStart); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(f)
	f.Close()
	if string(rest) != "разговора" {
		t.Fatalf("read after seek = %q", rest)
	}

	if _, err := d.Put(ctx, strings.NewReader(strings.Repeat("x", 11)), 10); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized put: %v", err)
	}
	left, _ := os.ReadDir(filepath.Join(d.root, "tmp"))
	if len(left) != 0 {
		t.Fatalf("oversized put left %d temporary files", len(left))
	}

	for _, bad := range []string{"../../etc/passwd", "", "x", info.Key + "/.."} {
		if _, err := d.Open(ctx, bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("Open(%q) = %v, want ErrNotFound", bad, err)
		}
	}
	if err := d.Delete(ctx, info.Key); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Open(ctx, info.Key); !errors.Is(err, ErrNotFound) {
		t.Fatalf("open after delete: %v", err)
	}
}
