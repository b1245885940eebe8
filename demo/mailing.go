package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/mailing"
)

// fillMailing adds the federation's SMTP server (a local relay the demo
// never reaches), a press-and-partners list and a draft newsletter, so the
// mailings page shows how a campaign is put together. Nothing is sent.
func fillMailing(ctx context.Context, e Env, sc access.Scope, u Units) error {
	m := e.Mailing
	acc, err := m.Accounts.CreateAccount(ctx, sc, mailing.SMTPAccount{Name: "Почтовый сервер федерации", Host: "localhost", Port: 25,
		TLS: "none", FromAddress: "news@fnpr-oren.example.org", FromName: "Федерация профсоюзов Оренбургской области",
		RatePerSec: 50, Connections: 2})
	if err != nil {
		return err
	}
	l, err := m.Lists.CreateList(ctx, sc, "Пресса и партнёры")
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
	if _, err := m.Lists.AppendToList(ctx, sc, l.ID, es); err != nil {
		return err
	}
	if _, err = m.Campaigns.CreateCampaign(ctx, sc, mailing.CampaignInput{Name: "Новости федерации: декабрь", Kind: mailing.Informational,
		Channels: []string{mailing.ChannelEmail}, Segments: []mailing.Segment{{ListID: l.ID}}, Accounts: []string{acc.ID},
		Content: mailing.Content{Subject: "Новости федерации для {{.GivenName}} {{.Patronymic}}",
			HTML: "<h1>Здравствуйте, {{.GivenName}} {{.Patronymic}}!</h1><p>Подписано региональное соглашение на 2027 год: " +
				"заработная плата в отрасли растёт на 8 % с января.</p><p>{{.Organisation}} — спасибо за сотрудничество.</p>"}}); err != nil {
		return err
	}
	if err := fillMemberCampaigns(ctx, e, sc, u, acc.ID); err != nil {
		return err
	}
	if err := fillBlockLetter(ctx, e, sc, acc.ID); err != nil {
		return err
	}
	// A greeting scheduled two weeks ahead: the secretary's home page
	// shows it among the mailings under way until it goes.
	greeting, err := m.Campaigns.CreateCampaign(ctx, sc, mailing.CampaignInput{Name: "Поздравление партнёров с Новым годом", Kind: mailing.Informational,
		Channels: []string{mailing.ChannelEmail}, Segments: []mailing.Segment{{ListID: l.ID}}, Accounts: []string{acc.ID},
		Content: mailing.Content{Subject: "С наступающим Новым годом, {{.GivenName}} {{.Patronymic}}!",
			HTML: "<p>{{.GivenName}} {{.Patronymic}}, Федерация профсоюзов Оренбургской области поздравляет вас и коллектив " +
				"{{.Organisation}} с наступающим Новым годом! Спасибо за совместную работу в уходящем году.</p>"}})
	if err != nil {
		return err
	}
	// Scheduling needs the hub's public address (the letters' links are
	// absolute); without one the greeting stays a draft and says why.
	at := time.Now().AddDate(0, 0, 14).Truncate(time.Hour)
	if _, err := m.Actions.Start(ctx, sc, greeting.ID, at); errors.Is(err, mailing.ErrNoBaseURL) {
		fmt.Fprintln(e.Out, "the New Year greeting is left a draft: set PROFHUB_BASE_URL to schedule mailings")
	} else if err != nil {
		return fmt.Errorf("schedule the greeting: %w", err)
	}
	if e.Telegram.Token == "" {
		return nil
	}
	return fillTelegramCampaign(ctx, e, sc, acc.ID)
}

// TelegramBot is a bot the demo may attach: PROFHUB_DEMO_TELEGRAM_TOKEN
// and, for a self-hosted Bot API server, PROFHUB_DEMO_TELEGRAM_API_URL.
type TelegramBot struct{ Token, APIURL string }

