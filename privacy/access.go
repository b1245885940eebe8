package privacy

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// AccessActions are the audit actions that are accesses to personal data
// (the rest of the audit log is changes): a card opened, members or
// calls exported, a recording listened to or downloaded, a subject
// report downloaded.
var AccessActions = []string{"member.read", "member.export", "telephony.recording_listen", "telephony.recording_download",
	"telephony.export", "list.export", "document.export", "worktime.export", "privacy.report", "privacy.consents_export"}

// AccessFilter narrows the access log. Zero fields do not filter.
type AccessFilter struct {
	MemberID string `json:"member_id"`
	UserID   string `json:"user_id"`
	From     string `json:"from"` // YYYY-MM-DD, in the installation's zone
	To       string `json:"to"`   // inclusive
	// All shows every audit row (changes too), not only accesses.
	All    bool   `json:"all"`
	Before string `json:"before"` // id of the last row of the previous page
	Limit  int    `json:"limit"`
}

// AccessRow is one recorded access.
type AccessRow struct {
	ID         string         `json:"id"`
	At         time.Time      `json:"at"`
	ActorID    string         `json:"actor_id,omitempty"`
	ActorName  string         `json:"actor_name"` // the person's full name
	IP         string         `json:"ip,omitempty"`
	Action     string         `json:"action"`
	ObjectType string         `json:"object_type"`
	ObjectID   string         `json:"object_id"`
	MemberID   string         `json:"member_id,omitempty"`
	MemberName string         `json:"member_name,omitempty"`
	Details    map[string]any `json:"details,omitempty"`
}

// AccessLog lists recorded accesses of sc's subtree, newest first. A
// member filter names a member sc may see.
func (s *Service) AccessLog(ctx context.Context, sc access.Scope, f AccessFilter) ([]AccessRow, error) {
	if err := sc.Require(access.ReadAudit); err != nil {
		return nil, err
	}
	if f.MemberID != "" {
		if _, err := s.subjects.Subject(ctx, sc, f.MemberID); err != nil {
			return nil, err
		}
	}
	from, err := s.dayStart("from", f.From, 0)
	if err != nil {
		return nil, err
	}
	to, err := s.dayStart("to", f.To, 1)
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	actions := ""
	if !f.All {
		for i, a := range AccessActions {
			if i > 0 {
				actions += ","
			}
			actions += "'" + a + "'" // constants, never input
		}
	}
	lo, hi := sc.PathRange()
	q := `SELECT a.id, a.at, a.actor_id, ` + audit.ActorSQL("a.actor_id", "a.actor_name") + `, a.ip, a.action, a.object_type, a.object_id, a.details
		FROM audit_log a JOIN units u ON u.id = a.unit_id
		WHERE u.path >= $1 AND u.path < $2
		  AND ($3 = '' OR (a.object_type = 'member' AND a.object_id = $3) OR (a.object_type IN ('call', 'call_export') AND a.details LIKE $4))
		  AND ($5 = '' OR a.actor_id = $5)
		  AND ($6 = 0 OR a.at >= $6) AND ($7 = 0 OR a.at < $7)
		  AND ($8 = '' OR a.id < $8)`
	if actions != "" {
		q += ` AND a.action IN (` + actions + `)`
	}
	q += ` ORDER BY a.id DESC LIMIT $9`
	like := "-"
	if f.MemberID != "" {
		// Rows about calls name the member in their details; only those
		// are scanned by LIKE, the rest come by the object index.
		like = `%"member_id":"` + db.EscapeLike(f.MemberID) + `"%`
	}
	rows, err := s.db.QueryContext(ctx, q, lo, hi, f.MemberID, like, f.UserID, from, to, f.Before, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("privacy: access log: %w", err)
	}
	defer rows.Close()
	out := []AccessRow{}
	for rows.Next() {
		var r AccessRow
		var at int64
		var full, recorded, details string
		if err := rows.Scan(&r.ID, &at, &r.ActorID, &full, &recorded, &r.IP, &r.Action, &r.ObjectType, &r.ObjectID, &details); err != nil {
			return nil, fmt.Errorf("privacy: access log: %w", err)
		}
		r.At, r.ActorName = db.Time(at), audit.Actor(full, recorded)
		if details != "{}" {
			_ = json.Unmarshal([]byte(details), &r.Details)
		}
		if r.ObjectType == "member" {
			r.MemberID = r.ObjectID
		} else if m, ok := r.Details["member_id"].(string); ok {
			r.MemberID = m
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("privacy: access log: %w", err)
	}
	return out, s.nameMembers(ctx, out)
}

func (s *Service) nameMembers(ctx context.Context, rows []AccessRow) error {
	var ids []string
	for _, r := range rows {
		if r.MemberID != "" {
			ids = append(ids, r.MemberID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	names, err := s.subjects.Names(ctx, ids)
	if err != nil {
		return err
	}
	for i := range rows {
		rows[i].MemberName = names[rows[i].MemberID]
	}
	return nil
}

// dayStart is the start of day (plus add days) in the installation's
// zone, in ms; 0 for "".
func (s *Service) dayStart(field, day string, add int) (int64, error) {
	if day == "" {
		return 0, nil
	}
	d, err := time.ParseInLocation("2006-01-02", day, s.zone)
	if err != nil {
		return 0, valid.Keyed(field, "date", "privacy_date", "the date must be YYYY-MM-DD")
	}
	return d.AddDate(0, 0, add).UnixMilli(), nil
}

// record writes one audit row about a member outside other work.
func (s *Service) record(ctx context.Context, sc access.Scope, action string, sub Subject, details map[string]any) error {
	return audit.Record(ctx, s.db, sc, audit.Entry{Action: action, ObjectType: "member", ObjectID: sub.ID, UnitID: sub.UnitID, Details: details})
}
