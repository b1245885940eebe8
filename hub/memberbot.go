package hub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/profhub/profhub/calendar"
	"github.com/profhub/profhub/connectors/telegram"
	"github.com/profhub/profhub/connectors/vk"
	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/secretbox"
	"github.com/profhub/profhub/internal/settings"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/memberbot"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/workflow"
)

// The member's office (package memberbot) reads the CRM, sends codes by
// SMS (mailing's gateways) or e-mail (the mail channel of outgoing
// documents), and messages through the Telegram and VK connectors, all
// through its own ports satisfied here; the connectors hand it members'
// messages through theirs (memberOfficeTG, memberOfficeVK).

func (h *Hub) newMemberBot(ctx context.Context) (*memberbot.Service, error) {
	d := OfficeDeps(h.DB, h.Box, h.Config, h.Log, h.CRM, h.Org)
	d.KV, d.Codes, d.Send, d.Staff = h.KV, mbCodes{h}, mbSend{h}, mbStaff{h}
	// Reception hours come from the units' calendars, built after the office.
	d.Orgs = mbOrgs{o: h.Org, c: h.CRM, cal: func() *calendar.Service { return h.Calendar }, zone: h.Config.Zone()}
	return memberbot.New(ctx, d)
}

// OfficeDeps are the member's office's reads of the CRM and the tree, for
// the hub and the command line's demo (which sends nothing).
func OfficeDeps(d *db.DB, box *secretbox.Box, cfg *config.Config, log *slog.Logger, c *crm.Services, o *org.Store) memberbot.Deps {
	return memberbot.Deps{DB: d, Box: box, Config: cfg, Log: log,
		Members: mbMembers{c, cfg.Zone()}, Appeals: mbAppeals{c}, Orgs: mbOrgs{o: o, c: c, zone: cfg.Zone()},
		Federation: func(ctx context.Context) string {
			if roots, err := o.Roots(ctx); err == nil && len(roots) > 0 {
				return roots[0].Name
			}
			return ""
		}}
}

var officeScope = access.System("member's office")

type mbMembers struct {
	c    *crm.Services
	zone *time.Location
}

func (a mbMembers) Member(ctx context.Context, id string) (memberbot.Member, error) {
	m, err := a.c.Members.GetMember(ctx, officeScope, id)
	if err != nil {
		return memberbot.Member{}, err
	}
	out := memberbot.Member{ID: m.ID, Surname: m.Surname, GivenName: m.GivenName, Patronymic: m.Patronymic, UnitID: m.UnitID,
		UnitName: m.UnitName, CardNumber: m.CardNumber, Status: string(m.Status), Archived: m.ArchivedAt != nil,
		Phones: m.Phones, Emails: m.Emails, Mailings: map[string]bool{},
		Advertising: m.Consents.Advertising != nil && m.Consents.Advertising.Given}
	for ch, c := range m.Consents.Mailings {
		out.Mailings[ch] = c.Given
	}
	return out, nil
}

func (a mbMembers) ByPhone(ctx context.Context, phone string) ([]string, error) {
	return a.c.Members.MembersByPhone(ctx, officeScope, phone)
}

func (a mbMembers) SetConsent(ctx context.Context, memberID, channel string, on bool, source string) error {
	m, err := a.c.Members.GetMember(ctx, officeScope, memberID)
	if err != nil {
		return err
	}
	c := crm.Consent{Given: on, Date: time.Now().In(a.zone).Format("2006-01-02"), Source: source}
	in := m.MemberInput
	if channel == "advertising" {
		in.Consents.Advertising = &c
	} else {
		mailings := map[string]crm.Consent{}
		for k, v := range in.Consents.Mailings {
			mailings[k] = v
		}
		mailings[channel] = c
		in.Consents.Mailings = mailings
	}
	_, err = a.c.Members.UpdateMember(ctx, officeScope, memberID, in)
	return err
}

type mbAppeals struct{ c *crm.Services }

func toOfficeAppeal(a crm.Appeal) memberbot.Appeal {
	return memberbot.Appeal{ID: a.ID, MemberID: a.MemberID, Number: a.Number, Subject: a.Subject, Status: string(a.Status),
		DueOn: a.DueOn, Channel: a.Channel, UpdatedAt: a.UpdatedAt.UnixMilli()}
}

