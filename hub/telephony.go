package hub

import (
	"context"
	"time"

	"github.com/profhub/profhub/connectors/telephony"
	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

// TelephonyMembers lets the telephony connector recognise callers in the
// member registry through its own small port (telephony.Members).
func TelephonyMembers(s *crm.Members) telephony.Members { return telephonyMembers{s} }

type telephonyMembers struct{ crm *crm.Members }

func (m telephonyMembers) MembersByPhone(ctx context.Context, sc access.Scope, phone string) ([]string, error) {
	return m.crm.MembersByPhone(ctx, sc, phone)
}

func (m telephonyMembers) CardMember(ctx context.Context, sc access.Scope, id string) (telephony.CardMember, error) {
	c, err := m.crm.GetMember(ctx, sc, id)
	return telephony.CardMember{ID: c.ID, FullName: c.FullName, Organisation: c.UnitName, Workplace: c.Workplace,
		Position: c.Position, Status: string(c.Status)}, err
}

// callTimeline puts telephony's calls on the CRM's member timeline.
type callTimeline struct{ t telephony.Timeline }

func (c callTimeline) MemberTimeline(ctx context.Context, sc access.Scope, m crm.Member, before time.Time, limit int) ([]crm.TimelineEntry, error) {
	es, err := c.t.MemberTimeline(ctx, sc, m.ID, before, limit)
	out := make([]crm.TimelineEntry, len(es))
	for i, e := range es {
		out[i] = crm.TimelineEntry(e)
	}
	return out, err
}

// TelephonyStaff lets the telephony connector map extensions to operators
// and name them through its own small port (telephony.Staff).
func TelephonyStaff(o *org.Store) telephony.Staff { return telephonyStaff{o} }

type telephonyStaff struct{ org *org.Store }

func (s telephonyStaff) UserIDByLogin(ctx context.Context, login string) (string, error) {
	rec, err := s.org.AuthByLogin(ctx, login)
	return rec.ID, err
}

func (s telephonyStaff) FullName(ctx context.Context, sc access.Scope, id string) (string, error) {
	u, err := s.org.GetUser(ctx, sc, id)
	return u.FullName, err
}
