package hub

import (
	"context"

	"github.com/profhub/profhub/absence"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/notify"
	"github.com/profhub/profhub/tasks"
	"github.com/profhub/profhub/workflow"
)

// The absences reach the inbox, the workflow and the notification centre
// through their own ports, satisfied here; the inbox reaches the absences
// through inbox.Absences, which *absence.Service satisfies as it is.

func (h *Hub) newAbsences() *absence.Service {
	return absence.New(absence.Deps{DB: h.DB, Log: h.Log, Zone: h.Config.Zone(),
		Watcher: absenceWatcher{h}, Work: absenceWork{h}, Alerts: AbsenceAlerts(h.Notify)})
}

// absenceWatcher applies a changed absence to routing at once. The inbox
// is built after the absences (it asks them who is away), so it is read
// through the hub when the first absence changes.
type absenceWatcher struct{ h *Hub }

func (w absenceWatcher) AbsenceChanged(ctx context.Context, userID string) {
	if w.h.Inbox == nil {
		return
	}
	if err := w.h.Inbox.Presence.RecheckAbsence(ctx, userID); err != nil {
		w.h.Log.Warn("absence not applied to routing; the next heartbeat applies it", "user", userID, "err", err)
	}
}

// absenceWork is the open work of an absent person: the workflow's
// document tasks and the staff tasks.
type absenceWork struct{ h *Hub }

func (w absenceWork) OpenWorkOf(ctx context.Context, userID string) ([]absence.Work, error) {
	if w.h.Docs == nil {
		return nil, nil
	}
	docTasks, err := w.h.Docs.Tasks.OpenWorkOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]absence.Work, len(docTasks))
	for i, t := range docTasks {
		out[i] = absence.Work{Key: t.TaskID, Text: t.Text, Link: workflow.DocumentLink(t.DocumentID), AssignedBy: t.AssignedBy}
	}
	if w.h.Tasks == nil {
		return out, nil
	}
	// and the staff tasks they carry out (built after the absences)
	own, err := w.h.Tasks.OpenWorkOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	for _, t := range own {
		out = append(out, absence.Work{Key: "task:" + t.TaskID, Text: t.Title, Link: tasks.Link(t.TaskID), AssignedBy: t.AssignedBy})
	}
	return out, nil
}

// AbsenceAlerts is the notification centre as the absences tell people
// (requests to heads, decisions, absent executors), for the demo too.
func AbsenceAlerts(n *notify.Service) absence.Alerter { return absenceAlerts{n} }

type absenceAlerts struct{ n *notify.Service }

func (a absenceAlerts) Alert(ctx context.Context, tx db.Execer, al absence.Alert) error {
	_, err := a.n.Record(ctx, tx, notify.Notice{Key: al.Key, UserID: al.UserID, Kind: al.Kind, Text: al.Text, Link: al.Link})
	return err
}
