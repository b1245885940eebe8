package inbox

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/storage/db"
)

// ingestBatch stores a batch of new inbound messages in a handful of
// statements, however many messages it holds: one query finds the senders'
// contacts and open conversations, one update bumps every conversation's
// sequence, one insert stores every message. A first message's new contact
// and conversation are created with the batch's others, on PostgreSQL in
// one statement each (ingest_first.go); only a returning contact's new
// conversation costs look-ups of its own (a rating comment, a reopen).
// On PostgreSQL, where each statement is a round trip, this is what lets
// ingest keep up; there the update and the insert are one statement too
// (ingest_pg.go).
func (ing *Ingestion) ingestBatch(ctx context.Context, tx db.Execer, w *txw, items []*pendingIngest) error {
	type convKey struct{ contact, line, thread string }
	lines := map[string]Line{}
	for _, p := range items {
		if _, ok := lines[p.item.ch.LineID]; ok {
			continue
		}
		l, err := ing.lineByIDIn(ctx, tx, p.item.ch.LineID)
		if err != nil {
			return err
		}
		lines[l.ID] = l
	}

	// Contacts and their open conversations, by identity.
	contacts := map[identityKey]string{}
	names := map[string]string{} // a known contact's stored name (an operator's outreach names it after the member)
	open := map[convKey]string{}
	var pairs []identityKey
	for _, p := range items {
		k := identityKey{p.item.in.From.Namespace, p.item.in.From.ExternalID}
		if _, seen := contacts[k]; !seen {
			contacts[k] = ""
			pairs = append(pairs, k)
		}
	}
	rows, err := ing.identities(ctx, tx, pairs)
	if err != nil {
		return fmt.Errorf("inbox: identities: %w", err)
	}
	for rows.Next() {
		var k identityKey
		var contact, conv, line, name, thread string
		if err := rows.Scan(&k.ns, &k.ext, &contact, &conv, &line, &name, &thread); err != nil {
			rows.Close()
			return fmt.Errorf("inbox: identities: %w", err)
		}
		contacts[k], names[contact] = contact, name
		if conv != "" {
			open[convKey{contact, line, thread}] = conv
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("inbox: identities: %w", err)
	}

	// First messages: decide what each needs, then create the new contacts
	// and conversations together (ingest_first.go). A contact made in this
	// batch has no past on any line (no rating to comment on, no closed
	// conversation, no last operator): the look-ups of those are skipped
	// for it.
	made := map[string]bool{}
	convs := map[string]*Conversation{}
	convOf := make([]*Conversation, len(items))
	openedBy := make([]*Conversation, len(items)) // the conversation item i opened or reopened
	var newContacts []newContact
	var newConvs []newConv
	for i, p := range items {
		in, ch := &p.item.in, p.item.ch
		k := identityKey{in.From.Namespace, in.From.ExternalID}
		if contacts[k] == "" {
			contacts[k] = uuid.Must(uuid.NewV7()).String()
			newContacts = append(newContacts, newContact{id: contacts[k], from: in.From})
			made[contacts[k]] = true
		}
		ck := convKey{contacts[k], ch.LineID, in.threadKey()}
		id, ok := open[ck]
		name := names[contacts[k]]
		if name == "" {
			name = contactName(in.From)
		}
		if !ok {
			// The answer to a rating just given is its comment, in the
			// closed conversation, not a new question.
			var rated string
			if !made[contacts[k]] {
				if rated, err = takeRatingComment(ctx, tx, contacts[k], ch.LineID, in.Text, db.Now()); err != nil {
					return err
				}
			}
			if rated != "" {
				if convs[rated] == nil {
					convs[rated] = &Conversation{ID: rated, ChannelKind: ch.Kind, ContactName: name}
				}
				convOf[i] = convs[rated]
				continue
			}
			c := &Conversation{ChannelKind: ch.Kind, ContactName: name}
			reopened := false
			if !made[contacts[k]] {
				if reopened, err = ing.reopenConversation(ctx, tx, w, lines[ch.LineID], ch, contacts[k], in, c); err != nil {
					return err
				}
			}
			if !reopened {
				c.ID = uuid.Must(uuid.NewV7()).String()
				newConvs = append(newConvs, newConv{c: c, line: lines[ch.LineID], ch: ch, contactID: contacts[k], in: in})
			}
			open[ck], convs[c.ID], openedBy[i] = c.ID, c, c
			id = c.ID
		}
		if convs[id] == nil {
			convs[id] = &Conversation{ID: id, ChannelKind: ch.Kind, ContactName: name}
		}
		convOf[i] = convs[id]
	}
	if err := createContacts(ctx, tx, ing.db.Dialect, w, newContacts); err != nil {
		return err
	}
	if err := insertConversations(ctx, tx, ing.db.Dialect, w, newConvs); err != nil {
		return err
	}
	var opened []*Conversation
	var prefaces []Message // stored before the first messages; their events follow the conversations'
	prefaced := make([]bool, len(items))
	for i, c := range openedBy {
		if c == nil {
			continue
		}
		opened = append(opened, c)
		if pf := items[i].item.in.Preface; pf != nil {
			m := Message{Direction: DirOut, ChannelID: items[i].item.ch.ID, Text: pf.Text, Status: DeliverySent,
				ExternalID: "preface:" + pf.Ref + ":" + c.ID}
			if err := appendMessage(ctx, tx, c, &m); err != nil {
				return err
			}
			prefaces, prefaced[i] = append(prefaces, m), true
		}
	}
	if err := saveThreads(ctx, tx, items); err != nil {
		return err
	}
	if err := linkCampaigns(ctx, tx, items, convOf, opened); err != nil {
		return err
	}

	now := db.Now()
	msgs, err := newInbound(ctx, tx, items, convOf, now)
	if err != nil {
		return err
	}
	store := storeInbound
	if ing.db.Dialect == db.Postgres {
		store = storeInboundPG
	}
	if err := store(ctx, tx, convs, msgs, now); err != nil {
		return err
	}
	for i, p := range items {
		p.res = IngestResult{MessageID: msgs[i].ID, ConversationID: msgs[i].ConversationID, Seq: msgs[i].Seq, Prefaced: prefaced[i], Message: msgs[i]}
	}

	// Events, queueing and auto-replies.
	for _, c := range opened {
		snap := *c
		w.add(convEvent(EvConversation, snap))
		line := lines[c.LineID]
		w.enqueue = append(w.enqueue, queueEntry{lineID: c.LineID, convID: c.ID, priority: c.Priority,
			queuedAt: c.QueuedAt.UnixMilli(), preferred: ing.stickyOperator(ctx, tx, line, c.ContactID, made[c.ContactID])})
	}
	for _, m := range prefaces {
		snap := *convs[m.ConversationID]
		snap.LastSeq = m.Seq
		w.add(msgEvent(snap, m))
	}
	for i := range items {
		snap := *convOf[i]
		snap.LastSeq = msgs[i].Seq
		w.add(msgEvent(snap, msgs[i]))
	}
	for _, c := range opened {
		if !noAutoReply(items, c.ID, convOf) {
			if err := ing.autoReply(ctx, tx, w, lines[c.LineID], c); err != nil {
				return err
			}
		}
	}
	for i, p := range items {
		p.res.LastSeq = convOf[i].LastSeq
	}
	return nil
}

// noAutoReply reports whether the message that opened conversation id asked
// for no auto-reply.
func noAutoReply(items []*pendingIngest, id string, convOf []*Conversation) bool {
	for i, p := range items {
		if convOf[i].ID == id {
			return p.item.in.NoAutoReply
		}
	}
	return false
}
