package hub

import (
	"context"
	"errors"

	"github.com/profhub/profhub/calendar"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/notify"
	"github.com/profhub/profhub/tasks"
)

// The tasks read what they come from (documents, appeals, conversations,
// calendar events) through tasks.Sources, the absences through
// tasks.Absences (*absence.Service as it is), the production calendar as
// it is, and tell people through the notification centre.

func (h *Hub) newTasks() *tasks.Service {
	return tasks.New(tasks.Deps{DB: h.DB, Log: h.Log, Zone: h.Config.Zone(), Blobs: h.Blobs, Calendar: h.WorkCal.Calendar(),
		Sources: taskSources{h}, Absences: h.Absences, Alerts: TaskAlerts(h.Notify)})
}

// taskSources reads a task's source in the caller's scope: a thing the
// caller may not see is not found.
type taskSources struct{ h *Hub }

var errNoSource = errors.New("hub: task source not wired")

func (s taskSources) Source(ctx context.Context, sc access.Scope, kind, id string) (string, string, error) {
	switch kind {
	case tasks.FromDocument:
		if s.h.Docs == nil {
			return "", "", errNoSource
		}
		d, err := s.h.Docs.Documents.GetDocument(ctx, sc, id)
		if err != nil {
			return "", "", err
		}
		return joinTitle(d.Number, d.Title), "", nil
	case tasks.FromAppeal:
		if s.h.CRM == nil {
			return "", "", errNoSource
		}
		a, err := s.h.CRM.Appeals.GetAppeal(ctx, sc, id)
		if err != nil {
			return "", "", err
		}
		return joinTitle(a.Number, a.Subject), "", nil
	case tasks.FromConversation:
		if s.h.Inbox == nil {
			return "", "", errNoSource
		}
		c, err := s.h.Inbox.Conversations.Get(ctx, sc, id)
		if err != nil {
			return "", "", err
		}
		return c.ContactName, "", nil
	case tasks.FromEvent:
		if s.h.Calendar == nil {
			return "", "", errNoSource
		}
		e, err := s.h.Calendar.Event(ctx, calendar.Caller{Scope: sc, Zone: s.h.Config.Zone()}, id)
		if err != nil {
			return "", "", err
		}
		return e.Title, "", nil
	}
	return "", "", db.ErrNotFound
}

func joinTitle(number, title string) string {
	if number == "" {
		return title
	}
	if title == "" {
		return number
	}
	return number + " · " + title
}

// TaskAlerts is the notification centre as the tasks tell people, for the
// demo too.
func TaskAlerts(n *notify.Service) tasks.Alerter { return taskAlerts{n} }

type taskAlerts struct{ n *notify.Service }

func (a taskAlerts) Alert(ctx context.Context, tx db.Execer, al tasks.Alert) error {
	_, err := a.n.Record(ctx, tx, notify.Notice{Key: al.Key, UserID: al.UserID, Kind: al.Kind, Text: al.Text, Link: al.Link})
	return err
}
