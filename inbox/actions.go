package inbox

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Close ends a conversation and frees its operator.
func (a *Actions) Close(ctx context.Context, sc access.Scope, convID string) (Conversation, error) {
	r, err := a.conversationFor(ctx, sc, convID)
	if err != nil {
		return Conversation{}, err
	}
	if r.conv.Status == StatusClosed {
		return r.conv, nil
	}
	if err := r.mayAnswer(sc); err != nil {
		return Conversation{}, err
	}
	return a.closeConversation(ctx, r, sc.UserID, "closed", false)
}

func (a *Actions) closeConversation(ctx context.Context, r role, by, code string, spam bool) (Conversation, error) {
	var conv Conversation
	c := &closeWrite{rowWrite: rowWrite{conv: r.conv}, by: by, code: code, spam: spam}
	c.finish = func(ctx context.Context, tx db.Execer, w *txw, closed Conversation) error {
		conv = closed
		ev := convEvent(EvConversation, conv)
		if r.line.AskRating && !spam {
			ev.Data = map[string]any{"ask_rating": true}
		}
		w.add(ev)
		if r.line.AskRating && !spam {
			if err := askRating(ctx, a.core, tx, w, &conv); err != nil {
				return err
			}
		}
		w.release = append(w.release, releaseEntry{lineID: r.line.ID, convID: r.conv.ID})
		w.kick[r.line.ID] = true
		return nil
	}
	// ErrClosed comes only from the close's first statement, which then
	// wrote nothing: the write needs no savepoint.
	err := a.writeGrouped(ctx, &pendingWrite{close: c, refusal: ErrClosed, fn: func(ctx context.Context, tx db.Execer, w *txw) error {
		var closed Conversation
		var err error
		if a.db.Dialect == db.Postgres {
			closed, err = closeOnePG(ctx, tx, w, r.conv.ID, by, code, spam)
		} else {
			closed, err = closeStatements(ctx, tx, w, r.conv.ID, by, code, spam)
		}
		if err != nil {
			return err
		}
		return c.finish(ctx, tx, w, closed)
	}})
	return conv, err
}

