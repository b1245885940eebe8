package widget

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
)

// Visitors is the store of the widget's visitors (widget_visitors): their
// tokens, pre-chat details and current conversation.
type Visitors struct {
	db *db.DB
}

// visitor is one browser's contact in a widget channel.
type visitor struct {
	ID             string
	ChannelID      string
	Name           string
	Contact        string // phone or e-mail as given in the pre-chat form
	Topic          string
	ConversationID string // current; empty until the first message
}

// errBadToken refuses an unknown, rotated or revoked visitor token; the
// script then forgets it and starts a new session.
var errBadToken = fmt.Errorf("%w: unknown or revoked visitor token", auth.ErrNoSession)

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "pwv_" + base64.RawURLEncoding.EncodeToString(b)
}

// create stores a new visitor (consent given now) and returns the
// token, which exists nowhere else afterwards.
func (s *Visitors) create(ctx context.Context, v *visitor) (string, error) {
	v.ID = uuid.Must(uuid.NewV7()).String()
	token := newToken()
	now := db.Now()
	_, err := s.db.ExecContext(ctx, `INSERT INTO widget_visitors (id, channel_id, token_hash, name, contact, topic, consent_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7)`, v.ID, v.ChannelID, hashToken(token), v.Name, v.Contact, v.Topic, now)
	if err != nil {
		return "", fmt.Errorf("widget: create visitor: %w", err)
	}
	return token, nil
}

// byToken finds the visitor holding token in channel chID.
func (s *Visitors) byToken(ctx context.Context, chID, token string) (visitor, error) {
	if token == "" || len(token) > 100 {
		return visitor{}, errBadToken
	}
	var v visitor
	err := s.db.QueryRowCached(ctx, `SELECT id, channel_id, name, contact, topic, conversation_id FROM widget_visitors
		WHERE token_hash = $1 AND channel_id = $2 AND revoked_at = 0`, hashToken(token), chID).
		Scan(&v.ID, &v.ChannelID, &v.Name, &v.Contact, &v.Topic, &v.ConversationID)
	if errors.Is(err, sql.ErrNoRows) {
		return visitor{}, errBadToken
	}
	if err != nil {
		return visitor{}, fmt.Errorf("widget: visitor: %w", err)
	}
	return v, nil
}

// byID finds a visitor by id (sql.ErrNoRows if there is none).
func (s *Visitors) byID(ctx context.Context, id string) (visitor, error) {
	var v visitor
	err := s.db.QueryRowContext(ctx, `SELECT id, channel_id, name, contact, topic, conversation_id FROM widget_visitors WHERE id = $1`, id).
		Scan(&v.ID, &v.ChannelID, &v.Name, &v.Contact, &v.Topic, &v.ConversationID)
	return v, err
}

// currentConversation re-reads a visitor's conversation (another tab, on
// any node, may have started a new one) and whether they were revoked.
func (s *Visitors) currentConversation(ctx context.Context, visitorID string) (string, bool, error) {
	var id string
	var revoked int64
	err := s.db.QueryRowCached(ctx, `SELECT conversation_id, revoked_at FROM widget_visitors WHERE id = $1`, visitorID).Scan(&id, &revoked)
	return id, revoked != 0, err
}

// rotateToken gives the visitor a new token; the old one stops working.
func (s *Visitors) rotateToken(ctx context.Context, visitorID string) (string, error) {
	token := newToken()
	_, err := s.db.ExecContext(ctx, `UPDATE widget_visitors SET token_hash = $2, updated_at = $3 WHERE id = $1`, visitorID, hashToken(token), db.Now())
	if err != nil {
		return "", fmt.Errorf("widget: rotate token: %w", err)
	}
	return token, nil
}

// revoke ends a visitor's session for good ("forget this browser").
// The conversation stays in the inbox.
func (s *Visitors) revoke(ctx context.Context, visitorID string) error {
	now := db.Now()
	_, err := s.db.ExecContext(ctx, `UPDATE widget_visitors SET token_hash = '', revoked_at = $2, updated_at = $2 WHERE id = $1`, visitorID, now)
	if err != nil {
		return fmt.Errorf("widget: revoke: %w", err)
	}
	return nil
}

func (s *Visitors) setConversation(ctx context.Context, visitorID, convID string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE widget_visitors SET conversation_id = $2, updated_at = $3 WHERE id = $1`, visitorID, convID, db.Now())
	if err != nil {
		return fmt.Errorf("widget: visitor conversation: %w", err)
	}
	return nil
}
