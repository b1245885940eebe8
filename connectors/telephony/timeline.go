package telephony

import (
	"context"
	"fmt"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
)

// Timeline puts a member's calls on their CRM card (crm.TimelineSource).
type Timeline struct{ C *Connector }

// MemberTimeline lists the member's calls started before before, newest
// first. Staff who do not answer the inbox see no calls, as they see no
// conversations: a call log is inbox data.
func (t Timeline) MemberTimeline(ctx context.Context, sc access.Scope, m crm.Member, before time.Time, limit int) ([]crm.TimelineEntry, error) {
	if !sc.Can(access.AnswerInbox) {
		return nil, nil
	}
	f := CallFilter{MemberID: m.ID, Limit: limit}
	if !before.IsZero() {
		f.Before = before.UnixMilli()
	}
	calls, err := t.C.ListCalls(ctx, sc, f)
	if err != nil {
		return nil, err
	}
	out := make([]crm.TimelineEntry, 0, len(calls))
	for _, c := range calls {
		out = append(out, crm.TimelineEntry{
			At: c.StartedAt, Kind: "call", ID: c.ID, Channel: "telephony",
			Title:   callTitle(c),
			Summary: callSummary(c),
			Status:  c.Result,
			Link:    "/inbox/calls?number=" + c.Number,
		})
	}
	return out, nil
}

func callTitle(c CallRow) string {
	switch c.Direction {
	case "out":
		return "Исходящий звонок " + c.Number
	case "internal":
		return "Внутренний звонок " + c.Number
	}
	return "Входящий звонок " + c.Number
}

func callSummary(c CallRow) string {
	s := ""
	if c.OperatorName != "" {
		s = c.OperatorName + ", "
	}
	if c.TalkS > 0 {
		return s + fmt.Sprintf("разговор %d:%02d", c.TalkS/60, c.TalkS%60)
	}
	if c.WaitS > 0 {
		return s + fmt.Sprintf("ожидание %d с", c.WaitS)
	}
	return s
}
