// Package crm is the union's registry: organisation cards for the units of
// the tree and member cards, with the filters, search, duplicate control,
// merge and export the staff use every day. Every function takes the
// caller's access.Scope; members of units outside the caller's subtree are
// reported as db.ErrNotFound.
package crm

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Status is a person's standing in the union.
type Status string

const (
	StatusMember    Status = "member"
	StatusLeft      Status = "left"
	StatusSuspended Status = "suspended"
	StatusExcluded  Status = "excluded"
	StatusDeceased  Status = "deceased"
)

// Statuses lists the statuses a card may have.
var Statuses = []Status{StatusMember, StatusLeft, StatusSuspended, StatusExcluded, StatusDeceased}

// Kind tells members from the other people the union keeps cards for.
type Kind string

const (
	KindMember   Kind = "member"
	KindPress    Kind = "press"
	KindPartner  Kind = "partner"
	KindProspect Kind = "prospect" // a potential member
	KindOther    Kind = "other"
)

// Kinds lists the kinds of card.
var Kinds = []Kind{KindMember, KindPress, KindPartner, KindProspect, KindOther}

// Channels are the mailing channels a member may consent to.
var Channels = []string{"sms", "email", "telegram", "vk", "phone", "post"}

// Consent is one agreement, with when and how it was given.
type Consent struct {
	Given  bool   `json:"given"`
	Date   string `json:"date,omitempty"`   // YYYY-MM-DD
	Source string `json:"source,omitempty"` // e.g. "paper form", "import 2026-03"
}

// Consents are a member's agreements under the personal data law.
type Consents struct {
	Processing  *Consent           `json:"processing,omitempty"`
	Advertising *Consent           `json:"advertising,omitempty"`
	Mailings    map[string]Consent `json:"mailings,omitempty"` // by channel, see Channels
}

// MemberInput is everything a member card holds that staff edit.
type MemberInput struct {
	UnitID       string         `json:"unit_id"` // primary organisation
	Surname      string         `json:"surname"`
	GivenName    string         `json:"given_name"`
	Patronymic   string         `json:"patronymic"`
	BirthDate    string         `json:"birth_date"` // YYYY-MM-DD
	Sex          string         `json:"sex"`        // "", "m" or "f"
	Phones       []string       `json:"phones"`
	Emails       []string       `json:"emails"`
	Workplace    string         `json:"workplace"`
	Position     string         `json:"position"`
	Industry     string         `json:"industry"`
	Status       Status         `json:"status"`
	JoinedOn     string         `json:"joined_on"`
	LeftOn       string         `json:"left_on"`
	LeftReason   string         `json:"left_reason"`
	CardNumber   string         `json:"card_number"`
	DiscountCard string         `json:"discount_card"`
	Activist     bool           `json:"activist"`
	Flags        []string       `json:"flags"` // activist roles: "inspector", "youth council", …
	Consents     Consents       `json:"consents"`
	Custom       map[string]any `json:"custom"`
	Kind         Kind           `json:"kind"` // member (default), press, partner, prospect, other
}

