package mailing

// flightRecorder keeps one SMTP connection's record of its letter in
// flight, so that after a kill -9 at most that one letter was sent
// without the ledger knowing, and a restart knows which (see mark and
// flightLog for the two ways).
type flightRecorder interface {
	// begin records, durably, that it is about to go (and, for the ledger,
	// the connection's previous outcome); the letter may go once wait
	// returns nil. Work that needs no record (composing the letter) can
	// happen between the two.
	begin(it item) (wait func() error)
	// settle takes the letter's outcome.
	settle(o outcome)
	// abandon: no outcome, the row stays pending; tried says whether the
	// letter was handed to the server (then it may have gone).
	abandon(it item, tried bool)
	// idle: the queue is empty; nothing is to be held back.
	idle()
}

func (set *senderSet) recorder(j *job, out chan<- outcome, marks chan<- mark) flightRecorder {
	if j.flight != nil {
		return &fileFlight{j: j, out: out}
	}
	return &ledgerFlight{j: j, out: out, marks: marks, done: make(chan error, 1)}
}

// ledgerFlight marks rows in the ledger: the mark of a letter and the
// outcome of the connection's previous one share a commit, and the
// connections share commits (the ledger writer groups them).
type ledgerFlight struct {
	j     *job
	out   chan<- outcome
	marks chan<- mark
	done  chan error
	held  *outcome // the last outcome, to be written with the next mark
}

func (r *ledgerFlight) begin(it item) func() error {
	r.marks <- mark{seq: it.seq, prev: r.held, done: r.done}
	r.held = nil // written with the mark, or lost with it (then resent with the same Message-ID)
	return func() error { return <-r.done }
}

func (r *ledgerFlight) settle(o outcome) { r.held = &o }

func (r *ledgerFlight) abandon(it item, tried bool) {
	if !tried && !it.again {
		// Marked but never handed to the server: clear the mark, so a
		// later run does not count it as sent again. (A row an earlier
		// run marked keeps it: that letter may still have gone.)
		r.out <- outcome{seq: it.seq, unmark: true}
		return
	}
	r.j.inflight.Add(-1) // it may or may not have gone: the mark stays, resent with the same id
}

func (r *ledgerFlight) idle() {
	if r.held != nil {
		r.out <- *r.held // the end of a pass waits for every outcome
		r.held = nil
	}
}

// fileFlight notes the marks in the campaign's flight log, and outcomes
// go to the ledger in its ordinary batches. The note of an outcome waits
// for the connection's next mark (or for the queue to run dry), so each
// letter costs one small write: "s 41" and "m 42" go together, before
// letter 42's transaction.
type fileFlight struct {
	j       *job
	out     chan<- outcome
	pending []byte
}

func (r *fileFlight) begin(it item) func() error {
	r.pending = note(r.pending, 'm', it.seq)
	err := r.j.flight.write(r.pending)
	r.pending = r.pending[:0]
	return func() error { return err }
}

func (r *fileFlight) settle(o outcome) {
	ev := byte('d')
	if o.status == RecipientSent {
		ev = 's'
	}
	r.pending = note(r.pending, ev, o.seq)
	r.out <- o
}

func (r *fileFlight) abandon(it item, tried bool) {
	if !tried && !it.again {
		r.pending = note(r.pending, 'd', it.seq)
	}
	r.j.inflight.Add(-1)
}

func (r *fileFlight) idle() {
	if len(r.pending) == 0 {
		return
	}
	if err := r.j.flight.write(r.pending); err != nil {
		r.j.s.log.Error("campaign flight log not written", "campaign", r.j.id, "err", err)
	}
	r.pending = r.pending[:0]
}
