package hub

import (
	"context"
	"io"
	"strings"

	"github.com/profhub/profhub/calendar"
	"github.com/profhub/profhub/connectors/mail"
	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/settings"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/notify"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/web/i18n"
	"github.com/profhub/profhub/workflow"
)

// The staff calendar hears the directory, the CRM, the notification
// centre and the mail channel through its own ports, satisfied here.

func (h *Hub) newCalendar() (*calendar.Service, *calendar.Secrets) {
	staff := CalendarStaff(h.Org)
	s := calendar.New(calendar.Deps{DB: h.DB, Log: h.Log, Zone: h.Config.Zone(), Staff: staff,
		Members: CalendarMembers(h.CRM.Members), Alerts: CalendarAlerts(h.Notify),
		Mailer: calendarMail{h}, Translate: i18n.T, BaseURL: h.Config.BaseURL})
	return s, calendar.NewSecrets(h.DB, staff)
}

// CalendarStaff is the staff directory as the calendar reads it (the demo
// uses it too).
func CalendarStaff(o *org.Store) calendar.Staff { return calendarStaff{o} }

type calendarStaff struct{ o *org.Store }

func (c calendarStaff) Person(ctx context.Context, id string) (calendar.Person, error) {
	u, err := c.ByID(ctx, id)
	if err != nil {
		return calendar.Person{}, err
	}
	if u.Disabled {
		return calendar.Person{}, db.ErrNotFound
	}
	return calendar.Person{Kind: "user", ID: u.ID, Name: u.FullName, Email: u.Email}, nil
}

func (c calendarStaff) ByLogin(ctx context.Context, login string) (auth.User, error) {
	r, err := c.o.AuthByLogin(ctx, login)
	return r.User, err
}

func (c calendarStaff) ByID(ctx context.Context, id string) (auth.User, error) {
	r, err := c.o.AuthByID(ctx, id)
	return r.User, err
}

// CalendarMembers is the CRM as the calendar reads it (the demo uses it too).
func CalendarMembers(m *crm.Members) calendar.Members { return calendarMembers{m} }

// CalendarAlerts is the notification centre as the calendar hears it.
func CalendarAlerts(n *notify.Service) calendar.Alerter { return calendarAlerts{n} }

// calendarMembers: a reception's invitees are members the caller may see.
type calendarMembers struct{ m *crm.Members }

func (c calendarMembers) Member(ctx context.Context, sc access.Scope, id string) (calendar.Person, error) {
	m, err := c.m.GetMember(ctx, sc, id)
	if err != nil {
		return calendar.Person{}, err
	}
	p := calendar.Person{Kind: "member", ID: m.ID, Name: m.FullName}
	if len(m.Emails) > 0 {
		p.Email = m.Emails[0]
	}
	return p, nil
}

// BornIn reads the member list's own filter by birth month, in the
// caller's scope: current members, cards in use.
func (c calendarMembers) BornIn(ctx context.Context, sc access.Scope, month, limit int) ([]calendar.MemberBirth, error) {
	var out []calendar.MemberBirth
	f := crm.MemberFilter{BirthMonth: month, Status: crm.StatusMember, Sort: "birth_date", Limit: min(limit, 500)}
	for len(out) < limit {
		page, err := c.m.ListMembers(ctx, sc, f)
		if err != nil {
			return nil, err
		}
		for _, m := range page.Members {
			out = append(out, calendar.MemberBirth{ID: m.ID, Name: m.FullName, BirthDate: m.BirthDate})
		}
		if page.Next == "" || len(page.Members) == 0 {
			break
		}
		f.After = page.Next
	}
	return out, nil
}

type calendarAlerts struct{ n *notify.Service }

func (a calendarAlerts) Alert(ctx context.Context, tx db.Execer, al calendar.Alert) error {
	_, err := a.n.Record(ctx, tx, notify.Notice{Key: al.Key, UserID: al.UserID, Kind: al.Kind, Text: al.Text, Link: al.Link})
	return err
}

// calendarMail sends invitations through the workflow's mail channel, the
// event attached as text/calendar with METHOD:REQUEST.
type calendarMail struct{ h *Hub }

func (m calendarMail) SendInvitation(ctx context.Context, method, to, subject, text string, ics []byte) error {
	ch, err := settings.Get(ctx, m.h.DB, workflow.SettingMailChannel, "")
	if err != nil || ch == "" {
		return err
	}
	_, err = m.h.mailLate.SendLetterWithFiles(ctx, ch, to, subject, text,
		[]workflow.LetterFile{{Name: "invite.ics", ContentType: "text/calendar; method=" + method + "; charset=UTF-8", Data: ics}})
	return err
}

// calendarReplies reads the iCalendar parts of a letter that answers
// something (a mail program's accept/decline is a METHOD:REPLY answering
// the invitation letter) and records the answer in the calendar; then the
// letter goes on to the widget's taker and, if not its, to the inbox, so
// operators still see what was written.
type calendarReplies struct {
	h    *Hub
	next mail.ReplyTaker
}

// maxReplyPart bounds what is read of one iCalendar part.
const maxReplyPart = 256 << 10

func (c calendarReplies) TakeReply(ctx context.Context, mailChannelID string, r mail.LetterReply) (mail.TakenReply, error) {
	for _, a := range r.Attachments {
		ct := strings.ToLower(a.ContentType)
		if !strings.HasPrefix(ct, "text/calendar") && !strings.HasPrefix(ct, "application/ics") && !strings.HasSuffix(strings.ToLower(a.Name), ".ics") {
			continue
		}
		if a.Size > maxReplyPart {
			continue
		}
		f, err := c.h.Blobs.Open(ctx, a.BlobKey)
		if err != nil {
			return mail.TakenReply{}, err
		}
		data, err := io.ReadAll(io.LimitReader(f, maxReplyPart))
		f.Close()
		if err != nil {
			return mail.TakenReply{}, err
		}
		if ok, err := c.h.Calendar.TakeReply(ctx, r.From, data); err != nil {
			return mail.TakenReply{}, err
		} else if ok {
			c.h.Log.Info("calendar answer taken from a letter", "from", r.From)
		}
	}
	return c.next.TakeReply(ctx, mailChannelID, r)
}
