package inbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// ChannelHook lets a connector check and complete a channel of its kind
// when it is created or changed: verify the bot token with the provider,
// fill in the bot's name, generate a webhook secret. An error refuses the
// change; return a valid.Error for what the administrator must fix.
type ChannelHook func(ctx context.Context, ch *Channel) error

// Channels is the registry of channels: what each is, its settings and
// sealed secrets, the status its connector reports, and the connectors'
// hooks that check a channel before it is saved.
type Channels struct {
	*core
	lines *Lines // a channel feeds a line the caller must see

	mu    sync.RWMutex
	hooks map[string]ChannelHook // by channel kind
}

// RegisterHook installs the hook for a channel kind.
func (cs *Channels) RegisterHook(kind string, h ChannelHook) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.hooks[kind] = h
}

func (cs *Channels) hook(kind string) ChannelHook {
	cs.mu.RLock()
	defer cs.mu.RUnlock()
	return cs.hooks[kind]
}

// ChannelChanges edits a channel; nil fields stay. Settings and Secrets are
// merged key by key (an empty value deletes the key).
type ChannelChanges struct {
	Name     *string           `json:"name"`
	Settings map[string]string `json:"settings"`
	Secrets  map[string]string `json:"secrets"`
	RatePerS *int              `json:"rate_per_s"`
}

