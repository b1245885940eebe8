package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Delivery is where one kind reaches a person: the bell, e-mail, the
// browsers the person subscribed (push.go) and their linked Telegram
// account (telegram.go).
type Delivery struct {
	Hub      bool `json:"hub"`
	Email    bool `json:"email"`
	Telegram bool `json:"telegram"`
	Push     bool `json:"push"`
}

// Pref is a person's choice for one kind.
type Pref struct {
	Kind string `json:"kind"`
	Delivery
}

// Default is where a kind reaches a person who has not chosen: the bell
// always, and e-mail for documents sent to them and for failing channels
// (as task e-mails went before the bell).
func Default(kind string) Delivery {
	switch kind {
	case DocumentResolution, DocumentApproval, DocumentAcquaintance, DocumentTask, ChannelFailing:
		return Delivery{Hub: true, Email: true}
	}
	return Delivery{Hub: true}
}

// delivery reads a person's choice for a kind (in the source's transaction
// when there is one).
func (s *Service) delivery(ctx context.Context, tx db.Execer, userID, kind string) (Delivery, error) {
	var d Delivery
	err := tx.QueryRowContext(ctx, `SELECT hub, email, telegram, push FROM notify_prefs WHERE user_id = $1 AND kind = $2`,
		userID, kind).Scan(&d.Hub, &d.Email, &d.Telegram, &d.Push)
	if err == nil {
		return d, nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Default(kind), nil
	}
	return d, fmt.Errorf("notify: preferences: %w", err)
}

// Prefs returns the caller's choices for every kind their role receives.
func (s *Service) Prefs(ctx context.Context, sc access.Scope) ([]Pref, error) {
	kinds := KindsFor(sc.Role)
	out := make([]Pref, 0, len(kinds))
	for _, k := range kinds {
		d, err := s.delivery(ctx, s.db, sc.UserID, k)
		if err != nil {
			return nil, err
		}
		out = append(out, Pref{Kind: k, Delivery: d})
	}
	return out, nil
}

// SetPrefs saves the caller's choices; kinds not given keep theirs, and a
// kind their role does not receive is refused.
func (s *Service) SetPrefs(ctx context.Context, sc access.Scope, prefs []Pref) ([]Pref, error) {
	allowed := KindsFor(sc.Role)
	for _, p := range prefs {
		if !slices.Contains(allowed, p.Kind) {
			return nil, valid.Errorf("kind", "unknown_kind", "no notices of kind %q for this role", p.Kind)
		}
	}
	for _, p := range prefs {
		_, err := s.db.ExecContext(ctx, `INSERT INTO notify_prefs (user_id, kind, hub, email, telegram, push) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (user_id, kind) DO UPDATE SET hub = $3, email = $4, telegram = $5, push = $6`,
			sc.UserID, p.Kind, p.Hub, p.Email, p.Telegram, p.Push)
		if err != nil {
			return nil, fmt.Errorf("notify: save preferences: %w", err)
		}
	}
	return s.Prefs(ctx, sc)
}
