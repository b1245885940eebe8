package inbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Accept takes a conversation the caller was offered.
func (rt *Routing) Accept(ctx context.Context, sc access.Scope, convID string) (Conversation, error) {
	r, err := rt.conversationFor(ctx, sc, convID)
	if err != nil {
		return Conversation{}, err
	}
	res, err := acceptScript.Run(ctx, rt.kv, rt.router.keys(r.line.ID), convID, sc.UserID, string(r.line.Mode)).Text()
	if err != nil {
		return Conversation{}, fmt.Errorf("inbox: accept: %w", err)
	}
	switch res {
	case "no_offer":
		return Conversation{}, ErrNoOffer
	case "capacity":
		return Conversation{}, ErrAtCapacity
	}
	rt.metric.routed.WithLabelValues("accepted").Inc()
	return rt.assignInSQL(ctx, sc, r, sc.UserID, "accepted", nil)
}

// Decline refuses an offer; the conversation goes to someone else.
func (rt *Routing) Decline(ctx context.Context, sc access.Scope, convID string) error {
	r, err := rt.conversationFor(ctx, sc, convID)
	if err != nil {
		return err
	}
	n, err := declineScript.Run(ctx, rt.kv, rt.router.keys(r.line.ID), convID, sc.UserID, string(r.line.Mode), "1").Int()
	if err != nil {
		return fmt.Errorf("inbox: decline: %w", err)
	}
	if n == 0 {
		return ErrNoOffer
	}
	rt.logRouting(ctx, convID, r.line.ID, "declined", sc.UserID, nil)
	rt.router.kickLine(r.line.ID)
	return nil
}

// Take picks a waiting conversation from the queue (manual mode, or an
// operator who does not wait for an offer).
func (rt *Routing) Take(ctx context.Context, sc access.Scope, convID string) (Conversation, error) {
	r, err := rt.conversationFor(ctx, sc, convID)
	if err != nil {
		return Conversation{}, err
	}
	if !r.operator && !r.supervisor {
		return Conversation{}, fmt.Errorf("%w: you do not answer this line", access.ErrForbidden)
	}
	if r.conv.Status != StatusWaiting {
		return Conversation{}, ErrNotWaiting
	}
	return rt.assignTo(ctx, sc, r, sc.UserID, r.supervisor, "taken", nil)
}

// assignTo gives the conversation to op in Redis, then in SQL.
func (rt *Routing) assignTo(ctx context.Context, sc access.Scope, r role, op string, force bool, decision string, data map[string]any) (Conversation, error) {
	if r.conv.Status == StatusWaiting && rt.db.Dialect == db.Postgres {
		// A waiting conversation may be contested: decided here, before
		// Redis's queue and the group writer see a loser. SQLite has one
		// writer and no row lock to wait for, and there the extra Redis
		// call made a crowd of 400 slower (1.48/1.82 s against 1.58/2.24 s).
		release, ok := rt.claimTake(ctx, r.conv.ID)
		if !ok {
			return Conversation{}, ErrNotWaiting
		}
		defer release()
	}
	f := "0"
	if force {
		f = "1"
	}
	res, err := assignScript.Run(ctx, rt.kv, rt.router.keys(r.line.ID), r.conv.ID, op, f, string(r.line.Mode)).Text()
	if err != nil {
		return Conversation{}, fmt.Errorf("inbox: assign: %w", err)
	}
	if res == "capacity" {
		return Conversation{}, ErrAtCapacity
	}
	rt.metric.routed.WithLabelValues(decision).Inc()
	return rt.assignInSQL(ctx, sc, r, op, decision, data)
}

