package telephony

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// applied is what storing one call's events changed, for the work that
// follows the commit (screen pop, missed-call queue, recording fetch).
type applied struct {
	callID       string
	call         Call
	number       string // E.164 when it parses
	memberID     string
	ringing      []string // extensions that newly started ringing
	newEvents    int
	conversation string
	recording    bool // a recording became due
}

// normalNumber brings a PBX's number to E.164 when it is one ("79161234567",
// "8 916 …", "+7…"); extensions and hidden numbers stay as they are.
func normalNumber(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	digits := strings.TrimLeft(s, "+")
	if len(digits) == 11 && (digits[0] == '7' || digits[0] == '8') && !strings.HasPrefix(s, "+") {
		s = "+7" + digits[1:]
	} else if len(digits) >= 11 && !strings.HasPrefix(s, "+") && !strings.HasPrefix(s, "00") && isDigits(digits) {
		s = "+" + digits
	}
	if p, ok := norm.Phone(s); ok {
		return p
	}
	return s
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// store keeps one call's new events and recomputes its record, in one
// transaction. The call row is created first and then updated, which
// locks it on PostgreSQL (SQLite's writers are serialised anyway): two
// nodes receiving two events of the same call at once apply them one
// after the other, and the second sees the first's event. The transaction
// touches nothing but its own connection: looking up the member and the
// operator (other packages' reads, on other connections) happens after
// the commit, so a full connection pool cannot wait on itself.
func (c *Connector) store(ctx context.Context, ch inbox.Channel, unitID string, callID string, evs []Event) (applied, error) {
	res := applied{}
	now := db.Now()
	var oldExt, oldOp string
	var needOp bool
	err := c.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tel_calls (id, channel_id, line_id, unit_id, provider_call_id, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$6) ON CONFLICT (channel_id, provider_call_id) DO NOTHING`,
			uuid.Must(uuid.NewV7()).String(), ch.ID, ch.LineID, unitID, callID, now); err != nil {
			return fmt.Errorf("telephony: call: %w", err)
		}
		var oldRec, recState string
		err := tx.QueryRowContext(ctx, `UPDATE tel_calls SET updated_at = $3 WHERE channel_id = $1 AND provider_call_id = $2
			RETURNING id, recording_ref, recording_state, member_id, conversation_id, extension, operator_id`, ch.ID, callID, now).
			Scan(&res.callID, &oldRec, &recState, &res.memberID, &res.conversation, &oldExt, &oldOp)
		if err != nil {
			return fmt.Errorf("telephony: lock call: %w", err)
		}
		for _, e := range evs {
			b, _ := json.Marshal(e)
			r, err := tx.ExecContext(ctx, `INSERT INTO tel_call_events (channel_id, provider_call_id, event_key, seq, at, kind, event, received_at)
				VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING`, ch.ID, callID, e.Key, e.Seq, e.At.UnixMilli(), e.Kind, string(b), now)
			if err != nil {
				return fmt.Errorf("telephony: event: %w", err)
			}
			if n, _ := r.RowsAffected(); n == 1 {
				res.newEvents++
				if e.Kind == EvRinging && e.Extension != "" {
					res.ringing = append(res.ringing, e.Extension)
				}
			}
		}
		all, err := callEvents(ctx, tx, ch.ID, callID)
		if err != nil {
			return err
		}
		res.call = Fold(all)
		res.number = normalNumber(res.call.Number)
		cl := res.call
		// The operator is who took an incoming call, or who dialled out.
		operator := ""
		if cl.Extension != "" && (!cl.AnsweredAt.IsZero() || cl.Direction == DirOut || cl.Direction == DirInternal) {
			if cl.Extension == oldExt && oldOp != "" {
				operator = oldOp
			} else {
				needOp = true
			}
		}
		if cl.Recording != "" && cl.Recording != oldRec && recState != "ready" && recState != "deleted" {
			recState, res.recording = "pending", true
		}
		_, err = tx.ExecContext(ctx, `UPDATE tel_calls SET direction = $2, state = $3, contact_number = $4, line_number = $5, extension = $6,
			operator_id = $7, started_at = $8, answered_at = $9, ended_at = $10, wait_s = $11, talk_s = $12, result = $13,
			cause = $14, recording_ref = $15, recording_state = $16, rec_next_at = CASE WHEN $17 THEN $18 ELSE rec_next_at END,
			rec_attempts = CASE WHEN $17 THEN 0 ELSE rec_attempts END, updated_at = $18 WHERE id = $1`,
			res.callID, cl.Direction, cl.State, res.number, normalNumber(cl.Line), cl.Extension, operator, msOf(cl.StartedAt),
			msOf(cl.AnsweredAt), msOf(cl.EndedAt), cl.WaitS, cl.TalkS, cl.Result, cl.Cause, cl.Recording, recState, res.recording, now)
		if err != nil {
			return fmt.Errorf("telephony: update call: %w", err)
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	if res.memberID == "" && strings.HasPrefix(res.number, "+") {
		if res.memberID = c.memberByPhone(ctx, res.number); res.memberID != "" {
			if _, err := c.db.ExecContext(ctx, `UPDATE tel_calls SET member_id = $2 WHERE id = $1 AND member_id = ''`, res.callID, res.memberID); err != nil {
				return res, fmt.Errorf("telephony: call member: %w", err)
			}
		}
	}
	if needOp {
		if uid := c.userOfExtension(ctx, ch, res.call.Extension); uid != "" {
			if _, err := c.db.ExecContext(ctx, `UPDATE tel_calls SET operator_id = $2 WHERE id = $1 AND extension = $3`,
				res.callID, uid, res.call.Extension); err != nil {
				return res, fmt.Errorf("telephony: call operator: %w", err)
			}
		}
	}
	return res, nil
}

func msOf(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func callEvents(ctx context.Context, q db.Execer, channelID, callID string) ([]Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT event FROM tel_call_events WHERE channel_id = $1 AND provider_call_id = $2`, channelID, callID)
	if err != nil {
		return nil, fmt.Errorf("telephony: events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		var e Event
		if json.Unmarshal([]byte(raw), &e) == nil {
			out = append(out, e)
		}
	}
	return out, rows.Err()
}

// lineUnit is the unit of a channel's line: who may see its calls.
func (c *Connector) lineUnit(ctx context.Context, ch inbox.Channel) (string, error) {
	l, err := c.inbox.Lines.Get(ctx, access.System("telephony"), ch.LineID)
	if err != nil {
		return "", err
	}
	return l.UnitID, nil
}

var errNoCall = fmt.Errorf("telephony: call: %w", db.ErrNotFound)

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

var errNoMember = fmt.Errorf("telephony: member: %w", db.ErrNotFound)

var errNoRecording = fmt.Errorf("telephony: this call has no stored recording: %w", db.ErrNotFound)

// recordingOf is the blob key and stored type of a call's recording ("" if
// it has none).
func (c *Connector) recordingOf(ctx context.Context, callID string) (key, contentType string, err error) {
	err = c.db.QueryRowContext(ctx, `SELECT recording_key, recording_type FROM tel_calls WHERE id = $1`, callID).Scan(&key, &contentType)
	return key, contentType, err
}

// auditRecording records that a recording was listened to or left the
// system (action), naming the member, whose access log shows it; the
// number is not written: the audit log outlives an erasure.
func (c *Connector) auditRecording(ctx context.Context, sc access.Scope, row CallRow, action string) error {
	return c.db.Tx(ctx, func(tx *sql.Tx) error {
		return audit.Record(ctx, tx, sc, audit.Entry{Action: action, ObjectType: "call",
			ObjectID: row.ID, Details: map[string]any{"member_id": row.MemberID}})
	})
}

// auditExport records an export of the call log with its filters.
func (c *Connector) auditExport(ctx context.Context, sc access.Scope, f CallFilter, rows int) error {
	return c.db.Tx(ctx, func(tx *sql.Tx) error {
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "telephony.export", ObjectType: "call_export",
			Details: map[string]any{"rows": rows, "from": f.From, "to": f.To, "direction": f.Direction, "result": f.Result,
				"operator_id": f.OperatorID, "number": f.Number, "member_id": f.MemberID, "line_id": f.LineID}})
	})
}
