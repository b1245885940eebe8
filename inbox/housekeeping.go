package inbox

import (
	"context"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// eventRetention is how long the event log keeps events for reconnecting
// clients; older gaps make the client reload.
const eventRetention = 72 * time.Hour

// runHousekeeping raises queue alerts, closes silent conversations and
// trims the event log. Every node runs it; each step is idempotent.
func (hk *housekeeper) run(ctx context.Context) {
	alerts := time.NewTicker(5 * time.Second)
	defer alerts.Stop()
	hourly := time.NewTicker(time.Minute)
	defer hourly.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-alerts.C:
			hk.raiseQueueAlerts(ctx)
			hk.returnFromAbsent(ctx)
			hk.wakeSnoozed(ctx)
		case <-hourly.C:
			hk.autoClose(ctx)
			if _, err := hk.db.ExecContext(ctx, `DELETE FROM inbox_events WHERE at < $1`, db.Now()-eventRetention.Milliseconds()); err != nil && !isCanceled(err) {
				hk.log.Warn("event log trim failed", "err", err)
			}
		}
	}
}

// raiseQueueAlerts tells supervisors about conversations nobody has taken
// within their line's limit. The conversation stays queued: it is never
// dropped.
func (hk *housekeeper) raiseQueueAlerts(ctx context.Context) {
	ids, err := hk.allLineIDs(ctx)
	if err != nil {
		return
	}
	now := db.Now()
	for _, lineID := range ids {
		line, err := hk.lineByID(ctx, lineID)
		if err != nil || line.QueueAlertS <= 0 {
			continue
		}
		rows, err := hk.db.QueryContext(ctx, `SELECT id FROM inbox_conversations WHERE line_id = $1 AND status = 'waiting'
			AND alerted_at = 0 AND queued_at < $2 LIMIT 100`, lineID, now-int64(line.QueueAlertS)*1000)
		if err != nil {
			continue
		}
		var convs []string
		for rows.Next() {
			var id string
			if rows.Scan(&id) == nil {
				convs = append(convs, id)
			}
		}
		rows.Close()
		for _, id := range convs {
			err := hk.write(ctx, func(tx db.Execer, w *txw) error {
				res, err := tx.ExecContext(ctx, `UPDATE inbox_conversations SET alerted_at = $2 WHERE id = $1 AND alerted_at = 0 AND status = 'waiting'`, id, now)
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
				ev := convEvent(EvAlert, c)
				ev.Data = map[string]any{"waiting_s": (now - c.QueuedAt.UnixMilli()) / 1000, "limit_s": line.QueueAlertS}
				w.add(ev)
				return nil
			})
			if err == nil {
				hk.logRouting(ctx, id, lineID, "alert", "", map[string]any{"limit_s": line.QueueAlertS})
			}
		}
	}
}

// autoClose closes conversations silent for longer than their line allows.
func (hk *housekeeper) autoClose(ctx context.Context) {
	ids, err := hk.allLineIDs(ctx)
	if err != nil {
		return
	}
	for _, lineID := range ids {
		line, err := hk.lineByID(ctx, lineID)
		if err != nil || line.AutoCloseH <= 0 {
			continue
		}
		rows, err := hk.db.QueryContext(ctx, `SELECT id FROM inbox_conversations WHERE line_id = $1 AND status = 'active'
			AND snoozed_until = 0 AND last_message_at < $2 LIMIT 500`, lineID, db.Now()-int64(line.AutoCloseH)*3600*1000)
		if err != nil {
			continue
		}
		var convs []string
		for rows.Next() {
			var id string
			if rows.Scan(&id) == nil {
				convs = append(convs, id)
			}
		}
		rows.Close()
		for _, id := range convs {
			c, err := conversationTx(ctx, hk.db, id)
			if err != nil {
				continue
			}
			_, _ = hk.actions.closeConversation(ctx, role{conv: c, line: line}, "", "auto_closed", false)
		}
	}
}

// returnFromAbsent puts the active conversations of operators who have
// been away (vanished or offline) longer than their line's
// return_after_min back into the queue, so members are not left waiting
// on someone who went home.
func (hk *housekeeper) returnFromAbsent(ctx context.Context) {
	ids, err := hk.allLineIDs(ctx)
	if err != nil {
		return
	}
	now := time.Now().UnixMilli()
	for _, lineID := range ids {
		line, err := hk.lineByID(ctx, lineID)
		if err != nil || line.ReturnAfterMin <= 0 {
			continue
		}
		rows, err := hk.db.QueryContext(ctx, `SELECT id, assignee_id FROM inbox_conversations WHERE line_id = $1 AND status = 'active'`, lineID)
		if err != nil {
			continue
		}
		byOp := map[string][]string{}
		for rows.Next() {
			var id, op string
			if rows.Scan(&id, &op) == nil {
				byOp[op] = append(byOp[op], id)
			}
		}
		rows.Close()
		for op, convs := range byOp {
			since, err := hk.kv.Get(ctx, hk.presence.goneKey(op)).Int64()
			if err != nil || now-since < int64(line.ReturnAfterMin)*60_000 {
				continue
			}
			for _, id := range convs {
				if err := hk.returnToQueue(ctx, line, id, op, "operator_absent"); err != nil && !isCanceled(err) {
					hk.log.Warn("returning a conversation failed", "conversation", id, "err", err)
				}
			}
		}
	}
}

// returnToQueue takes a conversation from its operator and queues it again.
func (hk *housekeeper) returnToQueue(ctx context.Context, line Line, convID, op, reason string) error {
	err := hk.write(ctx, func(tx db.Execer, w *txw) error {
		now := db.Now()
		res, err := tx.ExecContext(ctx, `UPDATE inbox_conversations SET status = 'waiting', assignee_id = '', queued_at = $3, assigned_at = 0,
			alerted_at = 0, updated_at = $3 WHERE id = $1 AND status = 'active' AND assignee_id = $2`, convID, op, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		c, err := conversationTx(ctx, tx, convID)
		if err != nil {
			return err
		}
		if err := systemMessage(ctx, tx, w, &c, "returned", map[string]any{"operator_id": op, "reason": reason}); err != nil {
			return err
		}
		w.add(convEvent(EvConversation, c))
		old := convEvent(EvConversation, c)
		old.AssigneeID = op
		w.add(old)
		w.release = append(w.release, releaseEntry{lineID: line.ID, convID: convID})
		w.enqueue = append(w.enqueue, queueEntry{lineID: line.ID, convID: convID, priority: c.Priority, queuedAt: now})
		return nil
	})
	if err == nil {
		hk.logRouting(ctx, convID, line.ID, "returned", op, map[string]any{"reason": reason, "after_min": line.ReturnAfterMin})
	}
	return err
}
