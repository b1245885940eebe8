package inbox

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/profhub/profhub/internal/storage/db"
)

// SystemCode is the code of the system entry ("closed", "auto_closed" …)
// an EvMessage event carries, or "". Like MessageSeq it reads only what it
// needs of an event read back from the log (the widget follows closings
// this way, to e-mail the transcript).
func (ev *Event) SystemCode() string {
	if ev.Message != nil {
		code, _ := SystemEvent(ev.Message)
		return code
	}
	if ev.Kind != EvMessage || !bytes.Contains(ev.raw, []byte(`"system"`)) {
		return ""
	}
	var m struct {
		Direction string `json:"direction"`
		Text      string `json:"text"`
	}
	if storedMessage(ev.raw, &m) != nil || m.Direction != DirSystem {
		return ""
	}
	var body struct {
		Event string `json:"event"`
	}
	_ = json.Unmarshal([]byte(m.Text), &body)
	return body.Event
}

// ChannelNote writes a channel's own event in a conversation's history
// (the widget's "transcript_sent"), open or closed, as the inbox writes
// its state changes: {"event": code, …data}. It is unscoped: the channel
// has found the conversation itself.
func (a *Actions) ChannelNote(ctx context.Context, convID, code string, data map[string]any) error {
	return a.write(ctx, func(tx db.Execer, w *txw) error {
		c, err := conversationTx(ctx, tx, convID)
		if err != nil {
			return err
		}
		return systemMessage(ctx, tx, w, &c, code, data)
	})
}