// Update changes a channel's name, settings, secrets or rate.
func (cs *Channels) Update(ctx context.Context, sc access.Scope, id string, ch ChannelChanges) (Channel, error) {
	if err := sc.Require(access.ManageInbox); err != nil {
		return Channel{}, err
	}
	c, err := cs.channelByIDFresh(ctx, id)
	if err != nil {
		return Channel{}, err
	}
	line, err := getLine(ctx, cs.db, sc, c.LineID)
	if err != nil {
		return Channel{}, err
	}
	if ch.Name != nil {
		name := strings.TrimSpace(*ch.Name)
		if name == "" || len([]rune(name)) > 200 {
			return Channel{}, valid.Errorf("name", "name_length", "name must have 1 to 200 characters")
		}
		c.Name = name
	}
	if ch.RatePerS != nil {
		if *ch.RatePerS < 0 || *ch.RatePerS > 10000 {
			return Channel{}, valid.Errorf("rate_per_s", "range", "rate_per_s must be 0 to 10000")
		}
		c.RatePerS = *ch.RatePerS
	}
	merge := func(dst, src map[string]string) map[string]string {
		out := maps.Clone(dst)
		if out == nil {
			out = map[string]string{}
		}
		for k, v := range src {
			if v == "" {
				delete(out, k)
			} else {
				out[k] = v
			}
		}
		return out
	}
	c.Settings, c.Secrets = merge(c.Settings, ch.Settings), merge(c.Secrets, ch.Secrets)
	if c.Kind == KindAPI {
		if err := validateWebhookURL(c.Settings["webhook_url"]); err != nil {
			return Channel{}, err
		}
	}
	if h := cs.hook(c.Kind); h != nil {
		if err := h(ctx, &c); err != nil {
			return Channel{}, err
		}
	}
	settings, _ := json.Marshal(c.Settings)
	secrets, err := cs.sealSecrets(c.Secrets)
	if err != nil {
		return Channel{}, err
	}
	changed := []string{}
	for k := range ch.Settings {
		changed = append(changed, "settings."+k)
	}
	for k := range ch.Secrets {
		changed = append(changed, "secrets."+k) // names only, never values
	}
	err = cs.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE inbox_channels SET name = $2, settings = $3, secrets = $4, rate_per_s = $5, updated_at = $6
			WHERE id = $1`, id, c.Name, string(settings), secrets, c.RatePerS, db.Now()); err != nil {
			return fmt.Errorf("inbox: update channel: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "channel.update", ObjectType: "channel", ObjectID: id, UnitID: line.UnitID,
			Details: map[string]any{"changed": changed}})
	})
	cs.channels.drop(id)
	return c, err
}

// channelByIDFresh reads a channel past the cache.
func (cs *Channels) channelByIDFresh(ctx context.Context, id string) (Channel, error) {
	cs.channels.drop(id)
	return cs.channelByID(ctx, id)
}

// OfKind lists every enabled channel of a kind, for connectors'
// workers (long polling, mailbox watchers). Unscoped: the caller is the
// system.
func (cs *Channels) OfKind(ctx context.Context, kind string) ([]Channel, error) {
	rows, err := cs.db.QueryContext(ctx, `SELECT id FROM inbox_channels WHERE kind = $1 AND NOT disabled ORDER BY id`, kind)
	if err != nil {
		return nil, fmt.Errorf("inbox: channels: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if rows.Scan(&id) == nil {
			ids = append(ids, id)
		}
	}
	rows.Close()
	out := make([]Channel, 0, len(ids))
	for _, id := range ids {
		c, err := cs.channelByID(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Get returns one channel, unscoped, for connectors handling its
// webhook (they authenticate the call themselves).
func (cs *Channels) Get(ctx context.Context, id string) (Channel, error) {
	return cs.channelByID(ctx, id)
}

// ChannelStatus is what a connector reports about its channel.
type ChannelStatus struct {
	LastUpdateAt int64  `json:"last_update_at,omitempty"` // ms
	LastError    string `json:"last_error,omitempty"`
	LastErrorAt  int64  `json:"last_error_at,omitempty"`
	Info         string `json:"info,omitempty"` // e.g. "@union_bot (Профсоюз)"
	// FailedCode, when set, says the connector stopped the channel until
	// its settings change (e.g. "token_revoked": the provider refuses the
	// token); the settings page shows it translated, with the provider's
	// words (FailedReason). FailedFor names what failed (a fingerprint of
	// the refused token, never shown), so that a new token is tried.
	FailedCode   string `json:"failed_code,omitempty"`
	FailedReason string `json:"failed_reason,omitempty"`
	FailedAt     int64  `json:"failed_at,omitempty"`
	FailedFor    string `json:"failed_for,omitempty"`
	// Recovered clears a failure and the last error (which described
	// it): the settings were fixed.
	Recovered bool `json:"-"`
}

// ReportStatus merges a connector's report into the channel's
// status, shown in its settings.
func (cs *Channels) ReportStatus(ctx context.Context, id string, s ChannelStatus) error {
	var raw string
	err := cs.db.QueryRowContext(ctx, `SELECT status FROM inbox_channels WHERE id = $1`, id).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("inbox: channel %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("inbox: channel status: %w", err)
	}
	var cur ChannelStatus
	_ = json.Unmarshal([]byte(raw), &cur)
	if s.LastUpdateAt != 0 {
		cur.LastUpdateAt = s.LastUpdateAt
	}
	if s.LastError != "" || s.LastErrorAt != 0 {
		cur.LastError, cur.LastErrorAt = s.LastError, s.LastErrorAt
	}
	if s.Info != "" {
		cur.Info = s.Info
	}
	if s.Recovered {
		cur.FailedCode, cur.FailedReason, cur.FailedAt, cur.FailedFor = "", "", 0, ""
		cur.LastError, cur.LastErrorAt = "", 0
	}
	if s.FailedCode != "" {
		cur.FailedCode, cur.FailedReason, cur.FailedAt, cur.FailedFor = s.FailedCode, s.FailedReason, s.FailedAt, s.FailedFor
	}
	b, _ := json.Marshal(cur)
	if _, err = cs.db.ExecContext(ctx, `UPDATE inbox_channels SET status = $2 WHERE id = $1`, id, string(b)); err != nil {
		return err
	}
	// The administrators hear of a stopped channel now; a notice lost
	// here is found by the hub's periodic sweep.
	if s.FailedCode != "" && cs.alerts != nil {
		if err := cs.alerts.ChannelFailed(ctx, id); err != nil {
			cs.log.Warn("channel failure not notified", "channel", id, "err", err)
		}
	}
	return nil
}

// Status reads a channel's status for the caller's settings page.
func (cs *Channels) Status(ctx context.Context, sc access.Scope, id string) (ChannelStatus, error) {
	c, err := cs.channelByID(ctx, id)
	if err != nil {
		return ChannelStatus{}, err
	}
	if _, err := getLine(ctx, cs.db, sc, c.LineID); err != nil {
		return ChannelStatus{}, err
	}
	s, err := cs.StatusOf(ctx, id)
	s.FailedFor = ""
	return s, err
}

// StatusOf reads a channel's status, unscoped, for its connector
// (which checks whether the channel was stopped by another node).
func (cs *Channels) StatusOf(ctx context.Context, id string) (ChannelStatus, error) {
	var raw string
	if err := cs.db.QueryRowContext(ctx, `SELECT status FROM inbox_channels WHERE id = $1`, id).Scan(&raw); err != nil {
		return ChannelStatus{}, fmt.Errorf("inbox: channel status: %w", err)
	}
	var s ChannelStatus
	_ = json.Unmarshal([]byte(raw), &s)
	return s, nil
}
