package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/profhub/profhub/internal/storage/db"
)

// Redact replaces, in the rows recorded on one object, the details named
// by keys (a person's name) with replacement, for an erasure of personal
// data (152-FZ). Who did what, when and from where stays. The engine
// accepts the change only as a '{"redacted":…' object with every other
// column unchanged (migration 00043); it counts the rows changed.
func Redact(ctx context.Context, tx db.Execer, objectType, objectID string, keys []string, replacement string) (int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, details FROM audit_log WHERE object_type = $1 AND object_id = $2 AND details <> '{}'`, objectType, objectID)
	if err != nil {
		return 0, fmt.Errorf("audit: redact: %w", err)
	}
	type change struct{ id, details string }
	var changes []change
	for rows.Next() {
		var id, details string
		if err := rows.Scan(&id, &details); err != nil {
			rows.Close()
			return 0, fmt.Errorf("audit: redact: %w", err)
		}
		var m map[string]any
		if json.Unmarshal([]byte(details), &m) != nil {
			continue
		}
		hit := false
		for _, k := range keys {
			if _, ok := m[k]; ok {
				m[k] = replacement
				hit = true
			}
		}
		if !hit {
			continue
		}
		delete(m, "redacted")
		rest, _ := json.Marshal(m)
		mark, _ := json.Marshal(replacement)
		body := `{"redacted":` + string(mark)
		if s := strings.TrimSuffix(strings.TrimPrefix(string(rest), "{"), "}"); s != "" {
			body += "," + s
		}
		changes = append(changes, change{id, body + "}"})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("audit: redact: %w", err)
	}
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, `UPDATE audit_log SET details = $2 WHERE id = $1`, c.id, c.details); err != nil {
			return 0, fmt.Errorf("audit: redact %s: %w", c.id, err)
		}
	}
	return int64(len(changes)), nil
}
