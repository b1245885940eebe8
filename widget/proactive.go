package widget

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Proactive messages: an administrator sets triggers on a widget channel
// (a page address pattern, seconds on the page, new or returning
// visitors), the script evaluates them in the visitor's browser and opens
// the chat with the trigger's text. A visitor who answers starts the
// conversation with that text first, stored as an automatic message (it
// is not an operator's first response). The browser reports each show;
// the conversations started count as answers.

// Trigger is one proactive message of a widget channel.
type Trigger struct {
	ID         string `json:"id"`
	ChannelID  string `json:"channel_id"`
	Position   int    `json:"position"`
	URLPattern string `json:"url_pattern"` // glob over the page address: * any characters; "" every page
	AfterS     int    `json:"after_s"`     // seconds on the page first
	Visitors   string `json:"visitors"`    // all, new, returning
	Text       string `json:"text"`
	SenderName string `json:"sender_name"` // shown as the message's author; "" the chat's title
	OnceDays   int    `json:"once_days"`   // at most once in this many days per browser; 0 every page
	Enabled    bool   `json:"enabled"`
	Shows      int64  `json:"shows"`
	Answers    int64  `json:"answers"`
}

// publicTrigger is what the script needs of a trigger.
type publicTrigger struct {
	ID         string `json:"id"`
	URLPattern string `json:"url_pattern"`
	AfterS     int    `json:"after_s"`
	Visitors   string `json:"visitors"`
	Text       string `json:"text"`
	SenderName string `json:"sender_name"`
	OnceDays   int    `json:"once_days"`
}

const maxTriggers = 20 // per channel

func (t *Trigger) check() error {
	t.URLPattern, t.Text, t.SenderName = strings.TrimSpace(t.URLPattern), strings.TrimSpace(t.Text), strings.TrimSpace(t.SenderName)
	if t.Visitors == "" {
		t.Visitors = "all"
	}
	switch {
	case t.Text == "":
		return valid.Errorf("text", "required", "the message is required")
	case !utf8.ValidString(t.Text + t.SenderName + t.URLPattern):
		return valid.Errorf("text", "utf8", "text must be valid UTF-8")
	case utf8.RuneCountInString(t.Text) > 1000:
		return valid.Errorf("text", "too_long", "the message is limited to %d characters", 1000)
	case utf8.RuneCountInString(t.SenderName) > 100:
		return valid.Errorf("sender_name", "too_long", "the sender's name is limited to 100 characters")
	case len(t.URLPattern) > 300 || strings.ContainsAny(t.URLPattern, " \t\r\n"):
		return valid.Errorf("url_pattern", "url_pattern", "the address pattern is up to 300 characters without spaces, * for any")
	case t.AfterS < 0 || t.AfterS > 3600:
		return valid.Errorf("after_s", "range", "seconds on the page are 0 to 3600")
	case t.OnceDays < 0 || t.OnceDays > 365:
		return valid.Errorf("once_days", "range", "days between shows are 0 to 365")
	case t.Visitors != "all" && t.Visitors != "new" && t.Visitors != "returning":
		return valid.Errorf("visitors", "visitors", "visitors are all, new or returning")
	}
	return nil
}

// Triggers is the store of the proactive triggers (widget_triggers).
type Triggers struct {
	db       *db.DB
	channels *inbox.Channels
}

const triggerColumns = `id, channel_id, position, url_pattern, after_s, visitors, text, sender_name, once_days, enabled, shows, answers`

func scanTrigger(row interface{ Scan(...any) error }) (Trigger, error) {
	var t Trigger
	err := row.Scan(&t.ID, &t.ChannelID, &t.Position, &t.URLPattern, &t.AfterS, &t.Visitors, &t.Text, &t.SenderName,
		&t.OnceDays, &t.Enabled, &t.Shows, &t.Answers)
	return t, err
}

// adminChannel checks that sc may manage the widget's settings and that
// channelID is a widget channel.
func (s *Triggers) adminChannel(ctx context.Context, sc access.Scope, channelID string) error {
	if err := sc.Require(access.ManageInbox); err != nil {
		return err
	}
	ch, err := s.channels.Get(ctx, channelID)
	if err != nil {
		return err
	}
	if ch.Kind != inbox.KindWidget {
		return fmt.Errorf("widget: channel %s: %w", channelID, db.ErrNotFound)
	}
	return nil
}

// List returns a channel's triggers with their counts, in order.
func (s *Triggers) List(ctx context.Context, sc access.Scope, channelID string) ([]Trigger, error) {
	if err := s.adminChannel(ctx, sc, channelID); err != nil {
		return nil, err
	}
	return s.of(ctx, channelID, false)
}

