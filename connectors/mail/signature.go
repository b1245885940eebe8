package mail

import (
	"context"
	"strings"

	"github.com/profhub/profhub/inbox"
)

// settingSignature is the channel's signature under operators' letters;
// {operator} becomes the name of the operator who wrote the reply, so one
// mailbox signs each letter with its author.
const settingSignature = "signature"

// signed appends the signature, after the conventional "-- " line that
// mail programs recognise and fold away in quotes. The line's automatic
// replies (no author) are not signed by an operator: {operator} becomes
// empty and a line left blank by it is dropped.
func (c *Connector) signed(ctx context.Context, ch inbox.Channel, m inbox.OutboundMessage) string {
	sig := strings.TrimSpace(ch.Settings[settingSignature])
	if sig == "" {
		return m.Text
	}
	name := ""
	if m.AuthorID != "" {
		_ = c.db.QueryRowContext(ctx, `SELECT full_name FROM users WHERE id = $1`, m.AuthorID).Scan(&name)
	}
	var lines []string
	for _, l := range strings.Split(sig, "\n") {
		if strings.Contains(l, "{operator}") {
			if l = strings.TrimSpace(strings.ReplaceAll(l, "{operator}", name)); l == "" {
				continue
			}
		}
		lines = append(lines, l)
	}
	return strings.TrimRight(m.Text, "\n") + "\n\n-- \n" + strings.Join(lines, "\n") + "\n"
}
