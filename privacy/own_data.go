package privacy

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/pdata"
	"github.com/profhub/profhub/internal/storage/db"
)

// ownData is this package's own rows about a member: the consent register
// and the erasure record. Registered first, by New.
type ownData struct{}

func (ownData) Tables() []string { return []string{"privacy_consents", "privacy_erasures"} }

// Collect is the member's consent register with the texts shown.
func (ownData) Collect(ctx context.Context, q db.Execer, memberID string) ([]pdata.Sheet, error) {
	s := pdata.Sheet{Title: "Реестр согласий", Columns: []string{"Согласие", "Канал рассылки", "Дано или отозвано", "Версия текста", "Текст", "Способ", "Адрес", "Когда"}, Times: []int{7}}
	rows, err := pdata.Rows(ctx, q, `
		SELECT c.kind, c.topic, CASE WHEN c.given THEN 'дано' ELSE 'отозвано' END, c.text_version, COALESCE(t.text, ''), c.channel, c.address, c.at
		FROM privacy_consents c LEFT JOIN privacy_consent_texts t ON t.kind = c.kind AND t.version = c.text_version
		WHERE c.member_id = $1 ORDER BY c.at, c.id`, memberID)
	if err != nil {
		return nil, fmt.Errorf("privacy: consents of %s: %w", memberID, err)
	}
	for _, r := range rows {
		r[0] = kindNames[r[0]]
		r[5] = channelName(r[5])
		s.Add(r...)
	}
	return []pdata.Sheet{s}, nil
}

// Erase keeps the register's rows (the proof that consent was given and
// withdrawn) without the addresses they came from.
func (ownData) Erase(ctx context.Context, tx db.Execer, e *pdata.Erasure) error {
	addrs, err := pdata.Strings(ctx, tx, `SELECT address FROM privacy_consents WHERE member_id = $1 AND address <> ''`, e.MemberID)
	if err != nil {
		return fmt.Errorf("privacy: erase consents of %s: %w", e.MemberID, err)
	}
	e.Trace(addrs...)
	res, err := tx.ExecContext(ctx, `UPDATE privacy_consents SET address = '' WHERE member_id = $1`, e.MemberID)
	if err != nil {
		return fmt.Errorf("privacy: erase consents of %s: %w", e.MemberID, err)
	}
	n, _ := res.RowsAffected()
	e.Count("consent_addresses", n)
	return nil
}

// ConsentLinks and ErasureLinks are this package's references to member
// cards, for the CRM's merge and import undo (registered by the hub).
var (
	ConsentLinks = db.RefColumn{Table: "privacy_consents", Column: "member_id"}
	ErasureLinks = erasureLinks{db.RefColumn{Table: "privacy_erasures", Column: "member_id"}}
)

// erasureLinks refuses a merge with an erased card: its record must not
// move to a card whose data was not erased, nor live data join it.
type erasureLinks struct{ col db.RefColumn }

func (l erasureLinks) RefTable() string { return l.col.Table }

func (l erasureLinks) MoveLinks(ctx context.Context, tx db.Execer, to, from string) (int64, error) {
	for _, id := range []string{to, from} {
		if erased, err := isErased(ctx, tx, id); err != nil || erased {
			return 0, cmpErr(err, valid.Refuse(db.ErrConflict, "privacy_merge_erased", "an erased card cannot be merged"))
		}
	}
	return 0, nil
}

func (l erasureLinks) Linked(ctx context.Context, tx db.Execer, id string) (bool, error) {
	return l.col.Linked(ctx, tx, id)
}
