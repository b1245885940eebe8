package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Outreach starts conversations from our side: an operator writes first
// to a member on a channel the member can be reached on. The conversation
// is then like any other: assigned to the operator, its first message
// sent by dispatch through the channel's connector, and the member's
// answer joins it (ingest finds the contact's open conversation). The
// member and their consents are the CRM's; its caller (crm.Outreach,
// through the hub) has checked them.
type Outreach struct {
	*core
	dispatch *Dispatch
}

// ErrNotReachable refuses a start on a channel the member has no chat or
// address on, or one whose line the caller does not answer.
var ErrNotReachable = valid.Refuse(db.ErrNotFound, "outreach_unreachable", "the member cannot be reached on this channel")

// Reach is one way to write to a member: a channel of a line the caller
// answers and the member's chat or e-mail address on it.
type Reach struct {
	ChannelID   string `json:"channel_id"`
	ChannelName string `json:"channel_name"`
	Kind        string `json:"kind"`
	Address     string `json:"address"` // the chat id (Telegram, VK) or the e-mail address
	contactID   string
}

// StartInput is an operator's first message to a member.
type StartInput struct {
	MemberID   string
	MemberName string
	Emails     []string // the member's addresses, for mail channels
	Phones     []string // the member's numbers (E.164), for SMS channels
	ChannelID  string
	Address    string
	Text       string
}

// MemberAddresses are the member card's ways to be written to directly.
type MemberAddresses struct {
	Emails []string
	Phones []string // E.164
}

// MemberReach lists the channels the caller may write to the member on:
// Telegram and VK where the member's contact has a chat with the bot or
// community, mail at each of the member's addresses, SMS at each of
// their numbers. Only enabled channels of lines the caller answers (or
// supervises) count.
func (o *Outreach) MemberReach(ctx context.Context, sc access.Scope, memberID string, addr MemberAddresses) ([]Reach, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return nil, err
	}
	lo, hi := sc.PathRange()
	rows, err := o.db.QueryContext(ctx, `SELECT ch.id, ch.name, ch.kind FROM inbox_channels ch
		JOIN inbox_lines l ON l.id = ch.line_id JOIN units u ON u.id = l.unit_id
		WHERE NOT ch.disabled AND ch.kind IN ($1, $2, $3, $8)
		AND (EXISTS (SELECT 1 FROM inbox_line_operators lo WHERE lo.line_id = l.id AND lo.user_id = $4)
		     OR ($5 AND u.path >= $6 AND u.path < $7))
		ORDER BY ch.name, ch.id`, KindTelegram, KindVK, KindMail, sc.UserID, sc.Can(access.SuperviseInbox), lo, hi, KindSMS)
	if err != nil {
		return nil, fmt.Errorf("inbox: outreach channels: %w", err)
	}
	var chans []Reach
	for rows.Next() {
		var r Reach
		if err := rows.Scan(&r.ChannelID, &r.ChannelName, &r.Kind); err != nil {
			rows.Close()
			return nil, fmt.Errorf("inbox: outreach channels: %w", err)
		}
		chans = append(chans, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("inbox: outreach channels: %w", err)
	}
	out := []Reach{}
	for _, r := range chans {
		if r.Kind == KindMail {
			for _, e := range addr.Emails {
				r.Address = strings.ToLower(strings.TrimSpace(e))
				out = append(out, r)
			}
			continue
		}
		if r.Kind == KindSMS {
			for _, p := range addr.Phones {
				r.Address = strings.TrimSpace(p)
				out = append(out, r)
			}
			continue
		}
		err := o.db.QueryRowContext(ctx, `SELECT c.external_chat_id, c.contact_id FROM inbox_conversations c
			JOIN inbox_contacts k ON k.id = c.contact_id
			WHERE c.channel_id = $1 AND k.member_id = $2 ORDER BY c.created_at DESC, c.id DESC LIMIT 1`,
			r.ChannelID, memberID).Scan(&r.Address, &r.contactID)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("inbox: member chat: %w", err)
		}
		out = append(out, r)
	}
	return out, nil
}

