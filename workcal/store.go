package workcal

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// upload is a stored year.
type upload struct {
	Year   Year
	ByName string
	At     time.Time
}

func (s *Service) uploads(ctx context.Context) ([]upload, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT data, uploaded_by_name, uploaded_at FROM workcal_years ORDER BY year`)
	if err != nil {
		return nil, fmt.Errorf("workcal: uploads: %w", err)
	}
	defer rows.Close()
	var out []upload
	for rows.Next() {
		var data string
		var at int64
		var u upload
		if err := rows.Scan(&data, &u.ByName, &at); err != nil {
			return nil, fmt.Errorf("workcal: uploads: %w", err)
		}
		if err := json.Unmarshal([]byte(data), &u.Year); err != nil {
			s.log.Warn("a stored production calendar does not parse; skipped", "err", err)
			continue
		}
		u.At = time.UnixMilli(at)
		out = append(out, u)
	}
	return out, rows.Err()
}
