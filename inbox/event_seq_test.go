package inbox_test

import (
	"context"
	"testing"

	"github.com/profhub/profhub/inbox"
)

// An event read back from the log names the seq of its message, which a
// follower uses to skip clients that have it already.
func TestLoggedEventNamesItsMessageSeq(t *testing.T) {
	f := newFixture(t, inbox.Manual)
	ctx := context.Background()
	c, err := f.n.Inbox.Events.NewClient(ctx, f.n.System)
	if err != nil {
		t.Fatal(err)
	}
	var seqs []int64
	for _, id := range []string{"m1", "m2"} {
		res, err := f.n.Inbox.Ingestion.Ingest(ctx, inbox.Inbound{ChannelID: f.channel.ID, ExternalMessageID: id,
			From: inbox.Identity{ExternalID: "visitor-1"}, Text: "text " + id})
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, res.Seq)
	}
	evs, resync, err := f.n.Inbox.Events.Backlog(ctx, c, 0, 1<<40)
	if err != nil || resync {
		t.Fatalf("backlog: %v, resync %v", err, resync)
	}
	var got []int64
	for _, ev := range evs {
		if ev.Kind == inbox.EvMessage && ev.Message == nil {
			if s := ev.MessageSeq(); s > 0 {
				got = append(got, s)
			}
		} else if ev.Kind != inbox.EvMessage && ev.MessageSeq() != 0 {
			t.Fatalf("a %s event names message seq %d", ev.Kind, ev.MessageSeq())
		}
	}
	if len(got) < 2 || got[len(got)-2] != seqs[0] || got[len(got)-1] != seqs[1] {
		t.Fatalf("message seqs from the log %v, stored %v", got, seqs)
	}
}