// Start writes to a member first. When the member's contact already has
// an open conversation on the channel's line, the message is a reply in
// it (taking it if it waits); otherwise a new conversation is opened,
// assigned to the caller, with the message pending for dispatch.
func (o *Outreach) Start(ctx context.Context, sc access.Scope, in StartInput) (Conversation, error) {
	reply := ReplyInput{Text: in.Text}
	if err := reply.validate(); err != nil {
		return Conversation{}, err
	}
	reaches, err := o.MemberReach(ctx, sc, in.MemberID, MemberAddresses{Emails: in.Emails, Phones: in.Phones})
	if err != nil {
		return Conversation{}, err
	}
	var reach Reach
	for _, r := range reaches {
		if r.ChannelID == in.ChannelID && (in.Address == "" || strings.EqualFold(r.Address, in.Address)) {
			reach = r
			break
		}
	}
	if reach.ChannelID == "" {
		return Conversation{}, ErrNotReachable
	}
	ch, err := o.channelByID(ctx, reach.ChannelID)
	if err != nil {
		return Conversation{}, err
	}
	line, err := o.lineByID(ctx, ch.LineID)
	if err != nil {
		return Conversation{}, err
	}
	if reach.contactID == "" {
		if reach.contactID, err = o.addressContact(ctx, reach, in); err != nil {
			return Conversation{}, err
		}
	}
	var open string
	err = o.db.QueryRowContext(ctx, `SELECT id FROM inbox_conversations WHERE contact_id = $1 AND line_id = $2 AND status <> 'closed' AND thread_key = ''`,
		reach.contactID, line.ID).Scan(&open)
	switch {
	case err == nil:
		if _, err := o.dispatch.Reply(ctx, sc, open, reply); err != nil {
			return Conversation{}, err
		}
		return conversationTx(ctx, o.db, open)
	case !errors.Is(err, sql.ErrNoRows):
		return Conversation{}, fmt.Errorf("inbox: open conversation: %w", err)
	}
	conv, err := o.open(ctx, sc, line, ch, reach, reply)
	if err != nil {
		return Conversation{}, err
	}
	// The operator's load in Redis, as a taken conversation adds it; a
	// rebuild from SQL would restore it if this fails.
	if err := assignScript.Run(ctx, o.kv, o.router.keys(line.ID), conv.ID, sc.UserID, "1", string(line.Mode)).Err(); err != nil {
		o.log.Warn("outreach: operator load not counted", "conversation", conv.ID, "err", err)
	}
	o.log.Info("conversation started by an operator", "conversation", conv.ID, "channel", ch.ID, "operator", sc.UserID)
	return conv, nil
}

// open stores the new conversation, its "started" note and the pending
// first message in one transaction.
func (o *Outreach) open(ctx context.Context, sc access.Scope, line Line, ch Channel, reach Reach, reply ReplyInput) (Conversation, error) {
	var conv Conversation
	err := o.write(ctx, func(tx db.Execer, w *txw) error {
		id, now := uuid.Must(uuid.NewV7()).String(), db.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_conversations (id, line_id, unit_id, channel_id, contact_id, external_chat_id,
			status, assignee_id, created_at, updated_at, queued_at, assigned_at) VALUES ($1,$2,$3,$4,$5,$6,'active',$7,$8,$8,$8,$8)`,
			id, line.ID, line.UnitID, ch.ID, reach.contactID, reach.Address, sc.UserID, now); err != nil {
			if db.IsUniqueViolation(err) {
				return valid.Refuse(db.ErrConflict, "outreach_open", "the member has just written in; answer in that conversation")
			}
			return fmt.Errorf("inbox: outreach: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE inbox_contacts SET last_operator_id = $2 WHERE id = $1`, reach.contactID, sc.UserID); err != nil {
			return fmt.Errorf("inbox: outreach: %w", err)
		}
		var err error
		if conv, err = conversationTx(ctx, tx, id); err != nil {
			return err
		}
		if err := systemMessage(ctx, tx, w, &conv, "started", map[string]any{"operator_id": sc.UserID}); err != nil {
			return err
		}
		m := Message{Direction: DirOut, ChannelID: ch.ID, AuthorID: sc.UserID, Text: reply.Text, Status: DeliveryPending}
		if err := appendMessage(ctx, tx, &conv, &m); err != nil {
			return err
		}
		w.dispatch = append(w.dispatch, m.ID)
		w.add(convEvent(EvConversation, conv))
		w.add(msgEvent(conv, m))
		return nil
	})
	return conv, err
}

// addressContact finds the contact of an e-mail address or a phone
// number, as the mail and SMS connectors' inbound messages make it
// (namespace "email" or "phone"), or makes one linked to the member.
func (o *Outreach) addressContact(ctx context.Context, reach Reach, in StartInput) (string, error) {
	ns, addr := "email", reach.Address
	email, phone := addr, ""
	if reach.Kind == KindSMS {
		ns, email, phone = "phone", "", addr
	}
	var id string
	err := o.db.QueryRowContext(ctx, `SELECT contact_id FROM inbox_identities WHERE namespace = $1 AND external_id = $2`, ns, addr).Scan(&id)
	if err == nil {
		_, err = o.db.ExecContext(ctx, `UPDATE inbox_contacts SET member_id = $2, updated_at = $3 WHERE id = $1 AND member_id = ''`, id, in.MemberID, db.Now())
		return id, err
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("inbox: %s contact: %w", ns, err)
	}
	err = o.db.Tx(ctx, func(tx *sql.Tx) error {
		id = uuid.Must(uuid.NewV7()).String()
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_contacts (id, name, name_folded, email, phone, member_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, id, in.MemberName, norm.Fold(in.MemberName), email, phone, in.MemberID, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO inbox_identities (namespace, external_id, contact_id, display, created_at)
			VALUES ($1, $2, $3, $4, $5)`, ns, addr, id, in.MemberName, now)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("inbox: %s contact: %w", ns, err)
	}
	return id, nil
}
