package telephony

import (
	"context"
	"fmt"
	"time"

	"github.com/profhub/profhub/internal/security/access"
)

// TimelineEntry is one call on a member's card. Its fields are those of
// the CRM's timeline entries, so the hub hands them over by a plain
// conversion (and the build breaks if the two drift apart).
type TimelineEntry struct {
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"`
	ID      string    `json:"id"`
	Title   string    `json:"title"`
	Summary string    `json:"summary,omitempty"`
	Status  string    `json:"status,omitempty"`
	Channel string    `json:"channel,omitempty"`
	Link    string    `json:"link,omitempty"`
}

// Timeline puts a member's calls on their CRM card; the hub registers it
// as the CRM's "calls" timeline source.
type Timeline struct{ C *Connector }

// MemberTimeline lists the member's calls started before before, newest
// first. The CRM has checked that sc sees the member. Staff who do not
// answer the inbox see no calls, as they see no conversations: a call log
// is inbox data.
func (t Timeline) MemberTimeline(ctx context.Context, sc access.Scope, memberID string, before time.Time, limit int) ([]TimelineEntry, error) {
	if !sc.Can(access.AnswerInbox) {
		return nil, nil
	}
	f := CallFilter{MemberID: memberID, Limit: limit}
	if !before.IsZero() {
		f.Before = before.UnixMilli()
	}
	calls, err := t.C.ListCalls(ctx, sc, f)
	if err != nil {
		return nil, err
	}
	out := make([]TimelineEntry, 0, len(calls))
	for _, c := range calls {
		out = append(out, TimelineEntry{
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
