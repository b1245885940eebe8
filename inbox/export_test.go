package inbox

import "context"

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
