package demo

import (
	"context"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/pdata"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/privacy"
)

// fillPrivacy gives the personal data page something to show: the
// processing consent's text in two versions (members who agreed to the
// first are to be asked again), consents and one withdrawal in the
// register, and the retention periods the federation's policy sets.
func fillPrivacy(ctx context.Context, e Env, sc access.Scope) error {
	if e.Privacy == nil || e.CRM == nil {
		return nil
	}
	page, err := e.CRM.Members.ListMembers(ctx, sc, crm.MemberFilter{Limit: 8})
	if err != nil {
		return err
	}
	texts := []string{
		"Я, член профсоюза, даю согласие Федерации профсоюзов и моей первичной профсоюзной организации на обработку моих персональных данных " +
			"(ФИО, дата рождения, место работы и должность, телефон, адрес электронной почты) в целях учёта членства и защиты моих прав.",
		"Я, член профсоюза, даю согласие Федерации профсоюзов и моей первичной профсоюзной организации на обработку моих персональных данных " +
			"(ФИО, дата рождения, место работы и должность, телефон, адрес электронной почты, записи обращений и звонков) в целях учёта членства, " +
			"защиты моих прав и ответа на мои обращения. Согласие действует до его отзыва письменным заявлением.",
	}
	ways := []string{"paper", "widget", "telegram", "paper", "email", "phone", "paper", "vk"}
	for v, text := range texts {
		if _, err := e.Privacy.SetConsentText(ctx, sc, "processing", text); err != nil {
			return err
		}
		for i, m := range page.Members {
			if (v == 0) != (i < 5) {
				continue // the first five agreed to the first text, the rest to the second
			}
			if _, err := e.Privacy.RecordConsent(ctx, sc, privacy.ConsentInput{MemberID: m.ID, Kind: "processing", Given: true,
				Channel: ways[i%len(ways)], Address: "заявление в первичную организацию"}); err != nil {
				return err
			}
		}
	}
	if _, err := e.Privacy.SetConsentText(ctx, sc, "mailing", "Согласен получать новости профсоюза и предложения программы «ПрофДисконт»."); err != nil {
		return err
	}
	if len(page.Members) > 1 {
		m := page.Members[1]
		for _, given := range []bool{true, false} {
			if _, err := e.Privacy.RecordConsent(ctx, sc, privacy.ConsentInput{MemberID: m.ID, Kind: "mailing", Topic: "email", Given: given,
				Channel: "email"}); err != nil {
				return err
			}
		}
	}
	for kind, days := range map[string]int{pdata.ClosedConversations: 1095, pdata.Recordings: 365, pdata.WidgetVisitors: 90, pdata.AuditRows: 1095} {
		if _, err := e.Privacy.SetRetention(ctx, sc, kind, days); err != nil {
			return err
		}
	}
	return nil
}
