package mailing

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// senderSet is everything a job sends through: the campaign's SMTP
// accounts (each with its connections and pace) and its SMS gateway.
type senderSet struct {
	tmpl     *templates
	fill     *letterFill // the e-mail parts, filled for each letter
	accounts []*accountSender
	sms      SMSGateway
	smsFrom  string
	msgs     map[string]*messengerSender // telegram, vk
	// tracking adds the open pixel and click links to e-mails, for the
	// links the campaign's HTML (source) holds.
	tracking bool
	source   string
}

type accountSender struct {
	acc    SMTPAccount
	letter *letter
	pace   *pacer
}

func (r *Runner) openSenders(ctx context.Context, c Campaign) (*senderSet, error) {
	t, err := parseTemplates(c.Content, r.tokens.baseURL())
	if err != nil {
		return nil, err
	}
	set := &senderSet{tmpl: t, smsFrom: c.Content.SMSSender, msgs: map[string]*messengerSender{}}
	sc, err := ownerScope(ctx, r.db, c.ID)
	if err != nil {
		return nil, err
	}
	for _, ch := range c.Channels {
		switch ch {
		case ChannelEmail:
			for _, id := range c.Accounts {
				a, err := r.accounts.getAccount(ctx, r.db, sc, id)
				if err != nil {
					return nil, err
				}
				set.accounts = append(set.accounts, &accountSender{acc: a, pace: newPacer(a.RatePerSec),
					letter: newLetter(c.ID, a.FromName, a.FromAddress, c.Content.Attachments)})
			}
			if len(set.accounts) == 0 {
				return nil, errors.New("e-mail campaign without SMTP accounts")
			}
			set.fill = newLetterFill(t)
			if set.tracking, err = r.tracking.Tracking(ctx); err != nil {
				return nil, err
			}
			set.source = c.Content.HTML
			if c.Content.IsBlocks() {
				set.source = blocksHTML(withImageBase(c.Content.Blocks, r.tokens.baseURL()), newVarSet(c.Content.VarFields))
			}
		case ChannelSMS:
			if set.sms, err = r.gateways.smsGateway(ctx, sc, c.SMSGate); err != nil {
				return nil, err
			}
		case ChannelTelegram, ChannelVK:
			if set.msgs[ch], err = r.openMessenger(ctx, c, ch); err != nil {
				return nil, err
			}
		}
	}
	return set, nil
}

func (set *senderSet) close() {}