func (a mbAppeals) OfMember(ctx context.Context, memberID string, limit int) ([]memberbot.Appeal, error) {
	page, err := a.c.Appeals.ListAppeals(ctx, officeScope, crm.AppealFilter{MemberID: memberID, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]memberbot.Appeal, len(page.Appeals))
	for i, x := range page.Appeals {
		out[i] = toOfficeAppeal(x)
	}
	return out, nil
}

func (a mbAppeals) ChangedSince(ctx context.Context, since int64, limit int) ([]memberbot.Appeal, error) {
	list, err := a.c.Appeals.AppealsChangedSince(ctx, since, limit)
	if err != nil {
		return nil, err
	}
	out := make([]memberbot.Appeal, len(list))
	for i, x := range list {
		out[i] = toOfficeAppeal(x)
	}
	return out, nil
}

type mbOrgs struct {
	o    *org.Store
	c    *crm.Services
	cal  func() *calendar.Service // nil or returning nil: no reception hours
	zone *time.Location
}

// Contacts are the primary organisation's card and the committees' above
// it, up to (not including) the federation's root.
func (o mbOrgs) Contacts(ctx context.Context, unitID string) ([]memberbot.OrgContact, error) {
	var out []memberbot.OrgContact
	for id, depth := unitID, 0; id != "" && depth < 3; depth++ {
		u, err := o.o.GetUnit(ctx, officeScope, id)
		if err != nil {
			return nil, err
		}
		if u.ParentID == "" && len(out) > 0 {
			break // the federation itself: its contacts are on the site
		}
		card, err := o.c.Organisations.GetOrganisation(ctx, officeScope, u.ID)
		if err != nil && !errors.Is(err, db.ErrNotFound) {
			return nil, err
		}
		name := firstOf(card.ShortName, card.FullName, u.Name)
		out = append(out, memberbot.OrgContact{Name: name, Chairman: card.Chairman, Phone: card.Phone, Email: card.Email, Address: card.Address,
			Hours: o.receptions(ctx, u)})
		id = u.ParentID
	}
	return out, nil
}