// assignInSQL records an assignment Redis granted. The SQL update is
// conditional, so two grants (e.g. across a Redis rebuild) cannot both win;
// a loser undoes its Redis side.
func (rt *Routing) assignInSQL(ctx context.Context, sc access.Scope, r role, op, decision string, data map[string]any) (Conversation, error) {
	var conv Conversation
	from := StatusWaiting
	if decision == "transferred" || decision == "taken_over" {
		from = StatusActive
	}
	d := map[string]any{"operator_id": op, "by": sc.UserID}
	for k, v := range data {
		d[k] = v
	}
	a := &assignWrite{rowWrite: rowWrite{conv: r.conv}, from: string(from), op: op, decision: decision, msgData: d,
		log: newRoutingRow(r.conv.ID, r.line.ID, decision, op, data)}
	a.finish = func(ctx context.Context, tx db.Execer, w *txw, c Conversation) error {
		conv = c
		w.add(convEvent(EvConversation, conv))
		if op != sc.UserID && rt.alerts != nil {
			// someone else handed it to op: op hears of it on the bell
			if err := rt.alerts.Alert(ctx, tx, Alert{Key: "inbox-assign:" + conv.ID + ":" + strconv.FormatInt(a.log.at, 10), UserID: op,
				Kind: AlertTransferred, Text: conv.ContactName + " · " + r.line.Name, Link: ConversationLink(conv.ID)}); err != nil {
				return err
			}
		}
		if r.conv.AssigneeID != "" && r.conv.AssigneeID != op {
			// the previous operator hears that it left them
			ev := convEvent(EvConversation, conv)
			ev.AssigneeID = r.conv.AssigneeID
			w.add(ev)
		}
		return nil
	}
	// Grouped like replies and closes: a crowd taking and handing over at
	// once shares transactions instead of queueing one commit each, and
	// the routing log's row commits with the assignment it explains. A
	// contested take was decided before (claimTake), so on PostgreSQL no
	// loser waits here for a winner's row lock, held until its group
	// commits. ErrNotWaiting comes only from the assignment's first
	// statement, which then wrote nothing: the write needs no savepoint.
	p := &pendingWrite{assign: a, refusal: ErrNotWaiting, fn: func(ctx context.Context, tx db.Execer, w *txw) error {
		var c Conversation
		if rt.db.Dialect == db.Postgres {
			var err error
			if c, err = assignOnePG(ctx, tx, w, r.conv.ID, a.from, op, decision, d, a.log); err != nil {
				return err
			}
		} else if err := assignStatements(ctx, tx, w, r.conv, a.from, op, decision, d, a.log.at, a.log, &c); err != nil {
			return err
		}
		return a.finish(ctx, tx, w, c)
	}}
	err := rt.writeGrouped(ctx, p)
	if err != nil {
		if rerr := rt.router.release(context.WithoutCancel(ctx), r.line.ID, r.conv.ID); rerr == nil && errors.Is(err, ErrNotWaiting) {
			rt.resyncQueueEntry(context.WithoutCancel(ctx), r.conv.ID)
		}
		return Conversation{}, err
	}
	return conv, nil
}

// resyncQueueEntry puts a conversation's Redis state back in line with SQL
// after a refused assignment.
func (rt *Routing) resyncQueueEntry(ctx context.Context, convID string) {
	c, err := conversationTx(ctx, rt.db, convID)
	if err != nil {
		return
	}
	switch c.Status {
	case StatusWaiting:
		_ = rt.router.enqueue(ctx, queueEntry{lineID: c.LineID, convID: c.ID, priority: c.Priority, queuedAt: c.QueuedAt.UnixMilli()})
		rt.router.kickLine(c.LineID)
	case StatusActive:
		line, err := rt.lineByID(ctx, c.LineID)
		if err == nil {
			_ = assignScript.Run(ctx, rt.kv, rt.router.keys(c.LineID), c.ID, c.AssigneeID, "1", string(line.Mode)).Err()
		}
	}
}

// TakeOver gives a conversation to the supervisor themself, whoever had it:
// for a conversation going badly or an operator who left.
func (rt *Routing) TakeOver(ctx context.Context, sc access.Scope, convID string) (Conversation, error) {
	r, err := rt.conversationFor(ctx, sc, convID)
	if err != nil {
		return Conversation{}, err
	}
	if !r.supervisor {
		return Conversation{}, fmt.Errorf("%w: only a supervisor can take a conversation over", access.ErrForbidden)
	}
	if r.conv.Status == StatusClosed {
		return Conversation{}, ErrClosed
	}
	decision := "taken_over"
	if r.conv.Status == StatusWaiting {
		decision = "taken"
	}
	return rt.assignTo(ctx, sc, r, sc.UserID, true, decision, map[string]any{"from": r.conv.AssigneeID})
}

// TransferInput moves a conversation to an operator or to another line.
type TransferInput struct {
	OperatorID string `json:"operator_id"`
	LineID     string `json:"line_id"`
	Comment    string `json:"comment"`
}

