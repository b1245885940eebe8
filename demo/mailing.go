package demo

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/access"
	"github.com/profhub/profhub/mailing"
)

// fillMailing adds the federation's SMTP server (a local relay the demo
// never reaches), a press-and-partners list and a draft newsletter, so the
// mailings page shows how a campaign is put together. Nothing is sent.
func fillMailing(ctx context.Context, m *mailing.Service, sc access.Scope) error {
	acc, err := m.CreateAccount(ctx, sc, mailing.SMTPAccount{Name: "Почтовый сервер федерации", Host: "localhost", Port: 25,
		TLS: "none", FromAddress: "news@fnpr-oren.example.org", FromName: "Федерация профсоюзов Оренбургской области",
		RatePerSec: 50, Connections: 2})
	if err != nil {
		return err
	}
	l, err := m.CreateList(ctx, sc, "Пресса и партнёры")
	if err != nil {
		return err
	}
	var es []mailing.ListEntry
	for i, p := range []struct{ name, org string }{
		{"Соколова Ирина Викторовна", "Редакция «Оренбургская неделя»"}, {"Павлов Денис Олегович", "ГТРК «Оренбург»"},
		{"Гарипова Лилия Рамилевна", "Портал «Оренбург Медиа»"}, {"Никитин Сергей Павлович", "Сеть аптек «Здоровье» (ПрофДисконт)"},
		{"Белова Ольга Николаевна", "Санаторий «Солнечный» (ПрофДисконт)"},
	} {
		es = append(es, mailing.ListEntry{Name: p.name, Email: fmt.Sprintf("partner%d@example.org", i+1), Organisation: p.org,
			Consents: []string{"email"}, Advertising: i >= 3})
	}
	if _, err := m.AppendToList(ctx, sc, l.ID, es); err != nil {
		return err
	}
	_, err = m.CreateCampaign(ctx, sc, mailing.CampaignInput{Name: "Новости федерации: декабрь", Kind: mailing.Informational,
		Channels: []string{mailing.ChannelEmail}, Segments: []mailing.Segment{{ListID: l.ID}}, Accounts: []string{acc.ID},
		Content: mailing.Content{Subject: "Новости федерации для {{.GivenName}} {{.Patronymic}}",
			HTML: "<h1>Здравствуйте, {{.GivenName}} {{.Patronymic}}!</h1><p>Подписано региональное соглашение на 2027 год: " +
				"заработная плата в отрасли растёт на 8 % с января.</p><p>{{.Organisation}} — спасибо за сотрудничество.</p>"}})
	return err
}
