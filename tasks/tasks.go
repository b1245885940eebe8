// Package tasks keeps the staff's tasks: one person gives another a task
// with a deadline (a date, or a number of working days of the production
// calendar), co-executors and observers, a checklist, comments and files.
// The task moves new → in progress → awaiting check → done, or is returned
// from the check with a comment. A task may come from an appeal, a
// document, a conversation or a calendar event and links back to it.
//
// Only the task's parties (who set it, the assignee, co-executors,
// observers) see it; to anyone else it does not exist. The other domains
// are reached through ports the hub satisfies: Sources (what a task came
// from, read in the caller's scope), Absences (whether the assignee is
// away), Alerter (the notification centre), WorkingDays (the production
// calendar).
//
//	Service   create, act, comment, checklist          tasks.go, create.go, act.go
//	lists     mine, assigned, watching, by source      list.go
//	files     the blob store                           files.go
//	overdue   the sweep and absent executors' work     overdue.go
//	store     SQL                                      store.go, card.go
//	handlers  the JSON API                             routes.go
package tasks

import (
	"context"
	"log/slog"
	"time"

	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// Statuses of a task.
const (
	StatusNew   = "new"
	InProgress  = "in_progress"
	AwaitsCheck = "awaiting_check"
	Done        = "done"
	Returned    = "returned"
)

// Kinds of what a task came from.
const (
	FromAppeal       = "appeal"
	FromDocument     = "document"
	FromConversation = "conversation"
	FromEvent        = "event"
)

// SourceKinds lists them.
var SourceKinds = []string{FromAppeal, FromDocument, FromConversation, FromEvent}

// Roles of a person in a task.
const (
	RoleCreator  = "creator"
	RoleAssignee = "assignee"
	RoleCo       = "co"
	RoleObserver = "observer"
)

// Limits of one task.
const (
	MaxTitle     = 300
	MaxText      = 10000
	MaxPeople    = 30
	MaxItems     = 100
	MaxDays      = 365 // a deadline in working days
	MaxFileBytes = 20 << 20
	// UploadPrefix is where task files are uploaded; the hub gives it a
	// large body limit.
	UploadPrefix = "/api/v1/task-uploads/"
)

// Link is where a task's card opens.
func Link(id string) string { return "/tasks#task/" + id }

// Person is a party of a task, by full name.
type Person struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Source is what a task came from.
type Source struct {
	Kind  string `json:"kind"`
	ID    string `json:"id"`
	Title string `json:"title"`
	Link  string `json:"link"`
}

// Item is a checklist item.
type Item struct {
	ID     string    `json:"id"`
	Text   string    `json:"text"`
	Done   bool      `json:"done"`
	DoneBy string    `json:"done_by_name,omitempty"`
	DoneAt time.Time `json:"done_at,omitzero"`
}

// Comment is a comment on a task.
type Comment struct {
	ID     string    `json:"id"`
	Author string    `json:"author_name"`
	Text   string    `json:"text"`
	At     time.Time `json:"at"`
}

// File is a file kept on a task.
type File struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	UploadedBy  string    `json:"uploaded_by_name"`
	UploadedAt  time.Time `json:"uploaded_at"`
	sha256      string
	blobKey     string
}

// Change is one line of a task's history.
type Change struct {
	Who    string    `json:"who"`
	Action string    `json:"action"`
	Note   string    `json:"note,omitempty"`
	At     time.Time `json:"at"`
}

// Absent says the assignee is away today (shown to who set the task).
type Absent struct {
	Kind  string `json:"kind"`
	Until string `json:"until"`
}

// Task is a task as one of its parties reads it.
type Task struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Status      string    `json:"status"`
	CreatedBy   Person    `json:"created_by"`
	Assignee    Person    `json:"assignee"`
	DueOn       string    `json:"due_on"` // YYYY-MM-DD in the installation's zone
	DueDays     int       `json:"due_days,omitempty"`
	Overdue     bool      `json:"overdue"`
	Source      *Source   `json:"source,omitempty"`
	CoExecutors []Person  `json:"co_executors"`
	Observers   []Person  `json:"observers"`
	ItemsDone   int       `json:"items_done"`
	ItemsTotal  int       `json:"items_total"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	DoneAt      time.Time `json:"done_at,omitzero"`
	Role        string    `json:"role"`    // the caller's
	Actions     []string  `json:"actions"` // what the caller may do now
	Absent      *Absent   `json:"absent,omitempty"`
	Checklist   []Item    `json:"checklist,omitzero"`
	Comments    []Comment `json:"comments,omitzero"`
	Files       []File    `json:"files,omitzero"`
	History     []Change  `json:"history,omitzero"`
}

// Sources reads what a task comes from, in the caller's scope: its title
// and link, or db.ErrNotFound when the caller may not see it.
type Sources interface {
	Source(ctx context.Context, sc access.Scope, kind, id string) (title, link string, err error)
}

// Absences says whether a person is away today (the absences).
type Absences interface {
	AbsentNow(ctx context.Context, userID string) (kind, until string, err error)
}

// WorkingDays is the production calendar (*workcal.Calendar).
type WorkingDays interface {
	AddWorkingDays(from time.Time, n int) time.Time
}

// Alert is a notice for the notification centre.
type Alert struct {
	Key, UserID, Kind, Text, Link string
}

// Kinds of notices this package sends (the notification centre's names).
const (
	AlertAssigned = "task_assigned" // to the assignee, co-executors, observers
	AlertChanged  = "task_changed"  // submitted (to who set it), accepted or returned (to the assignee)
	AlertOverdue  = "task_overdue"  // to the assignee and who set it, once per deadline
)

// Alerter records notices (the notification centre).
type Alerter interface {
	Alert(ctx context.Context, tx db.Execer, a Alert) error
}

// Deps is what the service needs from the hub; the ports may be nil.
type Deps struct {
	DB       *db.DB
	Log      *slog.Logger
	Zone     *time.Location
	Blobs    blob.Store
	Calendar WorkingDays
	Sources  Sources
	Absences Absences
	Alerts   Alerter
}

// Service is the tasks' one service.
type Service struct {
	db   *db.DB
	log  *slog.Logger
	zone *time.Location
	deps Deps
	now  func() time.Time
}

// New builds the service.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	zone := d.Zone
	if zone == nil {
		zone = config.DefaultZone()
	}
	return &Service{db: d.DB, log: d.Log.With("pkg", "tasks"), zone: zone, deps: d, now: time.Now}
}

func (s *Service) today() string { return s.now().In(s.zone).Format(time.DateOnly) }
