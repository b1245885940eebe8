package telegram

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/profhub/profhub/inbox"
)

// A bot token revoked in @BotFather makes every call answer 401. The
// channel is then marked failed once (in its status, for every node and
// for the settings page), polling stops and replies fail at once without
// a request, until the administrator pastes a new token: the mark names
// the refused token by a fingerprint, so a new token is simply tried.

// failedTokenRevoked is the status code the settings page translates.
const failedTokenRevoked = "token_revoked"

// reasonTokenRefused is a reply's failure reason while the token is
// refused.
const reasonTokenRefused = "the bot token is no longer valid; paste a new one in the channel settings"

// refusedCheckEvery bounds how long a node trusts what it last read of
// another node's mark.
const refusedCheckEvery = 10 * time.Second

type refusal struct {
	token   string // fingerprint the answer is about
	refused bool
	at      time.Time
}

func tokenFingerprint(token string) string {
	h := sha256.Sum256([]byte("profhub telegram token\x00" + token))
	return hex.EncodeToString(h[:8])
}

// tokenRefused says whether Telegram refused ch's current token, as this
// node or any other saw it.
func (c *Connector) tokenRefused(ctx context.Context, ch inbox.Channel) bool {
	fp := tokenFingerprint(ch.Secrets[secretToken])
	c.refusedMu.Lock()
	r, ok := c.refused[ch.ID]
	c.refusedMu.Unlock()
	if ok && r.token == fp && (r.refused || time.Since(r.at) < refusedCheckEvery) {
		return r.refused
	}
	st, err := c.inbox.Channels.StatusOf(ctx, ch.ID)
	if err != nil {
		return false // the send itself will tell
	}
	refused := st.FailedCode == failedTokenRevoked && st.FailedFor == fp
	c.remember(ch.ID, refusal{token: fp, refused: refused, at: time.Now()})
	return refused
}

func (c *Connector) remember(channelID string, r refusal) {
	c.refusedMu.Lock()
	defer c.refusedMu.Unlock()
	c.refused[channelID] = r
}

// refuseToken marks ch failed because Telegram refused its token. Only
// the first node to see it logs and records it; later 401s (other
// nodes, queued replies) change nothing.
func (c *Connector) refuseToken(ch inbox.Channel, desc string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.ctx), 5*time.Second)
	defer cancel()
	fp := tokenFingerprint(ch.Secrets[secretToken])
	if st, err := c.inbox.Channels.StatusOf(ctx, ch.ID); err == nil && st.FailedCode == failedTokenRevoked && st.FailedFor == fp {
		c.remember(ch.ID, refusal{token: fp, refused: true, at: time.Now()}) // another node saw it first
		return
	}
	c.remember(ch.ID, refusal{token: fp, refused: true, at: time.Now()})
	c.log.Warn("telegram refuses the bot token: the channel is stopped until the token is changed in its settings",
		"channel", ch.ID, "telegram_said", redact(desc, ch))
	now := time.Now().UnixMilli()
	err := c.inbox.Channels.ReportStatus(ctx, ch.ID, inbox.ChannelStatus{FailedCode: failedTokenRevoked, FailedReason: redact(desc, ch),
		FailedAt: now, FailedFor: fp, LastError: redact(desc, ch), LastErrorAt: now})
	if err != nil {
		c.log.Debug("channel status not recorded", "channel", ch.ID, "err", err)
	}
}

// tokenAccepted clears a refusal once Telegram accepts the channel's
// token again (the channel hook's getMe after the token was changed).
func (c *Connector) tokenAccepted(ctx context.Context, ch inbox.Channel) {
	fp := tokenFingerprint(ch.Secrets[secretToken])
	c.remember(ch.ID, refusal{token: fp, refused: false, at: time.Now()})
	if ch.ID == "" {
		return // a new channel: nothing recorded yet
	}
	st, err := c.inbox.Channels.StatusOf(ctx, ch.ID)
	if err != nil || st.FailedCode == "" {
		return
	}
	if err := c.inbox.Channels.ReportStatus(ctx, ch.ID, inbox.ChannelStatus{Recovered: true}); err != nil {
		c.log.Debug("channel status not recorded", "channel", ch.ID, "err", err)
	}
}
