package inbox

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Get kinds.
const (
	KindAPI       = "api"
	KindTelegram  = "telegram"
	KindVK        = "vk"
	KindMail      = "mail"
	KindTelephony = "telephony"
	KindWidget    = "widget"
	KindSMS       = "sms"
)

// ChannelKinds lists the kinds a channel may have.
var ChannelKinds = []string{KindAPI, KindTelegram, KindVK, KindMail, KindTelephony, KindWidget, KindSMS}

// Get is one way into a line.
type Channel struct {
	ID        string            `json:"id"`
	LineID    string            `json:"line_id"`
	Kind      string            `json:"kind"`
	Name      string            `json:"name"`
	Settings  map[string]string `json:"settings"`
	RatePerS  int               `json:"rate_per_s"` // outbound messages per second; 0: the kind's default
	Disabled  bool              `json:"disabled"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
	// Secrets (tokens, passwords, webhook keys) are never returned by the
	// API; they are stored sealed with the installation's secret key.
	Secrets map[string]string `json:"-"`
}

// NewChannel is what creating a channel takes.
type NewChannel struct {
	LineID   string            `json:"line_id"`
	Kind     string            `json:"kind"`
	Name     string            `json:"name"`
	Settings map[string]string `json:"settings"`
	Secrets  map[string]string `json:"secrets"`
	RatePerS int               `json:"rate_per_s"`
}

func hashChannelToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// Create attaches a new channel to a line. For the API kind it
// returns the inbound token, shown once.
func (cs *Channels) Create(ctx context.Context, sc access.Scope, n NewChannel) (Channel, string, error) {
	if err := sc.Require(access.ManageInbox); err != nil {
		return Channel{}, "", err
	}
	n.Name = strings.TrimSpace(n.Name)
	if n.Name == "" || len([]rune(n.Name)) > 200 {
		return Channel{}, "", valid.Errorf("name", "name_length", "name must have 1 to 200 characters")
	}
	if !slices.Contains(ChannelKinds, n.Kind) {
		return Channel{}, "", valid.Errorf("kind", "channel_kind", "kind must be one of %s", strings.Join(ChannelKinds, ", "))
	}
	if n.RatePerS < 0 || n.RatePerS > 10000 {
		return Channel{}, "", valid.Errorf("rate_per_s", "range", "rate_per_s must be 0 to 10000")
	}
	if n.Settings == nil {
		n.Settings = map[string]string{}
	}
	var token, tokenHash string
	if n.Kind == KindAPI {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		token = "phc_" + base64.RawURLEncoding.EncodeToString(b)
		tokenHash = hashChannelToken(token)
		if err := validateWebhookURL(n.Settings["webhook_url"]); err != nil {
			return Channel{}, "", err
		}
		if n.Secrets == nil || n.Secrets["webhook_secret"] == "" {
			sb := make([]byte, 24)
			_, _ = rand.Read(sb)
			n.Secrets = map[string]string{"webhook_secret": base64.RawURLEncoding.EncodeToString(sb)}
		}
	}
	c := Channel{ID: uuid.Must(uuid.NewV7()).String(), LineID: n.LineID, Kind: n.Kind, Name: n.Name, Settings: n.Settings,
		Secrets: n.Secrets, RatePerS: n.RatePerS}
	if h := cs.hook(c.Kind); h != nil {
		if c.Secrets == nil {
			c.Secrets = map[string]string{}
		}
		if err := h(ctx, &c); err != nil {
			return Channel{}, "", err
		}
	}
	now := db.Now()
	c.CreatedAt, c.UpdatedAt = ms(now), ms(now)
	err := cs.db.Tx(ctx, func(tx *sql.Tx) error {
		line, err := getLine(ctx, tx, sc, n.LineID)
		if err != nil {
			return err
		}
		settings, _ := json.Marshal(c.Settings)
		secrets, err := cs.sealSecrets(c.Secrets)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_channels (id, line_id, kind, name, token_hash, settings, secrets, rate_per_s,
			created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$9)`,
			c.ID, c.LineID, c.Kind, c.Name, tokenHash, string(settings), secrets, c.RatePerS, now); err != nil {
			return fmt.Errorf("inbox: create channel: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "channel.create", ObjectType: "channel", ObjectID: c.ID, UnitID: line.UnitID,
			Details: map[string]any{"kind": c.Kind, "name": c.Name, "line_id": c.LineID}})
	})
	return c, token, err
}

