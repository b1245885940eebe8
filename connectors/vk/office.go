package vk

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"

	"github.com/SevereCloud/vksdk/v3/api"

	"github.com/profhub/profhub/inbox"
)

// The member's office (package memberbot, through the hub): a member's
// private message goes to Office before the inbox; what the office does
// not take (free text, "Связаться с оператором") is ingested as before.
// Its answers carry the menu as a VK keyboard.

// Office is the member's office as the community hears it.
type Office interface {
	OfficeMessage(ctx context.Context, m OfficeMessage) (OfficeReply, bool, error)
}

// OfficeMessage is a member's private message (a number is typed).
type OfficeMessage struct {
	ChannelID, UserID, ChatID, Text string
}

// OfficeReply is the office's answer: text, the keyboard's rows and, for
// the card, a PNG image sent as a photo.
type OfficeReply struct {
	Text     string
	Keyboard [][]string
	Image    []byte
}

// SetOffice gives the connector the member's office (the hub, once both exist).
func (c *Connector) SetOffice(o Office) { c.office = o }

// officeMessage hands a private message to the office and sends its
// answer; handled false leaves it for the inbox.
func (c *Connector) officeMessage(ctx context.Context, ch inbox.Channel, m message, eventID string) (bool, error) {
	if c.office == nil || m.FromID <= 0 || m.PeerID != m.FromID || ch.Settings["member_office"] == "0" || m.Text == "" {
		return false, nil
	}
	r, handled, err := c.office.OfficeMessage(ctx, OfficeMessage{ChannelID: ch.ID, UserID: strconv.Itoa(m.FromID),
		ChatID: strconv.Itoa(m.PeerID), Text: m.Text})
	if err != nil || !handled {
		return handled, err
	}
	if r.Text == "" && r.Image == nil {
		return true, nil // a press past the flood limit: silence
	}
	vk := c.channelClient(ch)
	params := api.Params{"peer_id": m.PeerID, "random_id": randomID("office:"+m.externalID()+":"+eventID, 0), "message": r.Text}
	if len(r.Keyboard) > 0 {
		params["keyboard"] = keyboardJSON(r.Keyboard)
	}
	if r.Image != nil {
		if ref, err := c.uploadImage(ctx, ch, vk, m.PeerID, r.Image); err != nil {
			c.log.Warn("vk office card image not uploaded", "channel", ch.ID, "err", err)
		} else {
			params["attachment"] = ref
		}
	}
	cctx, cancel := context.WithTimeout(ctx, c.t.callTimeout)
	defer cancel()
	if _, err := vk.MessagesSend(params.WithContext(cctx)); err != nil {
		c.log.Warn("vk office answer not sent", "channel", ch.ID, "err", err)
	}
	return true, nil
}

// uploadImage puts a PNG on VK's photo upload server through the blob
// store, as a reply's file goes.
func (c *Connector) uploadImage(ctx context.Context, ch inbox.Channel, vk *api.VK, peer int, png []byte) (string, error) {
	info, err := c.blobs.Put(ctx, bytes.NewReader(png), int64(len(png))+1)
	if err != nil {
		return "", err
	}
	defer func() { _ = c.blobs.Delete(context.WithoutCancel(ctx), info.Key) }()
	return c.uploadPhoto(ctx, ch, vk, peer, inbox.Attachment{BlobKey: info.Key, Name: "profbilet.png", ContentType: "image/png", Size: info.Size})
}

// keyboardJSON is VK's keyboard for the rows of button texts (labels are
// cut to VK's 40 characters).
func keyboardJSON(rows [][]string) string {
	type action struct {
		Type  string `json:"type"`
		Label string `json:"label"`
	}
	type button struct {
		Action action `json:"action"`
		Color  string `json:"color"`
	}
	kb := struct {
		OneTime bool       `json:"one_time"`
		Buttons [][]button `json:"buttons"`
	}{Buttons: [][]button{}}
	for _, row := range rows {
		var bs []button
		for _, t := range row {
			if r := []rune(t); len(r) > 40 {
				t = string(r[:40])
			}
			bs = append(bs, button{Action: action{Type: "text", Label: t}, Color: "secondary"})
		}
		kb.Buttons = append(kb.Buttons, bs)
	}
	b, _ := json.Marshal(kb)
	return string(b)
}
