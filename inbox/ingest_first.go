package inbox

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/storage/db"
)

// A batch's first messages need contacts and conversations created. The
// batch first decides what each message needs, then creates them all:
// on PostgreSQL in one statement for the contacts and one for the
// conversations (ingest_first_pg.go), where one by one they were three
// round trips a message while the batch held its row locks. SQLite, where
// a statement costs no round trip, keeps one statement a row.

// newContact is a contact a batch creates, with its identity.
type newContact struct {
	id   string
	from Identity
}

// newConv is a conversation a batch opens: c has its ID, ChannelKind and
// ContactName; the rest is filled once it is stored.
type newConv struct {
	c         *Conversation
	line      Line
	ch        Channel
	contactID string
	in        *Inbound
}

// firstTogetherHook, when a test sets it, runs before PostgreSQL creates
// a batch's contacts ("contacts") or conversations ("conversations").
var firstTogetherHook func(what string)

// createContacts stores the batch's new contacts and their identities. An
// identity another node stored meanwhile (the same person's first message
// arriving there at once) is errRetry: the batcher retries one by one,
// and the message meets the winner's contact.
func createContacts(ctx context.Context, tx db.Execer, dialect db.Dialect, w *txw, cs []newContact) error {
	if len(cs) == 0 {
		return nil
	}
	now := db.Now()
	if dialect == db.Postgres {
		return createContactsPG(ctx, tx, w, cs, now)
	}
	for _, c := range cs {
		if err := createContact(ctx, tx, c, now); err != nil {
			return err
		}
	}
	return nil
}

func createContact(ctx context.Context, tx db.Execer, c newContact, now int64) error {
	name := contactName(c.from)
	if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_contacts (id, name, name_folded, phone, email, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)`, c.id, name, norm.Fold(name), c.from.Phone, c.from.Email, now); err != nil {
		return fmt.Errorf("inbox: contact: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO inbox_identities (namespace, external_id, contact_id, display, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, c.from.Namespace, c.from.ExternalID, c.id, c.from.Name, now)
	if err != nil {
		return fmt.Errorf("inbox: identity: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errRetry
	}
	return nil
}

// insertConversations stores the batch's new conversations and fills
// them. One another node opened meanwhile for the same contact, line and
// thread (the open conversations' unique index) is errRetry.
func insertConversations(ctx context.Context, tx db.Execer, dialect db.Dialect, w *txw, ncs []newConv) error {
	if len(ncs) == 0 {
		return nil
	}
	now := db.Now()
	if dialect == db.Postgres {
		if err := insertConversationsPG(ctx, tx, w, ncs, now); err != nil {
			return err
		}
	} else {
		for _, nc := range ncs {
			if err := insertConversation(ctx, tx, nc, now); err != nil {
				return err
			}
		}
	}
	for _, nc := range ncs {
		fillNewConversation(nc, now)
	}
	return nil
}

func insertConversation(ctx context.Context, tx db.Execer, nc newConv, now int64) error {
	frDue, resDue := slaDue(nc.line, now)
	res, err := tx.ExecContext(ctx, `INSERT INTO inbox_conversations (id, line_id, unit_id, channel_id, contact_id, external_chat_id,
		status, subject, subject_folded, created_at, updated_at, queued_at, sla_started_at, first_response_due_at, resolution_due_at, thread_key)
		VALUES ($1,$2,$3,$4,$5,$6,'waiting',$7,$8,$9,$9,$9,$9,$10,$11,$12)
		ON CONFLICT DO NOTHING`, nc.c.ID, nc.line.ID, nc.line.UnitID, nc.ch.ID, nc.contactID, nc.in.ExternalChatID, nc.in.Subject,
		norm.Fold(nc.in.Subject), now, frDue, resDue, nc.in.threadKey())
	if err != nil {
		return fmt.Errorf("inbox: new conversation: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errRetry // another node opened it a moment ago
	}
	return nil
}

// fillNewConversation fills nc.c as stored at now.
func fillNewConversation(nc newConv, now int64) {
	c, in := nc.c, nc.in
	frDue, resDue := slaDue(nc.line, now)
	*c = Conversation{ID: c.ID, LineID: nc.line.ID, UnitID: nc.line.UnitID, ChannelID: nc.ch.ID, ChannelKind: c.ChannelKind,
		ContactID: nc.contactID, ContactName: c.ContactName, ExternalChatID: in.ExternalChatID, Status: StatusWaiting,
		Subject: in.Subject, ThreadKey: in.threadKey(), CreatedAt: ms(now), UpdatedAt: ms(now), QueuedAt: ms(now),
		ServiceLevel: ServiceLevel{SLAStartedAt: ms(now), FirstResponseDueAt: ms(frDue), ResolutionDueAt: ms(resDue)}}
}
