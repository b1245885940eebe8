package crm

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/internal/security/access"
)

// MembersByPhone returns the ids of the members in sc's scope who have
// this phone number (written in any form NormalizePhone reads). Channels
// use it to recognise a member who shared their number, e.g. through a
// Telegram bot's "share my phone" button.
func (s *Members) MembersByPhone(ctx context.Context, sc access.Scope, phone string) ([]string, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return nil, err
	}
	p, err := NormalizePhone(phone)
	if err != nil {
		return nil, err
	}
	lo, hi := sc.PathRange()
	rows, err := s.db.QueryContext(ctx, `SELECT m.id`+memberFrom+`JOIN crm_member_contacts c ON c.member_id = m.id
		WHERE c.kind = 'phone' AND c.value = $1 AND u.path >= $2 AND u.path < $3 ORDER BY m.id LIMIT 10`, p, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("crm: members by phone: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("crm: members by phone: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
