// Package secretbox encrypts channel credentials (bot tokens, mailbox
// passwords, PBX keys, webhook secrets) before they reach SQL, with a key
// the process gets from outside: PROFHUB_SECRET_KEY or its file. A copy of
// the database alone does not reveal them.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Box seals and opens values with AES-256-GCM.
type Box struct {
	aead cipher.AEAD
}

// ErrUndecryptable means a value was sealed with another key or altered.
var ErrUndecryptable = errors.New("secretbox: cannot decrypt (wrong PROFHUB_SECRET_KEY?)")

// New derives the AES key from the configured secret.
func New(secret string) (*Box, error) {
	if len(secret) < 16 {
		return nil, errors.New("secretbox: the secret key must have at least 16 characters")
	}
	k := sha256.Sum256([]byte("profhub secretbox v1\x00" + secret))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

const prefix = "v1:"

// Seal encrypts plain; the empty string stays empty.
func (b *Box) Seal(plain string) string {
	if plain == "" {
		return ""
	}
	nonce := make([]byte, b.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return prefix + base64.RawStdEncoding.EncodeToString(b.aead.Seal(nonce, nonce, []byte(plain), nil))
}

// IsSealed reports whether v has the form Seal gives. Values stored before
// sealing was introduced (plain TOTP secrets, for one) never start with the
// prefix, so a column can hold both while they are migrated.
func IsSealed(v string) bool { return strings.HasPrefix(v, prefix) }

// Open decrypts a sealed value.
func (b *Box) Open(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(sealed, prefix))
	if !strings.HasPrefix(sealed, prefix) || err != nil || len(raw) < b.aead.NonceSize() {
		return "", ErrUndecryptable
	}
	plain, err := b.aead.Open(nil, raw[:b.aead.NonceSize()], raw[b.aead.NonceSize():], nil)
	if err != nil {
		return "", ErrUndecryptable
	}
	return string(plain), nil
}

// LocalKey returns the key kept in the user's configuration directory (not
// the data directory, so a copy of the data does not carry it), creating it
// on first use. It serves installations that set no PROFHUB_SECRET_KEY.
func LocalKey() (key, path string, err error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", "", fmt.Errorf("secretbox: no configuration directory for a local key; set PROFHUB_SECRET_KEY: %w", err)
	}
	path = filepath.Join(dir, "profhub", "secret.key")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 16 {
		return strings.TrimSpace(string(b)), path, nil
	}
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	key = base64.RawURLEncoding.EncodeToString(raw)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", "", fmt.Errorf("secretbox: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		// Another process created it first: use theirs.
		if b, rerr := os.ReadFile(path); rerr == nil && len(strings.TrimSpace(string(b))) >= 16 {
			return strings.TrimSpace(string(b)), path, nil
		}
		return "", "", fmt.Errorf("secretbox: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(key + "\n"); err != nil {
		return "", "", fmt.Errorf("secretbox: %w", err)
	}
	return key, path, nil
}
