package demo

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/mailing"
)

// fillBlockLetter adds a letter template made in the block editor and a
// draft campaign built from it for the activists, with a picture
// uploaded the way the editor does it, so the mailings page opens on a
// letter with variables, a button and two columns.
func fillBlockLetter(ctx context.Context, e Env, sc access.Scope, account string) error {
	m := e.Mailing
	img, err := m.Images.Upload(ctx, sc, demoBanner())
	if err != nil {
		return err
	}
	subject := "{{Имя}}, приглашаем на отчётно-выборную конференцию"
	blocks := []mailing.Block{
		{Type: mailing.BlockHeading, Text: "Отчётно-выборная конференция федерации"},
		{Type: mailing.BlockText, Text: "<p>Уважаемый(ая) {{Имя и отчество}}!</p><p>Приглашаем вас как делегата от организации " +
			"«{{Организация}}» на конференцию <b>18 декабря в 10:00</b> в Доме союзов. Повестка и проекты документов — " +
			`<a href="https://fnpr-oren.example.org/konferenciya">на сайте федерации</a>.</p>`},
		{Type: mailing.BlockImage, Src: img.Src, Alt: "Дом союзов, большой зал"},
		{Type: mailing.BlockButton, Text: "Подтвердить участие", URL: "https://fnpr-oren.example.org/konferenciya/registraciya"},
		{Type: mailing.BlockDivider},
		{Type: mailing.BlockColumns, Left: "<b>Место:</b> Оренбург, ул. Советская, 31, Дом союзов", Right: "<b>Регистрация:</b> с 9:00, при себе профсоюзный билет"},
	}
	if _, err := m.Templates.CreateTemplate(ctx, sc, mailing.LetterTemplateInput{Name: "Приглашение на конференцию", Subject: subject, Blocks: blocks}); err != nil {
		return err
	}
	yes := true
	_, err = m.Campaigns.CreateCampaign(ctx, sc, mailing.CampaignInput{Name: "Конференция 18 декабря: приглашение активу", Kind: mailing.Informational,
		Channels: []string{mailing.ChannelEmail}, Segments: []mailing.Segment{{Filter: &mailing.FilterSpec{Activist: &yes}}}, Accounts: []string{account},
		Content: mailing.Content{Subject: subject, Blocks: blocks}})
	return err
}

// demoBanner is a 552×160 picture in the federation's blue.
func demoBanner() []byte {
	const w, h = 552, 160
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Set(x, y, color.RGBA{uint8(31 + 60*x/w), uint8(95 + 40*y/h), 168, 255})
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, m) // writing to memory does not fail
	return b.Bytes()
}
