package mail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// ingestLetter turns one raw letter into an inbound message: the raw
// letter, its sanitised HTML and its files go to the blob store, the text
// to the inbox with the sender's verdict on top. Bounces and automatic
// replies from strangers open nothing. It returns an error only when
// trying again could help, or a valid.Error the inbox gave.
func (c *Connector) ingestLetter(ctx context.Context, ch inbox.Channel, raw []byte, size int64) error {
	l := parseLetter(raw, defaultLimits, ch.Settings[settingAuthServID])
	if size > int64(len(raw)) && l.quarantine == "" {
		l.quarantine = fmt.Sprintf("the letter is %.1f MB; only its header was fetched, the whole letter stays in the mailbox", float64(size)/(1<<20))
	}
	if l.bounce {
		return c.handleBounce(ctx, ch, l)
	}
	if l.fromAddr == "" {
		l.fromAddr = "unknown-sender"
	}
	if l.auto != "" && !c.knownCorrespondent(ctx, ch.ID, l.fromAddr) {
		c.log.Info("automatic letter from a stranger not opened as a conversation", "channel", ch.ID, "from", l.fromAddr, "why", l.auto)
		return nil
	}
	if l.messageID != "" {
		// One of our own letters come back (a copy to ourselves, a watched
		// Sent folder): it is already in its conversation as a reply.
		if ours, err := c.sentBefore(ctx, ch.ID, l.messageID); err != nil {
			return err
		} else if ours {
			c.log.Info("our own letter arrived back; not opened as a conversation", "channel", ch.ID, "message_id", l.messageID)
			return nil
		}
	}
	noAnswer, err := c.autoAnswerCheck(ctx, ch, l)
	if err != nil {
		return err
	}
	if noAnswer != "" && l.auto == "" {
		c.log.Info("letter will not be answered automatically", "channel", ch.ID, "from", l.fromAddr, "why", noAnswer)
	}

	var stored []string
	drop := func() {
		for _, k := range stored {
			_ = c.blobs.Delete(context.WithoutCancel(ctx), k)
		}
	}
	put := func(name, ctype string, data []byte) (inbox.Attachment, error) {
		info, err := c.blobs.Put(ctx, bytes.NewReader(data), int64(len(data))+1)
		if err != nil {
			return inbox.Attachment{}, fmt.Errorf("mail: store file: %w", err)
		}
		stored = append(stored, info.Key)
		return inbox.Attachment{BlobKey: info.Key, Name: blob.CleanName(name), ContentType: ctype, Size: info.Size}, nil
	}
	rawAtt, err := put(firstNonEmpty(l.subject, "letter")+".eml", "message/rfc822", raw)
	if err != nil {
		return err
	}
	in := inbox.Inbound{ChannelID: ch.ID, ExternalChatID: l.fromAddr, Subject: cleanSubject(l.subject), SentAt: l.date,
		From: inbox.Identity{Namespace: "email", ExternalID: l.fromAddr, Name: l.fromName}, NoAutoReply: noAnswer != ""}
	// Only a sender whose domain vouched for the letter gets the address on
	// their contact card, where it could link them to a member.
	if l.auth.authenticated() {
		in.From.Email = l.fromAddr
	}
	in.ExternalMessageID = externalID(l.messageID, raw)
	in.ReplyTo = append(append([]string{}, l.inReplyTo...), l.references...) // a reply to a campaign letter
	in.Attachments = append(in.Attachments, rawAtt)
	if l.html != "" && l.quarantine == "" {
		a, err := put("letter.html", "text/html", []byte(l.html))
		if err != nil {
			drop()
			return err
		}
		in.Attachments = append(in.Attachments, a)
	}
	left := 0
	for _, p := range l.parts {
		if len(in.Attachments) >= inbox.MaxAttachments {
			left++
			continue
		}
		a, err := put(p.name, p.ctype, p.data)
		if err != nil {
			drop()
			return err
		}
		in.Attachments = append(in.Attachments, a)
	}
	taken, err := c.offerReply(ctx, ch, l, in.ExternalMessageID, in.Attachments)
	if err != nil || taken.ConversationID != "" {
		if err != nil || taken.Duplicate {
			drop()
		}
		if err != nil || taken.Duplicate || l.messageID == "" {
			return err
		}
		return c.recordLetter(ctx, ch.ID, inboundRecord(l, taken.ConversationID))
	}
	var notes []string
	conv, addr, err := c.thread(ctx, ch.ID, l)
	if err != nil {
		drop()
		return err
	}
	if conv != "" && addr != "" && addr != l.fromAddr {
		// Each sender has their own conversation; say where this came from.
		notes = append(notes, fmt.Sprintf("[In reply to our letter to %s (conversation %s)]", addr, conv))
	}
	in.Text = letterText(l, left, notes...)
	res, err := c.inbox.Ingest(ctx, in)
	if err != nil || res.Duplicate {
		drop() // a second delivery keeps the files of the first
	}
	if err != nil {
		return err
	}
	if l.messageID != "" && !res.Duplicate {
		return c.recordLetter(ctx, ch.ID, inboundRecord(l, res.ConversationID))
	}
	return nil
}

