package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/inbox"
)

// fillWidget adds the site chat to the federation's hotline — the channel
// the demo page /widget/demo embeds as the union's website would — and a
// visitor who wrote through it: their pre-chat form gave a phone that a
// member card has, so the console proposes that card to the operator.
func (d *demoInbox) fillWidget(ctx context.Context) error {
	lines, err := d.e.Inbox.Lines.List(ctx, d.sc)
	if err != nil {
		return err
	}
	lineID := ""
	for _, l := range lines {
		if l.Name == "Горячая линия федерации" {
			lineID = l.ID
		}
	}
	if lineID == "" {
		return fmt.Errorf("widget: no hotline")
	}
	ch, _, err := d.e.Inbox.Channels.Create(ctx, d.sc, inbox.NewChannel{LineID: lineID, Kind: inbox.KindWidget, Name: "Чат на сайте федерации",
		Settings: map[string]string{
			"title":    "Федерация профсоюзов: чат",
			"greeting": "Здравствуйте! Задайте вопрос — ответит специалист федерации. Членам профсоюза ответим быстрее, если оставите телефон.",
			"prechat":  "name,contact,topic",
			"colour":   "#b3202c",
		}})
	if err != nil {
		return fmt.Errorf("widget channel: %w", err)
	}
	// A proactive message on the joining pages (the lines page shows and
	// edits it; the demo page's address does not match, so it stays quiet
	// until an administrator widens the pattern).
	now := time.Now().UnixMilli()
	if _, err := d.e.DB.ExecContext(ctx, `INSERT INTO widget_triggers (id, channel_id, url_pattern, after_s, visitors, text, sender_name,
		once_days, enabled, created_at, updated_at) VALUES ($1, $2, '/vstupit*', 15, 'new', $3, 'Ольга, юрист федерации', 7, TRUE, $4, $4)`,
		uuid.NewSHA1(uuid.NameSpaceURL, []byte("profhub-demo-widget-trigger")).String(), ch.ID,
		"Здравствуйте! Хотите вступить в профсоюз? Расскажем, какие документы нужны и какие льготы получают члены профсоюза.", now); err != nil {
		return fmt.Errorf("widget trigger: %w", err)
	}
	// A visitor of the site: the widget's visitor id is the chat's id.
	visitor := uuid.NewSHA1(uuid.NameSpaceURL, []byte("profhub-demo-widget-visitor")).String()
	for i, text := range []string{
		"Добрый день! Сын хочет летом в детский лагерь «Самородово». Профсоюз компенсирует часть стоимости путёвки?",
		"Я работаю на «Уральской Стали», в профсоюзе с 2016 года.",
	} {
		if _, err := d.e.Inbox.Ingestion.Ingest(ctx, inbox.Inbound{ChannelID: ch.ID, ExternalMessageID: fmt.Sprintf("%s:demo-%d", visitor, i),
			From:    inbox.Identity{ExternalID: visitor, Name: "Дмитрий", Phone: "+79871150377"}, // Петров Дмитрий Александрович's phone
			Subject: "Путёвка в детский лагерь", Text: text}); err != nil {
			return fmt.Errorf("widget visitor: %w", err)
		}
	}
	return nil
}
