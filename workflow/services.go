package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// Services is the document workflow, one small service per job. To change
// a feature, open the service that does it:
//
//	Numbering   registries and number formats        numbering.go
//	Definitions process definitions (versions)       definition_store.go
//	Documents   registration and editing             document_store.go, links.go
//	Templates   registration templates               template.go
//	Engine      decisions, steps, resolutions         engine.go
//	Tasks       task lists and the control report    tasks.go
//	Files       attachments and their versions       attachment.go
//	Mail        e-mail dispatch and task e-mails     mail_dispatch.go, task_mail.go
//	Activity    history, comments, activity feed     history.go
//	Notices     a person's notification list         notices.go
//	Journal     registry journal, related, export    query.go, export.go
//	Deadlines   reminders and escalation (sweep)     sweep.go
//
// The HTTP handlers are in routes.go and *_routes.go and call these.
type Services struct {
	Numbering   *Numbering
	Definitions *Definitions
	Documents   *Documents
	Templates   *Templates
	Engine      *Engine
	Tasks       *Tasks
	Files       *Files
	Mail        *Mail
	Activity    *Activity
	Notices     *Notices
	Journal     *Journal
	Deadlines   *Deadlines
}

// core is what every service shares: the database, the file store, the
// log and the clock, and the one rule for reading a document in scope.
type core struct {
	db    *db.DB
	blobs blob.Store
	log   *slog.Logger
	now   func() time.Time // tests move the clock for deadlines
	// alerts is the hub's notification centre (alerts.go); nil: none.
	alerts Alerter
	// calendar counts steps' deadlines in working days (calendar.go).
	calendar WorkingDays
}

// Deps is what the workflow needs from the hub.
type Deps struct {
	DB    *db.DB
	Blobs blob.Store
	Log   *slog.Logger
	// Mailer lets outgoing documents and task e-mails leave by e-mail;
	// without it (or without the setting SettingMailChannel) the e-mail
	// method is refused with a clear error.
	Mailer Mailer
	// BaseURL is the hub's public address, for the link in task e-mails.
	BaseURL string
	// Alerts, when given, hears of tasks and deadlines for the bell and
	// e-mails them by each person's choice (the task e-mails below are then
	// its: the workflow sends none of its own).
	Alerts Alerter
	// Zone is the installation's time zone (PROFHUB_TIME_ZONE); nil keeps
	// Orenburg's.
	Zone *time.Location
	// Calendar, when given, makes Step.Days working days of the
	// production calendar; without it they are whole days.
	Calendar WorkingDays
}

// New builds the workflow services and stores the built-in process
// definitions the first time (version 1 of each; later versions are the
// administrator's).
func New(ctx context.Context, deps Deps) (*Services, error) {
	d := deps.DB
	if deps.Zone != nil {
		zone.Store(deps.Zone)
	}
	for _, def := range Builtin() {
		def.Version = 1
		body, _ := json.Marshal(def)
		_, err := d.ExecContext(ctx, `INSERT INTO wf_definitions (id, version, body, created_by, created_at)
			VALUES ($1, 1, $2, 'system', $3) ON CONFLICT (id, version) DO NOTHING`, def.ID, string(body), db.Now())
		if err != nil {
			return nil, fmt.Errorf("workflow: store built-in definition %s: %w", def.ID, err)
		}
	}
	c := &core{db: d, blobs: deps.Blobs, log: deps.Log, now: time.Now, alerts: deps.Alerts, calendar: deps.Calendar}
	files := &Files{c}
	mail := &Mail{core: c, files: files, mailer: deps.Mailer, baseURL: strings.TrimRight(deps.BaseURL, "/")}
	engine := &Engine{core: c, mail: mail}
	templates := &Templates{c}
	return &Services{
		Numbering:   &Numbering{c},
		Definitions: &Definitions{c},
		Documents:   &Documents{core: c, templates: templates, engine: engine},
		Templates:   templates,
		Engine:      engine,
		Tasks:       &Tasks{c},
		Files:       files,
		Mail:        mail,
		Activity:    &Activity{c},
		Notices:     &Notices{c},
		Journal:     &Journal{c},
		Deadlines:   &Deadlines{core: c, mail: mail},
	}, nil
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func (c *core) nowMillis() int64 { return c.now().UnixMilli() }

// document returns a document sc may see with the name of its current step.
func (c *core) document(ctx context.Context, sc access.Scope, id string) (Document, error) {
	d, err := c.getDocument(ctx, c.db, sc, id)
	if err != nil {
		return d, err
	}
	if def, err := loadDefinition(ctx, c.db, d.ProcessID, d.ProcessVersion); err == nil {
		if st := def.step(d.Step); st != nil {
			d.StepName = st.Name
		}
	}
	return d, nil
}
