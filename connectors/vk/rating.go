package vk

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/SevereCloud/vksdk/v3/api"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// A rating request (sent when a conversation closes on a line that asks
// for one) carries an inline keyboard of five callback buttons. A press
// arrives as message_event and is answered with a snackbar through
// messages.sendMessageEventAnswer; a forged or foreign payload is refused
// and changes nothing.

// RatingTaker records a contact's answer to a rating request (*inbox.Ratings).
type RatingTaker interface {
	RateByToken(ctx context.Context, tok, chat string, rating int) (inbox.RatingOutcome, error)
}

// ratingPayload is a rating button's payload.
type ratingPayload struct {
	Rate string `json:"rate"`
	N    int    `json:"n"`
}

// ratingKeyboardJSON is the inline keyboard of callback buttons 1 to 5.
func ratingKeyboardJSON(ask *inbox.RatingAsk) string {
	type action struct {
		Type    string `json:"type"`
		Label   string `json:"label"`
		Payload string `json:"payload"`
	}
	type button struct {
		Action action `json:"action"`
		Color  string `json:"color,omitempty"`
	}
	row := make([]button, 5)
	for i := range row {
		p, _ := json.Marshal(ratingPayload{Rate: ask.Token, N: i + 1})
		row[i] = button{Action: action{Type: "callback", Label: strconv.Itoa(i + 1), Payload: string(p)}}
	}
	b, _ := json.Marshal(struct {
		Inline  bool       `json:"inline"`
		Buttons [][]button `json:"buttons"`
	}{true, [][]button{row}})
	return string(b)
}

// messageEvent is the part of a message_event object the rating uses.
type messageEvent struct {
	UserID  int             `json:"user_id"`
	PeerID  int             `json:"peer_id"`
	EventID string          `json:"event_id"`
	Payload json.RawMessage `json:"payload"`
}

// ratingPress takes a pressed callback button and answers it.
func (c *Connector) ratingPress(ctx context.Context, ch inbox.Channel, raw json.RawMessage) error {
	var ev messageEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		return valid.Errorf("object", "json", "message_event object: %v", err)
	}
	var p ratingPayload
	if err := json.Unmarshal(ev.Payload, &p); err != nil || p.Rate == "" {
		return nil // another button's press: not ours
	}
	out := inbox.RatingOutcome{Status: inbox.RatingInvalid}
	if c.inbox.RatingTaker != nil && ev.PeerID != 0 {
		var err error
		if out, err = c.inbox.RatingTaker.RateByToken(ctx, p.Rate, strconv.Itoa(ev.PeerID), p.N); err != nil {
			return err
		}
	}
	data, _ := json.Marshal(map[string]string{"type": "show_snackbar", "text": out.Text})
	cctx, cancel := context.WithTimeout(ctx, c.t.callTimeout)
	defer cancel()
	if _, err := c.channelClient(ch).MessagesSendMessageEventAnswer(api.Params{"event_id": ev.EventID, "user_id": ev.UserID,
		"peer_id": ev.PeerID, "event_data": string(data)}.WithContext(cctx)); err != nil {
		c.log.Warn("vk rating press not answered", "channel", ch.ID, "err", err)
	}
	return nil
}
