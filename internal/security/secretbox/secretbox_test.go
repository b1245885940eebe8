package secretbox

import (
	"errors"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	b, err := New("a long enough test key")
	if err != nil {
		t.Fatal(err)
	}
	s := b.Seal("123456:bot-token")
	if strings.Contains(s, "bot-token") || s == b.Seal("123456:bot-token") {
		t.Fatalf("sealed value leaks or repeats: %s", s)
	}
	if p, err := b.Open(s); err != nil || p != "123456:bot-token" {
		t.Fatalf("Open = %q, %v", p, err)
	}
	other, _ := New("another long enough key")
	if _, err := other.Open(s); !errors.Is(err, ErrUndecryptable) {
		t.Fatalf("other key: %v", err)
	}
	if _, err := b.Open(s[:len(s)-2] + "AA"); !errors.Is(err, ErrUndecryptable) {
		t.Fatalf("tampered: %v", err)
	}
	if _, err := New("short"); err == nil {
		t.Fatal("short key accepted")
	}
	if b.Seal("") != "" {
		t.Fatal("empty value sealed")
	}
}