// Member is a stored member card.
type Member struct {
	ID string `json:"id"`
	MemberInput
	FullName  string    `json:"full_name"`
	UnitName  string    `json:"unit_name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// ArchivedAt is set while the card is archived (card.go): out of the
	// list, the exports and the mailings until restored.
	ArchivedAt *time.Time `json:"archived_at,omitempty"`
}

// DuplicateError refuses a new card that looks like existing ones (same
// phone, e-mail, or name and birth date); the caller shows the candidates
// and either merges or creates anyway.
type DuplicateError struct {
	Candidates []Member
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("crm: %d possible duplicate(s)", len(e.Candidates))
}

// Unwrap makes a DuplicateError a conflict for httpapi.
func (e *DuplicateError) Unwrap() error { return db.ErrConflict }

func fullName(in MemberInput) string {
	return strings.Join(strings.Fields(in.Surname+" "+in.GivenName+" "+in.Patronymic), " ")
}

// normalize checks in and brings it to its stored form.
func (in *MemberInput) normalize() error {
	var err error
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{
		{"surname", &in.Surname, 100}, {"given_name", &in.GivenName, 100}, {"patronymic", &in.Patronymic, 100},
		{"workplace", &in.Workplace, 300}, {"position", &in.Position, 300}, {"industry", &in.Industry, 200},
		{"left_reason", &in.LeftReason, 500}, {"card_number", &in.CardNumber, 50}, {"discount_card", &in.DiscountCard, 50},
	} {
		*f.v = strings.Join(strings.Fields(*f.v), " ")
		if n := len([]rune(*f.v)); n > f.max {
			return valid.Errorf(f.name, "too_long", "%s must have at most %d characters", f.name, f.max)
		}
	}
	if in.Surname == "" {
		return valid.Errorf("surname", "required", "surname is required")
	}
	for _, d := range []struct {
		name string
		v    *string
	}{{"birth_date", &in.BirthDate}, {"joined_on", &in.JoinedOn}, {"left_on", &in.LeftOn}} {
		if *d.v, err = validDate(d.name, *d.v); err != nil {
			return err
		}
	}
	switch in.Sex = strings.ToLower(strings.TrimSpace(in.Sex)); in.Sex {
	case "", "m", "f":
	default:
		return valid.Errorf("sex", "sex", "sex must be m, f or empty")
	}
	if in.Status == "" {
		in.Status = StatusMember
	}
	if in.Kind == "" {
		in.Kind = KindMember
	}
	if !slices.Contains(Kinds, in.Kind) {
		return valid.Errorf("kind", "kind", "kind must be one of member, press, partner, prospect, other")
	}
	if !slices.Contains(Statuses, in.Status) {
		return valid.Errorf("status", "status", "status must be one of member, left, suspended, excluded, deceased")
	}
	if in.Phones, err = normalizePhones(in.Phones); err != nil {
		return err
	}
	if in.Emails, err = normalizeEmails(in.Emails); err != nil {
		return err
	}
	if in.Flags, err = normalizeFlags(in.Flags); err != nil {
		return err
	}
	if err := in.Consents.check(); err != nil {
		return err
	}
	for k, v := range in.Custom {
		if v == nil {
			delete(in.Custom, k)
		}
	}
	if in.Custom == nil {
		in.Custom = map[string]any{}
	}
	if b, _ := json.Marshal(in.Custom); len(b) > 16<<10 {
		return valid.Errorf("custom", "too_long", "custom fields must take at most 16 KiB")
	}
	return nil
}

func validDate(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Year() < 1900 || t.After(time.Now().AddDate(1, 0, 0)) {
		return "", valid.Errorf(field, "date", "%s must be a date, YYYY-MM-DD", field)
	}
	return s, nil
}

func normalizePhones(in []string) ([]string, error) {
	out := []string{} // never null in JSON, and equal to a stored empty list
	for _, p := range in {
		if strings.TrimSpace(p) == "" {
			continue
		}
		n, err := NormalizePhone(p)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	if len(out) > 10 {
		return nil, valid.Errorf("phones", "too_many", "at most 10 phones")
	}
	return out, nil
}

// NormalizeEmail lower-cases an address and checks its form.
func NormalizeEmail(e string) (string, error) {
	e = strings.ToLower(strings.TrimSpace(e))
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || len(e) > 254 {
		return "", valid.Errorf("emails", "email_format", "e-mail %q is not a valid address", e)
	}
	return e, nil
}

func normalizeEmails(in []string) ([]string, error) {
	out := []string{} // never null in JSON, and equal to a stored empty list
	for _, e := range in {
		if strings.TrimSpace(e) == "" {
			continue
		}
		n, err := NormalizeEmail(e)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	if len(out) > 10 {
		return nil, valid.Errorf("emails", "too_many", "at most 10 e-mails")
	}
	return out, nil
}

func normalizeFlags(in []string) ([]string, error) {
	out := []string{} // never null in JSON, and equal to a stored empty list
	for _, f := range in {
		f = strings.Join(strings.Fields(f), " ")
		if f == "" || slices.Contains(out, f) {
			continue
		}
		if len([]rune(f)) > 50 || strings.ContainsAny(f, `"\`) {
			return nil, valid.Errorf("flags", "flag", "a flag must have at most 50 characters and no quotes")
		}
		out = append(out, f)
	}
	if len(out) > 20 {
		return nil, valid.Errorf("flags", "too_many", "at most 20 flags")
	}
	return out, nil
}

func (c *Consents) check() error {
	for _, x := range []*Consent{c.Processing, c.Advertising} {
		if x != nil {
			if err := x.check("consents"); err != nil {
				return err
			}
		}
	}
	for ch, x := range c.Mailings {
		if !slices.Contains(Channels, ch) {
			return valid.Errorf("consents", "channel", "unknown mailing channel %q (sms, email, telegram, vk, phone, post)", ch)
		}
		if err := x.check("consents"); err != nil {
			return err
		}
		c.Mailings[ch] = x
	}
	return nil
}

func (c *Consent) check(field string) error {
	var err error
	if c.Date, err = validDate(field, c.Date); err != nil {
		return err
	}
	c.Source = strings.TrimSpace(c.Source)
	if len([]rune(c.Source)) > 200 {
		return valid.Errorf(field, "too_long", "a consent source must have at most 200 characters")
	}
	return nil
}

// consentChannels is the stored ",email,sms," form of the channels a
// member agreed to be written to, in Channels order.
func (c Consents) consentChannels() string {
	s := ","
	for _, ch := range Channels {
		if c.Mailings[ch].Given {
			s += ch + ","
		}
	}
	return s
}

// nameWords are the folded words of a name, for the search index.
func nameWords(in MemberInput) []string {
	var out []string
	for _, w := range strings.Fields(norm.Fold(fullName(in))) {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// Everyone but executors keeps the registry; merging (which deletes a
// card) is for the heads and the secretary.
// The grants are in package access.
func requireEdit(sc access.Scope) error { return sc.Require(access.EditRegistry) }

func requireMerge(sc access.Scope) error { return sc.Require(access.MergeMembers) }

func memberNotFound(id string) error { return fmt.Errorf("crm: member %s: %w", id, db.ErrNotFound) }
