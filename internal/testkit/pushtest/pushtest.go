// Package pushtest is a Web Push service on loopback for tests: it takes
// what a push service takes (RFC 8030: an encrypted POST to a
// subscription's endpoint), checks the VAPID authorisation as a push
// service does (RFC 8292: an ES256 JWT for the endpoint's origin, signed
// by the key it names), and decrypts the message as the browser would
// (RFC 8291: ECDH with the subscription's P-256 key, HKDF with its auth
// secret, AES-128-GCM), written here from the RFCs with the standard
// library alone, so the product's library is checked, not trusted.
// Subscriptions can be told to answer 404/410 (gone) or any status.
// Tests only.
package pushtest

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is one push the service accepted, decrypted.
type Message struct {
	Subscription string // the subscription's id (the endpoint's last part)
	Payload      []byte
	VAPIDKey     string         // k= of the Authorization header, base64url
	Claims       map[string]any // the VAPID JWT's claims
	TTL          string
}

// Subscription is a browser's subscription as PushSubscription.toJSON()
// gives it, and the browser's private half.
type Subscription struct {
	ID       string
	Endpoint string
	P256dh   string // base64url, 65-byte uncompressed point
	Auth     string // base64url, 16 bytes
	key      *ecdh.PrivateKey
	auth     []byte
}

// Service is the push service. Client trusts its certificate.
type Service struct {
	*httptest.Server
	t      testing.TB
	mu     sync.Mutex
	subs   map[string]*Subscription
	status map[string]int // subscription → the status it answers now
	msgs   []Message
	tries  map[string]int
}

// New starts a push service (TLS: endpoints are https) for the test.
func New(t testing.TB) *Service {
	s := &Service{t: t, subs: map[string]*Subscription{}, status: map[string]int{}, tries: map[string]int{}}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Subscribe makes a browser's subscription: a fresh P-256 key pair and
// auth secret, and an endpoint on this service.
func (s *Service) Subscribe() *Subscription {
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		s.t.Fatal(err)
	}
	secret := make([]byte, 16)
	_, _ = rand.Read(secret)
	id := base64.RawURLEncoding.EncodeToString(secret[:9])
	sub := &Subscription{ID: id, Endpoint: s.URL + "/push/" + id, key: k, auth: secret,
		P256dh: base64.RawURLEncoding.EncodeToString(k.PublicKey().Bytes()), Auth: base64.RawURLEncoding.EncodeToString(secret)}
	s.mu.Lock()
	s.subs[id] = sub
	s.mu.Unlock()
	return sub
}

// JSON is the subscription as a browser posts it to its server.
func (sub *Subscription) JSON() string {
	b, _ := json.Marshal(map[string]any{"endpoint": sub.Endpoint, "expirationTime": nil,
		"keys": map[string]string{"p256dh": sub.P256dh, "auth": sub.Auth}})
	return string(b)
}

// Answer makes the subscription's endpoint answer status from now on
// (410: unsubscribed, 429 or 500: try again); 0 restores 201.
func (s *Service) Answer(sub *Subscription, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status[sub.ID] = status
}

// Messages are the pushes accepted so far.
func (s *Service) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Tries counts the POSTs to a subscription's endpoint, refused ones too.
func (s *Service) Tries(sub *Subscription) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tries[sub.ID]
}

