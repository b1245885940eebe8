package telephony

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// missedText is the queue entry's text; operators read Russian.
func missedText(number string, at time.Time, waitS int, loc *time.Location) string {
	if number == "" {
		number = "скрытого номера"
	}
	return fmt.Sprintf("Пропущенный звонок с %s, %s (ожидание %d с). Перезвоните.", number,
		at.In(loc).Format("02.01.2006 15:04"), waitS)
}

// queueMissedCall turns a missed incoming call into a conversation in the
// line's queue. Ingest is idempotent on the call, so a second try (the
// worker's, or another node's) finds the first; repeated missed calls from
// one number land in the same open conversation, because ingest keeps one
// open conversation per contact and line.
func (c *Connector) queueMissedCall(ctx context.Context, ch inbox.Channel, callID string) error {
	var number, memberID string
	var started int64
	var waitS int
	err := c.db.QueryRowContext(ctx, `SELECT contact_number, member_id, started_at, wait_s FROM tel_calls WHERE id = $1`, callID).
		Scan(&number, &memberID, &started, &waitS)
	if err != nil {
		return fmt.Errorf("telephony: missed call: %w", err)
	}
	from := inbox.Identity{Namespace: "phone", ExternalID: number, Phone: number, Name: number}
	if !strings.HasPrefix(number, "+") {
		// A hidden or odd number cannot be called back; such calls share
		// one conversation of the channel.
		from = inbox.Identity{ExternalID: "hidden-number", Name: "Скрытый номер"}
	}
	m := c.memberOf(ctx, access.System("telephony"), memberID)
	if m != nil {
		from.Name = m.FullName
	}
	res, err := c.inbox.Ingest(ctx, inbox.Inbound{ChannelID: ch.ID, ExternalChatID: from.ExternalID, ExternalMessageID: "missed:" + callID,
		From: from, Subject: "Пропущенный звонок", Text: missedText(from.Phone, time.UnixMilli(started), waitS, c.zone),
		SentAt: time.UnixMilli(started), NoAutoReply: true})
	if err != nil {
		return err
	}
	if m != nil && !res.Duplicate {
		if _, err := c.inbox.LinkMember(ctx, access.System("telephony"), res.ConversationID, m.ID); err != nil {
			c.log.Warn("member not linked to the missed-call conversation", "conversation", res.ConversationID, "err", err)
		}
	}
	_, err = c.db.ExecContext(ctx, `UPDATE tel_calls SET conversation_id = $2, updated_at = $3 WHERE id = $1`, callID, res.ConversationID, db.Now())
	return err
}

// QueueMissed retries missed incoming calls that have no conversation yet
// (the inbox was unreachable when they ended): no missed call is lost.
func (c *Connector) QueueMissed(ctx context.Context) error {
	rows, err := c.db.QueryContext(ctx, `SELECT id, channel_id FROM tel_calls WHERE state = 'ended' AND direction = 'in'
		AND result <> 'answered' AND conversation_id = '' ORDER BY ended_at LIMIT 100`)
	if err != nil {
		return fmt.Errorf("telephony: missed calls: %w", err)
	}
	type job struct{ id, ch string }
	var jobs []job
	for rows.Next() {
		var j job
		if rows.Scan(&j.id, &j.ch) == nil {
			jobs = append(jobs, j)
		}
	}
	rows.Close()
	var firstErr error
	for _, j := range jobs {
		ch, err := c.inbox.Channels.Get(ctx, j.ch)
		if err != nil || ch.Disabled {
			continue // waits until the channel is switched back on
		}
		// One call that cannot be queued must not hold up the others.
		if err := c.queueMissedCall(ctx, ch, j.id); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}
