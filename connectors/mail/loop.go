package mail

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/storage/db"
)

// The rules that keep the hub out of mail loops (RFC 3834 section 2 and
// what mail programs do): the line's welcome and off-hours replies go to
// a person who wrote, never to a machine, a list, ourselves, or someone
// we wrote to a moment ago.

// answerPause is how long after a letter of ours to an address no
// automatic reply goes to it again (RFC 3834 asks for a pause per sender;
// an hour is enough to break a loop with another responder).
const answerPause = time.Hour

// noAutoAnswer says why the hub must not answer letter l automatically,
// or "" when it may. own holds our addresses (lower case); answered says
// whether the mailbox wrote to the sender within answerPause.
func noAutoAnswer(l *letter, own map[string]bool, answered bool) string {
	switch {
	case own[l.fromAddr]:
		return "sent from an address of this hub"
	case l.auto != "":
		return l.auto // Auto-Submitted other than "no", Precedence bulk/list/junk, X-Autoreply…
	case l.listID != "":
		return "a mailing list (List-Id)"
	case l.nullSender:
		return "a null return path (Return-Path: <>)"
	case answered:
		return "the sender was answered less than an hour ago"
	}
	return ""
}

// SenderAddresses is another part of the hub that sends mail from
// addresses of its own (the mass-mailing SMTP accounts); letters from
// them are never answered automatically.
type SenderAddresses interface {
	SenderAddresses(ctx context.Context) ([]string, error)
}

// ownAddresses caches the hub's own addresses: every mail channel's
// sender and login, and the senders' addresses. They change rarely and
// every arriving letter asks, so the set is read at most every ownTTL.
type ownAddresses struct {
	mu   sync.Mutex
	set  map[string]bool
	read time.Time
}

const ownTTL = 30 * time.Second

func (c *Connector) ownAddresses(ctx context.Context) (map[string]bool, error) {
	c.own.mu.Lock()
	defer c.own.mu.Unlock()
	if c.own.set != nil && time.Since(c.own.read) < ownTTL {
		return c.own.set, nil
	}
	set := map[string]bool{}
	add := func(a string) {
		if a = strings.ToLower(strings.TrimSpace(a)); strings.Contains(a, "@") {
			set[a] = true
		}
	}
	chs, err := c.inbox.Channels.OfKind(ctx, inbox.KindMail)
	if err != nil {
		return nil, fmt.Errorf("mail: our own addresses: %w", err)
	}
	for _, ch := range chs {
		add(ch.Settings[settingFrom])
		add(ch.Settings[settingUsername])
	}
	if c.senders != nil {
		more, err := c.senders.SenderAddresses(ctx)
		if err != nil {
			return nil, fmt.Errorf("mail: our own addresses: %w", err)
		}
		for _, a := range more {
			add(a)
		}
	}
	c.own.set, c.own.read = set, time.Now()
	return set, nil
}

// answeredRecently reports whether the mailbox sent a letter to address
// within answerPause.
func (c *Connector) answeredRecently(ctx context.Context, channelID, address string) (bool, error) {
	var n int
	err := c.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM mail_letters WHERE channel_id = $1 AND address = $2 AND direction = 'out'
		AND created_at > $3`, channelID, address, db.Now()-answerPause.Milliseconds()).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("mail: recent answers: %w", err)
	}
	return n > 0, nil
}

// autoAnswerCheck applies noAutoAnswer to an arriving letter.
func (c *Connector) autoAnswerCheck(ctx context.Context, ch inbox.Channel, l *letter) (string, error) {
	own, err := c.ownAddresses(ctx)
	if err != nil {
		return "", err
	}
	answered, err := c.answeredRecently(ctx, ch.ID, l.fromAddr)
	if err != nil {
		return "", err
	}
	return noAutoAnswer(l, own, answered), nil
}

// maxRefs bounds the References we keep and send: the thread's first
// letter and the latest ones, as mail programs trim long threads.
const maxRefs = 20

// replyReferences is the References of a reply to a letter with id and
// the given References and In-Reply-To (RFC 5322 section 3.6.4): the
// parent's References followed by its Message-ID; without References, a
// single In-Reply-To id takes their place.
func replyReferences(refs, inReplyTo []string, id string) []string {
	var out []string
	switch {
	case len(refs) > 0:
		out = append(out, refs...)
	case len(inReplyTo) == 1:
		out = append(out, inReplyTo...)
	}
	if id != "" {
		out = append(out, id)
	}
	return trimRefs(out)
}

// trimRefs keeps the first id and the last maxRefs-1 (the root and the
// nearest letters are what threading needs).
func trimRefs(ids []string) []string {
	if len(ids) <= maxRefs {
		return ids
	}
	return append([]string{ids[0]}, ids[len(ids)-maxRefs+1:]...)
}
