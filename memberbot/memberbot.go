// Package memberbot is the member's own office in the union's Telegram bot
// and VK community: a menu before the queue ("Мои обращения",
// "Электронный профбилет", "Моя организация", "Подписки"), the link of a
// chat to a member card confirmed by a one-time code sent from the card,
// the electronic membership card (an Ed25519-signed token in a QR code,
// checked at the public page /v/{token}), the member's appeals and their
// status changes, subscriptions that change the card's consents, and the
// count of menu actions per channel.
//
// It reads the CRM, sends codes and messages through ports the hub
// satisfies (Members, Appeals, Orgs, CodeSender, Messenger); the
// connectors hand it members' messages before the inbox sees them, and
// whatever it does not handle (free text, "Связаться с оператором") goes
// to the inbox as before: the menu never traps a member.
package memberbot

import (
	"context"
	"crypto/ed25519"
	"log/slog"
	"time"

	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/security/secretbox"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/kv"
)

// Member is what the office uses of a member card.
type Member struct {
	ID         string
	Surname    string
	GivenName  string
	Patronymic string
	UnitID     string
	UnitName   string
	CardNumber string
	Status     string // crm status: "member", "left", "excluded", …
	Archived   bool
	Phones     []string
	Emails     []string
	// Mailings are the mailing consents by channel (telegram, vk, email,
	// sms); Advertising the consent to advertising mailings.
	Mailings    map[string]bool
	Advertising bool
}

// Active says whether the person is a member in good standing: only they
// hold a valid card.
func (m Member) Active() bool { return m.Status == "member" && !m.Archived }

// FullName is the card's name, surname first.
func (m Member) FullName() string { return joinWords(m.Surname, m.GivenName, m.Patronymic) }

// Members is the CRM as the office reads and changes it (system access:
// the member is the one asking, through a confirmed link).
type Members interface {
	Member(ctx context.Context, id string) (Member, error) // db.ErrNotFound
	// ByPhone lists the cards with this phone, in any form.
	ByPhone(ctx context.Context, phone string) ([]string, error)
	// SetConsent turns a mailing consent on or off with today's date and
	// the source, through the card's history like any change.
	// channel "advertising" is the advertising consent.
	SetConsent(ctx context.Context, memberID, channel string, on bool, source string) error
}

// Appeal is a member's appeal as the office shows it.
type Appeal struct {
	ID        string
	MemberID  string
	Number    string
	Subject   string
	Status    string // crm status: new, in_progress, waiting, resolved, rejected
	DueOn     string // YYYY-MM-DD
	Channel   string // where it came from: telegram, vk, …
	UpdatedAt int64  // ms
}

// Appeals reads the CRM's appeals.
type Appeals interface {
	OfMember(ctx context.Context, memberID string, limit int) ([]Appeal, error)
	// ChangedSince lists appeals of members changed at or after since (ms),
	// oldest change first.
	ChangedSince(ctx context.Context, since int64, limit int) ([]Appeal, error)
}

// OrgContact is one organisation's contacts: the primary organisation
// first, then the committees above it.
type OrgContact struct {
	Name, Chairman, Phone, Email, Address, Hours string
}

// Orgs reads the organisation cards.
type Orgs interface {
	Contacts(ctx context.Context, unitID string) ([]OrgContact, error)
	// Search finds organisations whose name holds the words (anyone may
	// ask: organisation contacts are public).
	Search(ctx context.Context, query string, limit int) ([]OrgContact, error)
}

// CodeSender sends a linking code to a member by SMS to a phone of the
// card or by e-mail to an address of it.
type CodeSender interface {
	SendCode(ctx context.Context, m Member, code string) error
}

// Messenger sends a plain text to a member's chat on a channel (appeal
// status notices); key makes a resend recognisable where the channel can.
type Messenger interface {
	SendText(ctx context.Context, kind, channelID, chatID, text, key string) error
}

// Deps is what the office needs from the hub.
type Deps struct {
	DB      *db.DB
	KV      *kv.Client
	Box     *secretbox.Box
	Config  *config.Config // BaseURL makes the verify link, Zone the days
	Log     *slog.Logger
	Members Members
	Appeals Appeals
	Orgs    Orgs
	Codes   CodeSender
	Send    Messenger
	// Staff checks staff members' access to cards and conversations.
	Staff Staff
	// Federation names the union on the card (the tree's root).
	Federation func(ctx context.Context) string
	// Now is the clock; nil: time.Now.
	Now func() time.Time
}

// Service is the member's office.
type Service struct {
	d     Deps
	store store
	log   *slog.Logger
	zone  *time.Location
	now   func() time.Time

	// Cards issues and checks the electronic membership cards.
	Cards  *Cards
	hmacK  []byte // the codes' HMAC key, derived from the card signing key
	limits limits
}

// Cards issues the electronic membership cards, draws them and checks
// their tokens (card.go, cardimage.go).
type Cards struct {
	d     *Deps
	store store
	log   *slog.Logger
	zone  *time.Location
	now   func() time.Time
	life  time.Duration // a card's validity

	priv  ed25519.PrivateKey
	pub   ed25519.PublicKey
	hmacK []byte
}

// limits a test may change (export_test.go).
type limits struct {
	codeTTL     time.Duration // a code's life
	phoneTTL    time.Duration // how long the bot waits for a number
	maxAttempts int           // wrong codes before the code is burnt
	codesPerDay int           // codes sent to one messenger user a day
	pressesPerM int           // menu presses a minute before the bot stays silent
	cardLife    time.Duration // a card's validity
}

var defaultLimits = limits{codeTTL: 10 * time.Minute, phoneTTL: 15 * time.Minute, maxAttempts: 5, codesPerDay: 5,
	pressesPerM: 20, cardLife: 365 * 24 * time.Hour}

// New builds the office and loads (or makes) the card signing key.
func New(ctx context.Context, d Deps) (*Service, error) {
	s := &Service{d: d, store: store{db: d.DB}, log: d.Log.With("pkg", "memberbot"), now: d.Now, limits: defaultLimits}
	if s.now == nil {
		s.now = time.Now
	}
	s.zone = config.DefaultZone()
	if d.Config != nil {
		s.zone = d.Config.Zone()
	}
	s.Cards = &Cards{d: &s.d, store: s.store, log: s.log, zone: s.zone, now: func() time.Time { return s.now() }, life: s.limits.cardLife}
	if err := s.Cards.loadKey(ctx); err != nil {
		return nil, err
	}
	s.hmacK = s.Cards.hmacK
	return s, nil
}

// SetCodeSender replaces how codes leave (tests record them).
func (s *Service) SetCodeSender(c CodeSender) { s.d.Codes = c }

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

func joinWords(ws ...string) string {
	out := ""
	for _, w := range ws {
		if w == "" {
			continue
		}
		if out != "" {
			out += " "
		}
		out += w
	}
	return out
}
