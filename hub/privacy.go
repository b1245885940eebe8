package hub

import (
	"context"
	"maps"

	"github.com/profhub/profhub/connectors/mail"
	"github.com/profhub/profhub/connectors/telephony"
	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/pdata"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/mailing"
	"github.com/profhub/profhub/privacy"
	"github.com/profhub/profhub/widget"
	"github.com/profhub/profhub/workflow"
)

// newPrivacy builds the personal data duties and registers every
// package's personal data with them, the CRM first (the others erase
// by the addresses it finds). A table with a member_id left out fails
// TestEveryMemberTableHasPersonalData.
func (h *Hub) newPrivacy() *privacy.Service {
	p := privacy.New(privacy.Deps{DB: h.DB, KV: h.KV, Blobs: h.Blobs, Log: h.Log, Zone: h.Config.Zone(), NodeID: h.NodeID,
		Subjects: PrivacySubjects(h.CRM.Members, h.DB)})
	for _, x := range []struct {
		name string
		h    pdata.Holder
	}{
		{"crm", crm.PersonalData{}}, {"inbox", inbox.PersonalData{Dialect: h.DB.Dialect}}, {"mail", mail.PersonalData{}},
		{"widget", widget.PersonalData{}}, {"telephony", telephony.PersonalData{}}, {"mailing", mailing.PersonalData{}},
		{"workflow", workflow.PersonalData{}},
	} {
		p.Register(x.name, x.h)
	}
	// A merge moves the register's and the erasures' rows with the card.
	h.CRM.MemberLinks.RegisterMemberReferrer("privacy_consents", privacy.ConsentLinks)
	h.CRM.MemberLinks.RegisterMemberReferrer("privacy_erasures", privacy.ErasureLinks)
	return p
}

// PrivacySubjects is the CRM as the privacy package sees members (the
// demo builds its privacy service with it too).
func PrivacySubjects(members *crm.Members, d *db.DB) privacy.Subjects {
	return privacySubjects{members, d}
}

type privacySubjects struct {
	members *crm.Members
	db      *db.DB
}

func (s privacySubjects) Subject(ctx context.Context, sc access.Scope, id string) (privacy.Subject, error) {
	m, err := s.members.GetMember(ctx, sc, id)
	if err != nil {
		return privacy.Subject{}, err
	}
	return privacy.Subject{ID: m.ID, FullName: m.FullName, UnitID: m.UnitID}, nil
}

func (s privacySubjects) OpenAppeals(ctx context.Context, id string) (int, error) {
	return crm.PersonalData{}.OpenAppeals(ctx, s.db, id)
}

func (s privacySubjects) Names(ctx context.Context, ids []string) (map[string]string, error) {
	return crm.PersonalData{}.Names(ctx, s.db, ids)
}

func (s privacySubjects) ApplyConsent(ctx context.Context, sc access.Scope, id, kind, topic string, given bool, day, source string) error {
	m, err := s.members.GetMember(ctx, sc, id)
	if err != nil {
		return err
	}
	in := m.MemberInput
	c := crm.Consent{Given: given, Date: day, Source: source}
	switch kind {
	case "processing":
		in.Consents.Processing = &c
	case "advertising":
		in.Consents.Advertising = &c
	case "mailing":
		in.Consents.Mailings = maps.Clone(in.Consents.Mailings)
		if in.Consents.Mailings == nil {
			in.Consents.Mailings = map[string]crm.Consent{}
		}
		in.Consents.Mailings[topic] = c
	}
	_, err = s.members.UpdateMember(ctx, sc, id, in)
	return err
}
