package inbox

import (
	"context"
	"fmt"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// SnoozeUntilReply is the snoozed_until of a conversation snoozed until
// the contact writes again: later than any time it could be woken by.
const SnoozeUntilReply int64 = 1 << 60

// Snooze hides an operator's active conversation from the active list
// until (ms), or until the contact writes again when until is 0. It keeps
// its operator: when it wakes (housekeeping.go, or the contact's message
// in ingest) it is back in the same operator's list.
func (a *Actions) Snooze(ctx context.Context, sc access.Scope, convID string, until int64) (Conversation, error) {
	r, err := a.conversationFor(ctx, sc, convID)
	if err != nil {
		return Conversation{}, err
	}
	if r.conv.Status != StatusActive {
		return Conversation{}, valid.Errorf("", "snooze_not_active", "only a conversation an operator has can be snoozed")
	}
	if r.conv.AssigneeID != sc.UserID && !r.supervisor {
		return Conversation{}, fmt.Errorf("%w: the conversation belongs to another operator", access.ErrForbidden)
	}
	now := db.Now()
	switch {
	case until == 0:
		until = SnoozeUntilReply
	case until <= now:
		return Conversation{}, valid.Errorf("until", "snooze_past", "the snooze must end in the future")
	case until > now+366*24*3600*1000:
		return Conversation{}, valid.Errorf("until", "snooze_far", "a snooze lasts at most a year")
	}
	data := map[string]any{"by": sc.UserID}
	if until != SnoozeUntilReply {
		data["until"] = until
	}
	return a.setSnooze(ctx, convID, until, "snoozed", data)
}

// NextMorning is 9:00 of the day after now in the installation's zone:
// "until tomorrow" means the installation's tomorrow, whatever zone the
// operator's browser is in.
func NextMorning(now time.Time) int64 {
	d := now.In(Zone()).AddDate(0, 0, 1)
	return time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, Zone()).UnixMilli()
}

// Unsnooze brings a snoozed conversation back at once.
func (a *Actions) Unsnooze(ctx context.Context, sc access.Scope, convID string) (Conversation, error) {
	r, err := a.conversationFor(ctx, sc, convID)
	if err != nil {
		return Conversation{}, err
	}
	if err := r.mayAnswer(sc); err != nil {
		return Conversation{}, err
	}
	if r.conv.SnoozedUntil == 0 {
		return r.conv, nil
	}
	return a.setSnooze(ctx, convID, 0, "unsnoozed", map[string]any{"by": sc.UserID})
}

func (a *Actions) setSnooze(ctx context.Context, convID string, until int64, code string, data map[string]any) (Conversation, error) {
	var conv Conversation
	err := a.write(ctx, func(tx db.Execer, w *txw) error {
		cond := `status = 'active'`
		if until == 0 {
			cond = `snoozed_until <> 0`
		}
		res, err := tx.ExecContext(ctx, `UPDATE inbox_conversations SET snoozed_until = $2 WHERE id = $1 AND `+cond, convID, until)
		if err != nil {
			return fmt.Errorf("inbox: snooze: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if conv, err = conversationTx(ctx, tx, convID); err != nil {
			return err
		}
		if err := systemMessage(ctx, tx, w, &conv, code, data); err != nil {
			return err
		}
		conv.SnoozedUntil = until
		w.add(convEvent(EvConversation, conv))
		return nil
	})
	if err == nil && conv.ID == "" {
		conv, err = conversationTx(ctx, a.db, convID)
	}
	return conv, err
}

// wakeSnoozed brings back the conversations whose snooze time has come;
// each node runs it, and the conditional update lets one of them do each.
func (hk *housekeeper) wakeSnoozed(ctx context.Context) {
	now := db.Now()
	rows, err := hk.db.QueryContext(ctx, `SELECT id FROM inbox_conversations WHERE snoozed_until <> 0 AND snoozed_until <= $1 LIMIT 200`, now)
	if err != nil {
		return
	}
	var ids []string
	for rows.Next() {
		var id string
		if rows.Scan(&id) == nil {
			ids = append(ids, id)
		}
	}
	rows.Close()
	for _, id := range ids {
		err := hk.write(ctx, func(tx db.Execer, w *txw) error {
			res, err := tx.ExecContext(ctx, `UPDATE inbox_conversations SET snoozed_until = 0, updated_at = $2 WHERE id = $1
				AND snoozed_until > 0 AND snoozed_until <= $2`, id, now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			c, err := conversationTx(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := systemMessage(ctx, tx, w, &c, "unsnoozed", nil); err != nil {
				return err
			}
			w.add(convEvent(EvConversation, c))
			return nil
		})
		if err != nil && !isCanceled(err) {
			hk.log.Warn("snoozed conversation not woken", "conversation", id, "err", err)
		}
	}
}
