package privacy

import (
	"context"
	"database/sql"
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

// Kinds of consent.
var ConsentKinds = []string{"processing", "advertising", "mailing"}

var kindNames = map[string]string{"processing": "Обработка персональных данных", "advertising": "Реклама", "mailing": "Рассылки"}

// ConsentChannels are the ways a consent reaches the federation.
var ConsentChannels = []string{"paper", "web", "widget", "telegram", "vk", "email", "phone", "import"}

var channelNames = map[string]string{"paper": "на бумаге", "web": "в кабинете сотрудника", "widget": "чат на сайте",
	"telegram": "Telegram", "vk": "ВКонтакте", "email": "эл. почта", "phone": "по телефону", "import": "импорт"}

func channelName(c string) string {
	if n, ok := channelNames[c]; ok {
		return n
	}
	return c
}

// mailingTopics are the mailing channels a mailing consent is about.
var mailingTopics = []string{"sms", "email", "telegram", "vk", "phone", "post"}

// ConsentText is one version of a consent's text.
type ConsentText struct {
	Kind      string    `json:"kind"`
	Version   int       `json:"version"`
	Text      string    `json:"text"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// ConsentTexts are every version of every kind, newest first by kind.
func (s *Service) ConsentTexts(ctx context.Context, sc access.Scope) ([]ConsentText, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT kind, version, text, created_by, created_at FROM privacy_consent_texts ORDER BY kind, version DESC`)
	if err != nil {
		return nil, fmt.Errorf("privacy: consent texts: %w", err)
	}
	defer rows.Close()
	out := []ConsentText{}
	for rows.Next() {
		var t ConsentText
		var at int64
		if err := rows.Scan(&t.Kind, &t.Version, &t.Text, &t.CreatedBy, &at); err != nil {
			return nil, fmt.Errorf("privacy: consent texts: %w", err)
		}
		t.CreatedAt = db.Time(at)
		out = append(out, t)
	}
	return out, rows.Err()
}

// SetConsentText makes a new version of a kind's text: consents given
// under an older one are asked again (ConsentEntry.AskAgain).
func (s *Service) SetConsentText(ctx context.Context, sc access.Scope, kind, text string) (ConsentText, error) {
	if err := sc.Require(access.ManageSettings); err != nil {
		return ConsentText{}, err
	}
	text = strings.TrimSpace(text)
	if !slices.Contains(ConsentKinds, kind) {
		return ConsentText{}, valid.Keyed("kind", "kind", "privacy_kind", "unknown kind of consent")
	}
	if text == "" || len([]rune(text)) > 20000 {
		return ConsentText{}, valid.Keyed("text", "text", "privacy_text", "a consent text must have 1 to 20000 characters")
	}
	t := ConsentText{Kind: kind, Text: text, CreatedBy: sc.UserName, CreatedAt: s.now()}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var last int
		var current string
		err := tx.QueryRowContext(ctx, `SELECT version, text FROM privacy_consent_texts WHERE kind = $1 ORDER BY version DESC LIMIT 1`, kind).Scan(&last, &current)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if current == text {
			return valid.Keyed("text", "same", "privacy_text_same", "the text is the current version's")
		}
		t.Version = last + 1
		if _, err := tx.ExecContext(ctx, `INSERT INTO privacy_consent_texts (kind, version, text, created_by, created_at) VALUES ($1, $2, $3, $4, $5)`,
			kind, t.Version, text, sc.UserName, t.CreatedAt.UnixMilli()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "privacy.consent_text", ObjectType: "consent_text", ObjectID: fmt.Sprintf("%s/%d", kind, t.Version)})
	})
	if err != nil {
		return ConsentText{}, wrap("consent text", err)
	}
	return t, nil
}

// ConsentInput is one consent given or withdrawn.
type ConsentInput struct {
	MemberID string `json:"member_id"`
	Kind     string `json:"kind"`
	Topic    string `json:"topic"` // the mailing channel of a mailing consent
	Given    bool   `json:"given"`
	Channel  string `json:"channel"`
	Address  string `json:"address"` // where it came from; the caller's IP when empty
}

// ConsentEntry is one row of the register.
type ConsentEntry struct {
	ID          string    `json:"id"`
	MemberID    string    `json:"member_id"`
	MemberName  string    `json:"member_name"`
	Kind        string    `json:"kind"`
	Topic       string    `json:"topic,omitempty"`
	Given       bool      `json:"given"`
	TextVersion int       `json:"text_version"`
	Channel     string    `json:"channel"`
	Address     string    `json:"address,omitempty"`
	At          time.Time `json:"at"`
	RecordedBy  string    `json:"recorded_by"`
	// AskAgain: given under a text that has changed since.
	AskAgain bool `json:"ask_again,omitempty"`
}

