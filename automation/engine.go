package automation

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
)

// ActorID is the user id the rules act as: the inbox writes it as "by" of
// what they do, and events carrying it never trigger rules again, so no
// rule can loop on its own (or another rule's) actions.
const ActorID = "automation"

// trigger is one event as rules see it.
type trigger struct {
	on   string
	key  string // unique per event: the fired log's key
	conv inbox.Conversation
	text string    // the contact's message (an appeal's subject), for the words condition
	at   time.Time // when it happened
}

// triggersOf turns a logged event into what rules run on. Only message
// events count (the system entries say what happened, and by whom); an
// event caused by a rule is none.
func triggersOf(ev *inbox.Event) []trigger {
	if ev.Kind != inbox.EvMessage || ev.Message == nil || ev.Conversation == nil {
		return nil
	}
	m, c := ev.Message, *ev.Conversation
	key := "ev:" + strconv.FormatInt(ev.Seq, 10)
	if m.Direction == inbox.DirIn {
		out := []trigger{{on: OnMessage, key: key, conv: c, text: m.Text, at: ev.At}}
		if m.Seq == 1 {
			out = append(out, trigger{on: OnOpened, key: key, conv: c, text: m.Text, at: ev.At})
		}
		return out
	}
	code, data := inbox.SystemEvent(m)
	if by, _ := data["by"].(string); by == ActorID {
		return nil
	}
	switch code {
	case "appeal_created":
		subject, _ := data["subject"].(string)
		return []trigger{{on: OnAppeal, key: key, conv: c, text: subject, at: ev.At}}
	case "reopened":
		if data["by"] == nil { // by the contact writing again
			return []trigger{{on: OnOpened, key: key, conv: c, at: ev.At}}
		}
	case "accepted", "taken", "transferred", "taken_over":
		return []trigger{{on: OnAssigned, key: key, conv: c, at: ev.At}}
	case "closed", "spam", "auto_closed":
		return []trigger{{on: OnClosed, key: key, conv: c, at: ev.At}}
	}
	return nil
}

// RunEvents runs the rules on the events logged since the last pass, and
// returns how many events it claimed. Each node calls it; a batch is
// claimed by moving the cursor first, so an event is run by one node (a
// node dying in the middle of a batch leaves the rest of it unrun, never
// run twice).
func (s *Service) RunEvents(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	total := 0
	for {
		from, err := s.store.cursor(ctx, s.d.Inbox.LogHead)
		if err != nil {
			return total, err
		}
		// The head is read before the rules: a rule missing from them was
		// made (or enabled) after every event up to the head, so it runs on none.
		head, err := s.d.Inbox.LogHead(ctx)
		if err != nil || head <= from {
			return total, err
		}
		rules, err := s.store.rules(ctx)
		if err != nil {
			return total, err
		}
		if !runOnEvents(rules) {
			// Nothing to run: the events are passed without reading and
			// decoding them (under ingest that was a twentieth of the
			// hub's CPU, on installations that have no rules).
			ok, err := s.store.claim(ctx, from, head)
			if err != nil || !ok {
				return total, err
			}
			return total + int(head-from), nil
		}
		evs, err := s.d.Inbox.LogAfter(ctx, from, 200)
		if err != nil || len(evs) == 0 {
			return total, err
		}
		ok, err := s.store.claim(ctx, from, evs[len(evs)-1].Seq)
		if err != nil || !ok {
			return total, err
		}
		// Read again after the claim, as the events were: a rule made
		// meanwhile runs on the events logged after it.
		if rules, err = s.store.rules(ctx); err != nil {
			return total, err
		}
		for _, ev := range evs {
			for _, tr := range triggersOf(ev) {
				s.runRules(ctx, rules, tr)
			}
		}
		total += len(evs)
	}
}

// runOnEvents reports whether any enabled rule runs on logged events.
func runOnEvents(rules []Rule) bool {
	for _, r := range rules {
		if r.Enabled && r.On != OnNoAnswer {
			return true
		}
	}
	return false
}

// RunNoAnswer fires the no-answer rules on conversations whose contact has
// waited their number of minutes of the line's working time.
func (s *Service) RunNoAnswer(ctx context.Context) error {
	rules, err := s.store.rules(ctx)
	if err != nil {
		return err
	}
	now := s.d.Now()
	for _, r := range rules {
		if !r.Enabled || r.On != OnNoAnswer {
			continue
		}
		waiting, err := s.d.Inbox.Unanswered(ctx, now.Add(-time.Duration(r.IdleMin)*time.Minute).UnixMilli(), 200)
		if err != nil {
			return err
		}
		for _, u := range waiting {
			key := fmt.Sprintf("idle:%s:%d", u.ConversationID, u.Since)
			if s.store.fired(ctx, r.ID, key) {
				continue
			}
			line, err := s.d.Inbox.Line(ctx, u.LineID)
			if err != nil || line.Hours.WorkingMinutes(time.UnixMilli(u.Since), now) < r.IdleMin {
				continue
			}
			conv, err := s.d.Inbox.Conversation(ctx, u.ConversationID)
			if err != nil {
				continue
			}
			s.runRules(ctx, []Rule{r}, trigger{on: OnNoAnswer, key: key, conv: conv, at: now})
		}
	}
	return nil
}

// runRules runs, in order, the rules of the trigger whose conditions hold.
func (s *Service) runRules(ctx context.Context, rules []Rule, tr trigger) {
	for _, r := range rules {
		if !r.Enabled || r.On != tr.on || (tr.on != OnNoAnswer && tr.at.UnixMilli() < r.created) {
			continue
		}
		// The conversation as it is now: an earlier rule may have moved it.
		conv, err := s.d.Inbox.Conversation(ctx, tr.conv.ID)
		if err != nil {
			return
		}
		tr.conv = conv
		if !s.holds(ctx, r, tr) {
			continue
		}
		n, err := s.store.firedSince(ctx, conv.ID, s.d.Now().Add(-10*time.Minute).UnixMilli())
		if err != nil {
			return
		}
		if n >= s.d.MaxRuns {
			s.log.Warn("rules: loop guard stopped a rule", "rule", r.Name, "conversation", conv.ID, "fired", n)
			return
		}
		if ok, err := s.store.fire(ctx, r.ID, tr.key, conv.ID); err != nil || !ok {
			continue
		}
		outcome := s.act(ctx, r, tr)
		s.store.outcome(ctx, r.ID, tr.key, outcome)
	}
}

// act runs a rule's actions as the rules' actor, each logged in the
// conversation's history with the rule's name; a failed action is logged
// too, and the next one still runs.
func (s *Service) act(ctx context.Context, r Rule, tr trigger) string {
	sc := access.System("rule: " + r.Name)
	sc.UserID = ActorID
	outcome := "ok"
	for _, a := range r.Actions {
		detail, err := s.do(ctx, sc, tr.conv.ID, a, &ruleRun{rule: r, tr: tr})
		action := a.Kind
		if err != nil {
			s.log.Info("rules: action failed", "rule", r.Name, "action", a.Kind, "conversation", tr.conv.ID, "err", err)
			action, detail, outcome = a.Kind+"_failed", err.Error(), "failed"
		}
		if err := s.d.Inbox.RuleNote(ctx, tr.conv.ID, "rule", r.Name, action, detail); err != nil {
			s.log.Warn("rules: history entry not written", "rule", r.Name, "err", err)
		}
	}
	return outcome
}
