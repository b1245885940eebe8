package memberbot

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/internal/pdata"
	"github.com/profhub/profhub/internal/storage/db"
)

// PersonalData is what the member's office keeps about a member (152-FZ;
// package privacy drives the report and the erasure): the bot chats
// linked to the card, a linking under way, and the electronic cards
// issued.
type PersonalData struct{}

// Tables are the office's tables with a member's rows.
func (PersonalData) Tables() []string {
	return []string{"memberbot_links", "memberbot_codes", "memberbot_cards"}
}

// Collect lists the linked chats and the cards.
func (PersonalData) Collect(ctx context.Context, q db.Execer, memberID string) ([]pdata.Sheet, error) {
	links := pdata.Sheet{Title: "Чаты бота", Columns: []string{"Канал", "Пользователь", "Чат", "Привязан"}, Times: []int{3}}
	var err error
	if links.Rows, err = pdata.Rows(ctx, q, `SELECT kind, user_id, chat_id, linked_at FROM memberbot_links WHERE member_id = $1 ORDER BY linked_at`, memberID); err != nil {
		return nil, fmt.Errorf("memberbot: links of %s: %w", memberID, err)
	}
	cards := pdata.Sheet{Title: "Электронные профбилеты", Columns: []string{"Выдан", "Действует до", "Отозван", "Причина"}, Times: []int{0, 1, 2}}
	if cards.Rows, err = pdata.Rows(ctx, q, `SELECT issued_at, expires_at, revoked_at, revoked_reason FROM memberbot_cards WHERE member_id = $1 ORDER BY issued_at`, memberID); err != nil {
		return nil, fmt.Errorf("memberbot: cards of %s: %w", memberID, err)
	}
	return []pdata.Sheet{links, cards}, nil
}

// Erase unlinks the chats, drops a linking under way and revokes the
// cards (their rows stay, without a person, so a shown card reads "not
// valid" and never another member's).
func (PersonalData) Erase(ctx context.Context, tx db.Execer, e *pdata.Erasure) error {
	chats, err := pdata.Rows(ctx, tx, `SELECT user_id, chat_id FROM memberbot_links WHERE member_id = $1`, e.MemberID)
	if err != nil {
		return fmt.Errorf("memberbot: erase %s: %w", e.MemberID, err)
	}
	for _, r := range chats {
		e.Trace(r...)
	}
	now := db.Now()
	for _, q := range []string{
		`DELETE FROM memberbot_links WHERE member_id = $1`,
		`DELETE FROM memberbot_codes WHERE member_id = $1`,
		`UPDATE memberbot_cards SET revoked_at = CASE WHEN revoked_at = 0 THEN $2 ELSE revoked_at END, revoked_reason = 'erased', member_id = '' WHERE member_id = $1`,
	} {
		n, err := pdata.Exec(ctx, tx, q, e.MemberID, now)
		if err != nil {
			return fmt.Errorf("memberbot: erase %s: %w", e.MemberID, err)
		}
		e.Count("memberbot", n)
	}
	return nil
}