// RecordConsent writes a consent or withdrawal into the register under
// the kind's current text, and records it in the audit log.
func (s *Service) RecordConsent(ctx context.Context, sc access.Scope, in ConsentInput) (ConsentEntry, error) {
	if err := sc.Require(access.EditRegistry); err != nil {
		return ConsentEntry{}, err
	}
	sub, err := s.subjects.Subject(ctx, sc, in.MemberID)
	if err != nil {
		return ConsentEntry{}, err
	}
	if err := checkConsent(&in); err != nil {
		return ConsentEntry{}, err
	}
	if in.Address == "" {
		in.Address = sc.From
	}
	e := ConsentEntry{ID: uuid.NewString(), MemberID: sub.ID, MemberName: sub.FullName, Kind: in.Kind, Topic: in.Topic, Given: in.Given,
		Channel: in.Channel, Address: in.Address, At: s.now(), RecordedBy: sc.UserName}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if erased, err := isErased(ctx, tx, sub.ID); err != nil || erased {
			return cmpErr(err, valid.Refuse(db.ErrConflict, "privacy_erased", "the member's data was erased"))
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM privacy_consent_texts WHERE kind = $1`, in.Kind).Scan(&e.TextVersion); err != nil {
			return err
		}
		if in.Given && e.TextVersion == 0 {
			return valid.Keyed("kind", "no_text", "privacy_no_text", "the consent's text is not set yet")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO privacy_consents (id, member_id, unit_id, kind, topic, given, text_version, channel, address, at, recorded_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, e.ID, sub.ID, sub.UnitID, e.Kind, e.Topic, e.Given, e.TextVersion,
			e.Channel, e.Address, e.At.UnixMilli(), sc.UserName); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "privacy.consent", ObjectType: "member", ObjectID: sub.ID, UnitID: sub.UnitID,
			Details: map[string]any{"kind": e.Kind, "topic": e.Topic, "given": e.Given, "version": e.TextVersion, "channel": e.Channel}})
	})
	if err != nil {
		return ConsentEntry{}, wrap("record consent", err)
	}
	// The card follows the register: a withdrawn mailing consent stops
	// the mailings on that channel.
	if err := s.subjects.ApplyConsent(ctx, sc, sub.ID, e.Kind, e.Topic, e.Given, e.At.In(s.zone).Format("2006-01-02"), channelName(e.Channel)); err != nil {
		return ConsentEntry{}, err
	}
	return e, nil
}

func checkConsent(in *ConsentInput) error {
	in.Address = strings.TrimSpace(in.Address)
	switch {
	case !slices.Contains(ConsentKinds, in.Kind):
		return valid.Keyed("kind", "kind", "privacy_kind", "unknown kind of consent")
	case in.Kind == "mailing" && !slices.Contains(mailingTopics, in.Topic):
		return valid.Keyed("topic", "topic", "privacy_topic", "a mailing consent names its channel (sms, email, telegram, vk, phone, post)")
	case in.Kind != "mailing" && in.Topic != "":
		return valid.Keyed("topic", "topic", "privacy_topic_extra", "only a mailing consent names a channel")
	case !slices.Contains(ConsentChannels, in.Channel):
		return valid.Keyed("channel", "channel", "privacy_channel", "unknown way of consent")
	case len([]rune(in.Address)) > 300:
		return valid.Keyed("address", "too_long", "privacy_address", "the address must have at most 300 characters")
	}
	return nil
}

func isErased(ctx context.Context, q db.Execer, memberID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM privacy_erasures WHERE member_id = $1 AND completed_at > 0`, memberID).Scan(&n)
	return n > 0, err
}

// cmpErr is err if set, else refusal.
func cmpErr(err, refusal error) error {
	if err != nil {
		return err
	}
	return refusal
}

// wrap adds the package's context to an error, keeping validation and
// refusals as they are (their messages are shown).
func wrap(what string, err error) error {
	if _, ok := valid.As(err); ok {
		return err
	}
	if _, ok := valid.AsRefusal(err); ok {
		return err
	}
	return fmt.Errorf("privacy: %s: %w", what, err)
}