// fillTelegramCampaign adds the bot to the federation's hotline and a
// draft invitation that goes by Telegram to members who wrote to the bot
// and by e-mail to the others.
func fillTelegramCampaign(ctx context.Context, e Env, sc access.Scope, account string) error {
	lines, err := e.Inbox.Lines.List(ctx, sc)
	if err != nil || len(lines) == 0 {
		return fmt.Errorf("no line for the bot: %w", err)
	}
	settings := map[string]string{"mode": "polling"}
	if e.Telegram.APIURL != "" {
		settings["api_url"] = e.Telegram.APIURL
	}
	ch, _, err := e.Inbox.Channels.Create(ctx, sc, inbox.NewChannel{LineID: lines[0].ID, Kind: inbox.KindTelegram, Name: "Бот федерации",
		Settings: settings, Secrets: map[string]string{"bot_token": e.Telegram.Token}})
	if err != nil {
		return fmt.Errorf("telegram bot: %w", err)
	}
	yes := true
	_, err = e.Mailing.Campaigns.CreateCampaign(ctx, sc, mailing.CampaignInput{Name: "Приглашение на собрание профактива", Kind: mailing.Informational,
		Channels: []string{mailing.ChannelTelegram, mailing.ChannelEmail}, Segments: []mailing.Segment{{Filter: &mailing.FilterSpec{Activist: &yes}}},
		Accounts: []string{account}, Messengers: map[string]string{mailing.ChannelTelegram: ch.ID},
		Content: mailing.Content{Subject: "Собрание профактива 18 декабря",
			HTML:    "<p>{{.GivenName}} {{.Patronymic}}, приглашаем на собрание профактива 18 декабря в 15:00.</p>",
			Message: "<b>{{.GivenName}} {{.Patronymic}}</b>, приглашаем на собрание профактива <b>18 декабря в 15:00</b>. Ответьте на это сообщение, если придёте."}})
	return err
}

// fillMemberCampaigns adds drafts whose segments are member cards, so the
// mailing page counts real recipients before sending: the chairman's
// shared filter "Активисты федерации" by e-mail or SMS, and the medical
// workers' organisations by e-mail.
func fillMemberCampaigns(ctx context.Context, e Env, sc access.Scope, u Units, account string) error {
	if e.CRM == nil {
		return nil
	}
	filters, err := e.CRM.SavedFilters.SavedFilters(ctx, sc)
	if err != nil {
		return err
	}
	activists := ""
	for _, f := range filters {
		if f.Name == "Активисты федерации" {
			activists = f.ID
		}
	}
	if activists == "" {
		return fmt.Errorf("mailing: no saved filter of activists")
	}
	health := u["health"].ID
	gateway, err := fillSMS(ctx, e, sc)
	if err != nil {
		return err
	}
	for _, in := range []mailing.CampaignInput{
		{Name: "Собрание профактива 18 декабря", Kind: mailing.Informational, Channels: []string{mailing.ChannelEmail, mailing.ChannelSMS},
			Segments: []mailing.Segment{{SavedFilterID: activists}}, Accounts: []string{account}, SMSGate: gateway,
			Content: mailing.Content{Subject: "Собрание профактива 18 декабря",
				HTML: "<p>{{Имя и отчество}}, приглашаем на собрание профактива 18 декабря в 15:00, " +
					"Дом союзов, ул. Володарского, 39, зал заседаний.</p>",
				SMS: "{{Имя и отчество}}, собрание профактива 18.12 в 15:00, Дом союзов."}},
		{Name: "Медикам: новая редакция отраслевого соглашения", Kind: mailing.Informational, Channels: []string{mailing.ChannelEmail},
			Segments: []mailing.Segment{{Filter: &mailing.FilterSpec{UnitID: health}}}, Accounts: []string{account},
			Content: mailing.Content{Subject: "Отраслевое соглашение в здравоохранении на 2027 год",
				HTML: "<p>Здравствуйте, {{.GivenName}} {{.Patronymic}}!</p><p>Обком подписал отраслевое соглашение на 2027 год: " +
					"надбавки за стаж сохранены, минимальный оклад среднего медицинского персонала вырос на 9 %.</p>"}},
	} {
		if _, err := e.Mailing.Campaigns.CreateCampaign(ctx, sc, in); err != nil {
			return fmt.Errorf("campaign %q: %w", in.Name, err)
		}
	}
	return nil
}