// receptions are the unit's next receptions of members in its calendar
// (the next 30 days, at most three), "" when there are none.
func (o mbOrgs) receptions(ctx context.Context, u org.Unit) string {
	if o.cal == nil || o.cal() == nil {
		return ""
	}
	cs := o.cal()
	sc := officeScope
	sc.UnitID, sc.UnitPath = u.ID, u.Path
	caller := calendar.Caller{Scope: sc, Zone: o.zone}
	cals, err := cs.Calendars(ctx, caller)
	if err != nil {
		return ""
	}
	var ids []string
	for _, c := range cals {
		if c.Kind == calendar.Unit && c.UnitID == u.ID {
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		return ""
	}
	now := time.Now()
	occ, err := cs.Occurrences(ctx, caller, now, now.AddDate(0, 0, 30), ids)
	if err != nil {
		return ""
	}
	var parts []string
	for _, x := range occ {
		if x.Kind != "reception" || len(parts) == 3 {
			continue
		}
		p := x.Start.In(o.zone).Format("02.01 15:04") + "–" + x.End.In(o.zone).Format("15:04")
		if x.Place != "" {
			p += ", " + x.Place
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

// Search finds primary organisations and committees by a part of their name.
func (o mbOrgs) Search(ctx context.Context, query string, limit int) ([]memberbot.OrgContact, error) {
	units, err := o.o.ListUnits(ctx, officeScope, query)
	if err != nil {
		return nil, err
	}
	var out []memberbot.OrgContact
	for _, u := range units {
		if u.ParentID == "" || len(out) == limit {
			continue
		}
		card, err := o.c.Organisations.GetOrganisation(ctx, officeScope, u.ID)
		if err != nil && !errors.Is(err, db.ErrNotFound) {
			return nil, err
		}
		out = append(out, memberbot.OrgContact{Name: firstOf(card.ShortName, card.FullName, u.Name), Chairman: card.Chairman,
			Phone: card.Phone, Email: card.Email, Address: card.Address})
	}
	return out, nil
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

type mbCodes struct{ h *Hub }

// SendCode tries SMS to the card's first phone, then e-mail to its first
// address through the mail channel of outgoing documents.
func (c mbCodes) SendCode(ctx context.Context, m memberbot.Member, code string) error {
	text := fmt.Sprintf("Код для привязки чата к карточке члена профсоюза: %s. Никому его не сообщайте.", code)
	var smsErr error
	if len(m.Phones) > 0 && c.h.Mailing != nil {
		if smsErr = c.h.Mailing.SMSGateways.SendServiceSMS(ctx, m.Phones[0], text); smsErr == nil {
			return nil
		}
	}
	if len(m.Emails) == 0 {
		return fmt.Errorf("no way to send the code: %v", smsErr)
	}
	channel, err := settings.Get(ctx, c.h.DB, workflow.SettingMailChannel, "")
	if err != nil || channel == "" {
		return fmt.Errorf("no SMS gateway and no mail channel for codes (sms: %v)", smsErr)
	}
	_, err = c.h.mailLate.SendLetterWithFiles(ctx, channel, m.Emails[0], "Код подтверждения", text, nil)
	return err
}

type mbSend struct{ h *Hub }

func (s mbSend) SendText(ctx context.Context, kind, channelID, chatID, text, key string) error {
	var err error
	switch kind {
	case "telegram":
		_, err = s.h.telegram.SendCampaign(ctx, channelID, chatID, text, key)
	case "vk":
		_, err = s.h.vk.SendCampaign(ctx, channelID, chatID, text, key)
	default:
		err = fmt.Errorf("memberbot: no messenger %q", kind)
	}
	return err
}

type mbStaff struct{ h *Hub }

func (s mbStaff) MemberInScope(ctx context.Context, sc access.Scope, memberID string, edit bool) error {
	if _, err := s.h.CRM.Members.GetMember(ctx, sc, memberID); err != nil {
		return err
	}
	if edit {
		return sc.Require(access.EditRegistry)
	}
	return nil
}

func (s mbStaff) LinkConversation(ctx context.Context, sc access.Scope, convID, memberID string) (memberbot.ChatRef, error) {
	conv, err := s.h.Inbox.Conversations.Get(ctx, sc, convID)
	if err != nil {
		return memberbot.ChatRef{}, err
	}
	if conv.ChannelKind != "telegram" && conv.ChannelKind != "vk" {
		return memberbot.ChatRef{Kind: conv.ChannelKind}, nil
	}
	if _, err := s.h.Inbox.Actions.LinkMember(ctx, sc, convID, memberID); err != nil {
		return memberbot.ChatRef{}, err
	}
	// In a private chat the chat is the user (Telegram's chat id, VK's peer id).
	return memberbot.ChatRef{Kind: conv.ChannelKind, ChannelID: conv.ChannelID, UserID: conv.ExternalChatID, ChatID: conv.ExternalChatID}, nil
}

// memberOfficeTG is the office as the Telegram connector hears members.
type memberOfficeTG struct{ h *Hub }

func (o memberOfficeTG) OfficeMessage(ctx context.Context, m telegram.OfficeMessage) (telegram.OfficeReply, bool, error) {
	if o.h.MemberBot == nil {
		return telegram.OfficeReply{}, false, nil
	}
	r, handled, err := o.h.MemberBot.Handle(ctx, memberbot.Message{Kind: "telegram", ChannelID: m.ChannelID, UserID: m.UserID,
		ChatID: m.ChatID, Text: m.Text, Phone: m.Phone, ForeignContact: m.ForeignContact})
	return telegram.OfficeReply{Text: r.Text, Keyboard: r.Keyboard, AskPhone: r.AskPhone, Image: r.Image}, handled, err
}

func (o memberOfficeTG) OfficeCommands() []telegram.OfficeCommand {
	out := make([]telegram.OfficeCommand, len(memberbot.CommandMenu))
	for i, c := range memberbot.CommandMenu {
		out[i] = telegram.OfficeCommand{Command: c[0], Description: c[1]}
	}
	return out
}

// memberOfficeVK is the office as the VK connector hears members.
type memberOfficeVK struct{ h *Hub }

func (o memberOfficeVK) OfficeMessage(ctx context.Context, m vk.OfficeMessage) (vk.OfficeReply, bool, error) {
	if o.h.MemberBot == nil {
		return vk.OfficeReply{}, false, nil
	}
	r, handled, err := o.h.MemberBot.Handle(ctx, memberbot.Message{Kind: "vk", ChannelID: m.ChannelID, UserID: m.UserID,
		ChatID: m.ChatID, Text: m.Text})
	return vk.OfficeReply{Text: r.Text, Keyboard: r.Keyboard, Image: r.Image}, handled, err
}

// OfficeCodes is how the hub sends linking codes (SMS, else e-mail); tests
// that replaced it put it back.
func OfficeCodes(h *Hub) memberbot.CodeSender { return mbCodes{h} }