func (s *Triggers) of(ctx context.Context, channelID string, enabledOnly bool) ([]Trigger, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+triggerColumns+` FROM widget_triggers WHERE channel_id = $1 AND (enabled OR NOT $2)
		ORDER BY position, created_at`, channelID, enabledOnly)
	if err != nil {
		return nil, fmt.Errorf("widget: triggers: %w", err)
	}
	defer rows.Close()
	out := []Trigger{}
	for rows.Next() {
		t, err := scanTrigger(rows)
		if err != nil {
			return nil, fmt.Errorf("widget: triggers: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// public is the enabled triggers of a channel as the script gets them.
func (s *Triggers) public(ctx context.Context, channelID string) ([]publicTrigger, error) {
	ts, err := s.of(ctx, channelID, true)
	out := make([]publicTrigger, 0, len(ts))
	for _, t := range ts {
		out = append(out, publicTrigger{ID: t.ID, URLPattern: t.URLPattern, AfterS: t.AfterS, Visitors: t.Visitors, Text: t.Text,
			SenderName: t.SenderName, OnceDays: t.OnceDays})
	}
	return out, err
}

// Save creates (t.ID empty) or changes a trigger of channelID.
func (s *Triggers) Save(ctx context.Context, sc access.Scope, channelID string, t Trigger) (Trigger, error) {
	if err := s.adminChannel(ctx, sc, channelID); err != nil {
		return t, err
	}
	if err := t.check(); err != nil {
		return t, err
	}
	now := db.Now()
	t.ChannelID = channelID
	if t.ID == "" {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM widget_triggers WHERE channel_id = $1`, channelID).Scan(&n); err != nil {
			return t, fmt.Errorf("widget: triggers: %w", err)
		}
		if n >= maxTriggers {
			return t, valid.Refuse(db.ErrConflict, "too_many_triggers", "a chat has at most %d proactive messages", maxTriggers)
		}
		t.ID = uuid.Must(uuid.NewV7()).String()
		_, err := s.db.ExecContext(ctx, `INSERT INTO widget_triggers (id, channel_id, position, url_pattern, after_s, visitors, text, sender_name,
			once_days, enabled, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$11)`,
			t.ID, channelID, t.Position, t.URLPattern, t.AfterS, t.Visitors, t.Text, t.SenderName, t.OnceDays, t.Enabled, now)
		if err != nil {
			return t, fmt.Errorf("widget: save trigger: %w", err)
		}
		return t, nil
	}
	res, err := s.db.ExecContext(ctx, `UPDATE widget_triggers SET position = $3, url_pattern = $4, after_s = $5, visitors = $6, text = $7,
		sender_name = $8, once_days = $9, enabled = $10, updated_at = $11 WHERE id = $1 AND channel_id = $2`,
		t.ID, channelID, t.Position, t.URLPattern, t.AfterS, t.Visitors, t.Text, t.SenderName, t.OnceDays, t.Enabled, now)
	if err != nil {
		return t, fmt.Errorf("widget: save trigger: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return t, fmt.Errorf("widget: trigger %s: %w", t.ID, db.ErrNotFound)
	}
	return s.get(ctx, t.ID)
}

// Delete removes a trigger of channelID.
func (s *Triggers) Delete(ctx context.Context, sc access.Scope, channelID, id string) error {
	if err := s.adminChannel(ctx, sc, channelID); err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `DELETE FROM widget_triggers WHERE id = $1 AND channel_id = $2`, id, channelID)
	if err != nil {
		return fmt.Errorf("widget: delete trigger: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("widget: trigger %s: %w", id, db.ErrNotFound)
	}
	return nil
}

func (s *Triggers) get(ctx context.Context, id string) (Trigger, error) {
	t, err := scanTrigger(s.db.QueryRowContext(ctx, `SELECT `+triggerColumns+` FROM widget_triggers WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("widget: trigger %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("widget: trigger: %w", err)
	}
	return t, nil
}

// preface is the message a visitor's first answer to trigger id starts
// the conversation with: nil when the trigger is not an enabled one of ch.
func (s *Triggers) preface(ctx context.Context, ch inbox.Channel, id string) *inbox.Preface {
	if id == "" || len(id) > 100 {
		return nil
	}
	t, err := s.get(ctx, id)
	if err != nil || t.ChannelID != ch.ID || !t.Enabled {
		return nil
	}
	return &inbox.Preface{Text: t.Text, Ref: t.ID}
}

// senderOf is the author a trigger's message shows, by the external id of
// its stored preface ("preface:TRIGGER:CONVERSATION"), and the trigger.
func (s *Triggers) senderOf(ctx context.Context, ch inbox.Channel, externalID string) (name, triggerID string) {
	rest, ok := strings.CutPrefix(externalID, "preface:")
	if !ok {
		return "", ""
	}
	triggerID, _, _ = strings.Cut(rest, ":")
	name = setting(ch, settingTitle, ch.Name)
	if t, err := s.get(ctx, triggerID); err == nil && t.SenderName != "" {
		name = t.SenderName
	}
	return name, triggerID
}

// count adds one show or answer to a trigger of channelID.
func (s *Triggers) count(ctx context.Context, channelID, id string, answer bool) (bool, error) {
	col := "shows"
	if answer {
		col = "answers"
	}
	res, err := s.db.ExecContext(ctx, `UPDATE widget_triggers SET `+col+` = `+col+` + 1 WHERE id = $1 AND channel_id = $2 AND enabled`, id, channelID)
	if err != nil {
		return false, fmt.Errorf("widget: count trigger: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
