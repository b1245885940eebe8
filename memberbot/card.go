package memberbot

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/settings"
	"github.com/profhub/profhub/internal/storage/db"
)

// The card's token is what its QR code holds (inside the verify link): a
// version byte, the card's id (16 bytes) and its expiry (Unix seconds),
// signed with the installation's Ed25519 key. It carries nothing of the
// member: a partner scanning it learns only what the verify page shows.
// 89 bytes in base64url: 119 characters, a small QR code.

// settingKey is the settings row holding the signing key, sealed with
// PROFHUB_SECRET_KEY like channel credentials (the secret store).
const settingKey = "memberbot.card_key"

const tokenVersion = 1

// Verdicts of the verify page.
const (
	VerdictValid   = "valid"
	VerdictForged  = "forged"  // bad signature or form
	VerdictExpired = "expired" // past its valid-through date
	VerdictRevoked = "revoked" // reissued, or the member left or was excluded
)

// Verdict is what the verify page may show: valid or not, why, and the
// holder's initials and organisation only.
type Verdict struct {
	Verdict      string
	Initials     string
	Organisation string
	ValidThrough time.Time
}

// Valid says whether the card is good.
func (v Verdict) Valid() bool { return v.Verdict == VerdictValid }

// Card is an issued card with its token.
type Card struct {
	ID        string
	MemberID  string
	IssuedAt  time.Time
	ExpiresAt time.Time
	Token     string
}

// loadKey reads the signing key, making and storing one on first use.
// Nodes starting together may each make one: the first row wins and
// every node reads that one back.
func (s *Cards) loadKey(ctx context.Context) error {
	raw, err := settings.Get(ctx, s.d.DB, settingKey, "")
	if err != nil {
		return err
	}
	if raw == "" {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return fmt.Errorf("memberbot: make card key: %w", err)
		}
		sealed := s.d.Box.Seal(base64.RawStdEncoding.EncodeToString(priv.Seed()))
		if _, err := s.d.DB.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING`,
			settingKey, sealed, db.Now()); err != nil {
			return fmt.Errorf("memberbot: store card key: %w", err)
		}
		if raw, err = settings.Get(ctx, s.d.DB, settingKey, ""); err != nil {
			return err
		}
	}
	seedB64, err := s.d.Box.Open(raw)
	if err != nil {
		// Another PROFHUB_SECRET_KEY: a new key would void every card
		// already given, so the office stays off until the key is right.
		return fmt.Errorf("memberbot: card key: %w", err)
	}
	seed, err := base64.RawStdEncoding.DecodeString(seedB64)
	if err != nil || len(seed) != ed25519.SeedSize {
		return errors.New("memberbot: the stored card key does not parse")
	}
	s.priv = ed25519.NewKeyFromSeed(seed)
	s.pub = s.priv.Public().(ed25519.PublicKey)
	h := sha256.Sum256(append([]byte("profhub memberbot codes v1\x00"), seed...))
	s.hmacK = h[:]
	return nil
}

// sign makes a card's token.
func (s *Cards) sign(cardID string, expires time.Time) (string, error) {
	id, err := uuid.Parse(cardID)
	if err != nil {
		return "", err
	}
	msg := make([]byte, 0, 25+ed25519.SignatureSize)
	msg = append(msg, tokenVersion)
	msg = append(msg, id[:]...)
	msg = binary.BigEndian.AppendUint64(msg, uint64(expires.Unix()))
	msg = append(msg, ed25519.Sign(s.priv, msg)...)
	return base64.RawURLEncoding.EncodeToString(msg), nil
}

// parse checks a token's form and signature; ok false: forged.
func (s *Cards) parse(token string) (cardID string, expires time.Time, ok bool) {
	if len(token) > 200 || strings.ContainsAny(token, "=+/") {
		return "", time.Time{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 25+ed25519.SignatureSize || raw[0] != tokenVersion {
		return "", time.Time{}, false
	}
	if !ed25519.Verify(s.pub, raw[:25], raw[25:]) {
		return "", time.Time{}, false
	}
	id, _ := uuid.FromBytes(raw[1:17])
	return id.String(), time.Unix(int64(binary.BigEndian.Uint64(raw[17:25])), 0), true
}

// Verify answers the verify page: the token's signature, the card's row
// (revoked?), its expiry and, read live, whether its holder is still a
// member, so a card is void the moment the member leaves or is excluded.
func (s *Cards) Verify(ctx context.Context, token string) (Verdict, error) {
	cardID, exp, ok := s.parse(token)
	if !ok {
		return Verdict{Verdict: VerdictForged}, nil
	}
	c, err := s.store.card(ctx, cardID)
	if errors.Is(err, db.ErrNotFound) {
		return Verdict{Verdict: VerdictForged}, nil // signed, yet never issued here: treat as forged
	}
	if err != nil {
		return Verdict{}, err
	}
	m, err := s.d.Members.Member(ctx, c.memberID)
	if errors.Is(err, db.ErrNotFound) {
		return Verdict{Verdict: VerdictRevoked}, nil
	}
	if err != nil {
		return Verdict{}, err
	}
	v := Verdict{Initials: initials(m), Organisation: m.UnitName, ValidThrough: exp}
	switch {
	case c.revokedAt != 0:
		v.Verdict = VerdictRevoked
	case !m.Active():
		v.Verdict = VerdictRevoked
		if err := s.store.revokeCards(ctx, m.ID, "status "+m.Status); err != nil {
			s.log.Warn("card revocation not recorded", "member", m.ID, "err", err)
		}
	case !s.now().Before(exp):
		v.Verdict = VerdictExpired
	default:
		v.Verdict = VerdictValid
	}
	return v, nil
}

// IssueCard returns the member's current card, or issues one. A member who
// is not in good standing gets none (ErrNotMember).
func (s *Cards) IssueCard(ctx context.Context, m Member) (Card, error) {
	if !m.Active() {
		return Card{}, ErrNotMember
	}
	now := s.now()
	c, err := s.store.currentCard(ctx, m.ID, now.UnixMilli())
	if errors.Is(err, db.ErrNotFound) {
		c = cardRow{id: uuid.Must(uuid.NewV7()).String(), memberID: m.ID, issuedAt: now.UnixMilli(), expiresAt: now.Add(s.life).Truncate(time.Second).UnixMilli()}
		err = s.store.addCard(ctx, c)
	}
	if err != nil {
		return Card{}, err
	}
	exp := time.UnixMilli(c.expiresAt)
	tok, err := s.sign(c.id, exp)
	if err != nil {
		return Card{}, err
	}
	return Card{ID: c.id, MemberID: m.ID, IssuedAt: time.UnixMilli(c.issuedAt), ExpiresAt: exp, Token: tok}, nil
}

// RevokeCards voids the member's cards (the hub calls it when a card's
// status leaves "member"; Verify checks the status live as well).
func (s *Cards) RevokeCards(ctx context.Context, memberID, reason string) error {
	return s.store.revokeCards(ctx, memberID, reason)
}

// VerifyURL is the link the QR code holds.
func (s *Cards) VerifyURL(token string) string {
	base := ""
	if s.d.Config != nil {
		base = strings.TrimRight(s.d.Config.BaseURL, "/")
	}
	return base + "/v/" + token
}

// initials are the holder's initials only ("К. М. И."): enough for a
// cashier to compare with a passport, nothing more of the member.
func initials(m Member) string {
	var b bytes.Buffer
	for _, w := range []string{m.Surname, m.GivenName, m.Patronymic} {
		r := []rune(strings.TrimSpace(w))
		if len(r) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.ToUpper(string(r[0])) + ".")
	}
	return b.String()
}
