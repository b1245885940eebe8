package inbox

import (
	"context"
	"encoding/json"

	"github.com/profhub/profhub/internal/storage/db"
)

// systemMessage records a state change (assigned, transferred, closed …) in
// the conversation's history, so the console shows it in place and the
// history is complete. Its text is a small JSON object: {"event": code, …}.
func systemMessage(ctx context.Context, tx db.Execer, w *txw, c *Conversation, code string, data map[string]any) error {
	m := Message{Direction: DirSystem, ChannelID: c.ChannelID, Text: systemText(code, data)}
	if err := appendMessage(ctx, tx, c, &m); err != nil {
		return err
	}
	w.add(msgEvent(*c, m))
	return nil
}

// systemText is a system message's text: {"event": code, …data}.
func systemText(code string, data map[string]any) string {
	body := map[string]any{"event": code}
	for k, v := range data {
		body[k] = v
	}
	text, _ := json.Marshal(body)
	return string(text)
}