// closeStatements is a close statement by statement (SQLite, where a
// statement is a function call, not a round trip).
func closeStatements(ctx context.Context, tx db.Execer, w *txw, convID, by, code string, spam bool) (Conversation, error) {
	res, err := tx.ExecContext(ctx, `UPDATE inbox_conversations SET status = 'closed', closed_at = $2, closed_by = $3, spam = $4,
		unread = 0, updated_at = $2 WHERE id = $1 AND status <> 'closed'`, convID, db.Now(), by, spam)
	if err != nil {
		return Conversation{}, fmt.Errorf("inbox: close: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Conversation{}, ErrClosed
	}
	conv, err := conversationTx(ctx, tx, convID)
	if err != nil {
		return conv, err
	}
	return conv, systemMessage(ctx, tx, w, &conv, code, map[string]any{"by": by})
}

// Reopen puts a closed conversation back into its line's queue.
func (a *Actions) Reopen(ctx context.Context, sc access.Scope, convID string) (Conversation, error) {
	r, err := a.conversationFor(ctx, sc, convID)
	if err != nil {
		return Conversation{}, err
	}
	if r.conv.Status != StatusClosed {
		return r.conv, nil
	}
	if !r.operator && !r.supervisor {
		return Conversation{}, fmt.Errorf("%w: you do not answer this line", access.ErrForbidden)
	}
	var conv Conversation
	err = a.writeGrouped(ctx, &pendingWrite{fn: func(ctx context.Context, tx db.Execer, w *txw) error {
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE inbox_conversations SET status = 'waiting', assignee_id = '', queued_at = $2, closed_at = 0,
			closed_by = '', spam = FALSE, alerted_at = 0, updated_at = $2 WHERE id = $1 AND status = 'closed'`, convID, now); err != nil {
			if db.IsUniqueViolation(err) {
				return valid.Errorf("", "open_elsewhere", "the contact already has an open conversation in this line")
			}
			return fmt.Errorf("inbox: reopen: %w", err)
		}
		if err := restartSLA(ctx, tx, r.line, convID, now); err != nil {
			return err
		}
		var err error
		if conv, err = conversationTx(ctx, tx, convID); err != nil {
			return err
		}
		if err := systemMessage(ctx, tx, w, &conv, "reopened", map[string]any{"by": sc.UserID}); err != nil {
			return err
		}
		w.add(convEvent(EvConversation, conv))
		w.enqueue = append(w.enqueue, queueEntry{lineID: conv.LineID, convID: convID, priority: conv.Priority, queuedAt: now})
		return nil
	}})
	return conv, err
}

// SetPriority changes a conversation's priority (0 normal, 1 high, 2
// urgent); a waiting one moves in the queue accordingly.
func (a *Actions) SetPriority(ctx context.Context, sc access.Scope, convID string, priority int) (Conversation, error) {
	if priority < 0 || priority > 2 {
		return Conversation{}, valid.Errorf("priority", "range", "priority must be 0, 1 or 2")
	}
	if _, err := a.conversationFor(ctx, sc, convID); err != nil {
		return Conversation{}, err
	}
	var conv Conversation
	err := a.writeGrouped(ctx, &pendingWrite{fn: func(ctx context.Context, tx db.Execer, w *txw) error {
		if _, err := tx.ExecContext(ctx, `UPDATE inbox_conversations SET priority = $2, updated_at = $3 WHERE id = $1`, convID, priority, db.Now()); err != nil {
			return fmt.Errorf("inbox: priority: %w", err)
		}
		var err error
		if conv, err = conversationTx(ctx, tx, convID); err != nil {
			return err
		}
		w.add(convEvent(EvConversation, conv))
		if conv.Status == StatusWaiting {
			w.enqueue = append(w.enqueue, queueEntry{lineID: conv.LineID, convID: convID, priority: priority, queuedAt: conv.QueuedAt.UnixMilli()})
		}
		return nil
	}})
	return conv, err
}

// MarkSpam closes a conversation as spam; a spam conversation is never
// reopened automatically.
func (a *Actions) MarkSpam(ctx context.Context, sc access.Scope, convID string) (Conversation, error) {
	r, err := a.conversationFor(ctx, sc, convID)
	if err != nil {
		return Conversation{}, err
	}
	if err := r.mayAnswer(sc); err != nil {
		return Conversation{}, err
	}
	return a.closeConversation(ctx, r, sc.UserID, "spam", true)
}

// LinkMember links the conversation's contact to a member card of the CRM.
func (a *Actions) LinkMember(ctx context.Context, sc access.Scope, convID, memberID string) (Conversation, error) {
	if len(memberID) > 100 {
		return Conversation{}, valid.Errorf("member_id", "too_long", "member_id is too long")
	}
	r, err := a.conversationFor(ctx, sc, convID)
	if err != nil {
		return Conversation{}, err
	}
	if err := a.checkMemberScope(ctx, sc, memberID); err != nil {
		return Conversation{}, err
	}
	var conv Conversation
	err = a.write(ctx, func(tx db.Execer, w *txw) error {
		if _, err := tx.ExecContext(ctx, `UPDATE inbox_contacts SET member_id = $2, updated_at = $3 WHERE id = $1`, r.conv.ContactID, memberID, db.Now()); err != nil {
			return fmt.Errorf("inbox: link member: %w", err)
		}
		conv = r.conv
		return systemMessage(ctx, tx, w, &conv, "member_linked", map[string]any{"member_id": memberID, "by": sc.UserID})
	})
	return conv, err
}

// MarkRead clears the unread count when an operator opens a conversation.
func (a *Actions) MarkRead(ctx context.Context, sc access.Scope, convID string) error {
	r, err := a.conversationFor(ctx, sc, convID)
	if err != nil {
		return err
	}
	if _, err = a.db.ExecContext(ctx, `UPDATE inbox_conversations SET unread = 0 WHERE id = $1 AND assignee_id = $2`, convID, sc.UserID); err != nil {
		return err
	}
	a.events.operatorRead(ctx, r, sc)
	return nil
}
