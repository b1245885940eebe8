package inbox

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/storage/db"
)

// createContactsSQLPG inserts the contacts and their identities in one
// statement. The identities' foreign key is checked at the statement's
// end, when the contacts are there. It reports the identities inserted.
const createContactsSQLPG = `WITH c AS (
		INSERT INTO inbox_contacts (id, name, name_folded, phone, email, created_at, updated_at)
		SELECT v.id, v.name, v.folded, v.phone, v.email, $1, $1
		FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS v(id, name, folded, phone, email)
	)
	INSERT INTO inbox_identities (namespace, external_id, contact_id, display, created_at)
	SELECT v.ns, v.ext, v.id, v.display, $1
	FROM unnest($2::text[], $7::text[], $8::text[], $9::text[]) AS v(id, ns, ext, display)
	ON CONFLICT DO NOTHING`

func createContactsPG(ctx context.Context, tx db.Execer, w *txw, cs []newContact, now int64) error {
	k := len(cs)
	id, name, folded, phone, email := make([]string, k), make([]string, k), make([]string, k), make([]string, k), make([]string, k)
	ns, ext, display := make([]string, k), make([]string, k), make([]string, k)
	for i, c := range cs {
		id[i], name[i], phone[i], email[i] = c.id, contactName(c.from), c.from.Phone, c.from.Email
		folded[i], ns[i], ext[i], display[i] = norm.Fold(name[i]), c.from.Namespace, c.from.ExternalID, c.from.Name
	}
	if firstTogetherHook != nil {
		firstTogetherHook("contacts")
	}
	res, err := tx.ExecContext(ctx, createContactsSQLPG, now, id, name, folded, phone, email, ns, ext, display)
	if err != nil {
		return fmt.Errorf("inbox: contacts: %w", err)
	}
	if n, _ := res.RowsAffected(); n != int64(k) {
		return errRetry
	}
	if k > 1 {
		w.firstTogether[0] += k
	}
	return nil
}

// insertConversationsSQLPG opens the conversations in one statement.
const insertConversationsSQLPG = `INSERT INTO inbox_conversations (id, line_id, unit_id, channel_id, contact_id, external_chat_id,
		status, subject, subject_folded, created_at, updated_at, queued_at, sla_started_at, first_response_due_at, resolution_due_at, thread_key)
	SELECT v.id, v.line, v.unit, v.chan, v.contact, v.chat, 'waiting', v.subject, v.folded, $1, $1, $1, $1, v.fr, v.res, v.thread
	FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
		$10::bigint[], $11::bigint[], $12::text[]) AS v(id, line, unit, chan, contact, chat, subject, folded, fr, res, thread)
	ON CONFLICT DO NOTHING`

func insertConversationsPG(ctx context.Context, tx db.Execer, w *txw, ncs []newConv, now int64) error {
	k := len(ncs)
	id, line, unit, ch, contact, chat := make([]string, k), make([]string, k), make([]string, k), make([]string, k), make([]string, k), make([]string, k)
	subject, folded, thread := make([]string, k), make([]string, k), make([]string, k)
	fr, res := make([]int64, k), make([]int64, k)
	for i, nc := range ncs {
		id[i], line[i], unit[i], ch[i], contact[i], chat[i] = nc.c.ID, nc.line.ID, nc.line.UnitID, nc.ch.ID, nc.contactID, nc.in.ExternalChatID
		subject[i], folded[i], thread[i] = nc.in.Subject, norm.Fold(nc.in.Subject), nc.in.threadKey()
		fr[i], res[i] = slaDue(nc.line, now)
	}
	if firstTogetherHook != nil {
		firstTogetherHook("conversations")
	}
	r, err := tx.ExecContext(ctx, insertConversationsSQLPG, now, id, line, unit, ch, contact, chat, subject, folded, fr, res, thread)
	if err != nil {
		return fmt.Errorf("inbox: new conversations: %w", err)
	}
	if n, _ := r.RowsAffected(); n != int64(k) {
		return errRetry // another node opened one a moment ago
	}
	if k > 1 {
		w.firstTogether[1] += k
	}
	return nil
}
