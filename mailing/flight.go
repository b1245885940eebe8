package mailing

// flightRecorder keeps one SMTP connection's record of its letter in
// flight, so that after a kill -9 at most that one letter was sent
// without the ledger knowing, and a restart knows which (see flightLog).
// Marks go to the flight log, outcomes to the ledger in its ordinary
// batches. The note of an outcome waits for the connection's next mark
// (or for the queue to run dry), so each letter costs one small write:
// "s 41" and "m 42" go together, before letter 42's transaction.
type flightRecorder struct {
	j       *job
	out     chan<- outcome
	pending []byte
}

// begin records that it is about to go; the letter may go once wait
// returns nil. Work that needs no record (composing the letter) can
// happen between the two.
func (r *flightRecorder) begin(it item) (wait func() error) {
	r.pending = note(r.pending, 'm', it.seq)
	err := r.j.flight.write(r.j.ctx, r.pending)
	r.pending = r.pending[:0]
	return func() error { return err }
}

// settle takes the letter's outcome.
func (r *flightRecorder) settle(o outcome) {
	ev := byte('d')
	if o.status == RecipientSent {
		ev = 's'
	}
	r.pending = note(r.pending, ev, o.seq)
	r.out <- o
}

// abandon: no outcome, the row stays pending; tried says whether the
// letter was handed to the server (then it may have gone).
func (r *flightRecorder) abandon(it item, tried bool) {
	if !tried && !it.again {
		r.pending = note(r.pending, 'd', it.seq)
	}
	r.j.inflight.Add(-1)
}

// idle: the queue is empty; nothing is to be held back.
func (r *flightRecorder) idle() {
	if len(r.pending) == 0 {
		return
	}
	if err := r.j.flight.write(r.j.ctx, r.pending); err != nil {
		r.j.r.log.Error("campaign flight log not written", "campaign", r.j.id, "err", err)
	}
	r.pending = r.pending[:0]
}