// Transfer hands a conversation to another operator of its line, or puts
// it into another line's queue, with a comment for whoever gets it.
func (rt *Routing) Transfer(ctx context.Context, sc access.Scope, convID string, in TransferInput) (Conversation, error) {
	if (in.OperatorID == "") == (in.LineID == "") {
		return Conversation{}, valid.Errorf("", "transfer_target", "give operator_id or line_id")
	}
	if len(in.Comment) > 4000 {
		return Conversation{}, valid.Errorf("comment", "too_long", "comment is limited to 4000 bytes")
	}
	r, err := rt.conversationFor(ctx, sc, convID)
	if err != nil {
		return Conversation{}, err
	}
	if r.conv.Status == StatusClosed {
		return Conversation{}, ErrClosed
	}
	if err := r.mayAnswer(sc); err != nil {
		return Conversation{}, err
	}
	data := map[string]any{"from": r.conv.AssigneeID, "comment": strings.TrimSpace(in.Comment)}
	if in.OperatorID != "" {
		isOp := false
		for _, o := range r.line.Operators {
			isOp = isOp || o.UserID == in.OperatorID
		}
		if !isOp {
			return Conversation{}, valid.Errorf("operator_id", "not_operator", "that user does not answer this line")
		}
		decision := "transferred"
		if r.conv.Status == StatusWaiting {
			decision = "taken"
		}
		return rt.assignTo(ctx, sc, r, in.OperatorID, true, decision, data)
	}
	target, err := rt.lineSvc.Get(ctx, sc, in.LineID)
	if err != nil {
		return Conversation{}, err
	}
	if target.ID == r.line.ID {
		return Conversation{}, valid.Errorf("line_id", "same_line", "the conversation is already in that line")
	}
	data["from_line"], data["to_line"] = r.line.ID, target.ID
	var conv Conversation
	err = rt.write(ctx, func(tx db.Execer, w *txw) error {
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE inbox_conversations SET line_id = $2, unit_id = $3, status = 'waiting', assignee_id = '',
			queued_at = $4, assigned_at = 0, alerted_at = 0, updated_at = $4 WHERE id = $1`, convID, target.ID, target.UnitID, now); err != nil {
			if db.IsUniqueViolation(err) {
				return valid.Errorf("line_id", "open_elsewhere", "the contact already has an open conversation in that line")
			}
			return fmt.Errorf("inbox: transfer: %w", err)
		}
		if err := moveSLA(ctx, tx, target, r.conv); err != nil {
			return err
		}
		var err error
		if conv, err = conversationTx(ctx, tx, convID); err != nil {
			return err
		}
		if err := systemMessage(ctx, tx, w, &conv, "transferred_line", data); err != nil {
			return err
		}
		w.add(convEvent(EvConversation, conv))
		old := convEvent(EvConversation, conv)
		old.LineID, old.AssigneeID = r.line.ID, r.conv.AssigneeID
		w.add(old)
		w.release = append(w.release, releaseEntry{lineID: r.line.ID, convID: convID})
		w.enqueue = append(w.enqueue, queueEntry{lineID: target.ID, convID: convID, priority: conv.Priority, queuedAt: now})
		w.kick[r.line.ID] = true
		return nil
	})
	if err == nil {
		rt.logRouting(ctx, convID, target.ID, "transferred_line", "", data)
	}
	return conv, err
}

// assignStatements is an assignment statement by statement (SQLite, where
// a statement is a function call, not a round trip): the conditional
// UPDATE, the contact's last operator, the re-read, the system message
// and the routing log's row.
func assignStatements(ctx context.Context, tx db.Execer, w *txw, old Conversation, from, op, decision string, d map[string]any, now int64,
	logRow routingRow, conv *Conversation) error {
	res, err := tx.ExecContext(ctx, `UPDATE inbox_conversations SET status = 'active', assignee_id = $2, assigned_at = $3, updated_at = $3
		WHERE id = $1 AND status = $4`, old.ID, op, now, from)
	if err != nil {
		return fmt.Errorf("inbox: assign: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotWaiting
	}
	if _, err := tx.ExecContext(ctx, `UPDATE inbox_contacts SET last_operator_id = $2 WHERE id = $1`, old.ContactID, op); err != nil {
		return fmt.Errorf("inbox: assign: %w", err)
	}
	if *conv, err = conversationTx(ctx, tx, old.ID); err != nil {
		return err
	}
	if err := systemMessage(ctx, tx, w, conv, decision, d); err != nil {
		return err
	}
	return insertRoutingRows(ctx, tx, []routingRow{logRow})
}
