package hub

import (
	"context"
	"time"

	"github.com/profhub/profhub/calendar"
	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/notify"
	"github.com/profhub/profhub/tasks"
	"github.com/profhub/profhub/workflow"
)

// The tasks read what they come from (documents, appeals, conversations,
// calendar events) through tasks.Sources, the absences through
// tasks.Absences (*absence.Service as it is), the production calendar as
// it is, and tell people through the notification centre.

func (h *Hub) newTasks() *tasks.Service {
	return tasks.New(tasks.Deps{DB: h.DB, Log: h.Log, Zone: h.Config.Zone(), Blobs: h.Blobs, Calendar: h.WorkCal.Calendar(),
		Sources: TaskSources(h.Docs, h.CRM, h.Inbox, h.Calendar, h.Config.Zone()), Absences: h.Absences, Alerts: TaskAlerts(h.Notify)})
}

// TaskSources reads a task's source in the caller's scope (a thing the
// caller may not see is not found), for the demo too; any of the domains
// may be nil, and then its things are not found.
func TaskSources(docs *workflow.Services, c *crm.Services, in *inbox.Services, cal *calendar.Service, zone *time.Location) tasks.Sources {
	return taskSources{docs: docs, crm: c, inbox: in, cal: cal, zone: zone}
}

type taskSources struct {
	docs  *workflow.Services
	crm   *crm.Services
	inbox *inbox.Services
	cal   *calendar.Service
	zone  *time.Location
}

// errNoSource: a kind whose domain this node (or the demo) has not built.
var errNoSource = db.ErrNotFound

func (s taskSources) Source(ctx context.Context, sc access.Scope, kind, id string) (string, string, error) {
	switch kind {
	case tasks.FromDocument:
		if s.docs == nil {
			return "", "", errNoSource
		}
		d, err := s.docs.Documents.GetDocument(ctx, sc, id)
		if err != nil {
			return "", "", err
		}
		return joinTitle(d.Number, d.Title), "", nil
	case tasks.FromAppeal:
		if s.crm == nil {
			return "", "", errNoSource
		}
		a, err := s.crm.Appeals.GetAppeal(ctx, sc, id)
		if err != nil {
			return "", "", err
		}
		return joinTitle(a.Number, a.Subject), "", nil
	case tasks.FromConversation:
		if s.inbox == nil {
			return "", "", errNoSource
		}
		c, err := s.inbox.Conversations.Get(ctx, sc, id)
		if err != nil {
			return "", "", err
		}
		return c.ContactName, "", nil
	case tasks.FromEvent:
		if s.cal == nil {
			return "", "", errNoSource
		}
		e, err := s.cal.Event(ctx, calendar.Caller{Scope: sc, Zone: s.zone}, id)
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