// WebhookSecret returns the key that signs an API channel's outbound
// webhooks, for the administrator to give to the receiving system.
func (cs *Channels) WebhookSecret(ctx context.Context, sc access.Scope, channelID string) (string, error) {
	if err := sc.Require(access.ManageInbox); err != nil {
		return "", err
	}
	c, err := cs.channelByID(ctx, channelID)
	if err != nil {
		return "", err
	}
	if _, err := getLine(ctx, cs.db, sc, c.LineID); err != nil {
		return "", err
	}
	return c.Secrets["webhook_secret"], nil
}

// SetDisabled switches a channel off (ingest refuses its messages)
// or on.
func (cs *Channels) SetDisabled(ctx context.Context, sc access.Scope, channelID string, disabled bool) error {
	if err := sc.Require(access.ManageInbox); err != nil {
		return err
	}
	c, err := cs.channelByID(ctx, channelID)
	if err != nil {
		return err
	}
	err = cs.db.Tx(ctx, func(tx *sql.Tx) error {
		line, err := getLine(ctx, tx, sc, c.LineID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE inbox_channels SET disabled = $2, updated_at = $3 WHERE id = $1`, channelID, disabled, db.Now()); err != nil {
			return fmt.Errorf("inbox: channel: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "channel.disable", ObjectType: "channel", ObjectID: channelID, UnitID: line.UnitID,
			Details: map[string]any{"disabled": disabled}})
	})
	cs.channels.drop(channelID)
	return err
}

// List returns the channels of the lines sc can see.
func (cs *Channels) List(ctx context.Context, sc access.Scope) ([]Channel, error) {
	lines, err := cs.lines.List(ctx, sc)
	if err != nil {
		return nil, err
	}
	out := []Channel{}
	for _, l := range lines {
		rows, err := cs.db.QueryContext(ctx, `SELECT id FROM inbox_channels WHERE line_id = $1 ORDER BY name`, l.ID)
		if err != nil {
			return nil, fmt.Errorf("inbox: channels: %w", err)
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err == nil {
				ids = append(ids, id)
			}
		}
		rows.Close()
		for _, id := range ids {
			c, err := cs.channelByID(ctx, id)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
	}
	return out, nil
}

const channelColumns = `id, line_id, kind, name, settings, secrets, rate_per_s, disabled, created_at, updated_at`

func (k *core) scanChannel(row interface{ Scan(...any) error }) (Channel, error) {
	var c Channel
	var settings, secrets string
	var cr, up int64
	if err := row.Scan(&c.ID, &c.LineID, &c.Kind, &c.Name, &settings, &secrets, &c.RatePerS, &c.Disabled, &cr, &up); err != nil {
		return c, err
	}
	c.CreatedAt, c.UpdatedAt = ms(cr), ms(up)
	_ = json.Unmarshal([]byte(settings), &c.Settings)
	var err error
	c.Secrets, err = k.openSecrets(secrets)
	return c, err
}

// channelByID reads a channel (cached briefly: every ingest needs it).
func (k *core) channelByID(ctx context.Context, id string) (Channel, error) {
	if c, ok := k.channels.get(id); ok {
		return c, nil
	}
	c, err := k.scanChannel(k.db.QueryRowContext(ctx, `SELECT `+channelColumns+` FROM inbox_channels WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Channel{}, fmt.Errorf("inbox: channel %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return Channel{}, fmt.Errorf("inbox: channel: %w", err)
	}
	k.channels.put(id, c)
	return c, nil
}

// channelByToken finds an API channel by its inbound token.
// Known tokens are cached briefly by their hash; unknown ones always go to
// SQL, so a guessing caller gains nothing from the cache.
func (k *core) channelByToken(ctx context.Context, token string) (Channel, error) {
	h := hashChannelToken(token)
	if c, ok := k.channels.get("token:" + h); ok {
		return k.channelByID(ctx, c.ID)
	}
	var id string
	err := k.db.QueryRowContext(ctx, `SELECT id FROM inbox_channels WHERE token_hash = $1 AND token_hash <> ''`, h).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Channel{}, fmt.Errorf("inbox: channel token: %w", db.ErrNotFound)
	}
	if err != nil {
		// Not "unknown token": the caller must retry, not give up.
		return Channel{}, fmt.Errorf("inbox: channel token: %w", err)
	}
	c, err := k.channelByID(ctx, id)
	if err == nil {
		k.channels.put("token:"+h, c)
	}
	return c, err
}

func (c *core) sealSecrets(m map[string]string) (string, error) {
	if len(m) == 0 {
		return "", nil
	}
	b, _ := json.Marshal(m)
	return c.box.Seal(string(b)), nil
}

func (c *core) openSecrets(s string) (map[string]string, error) {
	out := map[string]string{}
	if s == "" {
		return out, nil
	}
	plain, err := c.box.Open(s)
	if err != nil {
		return nil, err
	}
	err = json.Unmarshal([]byte(plain), &out)
	return out, err
}
