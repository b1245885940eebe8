package workflow

import (
	"context"

	"github.com/profhub/profhub/internal/storage/db"
)

// Alert is a notice for one person that the hub's notification centre
// (package notify) shows on the bell and e-mails as they chose. Key names
// the event, so a retried decision or a second node sweeping notifies once.
type Alert struct {
	Key    string
	UserID string
	Kind   string // the notification kinds below
	Text   string // the document's number and title
	Link   string
}

// The kinds of the workflow's alerts (the notification centre's names).
const (
	AlertResolution   = "document_resolution"
	AlertApproval     = "document_approval"
	AlertAcquaintance = "document_acquaintance"
	AlertTask         = "document_task"
	AlertTomorrow     = "deadline_tomorrow"
	AlertOverdue      = "deadline_overdue"
)

// Alerter records alerts inside the workflow's transaction, so a task and
// its notice commit together; the hub satisfies it with the notification
// service.
type Alerter interface {
	Alert(ctx context.Context, tx db.Execer, a Alert) error
}

// alert records a, when the hub gave an Alerter.
func (c *core) alert(ctx context.Context, tx db.Execer, a Alert) error {
	if c.alerts == nil {
		return nil
	}
	return c.alerts.Alert(ctx, tx, a)
}

// stepAlertKind says what a task at st asks of its holder: a resolution,
// an approval (a signature), an acquaintance, or other work.
func stepAlertKind(st *Step) string {
	for _, d := range st.Decisions {
		switch d.Effect {
		case EffectResolution:
			return AlertResolution
		case EffectSign:
			return AlertApproval
		}
	}
	if len(st.Decisions) == 1 && st.Decisions[0].ID == "acknowledge" {
		return AlertAcquaintance
	}
	return AlertTask
}

// DocumentLink is where a document is acted on in the web UI.
func DocumentLink(id string) string { return "/documents#doc/" + id }