// inboundRecord is what the mailbox keeps of an arriving letter: enough
// to thread the answers to it and to reply to it (RFC 5322 References).
func inboundRecord(l *letter, conversationID string) storedLetter {
	return storedLetter{messageID: l.messageID, direction: "in", conversationID: conversationID, address: l.fromAddr,
		subject: l.subject, refs: replyReferences(l.references, l.inReplyTo, ""), auto: l.auto != ""}
}

// externalID is the deduplication key of a letter in its mailbox: the
// Message-ID, or the hash of the raw letter when it has none (or one too
// long to be an id).
func externalID(messageID string, raw []byte) string {
	if messageID != "" && len(messageID) <= inbox.MaxExternalIDBytes-4 {
		return "mid:" + messageID
	}
	sum := sha256.Sum256(raw)
	return "raw:" + hex.EncodeToString(sum[:])
}

// letterText is what the operator reads: notes in brackets, the subject,
// then the letter's text, cut to the inbox's limit.
func letterText(l *letter, filesLeft int, notes ...string) string {
	var b strings.Builder
	for _, n := range notes {
		b.WriteString(n + "\n")
	}
	if l.quarantine != "" {
		fmt.Fprintf(&b, "[Quarantined: %s. The letter was not opened; the original is attached as .eml — download it only if you trust the sender.]\n", l.quarantine)
	}
	switch {
	case l.auth.server == "":
		b.WriteString("[Sender not verified: the mail server added no Authentication-Results]\n")
	case l.auth.authenticated():
		fmt.Fprintf(&b, "[Sender verified: %s]\n", l.auth)
	default:
		fmt.Fprintf(&b, "[Sender NOT verified: %s]\n", l.auth)
	}
	if l.auto != "" {
		fmt.Fprintf(&b, "[Automatic reply (%s)]\n", l.auto)
	}
	if filesLeft > 0 {
		fmt.Fprintf(&b, "[%d more files are only in the original letter (.eml)]\n", filesLeft)
	}
	if l.subject != "" {
		fmt.Fprintf(&b, "Subject: %s\n", l.subject)
	}
	b.WriteString("\n")
	b.WriteString(l.text)
	s := strings.TrimSpace(b.String())
	const note = "\n[… the rest is in the original letter (.eml)]"
	if len(s) > inbox.MaxTextBytes {
		cut := inbox.MaxTextBytes - len(note)
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + note
	}
	return s
}

var (
	replyPrefix = regexp.MustCompile(`(?i)^\s*((re|fwd?|aw|wg|отв|ответ|пересл)\s*(\[\d+\])?\s*:\s*)+`)
	subjectTag  = regexp.MustCompile(`\s*\[#[0-9a-f]{6,16}\]`)
)

// cleanSubject drops reply prefixes and our conversation tag.
func cleanSubject(s string) string {
	s = subjectTag.ReplaceAllString(s, "")
	return strings.TrimSpace(replyPrefix.ReplaceAllString(s, ""))
}

// handleBounce records a delivery failure on the letter it reports. It
// opens no conversation; the bounce stays in the mailbox.
func (c *Connector) handleBounce(ctx context.Context, ch inbox.Channel, l *letter) error {
	refs := append(append(append([]string{}, l.bounceOf...), l.inReplyTo...), l.references...)
	reason := firstNonEmpty(l.bounceWhy, "bounced: "+l.subject)
	convs, err := c.markBounced(ctx, ch.ID, refs, reason)
	if err != nil {
		return err
	}
	c.log.Warn("bounce received", "channel", ch.ID, "refers_to", refs, "conversations", convs, "reason", reason)
	if err := c.forwardBounce(ctx, refs, reason); err != nil {
		return err
	}
	if len(convs) > 0 {
		c.report(ch, fmt.Errorf("a reply in conversation %s bounced: %s", convs[0], reason))
	}
	return nil
}

// forwardBounce tells the mailing service of a bounced campaign letter.
// A failure to record it keeps the bounce unseen in the mailbox, so it is
// read again; a Message-ID the campaigns do not know is not an error.
func (c *Connector) forwardBounce(ctx context.Context, refs []string, reason string) error {
	if c.bounces == nil {
		return nil
	}
	seen := map[string]bool{}
	for _, ref := range refs {
		id := strings.Trim(ref, "<> ")
		if !strings.HasPrefix(id, "m.") || seen[id] {
			continue
		}
		seen[id] = true
		if err := c.bounces.RecordBounce(ctx, id, reason); err != nil && !errors.Is(err, db.ErrNotFound) {
			return fmt.Errorf("mail: record the bounce of campaign letter %s: %w", id, err)
		}
	}
	return nil
}
