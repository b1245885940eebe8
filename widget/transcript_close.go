package widget

import (
	"context"
	"fmt"
	"strings"
)

// The transcript on close: every node's event follower (events.go) sees a
// widget conversation's closing in the inbox's event log and hands it
// here; the letter's row, keyed by the closing, is taken by one node only.
// A closing while no node runs is not mailed afterwards.

// closing is a conversation's close entry.
type closing struct {
	convID string
	seq    int64
}

// closed queues a closing without waiting: the follower must not stall
// on SMTP. When the queue is full the letter is skipped and logged.
func (t *Transcripts) closed(convID string, seq int64) {
	select {
	case t.closings <- closing{convID, seq}:
	default:
		t.logger.Warn("transcript on close skipped: too many closings at once", "conversation", convID)
	}
}

// mailClosings sends the letters of the queued closings until ctx ends.
func (t *Transcripts) mailClosings(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case c := <-t.closings:
			if err := t.onClose(ctx, c); err != nil && ctx.Err() == nil {
				t.logger.Warn("transcript on close", "conversation", c.convID, "err", err)
			}
		}
	}
}

// onClose sends the transcript of a closed conversation to the visitor's
// own address when its channel says so.
func (t *Transcripts) onClose(ctx context.Context, c closing) error {
	conv, err := t.inbox.Conversations.Get(ctx, system, c.convID)
	if err != nil {
		return fmt.Errorf("widget: closed conversation: %w", err)
	}
	if conv.ChannelKind != "" && conv.ChannelKind != "widget" {
		return nil
	}
	ch, err := t.channels.get(ctx, conv.ChannelID)
	if err != nil || !strings.EqualFold(ch.Settings[settingTranscriptOnClose], "true") || !t.offered(ch) {
		return nil
	}
	v, err := t.visitors.byID(ctx, conv.ExternalChatID)
	if err != nil {
		return nil // not a visitor's conversation (or one forgotten)
	}
	if _, own, _ := splitContact(v.Contact); own == "" {
		return nil
	}
	_, err = t.send(ctx, transcriptAsk{ch: ch, v: v, convID: conv.ID, source: "close", closeKey: fmt.Sprintf("%s:%d", conv.ID, c.seq)})
	return err
}