func (s *Service) serve(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutPrefix(r.URL.Path, "/push/")
	s.mu.Lock()
	sub := s.subs[id]
	status := s.status[id]
	s.tries[id]++
	s.mu.Unlock()
	if r.Method != http.MethodPost || !ok || sub == nil {
		http.Error(w, "no such subscription", http.StatusNotFound)
		return
	}
	if status != 0 {
		http.Error(w, http.StatusText(status), status)
		return
	}
	key, claims, err := checkVAPID(r.Header.Get("Authorization"), "https://"+r.Host)
	if err != nil {
		s.t.Errorf("pushtest: VAPID: %v", err)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	if r.Header.Get("Content-Encoding") != "aes128gcm" || r.Header.Get("TTL") == "" {
		s.t.Errorf("pushtest: Content-Encoding %q, TTL %q", r.Header.Get("Content-Encoding"), r.Header.Get("TTL"))
		http.Error(w, "bad headers", http.StatusBadRequest)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 8192))
	plain, err := Decrypt(body, sub.key, sub.auth)
	if err != nil {
		s.t.Errorf("pushtest: decrypt: %v", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.msgs = append(s.msgs, Message{Subscription: id, Payload: plain, VAPIDKey: key, Claims: claims, TTL: r.Header.Get("TTL")})
	s.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
}

// Decrypt opens an aes128gcm message (RFC 8188 framing) as the browser
// with key ua and auth secret does (RFC 8291 section 3.4).
func Decrypt(body []byte, ua *ecdh.PrivateKey, authSecret []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("short header")
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if idlen != 65 || len(body) < 21+idlen {
		return nil, fmt.Errorf("keyid of %d bytes, want the sender's 65-byte public key", idlen)
	}
	asPub, err := ecdh.P256().NewPublicKey(body[21 : 21+idlen])
	if err != nil {
		return nil, fmt.Errorf("sender key: %w", err)
	}
	ct := body[21+idlen:]
	if rs < 18 || uint32(len(ct)) > rs {
		return nil, fmt.Errorf("one record expected: %d bytes of ciphertext, record size %d", len(ct), rs)
	}
	ecdhSecret, err := ua.ECDH(asPub)
	if err != nil {
		return nil, err
	}
	// IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" || 0 || ua_public || as_public, 32)
	info := append(append([]byte("WebPush: info\x00"), ua.PublicKey().Bytes()...), asPub.Bytes()...)
	ikm, err := hkdf.Key(sha256.New, ecdhSecret, authSecret, string(info), 32)
	if err != nil {
		return nil, err
	}
	prk, err := hkdf.Extract(sha256.New, ikm, salt)
	if err != nil {
		return nil, err
	}
	cek, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, nonce, ct, nil)
	if err != nil {
		return nil, fmt.Errorf("AES-GCM: %w", err)
	}
	// The last record ends with 0x02 then zero padding.
	end := bytes.LastIndexFunc(plain, func(r rune) bool { return r != 0 })
	if end < 0 || plain[end] != 2 {
		return nil, errors.New("no last-record delimiter")
	}
	return plain[:end], nil
}

// checkVAPID verifies "vapid t=JWT, k=KEY" (RFC 8292): an ES256 JWT whose
// aud is the endpoint's origin, exp in the next 24 hours and sub a contact,
// signed by KEY. It returns KEY and the claims.
func checkVAPID(header, origin string) (string, map[string]any, error) {
	rest, ok := strings.CutPrefix(header, "vapid ")
	if !ok {
		return "", nil, fmt.Errorf("the Authorization header %q is not vapid", header)
	}
	var tok, key string
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			tok = v
		case "k":
			key = v
		}
	}
	raw, err := base64.RawURLEncoding.DecodeString(key)
	if err != nil {
		return "", nil, fmt.Errorf("k: %w", err)
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if err != nil {
		return "", nil, fmt.Errorf("k: %w", err)
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return "", nil, errors.New("t is not a JWT")
	}
	var head map[string]any
	if err := decodeJSON(parts[0], &head); err != nil || head["alg"] != "ES256" {
		return "", nil, fmt.Errorf("JWT header %v (%v), want ES256", head, err)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return "", nil, errors.New("JWT signature is not 64 bytes")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(pub, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return "", nil, errors.New("JWT signature does not verify with k")
	}
	var claims map[string]any
	if err := decodeJSON(parts[1], &claims); err != nil {
		return "", nil, err
	}
	exp, _ := claims["exp"].(float64)
	if claims["aud"] != origin {
		return "", nil, fmt.Errorf("aud %v, want %s", claims["aud"], origin)
	}
	if d := time.Until(time.Unix(int64(exp), 0)); d <= 0 || d > 24*time.Hour {
		return "", nil, fmt.Errorf("exp %v is not within the next 24 hours", exp)
	}
	if sub, _ := claims["sub"].(string); !strings.HasPrefix(sub, "mailto:") && !strings.HasPrefix(sub, "https:") {
		return "", nil, fmt.Errorf("sub %q is neither a mailto: nor an https: address", sub)
	}
	return key, claims, nil
}

func decodeJSON(part string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
