package telephony

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/internal/pdata"
	"github.com/profhub/profhub/internal/storage/db"
)

// PersonalData is what telephony keeps about a member (152-FZ; package
// privacy drives the report and the erasure): their calls and the
// recordings of them.
type PersonalData struct{}

// Tables are telephony's tables with a member's rows.
func (PersonalData) Tables() []string {
	return []string{"tel_calls", "tel_call_events", "tel_callbacks"}
}

// Collect lists the member's calls and whether each has a recording.
func (PersonalData) Collect(ctx context.Context, q db.Execer, memberID string) ([]pdata.Sheet, error) {
	calls := pdata.Sheet{Title: "Звонки и записи", Columns: []string{"Звонок", "Направление", "Номер", "Результат", "Разговор, с", "Запись", "Начало"}, Times: []int{6}}
	var err error
	if calls.Rows, err = pdata.Rows(ctx, q, `
		SELECT id, direction, contact_number, result, talk_s, CASE WHEN recording_key <> '' THEN 'есть' ELSE 'нет' END, started_at
		FROM tel_calls WHERE member_id = $1 ORDER BY started_at`, memberID); err != nil {
		return nil, fmt.Errorf("telephony: calls of %s: %w", memberID, err)
	}
	return []pdata.Sheet{calls}, nil
}

// Erase deletes the recordings (after the commit) and blanks the
// number in the calls, their PBX events and the call-backs to it; the
// calls stay, for the statistics.
func (PersonalData) Erase(ctx context.Context, tx db.Execer, e *pdata.Erasure) error {
	rows, err := pdata.Rows(ctx, tx, `SELECT recording_key, contact_number, channel_id, provider_call_id FROM tel_calls WHERE member_id = $1`, e.MemberID)
	if err != nil {
		return fmt.Errorf("telephony: erase %s: %w", e.MemberID, err)
	}
	now := db.Now()
	for _, r := range rows {
		e.Blob(r[0])
		e.Trace(r[1])
		if r[0] != "" {
			e.Count("recordings", 1)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tel_call_events SET event = '{}' WHERE channel_id = $1 AND provider_call_id = $2`, r[2], r[3]); err != nil {
			return fmt.Errorf("telephony: erase events of %s: %w", e.MemberID, err)
		}
		if r[1] != "" {
			res, err := tx.ExecContext(ctx, `UPDATE tel_callbacks SET number = '', updated_at = $2 WHERE number = $1`, r[1], now)
			if err != nil {
				return fmt.Errorf("telephony: erase call-backs of %s: %w", e.MemberID, err)
			}
			n, _ := res.RowsAffected()
			e.Count("callbacks", n)
		}
	}
	res, err := tx.ExecContext(ctx, `UPDATE tel_calls SET contact_number = '', recording_ref = '', recording_key = '', recording_size = 0,
		recording_state = CASE WHEN recording_state = '' THEN '' ELSE 'deleted' END, updated_at = $2 WHERE member_id = $1`, e.MemberID, now)
	if err != nil {
		return fmt.Errorf("telephony: erase calls of %s: %w", e.MemberID, err)
	}
	n, _ := res.RowsAffected()
	e.Count("calls", n)
	return nil
}

// Expire deletes recordings older than the retention period
// (pdata.Recordings) of calls not under a hold; the calls stay.
func (PersonalData) Expire(ctx context.Context, tx db.Execer, x *pdata.Expiry) error {
	if x.Kind != pdata.Recordings {
		return nil
	}
	rows, err := pdata.Rows(ctx, tx, `SELECT id, recording_key FROM tel_calls
		WHERE recording_key <> '' AND started_at < $1 AND NOT `+pdata.HeldSQL("call", "id")+`
		  AND NOT (member_id <> '' AND `+pdata.HeldSQL("member", "member_id")+`) LIMIT 5000`, x.Before)
	if err != nil {
		return fmt.Errorf("telephony: expire recordings: %w", err)
	}
	for _, r := range rows {
		if _, err := tx.ExecContext(ctx, `UPDATE tel_calls SET recording_key = '', recording_ref = '', recording_size = 0, recording_state = 'deleted',
			updated_at = $2 WHERE id = $1`, r[0], db.Now()); err != nil {
			return fmt.Errorf("telephony: expire recording of %s: %w", r[0], err)
		}
		x.Blobs = append(x.Blobs, r[1])
		x.Done++
	}
	return nil
}
