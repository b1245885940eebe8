package vk

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/SevereCloud/vksdk/v3/api"

	"github.com/profhub/profhub/connectors/richtext"
	"github.com/profhub/profhub/inbox"
)

// maxTextRunes is VK's limit for one message's text; longer replies go as
// several messages.
const maxTextRunes = 4096

// Send delivers a reply with messages.send. Each part's random_id is
// derived from the reply's id, which the engine keeps across retries, so
// VK drops a repeated request instead of showing the message twice.
func (c *Connector) Send(ctx context.Context, ch inbox.Channel, m inbox.OutboundMessage) (inbox.SendResult, error) {
	if m.ThreadKey != "" && !m.Private {
		return c.sendComment(ctx, ch, m) // comment.go
	}
	peer, err := strconv.Atoi(m.ExternalChatID)
	if err != nil || peer == 0 {
		return inbox.SendResult{}, &inbox.SendError{Permanent: true, Reason: fmt.Sprintf("VK: %q is not a VK peer id", m.ExternalChatID)}
	}
	vk := c.channelClient(ch)
	atts, err := c.uploadAll(ctx, ch, vk, peer, m.Attachments)
	if err != nil {
		return inbox.SendResult{}, err
	}
	// VK bots cannot format text: the operator's markup is read and
	// dropped, links written out after their text.
	parts := splitText(richtext.Parse(m.Text).Plain(), maxTextRunes)
	var last int
	for i, text := range parts {
		params := api.Params{"peer_id": peer, "random_id": randomID(m.ID, i), "message": text}
		if i == len(parts)-1 && len(atts) > 0 {
			params["attachment"] = strings.Join(atts, ",")
		}
		if i == len(parts)-1 && m.Rating != nil {
			params["keyboard"] = ratingKeyboardJSON(m.Rating)
		}
		cctx, cancel := context.WithTimeout(ctx, c.t.callTimeout)
		id, err := vk.MessagesSend(params.WithContext(cctx))
		cancel()
		if err != nil {
			return inbox.SendResult{}, classify(err)
		}
		last = id
	}
	return inbox.SendResult{ProviderID: strconv.Itoa(last)}, nil
}

// randomID is a 31-bit FNV hash of the message id (and the part number
// for the parts after the first): stable across retries and nodes, never
// zero (VK does not deduplicate a zero random_id).
func randomID(messageID string, part int) int {
	h := fnv.New32a()
	h.Write([]byte(messageID))
	if part > 0 {
		fmt.Fprintf(h, "#%d", part)
	}
	id := int(h.Sum32() & 0x7fffffff)
	if id == 0 {
		id = 1
	}
	return id
}

// splitText cuts text into parts of at most n runes, preferring line
// breaks and spaces. An empty text is one empty part (a message of files).
func splitText(text string, n int) []string {
	var parts []string
	for utf8.RuneCountInString(text) > n {
		cut := len(string([]rune(text)[:n]))
		if i := strings.LastIndex(text[:cut], "\n"); i > cut/2 {
			cut = i + 1
		} else if i := strings.LastIndex(text[:cut], " "); i > cut/2 {
			cut = i + 1
		}
		parts = append(parts, text[:cut])
		text = text[cut:]
	}
	return append(parts, text)
}

// VK error codes the sender acts on.
const (
	errTooMany    = 6   // too many requests per second
	errPermission = 7   // permission to perform this action is denied
	errFlood      = 9   // flood control
	errAccess     = 15  // access denied
	errRateLimit  = 29  // rate limit reached
	errBlocked    = 900 // the user blacklisted the community
	errNotAllowed = 901 // the user has not allowed messages from the community
	errPrivacy    = 902 // privacy settings
	errAuth       = 5
	errUnknown    = 1
	errInternal   = 10
)

// classify turns a failed call into what the engine should do: wait and
// retry (rate limits, network), or stop and show why.
func classify(err error) error {
	var e *api.Error
	if !errors.As(err, &e) {
		return fmt.Errorf("VK: %w", err) // network, timeout: retried
	}
	code := int(e.Code)
	reason := fmt.Sprintf("VK error %d: %s", code, e.Message)
	// VK's answers about rate are its 429: the reply waits, keeps its
	// place in its conversation, and does not use up one of its attempts.
	switch code {
	case errTooMany:
		return &inbox.SendError{RetryAfter: time.Second, RateLimited: true, Reason: reason}
	case errFlood:
		// Flood control concerns this peer; the engine defers only this
		// conversation, other members' replies go on.
		return &inbox.SendError{RetryAfter: 30 * time.Second, RateLimited: true, Reason: reason}
	case errRateLimit:
		return &inbox.SendError{RetryAfter: time.Minute, RateLimited: true, Reason: reason}
	case errUnknown, errInternal:
		return &inbox.SendError{Reason: reason}
	case errNotAllowed, errPermission, errAccess:
		return &inbox.SendError{Permanent: true, Reason: "the member has not allowed messages from the community (" + reason + ")"}
	case errBlocked:
		return &inbox.SendError{Permanent: true, Blocked: true, Reason: "the member has blocked the community (" + reason + ")"}
	case errPrivacy:
		return &inbox.SendError{Permanent: true, Reason: "the member's privacy settings forbid messages from the community (" + reason + ")"}
	case errAuth:
		return &inbox.SendError{Permanent: true, Reason: "the community token was refused; update it in the channel settings (" + reason + ")"}
	}
	return &inbox.SendError{Permanent: true, Reason: reason}
}
