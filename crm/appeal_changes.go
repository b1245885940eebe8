package crm

import (
	"context"
	"fmt"
)

// AppealsChangedSince lists the appeals of member cards changed at or
// after since (Unix ms), oldest change first, at most limit: the member's
// office (package memberbot) tells members of their appeals' status
// changes from it. A system reader: the hub calls it, no person does.
func (s *Appeals) AppealsChangedSince(ctx context.Context, since int64, limit int) ([]Appeal, error) {
	if limit <= 0 || limit > 1000 {
		limit = 500
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+appealColumns+appealFrom+`WHERE a.member_id <> '' AND a.updated_at >= $1
		ORDER BY a.updated_at, a.id LIMIT $2`, since, limit)
	if err != nil {
		return nil, fmt.Errorf("crm: appeals changed: %w", err)
	}
	defer rows.Close()
	var out []Appeal
	for rows.Next() {
		a, err := scanAppeal(rows)
		if err != nil {
			return nil, fmt.Errorf("crm: appeals changed: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
