package inbox

import (
	"context"
	"fmt"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// SetMirrorReadHook runs f between a line mirror's reading of presence
// and its write; the returned func removes it.
func SetMirrorReadHook(f func()) func() {
	mirrorReadHook = f
	return func() { mirrorReadHook = nil }
}

// MirrorLine mirrors a line's operators into Redis as the sweep does when
// it first lists a line.
func MirrorLine(rt *Routing, lineID string) { rt.lineChanged(context.Background(), lineID) }

// IngestTogether ingests ins in one batch, as if they had been queued at
// the same moment: the batcher's size is otherwise up to the scheduler.
func IngestTogether(ing *Ingestion, ins []Inbound) ([]IngestResult, []error) {
	ctx := context.Background()
	batch := make([]*pendingIngest, len(ins))
	for i, in := range ins {
		ch, err := ing.channelByID(ctx, in.ChannelID)
		if err != nil {
			panic(err)
		}
		if in.LineID != "" {
			ch.LineID = in.LineID
		}
		if in.From.Namespace == "" {
			in.From.Namespace = "channel:" + ch.ID
		}
		batch[i] = &pendingIngest{item: ingestItem{in: in, ch: ch}, done: make(chan struct{})}
	}
	ing.batch.commit(batch)
	res, errs := make([]IngestResult, len(ins)), make([]error, len(ins))
	for i, p := range batch {
		res[i], errs[i] = p.res, p.err
	}
	return res, errs
}

// SLADue are a line's due times for a member waiting since since (ms).
func SLADue(l Line, since int64) (int64, int64) { return slaDue(l, since) }

// SetFirstTogetherHook runs f before a batch's contacts or conversations
// are created together on PostgreSQL; the returned func removes it.
func SetFirstTogetherHook(f func(what string)) func() {
	firstTogetherHook = f
	return func() { firstTogetherHook = nil }
}

// HoldWriteGroups keeps every group writer of a's core busy. The returned
// func waits until queued writes wait in the queue, runs during (if not
// nil), then frees one writer, which takes them all as one group, and once
// it has, the others.
func HoldWriteGroups(a *Actions) func(queued int, during func()) {
	g := a.group
	gates := make([]chan struct{}, g.writers)
	for i := range gates {
		gates[i] = make(chan struct{})
		started := make(chan struct{})
		gate := gates[i]
		go func() {
			_ = g.submit(context.Background(), &pendingWrite{fn: func(context.Context, db.Execer, *txw) error {
				close(started)
				<-gate
				return nil
			}})
		}()
		<-started // the next hold goes to another writer
	}
	return func(queued int, during func()) {
		waitFor := func(ok func() bool) {
			deadline := time.Now().Add(10 * time.Second)
			for !ok() {
				if time.Now().After(deadline) {
					panic(fmt.Sprintf("HoldWriteGroups: %d of %d writes queued", len(g.queue), queued))
				}
				time.Sleep(time.Millisecond)
			}
		}
		waitFor(func() bool { return len(g.queue) >= queued })
		if during != nil {
			during()
		}
		close(gates[0])
		waitFor(func() bool { return len(g.queue) == 0 })
		for _, gate := range gates[1:] {
			close(gate)
		}
	}
}
