package inbox

import (
	"context"
	"fmt"
)

// LinkedChats returns, for one channel, the chat of every member whose
// contact has written to it (member id → external chat id, the newest
// chat when there are several). A campaign over a Telegram bot or a VK
// community can only reach people who opened a chat with it, and only the
// contacts linked to a CRM member are known to be that member.
func (cv *Conversations) LinkedChats(ctx context.Context, channelID string) (map[string]string, error) {
	rows, err := cv.db.QueryContext(ctx, `SELECT k.member_id, c.external_chat_id FROM inbox_conversations c
		JOIN inbox_contacts k ON k.id = c.contact_id
		WHERE c.channel_id = $1 AND k.member_id <> '' ORDER BY c.created_at, c.id`, channelID)
	if err != nil {
		return nil, fmt.Errorf("inbox: linked chats: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var member, chat string
		if err := rows.Scan(&member, &chat); err != nil {
			return nil, fmt.Errorf("inbox: linked chats: %w", err)
		}
		out[member] = chat // later rows win: the newest chat
	}
	return out, rows.Err()
}
