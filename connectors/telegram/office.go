package telegram

import (
	"bytes"
	"context"
	"strconv"
	"strings"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/profhub/profhub/inbox"
)

// The member's office (package memberbot, through the hub): a member's
// private message goes to Office before the bot menu and the inbox, like
// a staff member's goes to Staff. What the office does not take (free
// text, "Связаться с оператором") goes on to the inbox as before.

// Office is the member's office as the bot hears it.
type Office interface {
	OfficeMessage(ctx context.Context, m OfficeMessage) (OfficeReply, bool, error)
	// OfficeCommands are the bot's command menu (setMyCommands).
	OfficeCommands() []OfficeCommand
}

// OfficeCommand is one command of the bot's menu: "card" and what it does.
type OfficeCommand struct{ Command, Description string }

// setCommands gives the bot the office's command menu when its channel
// is saved. Best effort: a bot without the menu still answers them.
func (c *Connector) setCommands(ctx context.Context, ch inbox.Channel, b *bot.Bot) {
	if c.office == nil || ch.Settings[settingOffice] == "0" {
		return
	}
	var cmds []models.BotCommand
	for _, oc := range c.office.OfficeCommands() {
		cmds = append(cmds, models.BotCommand{Command: oc.Command, Description: oc.Description})
	}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: cmds}); err != nil {
		c.log.Info("telegram command menu not set", "channel", ch.ID, "err", redact(err.Error(), ch))
	}
}

// OfficeMessage is a member's private message. Phone is a number Telegram
// vouches is the sender's own (the contact button); ForeignContact a
// contact card of someone else.
type OfficeMessage struct {
	ChannelID, UserID, ChatID, Text, Phone string
	ForeignContact                         bool
}

// OfficeReply is the office's answer: text (the photo's caption when
// Image is set), a reply keyboard, and the "share my phone" button.
type OfficeReply struct {
	Text     string
	Keyboard [][]string
	AskPhone bool
	Image    []byte
}

// officeMessage hands a private message to the office and sends its
// answer; handled false leaves it for the menu and the inbox.
func (c *Connector) officeMessage(ctx context.Context, ch inbox.Channel, b *bot.Bot, msg *models.Message) (bool, error) {
	if c.office == nil || msg.From == nil || ch.Settings[settingOffice] == "0" {
		return false, nil
	}
	m := OfficeMessage{ChannelID: ch.ID, UserID: strconv.FormatInt(msg.From.ID, 10), ChatID: strconv.FormatInt(msg.Chat.ID, 10),
		Text: firstNonEmpty(msg.Text, msg.Caption)}
	if ct := msg.Contact; ct != nil {
		if ct.UserID == msg.From.ID {
			m.Phone = ct.PhoneNumber
		} else {
			m.ForeignContact = true
		}
	}
	r, handled, err := c.office.OfficeMessage(ctx, m)
	if err != nil || !handled {
		return handled, err
	}
	c.answerOffice(ctx, ch, b, msg.Chat.ID, r)
	return true, nil
}

// answerOffice sends the office's answer; a failure is logged (the
// member presses again).
func (c *Connector) answerOffice(ctx context.Context, ch inbox.Channel, b *bot.Bot, chat int64, r OfficeReply) {
	if r.Text == "" && r.Image == nil {
		return // a press past the flood limit: silence
	}
	var markup models.ReplyMarkup
	if len(r.Keyboard) > 0 || r.AskPhone {
		kb := &models.ReplyKeyboardMarkup{ResizeKeyboard: true, IsPersistent: true}
		if r.AskPhone {
			kb.Keyboard = append(kb.Keyboard, []models.KeyboardButton{{Text: phoneButton, RequestContact: true}})
		}
		for _, row := range r.Keyboard {
			var bs []models.KeyboardButton
			for _, t := range row {
				bs = append(bs, models.KeyboardButton{Text: t})
			}
			kb.Keyboard = append(kb.Keyboard, bs)
		}
		markup = kb
	}
	var err error
	if r.Image != nil {
		caption := r.Text
		if len([]rune(caption)) > 1000 {
			caption = string([]rune(caption)[:1000])
		}
		_, err = b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: chat, Caption: caption, ReplyMarkup: markup,
			Photo: &models.InputFileUpload{Filename: "profbilet.png", Data: bytes.NewReader(r.Image)}})
	} else {
		_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: r.Text, ReplyMarkup: markup})
	}
	if err != nil {
		c.log.Warn("telegram office answer not sent", "channel", ch.ID, "err", redact(strings.TrimSpace(err.Error()), ch))
	}
}
