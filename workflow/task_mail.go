package workflow

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/internal/settings"
)

// A new task is also e-mailed to its holder, when they have an address and
// the installation names a mail channel (SettingMailChannel, the one that
// sends outgoing documents). The sweep does it, outside the decision's
// transaction: each notification is claimed ('pending' → 'sending') by one
// node and marked 'sent', 'failed' or 'skipped' (no address, no mailbox:
// turning the setting on later does not mail a backlog).

// mailTasks sends the pending task e-mails, at most a batch per sweep.
func (s *Mail) mailTasks(ctx context.Context) error {
	channel, err := settings.Get(ctx, s.db, SettingMailChannel, "")
	if err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT n.id, n.document_id, n.text, us.email FROM wf_notifications n
		JOIN users us ON us.id = n.user_id WHERE n.mail_state = 'pending' ORDER BY n.at LIMIT 100`)
	if err != nil {
		return fmt.Errorf("workflow: task mail: %w", err)
	}
	type pending struct{ id, docID, text, email string }
	var list []pending
	for rows.Next() {
		var p pending
		if err := rows.Scan(&p.id, &p.docID, &p.text, &p.email); err != nil {
			rows.Close()
			return err
		}
		list = append(list, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	mark := func(id, from, to string) (bool, error) {
		res, err := s.db.ExecContext(ctx, `UPDATE wf_notifications SET mail_state = $1 WHERE id = $2 AND mail_state = $3`, to, id, from)
		if err != nil {
			return false, fmt.Errorf("workflow: task mail: %w", err)
		}
		n, _ := res.RowsAffected()
		return n == 1, nil
	}
	for _, p := range list {
		if s.mailer == nil || channel == "" || p.email == "" {
			if _, err := mark(p.id, "pending", "skipped"); err != nil {
				return err
			}
			continue
		}
		if ok, err := mark(p.id, "pending", "sending"); err != nil || !ok {
			if err != nil {
				return err
			}
			continue // another node took it
		}
		text := "Новая задача по документу:\n" + p.text + "\n"
		if s.baseURL != "" {
			text += "\nОткрыть: " + s.baseURL + "/documents#doc/" + p.docID + "\n"
		}
		state := "sent"
		if _, err := s.mailer.SendLetterWithFiles(ctx, channel, p.email, "Новая задача: "+truncate(p.text, 150), text, nil); err != nil {
			state = "failed"
			s.log.Warn("task e-mail not sent", "notification", p.id, "err", err)
		}
		if _, err := mark(p.id, "sending", state); err != nil {
			return err
		}
	}
	return nil
}
