package notify

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
)

// pendingPushes reads up to a batch of notices waiting for their push copy.
func (s *Service) pendingPushes(ctx context.Context) ([]pendingMail, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, user_id, kind, text, link FROM notify_items WHERE push_state = 'pending' ORDER BY id LIMIT 50`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []pendingMail
	for rows.Next() {
		var p pendingMail
		if err := rows.Scan(&p.id, &p.userID, &p.kind, &p.text, &p.link); err != nil {
			return nil, err
		}
		list = append(list, p)
	}
	return list, rows.Err()
}

// markPush moves a notice's push copy from one state to another and
// reports whether this call did it (the claim).
func (s *Service) markPush(ctx context.Context, id, from, to string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE notify_items SET push_state = $1 WHERE id = $2 AND push_state = $3`, to, id, from)
	if err != nil {
		return false, fmt.Errorf("notify: push state: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

func (s *Service) userSubscriptions(ctx context.Context, userID string) ([]PushSubscription, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, user_id, endpoint, p256dh, auth FROM notify_push_subscriptions WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("notify: push subscriptions: %w", err)
	}
	defer rows.Close()
	var out []PushSubscription
	for rows.Next() {
		var p PushSubscription
		if err := rows.Scan(&p.ID, &p.UserID, &p.Endpoint, &p.P256dh, &p.Auth); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Service) removeSubscription(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM notify_push_subscriptions WHERE id = $1`, id)
	return err
}

// checkSubscription refuses what no browser would send: the endpoint is
// an https URL, p256dh a 65-byte uncompressed P-256 point and auth a
// 16-byte secret (RFC 8291), both base64url.
func checkSubscription(sub PushSubscription) error {
	u, err := url.Parse(sub.Endpoint)
	if err != nil || u.Scheme != "https" || u.Host == "" || len(sub.Endpoint) > 1000 {
		return valid.Errorf("endpoint", "push_endpoint", "the push endpoint must be an https address")
	}
	if k, err := decodeKey(sub.P256dh); err != nil || len(k) != 65 || k[0] != 4 {
		return valid.Errorf("keys.p256dh", "push_keys", "the subscription's keys are not those of a browser")
	}
	if k, err := decodeKey(sub.Auth); err != nil || len(k) != 16 {
		return valid.Errorf("keys.auth", "push_keys", "the subscription's keys are not those of a browser")
	}
	return nil
}

// Subscribe keeps the caller's browser subscription. The same endpoint
// subscribed again (a renewed key, or another person now on that phone)
// replaces the old row, so a device gets one person's notices only.
func (s *Service) Subscribe(ctx context.Context, sc access.Scope, sub PushSubscription, device string) (PushSubscription, error) {
	if err := checkSubscription(sub); err != nil {
		return PushSubscription{}, err
	}
	sub.ID, sub.UserID = uuid.Must(uuid.NewV7()).String(), sc.UserID
	_, err := s.db.ExecContext(ctx, `INSERT INTO notify_push_subscriptions (id, user_id, endpoint, p256dh, auth, device, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (endpoint) DO UPDATE SET user_id = $2, p256dh = $4, auth = $5, device = $6, created_at = $7`,
		sub.ID, sub.UserID, sub.Endpoint, sub.P256dh, sub.Auth, truncate(device, 200), s.now().UnixMilli())
	if err != nil {
		return PushSubscription{}, fmt.Errorf("notify: subscribe: %w", err)
	}
	err = s.db.QueryRowContext(ctx, `SELECT id FROM notify_push_subscriptions WHERE endpoint = $1`, sub.Endpoint).Scan(&sub.ID)
	return sub, err
}

// Unsubscribe forgets the caller's subscription with this endpoint (a
// browser that turned push off, or a sign-out); another person's is left.
func (s *Service) Unsubscribe(ctx context.Context, sc access.Scope, endpoint string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM notify_push_subscriptions WHERE endpoint = $1 AND user_id = $2`, endpoint, sc.UserID)
	if err != nil {
		return fmt.Errorf("notify: unsubscribe: %w", err)
	}
	return nil
}

// Subscriptions lists the caller's subscribed browsers.
func (s *Service) Subscriptions(ctx context.Context, sc access.Scope) ([]PushSubscription, error) {
	subs, err := s.userSubscriptions(ctx, sc.UserID)
	if subs == nil {
		subs = []PushSubscription{}
	}
	return subs, err
}

func decodeKey(k string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(k, "="))
}
