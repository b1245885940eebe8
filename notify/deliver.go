package notify

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Every node runs one worker. Each second (or at once when this node
// recorded a notice) it wakes the bells of the people with new notices
// connected to this node, and sends the pending e-mail copies. A copy is
// claimed ('pending' → 'sending') by one node before it is sent, so two
// nodes never mail it twice; a node that dies while sending leaves it
// 'sending' (at most once, never twice).

// announceWindow is how far back the worker looks for new notices: a
// source's transaction may commit a little after its notice's id was made.
const announceWindow = 20 * time.Second

// Run works until ctx ends.
func (s *Service) Run(ctx context.Context) {
	if s.deps.Push != nil {
		go s.runPush(ctx) // its own loop: a slow push service does not hold up the bells and e-mails
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		if err := s.announceNew(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("notices not announced", "err", err)
		}
		if err := s.mailPending(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("notice e-mails not sent", "err", err)
		}
		if err := s.tg.sendPending(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("notice Telegram copies not sent", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-s.wake:
		}
	}
}

// idBound is the smallest UUIDv7 text of a time: ids are ordered by their
// leading milliseconds, so "id > bound" reads the newest through the key.
func idBound(t time.Time) string {
	ms := t.UnixMilli()
	return fmt.Sprintf("%08x-%04x", ms>>16, ms&0xffff)
}

// announceNew wakes the bells of people with notices not yet announced.
func (s *Service) announceNew(ctx context.Context) error {
	now := time.Now()
	rows, err := s.db.QueryContext(ctx, `SELECT id, user_id FROM notify_items WHERE id > $1 AND in_hub`, idBound(now.Add(-announceWindow)))
	if err != nil {
		return err
	}
	var users []string
	s.mu.Lock()
	for rows.Next() {
		var id, user string
		if err := rows.Scan(&id, &user); err != nil {
			s.mu.Unlock()
			rows.Close()
			return err
		}
		if _, ok := s.seen[id]; !ok {
			s.seen[id] = now.UnixMilli()
			users = append(users, user)
		}
	}
	for id, at := range s.seen {
		if at < now.Add(-2*announceWindow).UnixMilli() {
			delete(s.seen, id)
		}
	}
	s.mu.Unlock()
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, u := range users {
		s.announce(u)
	}
	return nil
}

type pendingMail struct{ id, userID, kind, text, link string }

// mailPending sends up to a batch of pending e-mail copies.
func (s *Service) mailPending(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id, user_id, kind, text, link FROM notify_items WHERE mail_state = 'pending' ORDER BY id LIMIT 50`)
	if err != nil {
		return err
	}
	var list []pendingMail
	for rows.Next() {
		var p pendingMail
		if err := rows.Scan(&p.id, &p.userID, &p.kind, &p.text, &p.link); err != nil {
			rows.Close()
			return err
		}
		list = append(list, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(list) == 0 {
		return err
	}
	channel := ""
	if s.deps.MailChannel != nil {
		if channel, err = s.deps.MailChannel(ctx); err != nil {
			return err
		}
	}
	for _, p := range list {
		if s.deps.Mailer == nil || s.deps.Directory == nil || channel == "" {
			// No way out: skipped, so that a channel set later does not mail a backlog.
			if _, err := s.markMail(ctx, p.id, "pending", "skipped"); err != nil {
				return err
			}
			continue
		}
		if ok, err := s.markMail(ctx, p.id, "pending", "sending"); err != nil || !ok {
			if err != nil {
				return err
			}
			continue // another node took it
		}
		state := s.sendCopy(ctx, channel, p)
		if _, err := s.markMail(ctx, p.id, "sending", state); err != nil {
			return err
		}
	}
	return nil
}

// sendCopy mails one notice and says how it went.
func (s *Service) sendCopy(ctx context.Context, channel string, p pendingMail) string {
	r, err := s.deps.Directory.Recipient(ctx, p.userID)
	if err != nil || r.Email == "" || r.Disabled {
		return "skipped"
	}
	t := s.deps.Translate
	subject := t(r.Lang, "notify.kind."+p.kind) + ": " + truncate(p.text, 150)
	var body strings.Builder
	body.WriteString(t(r.Lang, "notify.kind."+p.kind) + "\n" + p.text + "\n")
	if base := *s.base.Load(); base != "" && p.link != "" {
		body.WriteString("\n" + t(r.Lang, "notify.mail_open") + " " + base + p.link + "\n")
	}
	body.WriteString("\n" + t(r.Lang, "notify.mail_footer") + "\n")
	if err := s.deps.Mailer.SendLetter(ctx, channel, r.Email, subject, body.String()); err != nil {
		s.log.Warn("notice e-mail not sent", "notice", p.id, "err", err)
		return "failed"
	}
	return "sent"
}

func (s *Service) markMail(ctx context.Context, id, from, to string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE notify_items SET mail_state = $1 WHERE id = $2 AND mail_state = $3`, to, id, from)
	if err != nil {
		return false, fmt.Errorf("notify: e-mail state: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
