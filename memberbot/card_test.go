package memberbot

import (
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func testService(t *testing.T) *Cards {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &Cards{priv: priv, pub: pub}
}

// A token verifies under its own key only, and any change to it, its
// form or its version makes it forged.
func TestTokenSignatureAndForgeries(t *testing.T) {
	s, other := testService(t), testService(t)
	id := uuid.Must(uuid.NewV7()).String()
	exp := time.Date(2027, 12, 5, 0, 0, 0, 0, time.UTC)
	tok, err := s.sign(id, exp)
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) > 130 {
		t.Fatalf("token of %d characters: too big a QR code", len(tok))
	}
	gotID, gotExp, ok := s.parse(tok)
	if !ok || gotID != id || !gotExp.Equal(exp) {
		t.Fatalf("parse = %s %s %v", gotID, gotExp, ok)
	}
	foreign, _ := other.sign(id, exp)
	flipped := []byte(tok)
	flipped[10] ^= 1
	for name, bad := range map[string]string{
		"another installation's key": foreign,
		"a character changed":        string(flipped),
		"cut short":                  tok[:len(tok)-5],
		"padded":                     tok + "==",
		"empty":                      "",
		"too long":                   strings.Repeat("A", 300),
		"another version":            "E" + tok[1:],
	} {
		if _, _, ok := s.parse(bad); ok {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestInitialsAndInputs(t *testing.T) {
	if got := initials(Member{Surname: "ёлкина", GivenName: "Анна", Patronymic: ""}); got != "Ё. А." {
		t.Errorf("initials = %q", got)
	}
	for s, want := range map[string]bool{"123456": true, "123 456": true, "12-34-56": true, "12345678901": false, "12a456": false, "123": false} {
		if looksLikeCode(s) != want {
			t.Errorf("looksLikeCode(%q) = %v", s, !want)
		}
	}
	for s, want := range map[string]bool{"+7 912 345-67-89": true, "8 (912) 345-67-89": true, "79123456789": true, "12345": false, "позвоните 89123456789": false} {
		if looksLikePhone(s) != want {
			t.Errorf("looksLikePhone(%q) = %v", s, !want)
		}
	}
	sv := &Service{}
	if ch, ok := sv.subsToggle("✅ ВКонтакте"); !ok || ch != "vk" {
		t.Errorf("subsToggle = %q %v", ch, ok)
	}
	if _, ok := sv.subsToggle("ВКонтакте"); ok {
		t.Error("a bare word is not a switch")
	}
}