// start runs the workers: every connection of every account, and the SMS
// gateway's, take items from one queue, so a slow server sends less.
func (set *senderSet) start(j *job, c Campaign, work <-chan item, out chan<- outcome, wg *sync.WaitGroup) {
	var emailQ, smsQ chan item
	if len(set.accounts) > 0 {
		emailQ = make(chan item, 64)
	}
	if set.sms != nil {
		smsQ = make(chan item, 64)
	}
	var workers sync.WaitGroup
	for _, a := range set.accounts {
		for range a.acc.Connections {
			workers.Add(1)
			go func() { defer workers.Done(); set.emailWorker(j, a, emailQ, out) }()
		}
	}
	if smsQ != nil {
		for range 4 {
			workers.Add(1)
			go func() { defer workers.Done(); set.smsWorker(j, smsQ, out) }()
		}
	}
	msgQ := map[string]chan item{}
	for ch, ms := range set.msgs {
		q := make(chan item, 64)
		msgQ[ch] = q
		for range ms.workers {
			workers.Add(1)
			go func() { defer workers.Done(); set.messengerWorker(j, ms, q, out) }()
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for it := range work {
			var q chan item
			switch it.channel {
			case ChannelEmail:
				q = emailQ
			case ChannelSMS:
				q = smsQ
			case ChannelTelegram, ChannelVK:
				q = msgQ[it.channel]
			}
			if q == nil {
				out <- outcome{seq: it.seq, status: RecipientFailed, reason: "no sender for channel " + it.channel}
				continue
			}
			q <- it
		}
		if emailQ != nil {
			close(emailQ)
		}
		if smsQ != nil {
			close(smsQ)
		}
		for _, q := range msgQ {
			close(q)
		}
		workers.Wait()
	}()
}

// skip reports whether it must not be sent now: the job is stopping (the
// row stays pending) or the person unsubscribed since the batch was read.
func (set *senderSet) skip(j *job, it item, out chan<- outcome) bool {
	if !j.mayStillSend() {
		j.inflight.Add(-1)
		return true
	}
	if j.r.events.unsub.has(it.channel + " " + it.address) {
		out <- outcome{seq: it.seq, status: RecipientSkipped, reason: "unsubscribed"}
		return true
	}
	return false
}

// prepare renders an SMS or messenger item about to be sent; false: it is not to be sent
// (skipped, or failed on its template), and its outcome is taken care of.
func (set *senderSet) prepare(j *job, it *item, out chan<- outcome) (Rendered, bool) {
	if set.skip(j, *it, out) {
		return Rendered{}, false
	}
	r, err := set.tmpl.render(it.vars)
	if err != nil {
		out <- outcome{seq: it.seq, status: RecipientFailed, reason: "template: " + err.Error()}
		return r, false
	}
	return r, true
}

// prepareEmail fills an e-mail about to be sent, as prepare renders
// other items.
func (set *senderSet) prepareEmail(j *job, it *item, fl *filledLetter, out chan<- outcome) bool {
	if set.skip(j, *it, out) {
		return false
	}
	it.vars.UnsubscribeURL = j.r.tokens.unsubscribeURL(j.id, it.seq)
	if err := set.fill.fill(fl, &it.vars); err != nil {
		out <- outcome{seq: it.seq, status: RecipientFailed, reason: "template: " + err.Error()}
		return false
	}
	return true
}

// emailWorker is one SMTP connection. Before each letter it has its
// flight recorder note the letter in flight, durably, so at most one
// letter per connection is ever sent without the ledger knowing.
func (set *senderSet) emailWorker(j *job, a *accountSender, q <-chan item, out chan<- outcome) {
	conn := &smtpConn{acc: a.acc}
	defer conn.close()
	rec := &flightRecorder{j: j, out: out}
	defer rec.idle()
	buf := new(bytes.Buffer)
	fl := &filledLetter{}
	for {
		var it item
		var ok bool
		select {
		case it, ok = <-q:
		default:
			rec.idle()
			it, ok = <-q
		}
		if !ok {
			return
		}
		if !set.prepareEmail(j, &it, fl, out) {
			continue
		}
		wait := rec.begin(it)
		// The letter is put together while the record is being made.
		if set.tracking {
			fl.track(func(html string) string { return j.r.tracking.track(html, set.source, j.id, it.seq) })
		}
		buf.Reset()
		a.letter.composeFilled(buf, it.seq, it.address, fl, it.vars.UnsubscribeURL, time.Now())
		if err := wait(); err != nil {
			j.inflight.Add(-1) // not sent: the row stays pending
			j.failing(err)
			continue
		}
		tried := false
		o, ok := set.deliver(j, it, func() error {
			if err := a.pace.wait(j.ctx); err != nil {
				return err
			}
			tried = true
			return conn.send(j.ctx, a.acc.FromAddress, it.address, buf.Bytes())
		})
		if ok {
			rec.settle(o)
		} else {
			rec.abandon(it, tried)
		}
	}
}

// deliver tries one item until the server takes it, refuses it, or the
// job stops; failures of the server itself are retried with backoff and
// count towards the campaign's outage budget. false: no outcome (the job
// stopped; the row stays pending, and the caller gives up its count in
// j.inflight).
func (set *senderSet) deliver(j *job, it item, send func() error) (outcome, bool) {
	backoff := j.r.tune.RetryBackoff
	for {
		if !j.mayStillSend() {
			return outcome{}, false
		}
		err := send()
		if err == nil {
			j.outage.reset()
			return outcome{seq: it.seq, status: RecipientSent, again: it.again}, true
		}
		if j.ctx.Err() != nil {
			return outcome{}, false // it may or may not have gone; resent with the same id
		}
		permanent, temporary, reason := sendFailure(err)
		switch {
		case permanent:
			j.outage.reset()
			return outcome{seq: it.seq, status: RecipientFailed, reason: reason}, true
		case temporary:
			j.outage.reset()
			return outcome{seq: it.seq, reason: reason}, true
		}
		j.r.log.Warn("campaign send failed; retrying", "campaign", j.id, "err", err, "in", backoff)
		j.failing(fmt.Errorf("%s", reason))
		j.sleep(backoff)
		backoff = min(backoff*2, 10*time.Second)
	}
}
