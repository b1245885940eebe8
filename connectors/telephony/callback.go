package telephony

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// CallbackRequest is an operator's click on a phone number.
type CallbackRequest struct {
	ChannelID      string `json:"channel_id"`      // optional when the conversation or call names it
	Number         string `json:"number"`          // any form; normalised
	ConversationID string `json:"conversation_id"` // the missed-call conversation being answered, if any
	CallID         string `json:"call_id"`         // or the call being returned
}

// Callback is a stored click-to-call request.
type Callback struct {
	ID             string    `json:"id"`
	ChannelID      string    `json:"channel_id"`
	UserID         string    `json:"user_id"`
	Extension      string    `json:"extension"`
	Number         string    `json:"number"`
	ConversationID string    `json:"conversation_id,omitempty"`
	Status         string    `json:"status"` // requested, failed, connected, unanswered
	Error          string    `json:"error,omitempty"`
	CallID         string    `json:"call_id,omitempty"`
	RequestedAt    time.Time `json:"requested_at"`
}

// RequestCallback asks the PBX to ring the operator's extension and then
// dial the number. The request is stored and audited whatever the PBX
// says; a refusal comes back as the error and the stored status "failed".
// When the outgoing call ends, its result is matched to the request and
// noted in the conversation.
func (c *Connector) RequestCallback(ctx context.Context, sc access.Scope, in CallbackRequest) (Callback, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return Callback{}, err
	}
	if in.CallID != "" {
		call, err := c.GetCall(ctx, sc, in.CallID)
		if err != nil {
			return Callback{}, err
		}
		in.ChannelID, in.Number = firstNonEmpty(in.ChannelID, call.ChannelID), firstNonEmpty(in.Number, call.Number)
		in.ConversationID = firstNonEmpty(in.ConversationID, call.ConversationID)
	}
	if in.ConversationID != "" {
		conv, err := c.inbox.Conversations.Get(ctx, sc, in.ConversationID)
		if err != nil {
			return Callback{}, err
		}
		if conv.ChannelKind == inbox.KindTelephony {
			in.ChannelID = firstNonEmpty(in.ChannelID, conv.ChannelID)
			in.Number = firstNonEmpty(in.Number, conv.ExternalChatID)
		}
	}
	number := normalNumber(in.Number)
	if !strings.HasPrefix(number, "+") {
		return Callback{}, valid.Errorf("number", "phone_format", "%q is not a phone number that can be called", in.Number)
	}
	ch, err := c.channelForCallback(ctx, sc, in.ChannelID)
	if err != nil {
		return Callback{}, err
	}
	ext := c.extensionOfUser(ctx, ch, sc.UserID)
	if ext == "" {
		return Callback{}, valid.Errorf("extension", "no_extension", "you have no extension on the telephony channel %q: ask an administrator to add you to its extensions", ch.Name)
	}
	unitID, err := c.lineUnit(ctx, ch)
	if err != nil {
		return Callback{}, err
	}
	cb := Callback{ID: uuid.Must(uuid.NewV7()).String(), ChannelID: ch.ID, UserID: sc.UserID, Extension: ext, Number: number,
		ConversationID: in.ConversationID, Status: "requested", RequestedAt: time.UnixMilli(db.Now()).UTC()}
	a, _ := adapterOf(ch)
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	perr := a.callback(cctx, c.api, ch, cb.ID, ext, number)
	cancel()
	if perr != nil {
		cb.Status, cb.Error = "failed", perr.Error()
	}
	err = c.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tel_callbacks (id, channel_id, unit_id, user_id, extension, number, conversation_id, status,
			error, requested_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$10)`, cb.ID, ch.ID, unitID, sc.UserID, ext, number,
			cb.ConversationID, cb.Status, cb.Error, cb.RequestedAt.UnixMilli()); err != nil {
			return fmt.Errorf("telephony: callback: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "telephony.callback", ObjectType: "call", ObjectID: cb.ID, UnitID: unitID,
			Details: map[string]any{"number": number, "extension": ext, "status": cb.Status}})
	})
	if err != nil {
		return Callback{}, err
	}
	if cb.ConversationID != "" {
		text := fmt.Sprintf("Обратный звонок на %s с добавочного %s: PBX набирает номер.", number, ext)
		if perr != nil {
			text = fmt.Sprintf("Обратный звонок на %s не начат: %s", number, perr.Error())
		}
		c.note(ctx, sc, cb.ConversationID, text)
	}
	if perr != nil {
		return cb, valid.Errorf("number", "pbx_refused", "the PBX did not start the call: %v", perr)
	}
	return cb, nil
}

// channelForCallback picks the channel: the one named, else the only
// telephony channel the caller can see.
func (c *Connector) channelForCallback(ctx context.Context, sc access.Scope, id string) (inbox.Channel, error) {
	if id != "" {
		ch, err := c.inbox.Channels.Get(ctx, id)
		if err != nil || ch.Kind != inbox.KindTelephony {
			return inbox.Channel{}, valid.Errorf("channel_id", "channel", "no telephony channel %s", id)
		}
		if _, err := c.inbox.Lines.Get(ctx, sc, ch.LineID); err != nil {
			return inbox.Channel{}, err
		}
		return ch, nil
	}
	var found []inbox.Channel
	chans, err := c.inbox.Channels.OfKind(ctx, inbox.KindTelephony)
	if err != nil {
		return inbox.Channel{}, err
	}
	for _, ch := range chans {
		if c.extensionOfUser(ctx, ch, sc.UserID) != "" {
			found = append(found, ch)
		}
	}
	if len(found) != 1 {
		return inbox.Channel{}, valid.Errorf("channel_id", "channel", "say which telephony channel to call through (%d have an extension of yours)", len(found))
	}
	return found[0], nil
}

// note writes an internal note to a conversation; a closed one keeps its
// record in the call log only.
func (c *Connector) note(ctx context.Context, sc access.Scope, convID, text string) {
	if _, err := c.inbox.Note(ctx, sc, convID, inbox.ReplyInput{Text: text}); err != nil {
		c.log.Info("callback note not written", "conversation", convID, "err", err)
	}
}

// matchCallback finds the click-to-call request an ended outgoing call
// answers (same channel and number, asked within the ten minutes before
// the call started) and records its outcome.
func (c *Connector) matchCallback(ctx context.Context, ch inbox.Channel, res applied) {
	since := res.call.StartedAt.Add(-10 * time.Minute).UnixMilli()
	var cb Callback
	var req int64
	err := c.db.QueryRowContext(ctx, `SELECT id, user_id, conversation_id, requested_at FROM tel_callbacks WHERE channel_id = $1 AND number = $2
		AND status = 'requested' AND requested_at >= $3 AND requested_at <= $4 ORDER BY requested_at DESC LIMIT 1`,
		ch.ID, res.number, since, res.call.StartedAt.Add(time.Minute).UnixMilli()).Scan(&cb.ID, &cb.UserID, &cb.ConversationID, &req)
	if err != nil {
		return
	}
	status := "unanswered"
	if res.call.Result == ResAnswered {
		status = "connected"
	}
	r, err := c.db.ExecContext(ctx, `UPDATE tel_callbacks SET status = $2, call_id = $3, updated_at = $4 WHERE id = $1 AND status = 'requested'`,
		cb.ID, status, res.callID, db.Now())
	if err != nil {
		return
	}
	if n, _ := r.RowsAffected(); n == 0 || cb.ConversationID == "" {
		return
	}
	text := fmt.Sprintf("Обратный звонок на %s: разговор %d с.", res.number, res.call.TalkS)
	if status != "connected" {
		text = fmt.Sprintf("Обратный звонок на %s: не дозвонились (%s).", res.number, firstNonEmpty(res.call.Cause, res.call.Result))
	}
	sc := access.System("telephony")
	sc.UserID = cb.UserID
	c.note(ctx, sc, cb.ConversationID, text)
}

func auditRetention(ctx context.Context, tx db.Execer, callID, unitID string, days int) error {
	return audit.Record(ctx, tx, access.System("telephony retention"), audit.Entry{Action: "telephony.recording_delete", ObjectType: "call",
		ObjectID: callID, UnitID: unitID, Details: map[string]any{"retention_days": days}})
}
