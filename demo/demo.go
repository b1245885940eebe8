// Package demo fills an empty installation with a small, realistic
// federation so a newcomer sees every feature working. Each capability adds
// its own part to Fill.
package demo

import (
	"context"
	"errors"
	"fmt"
	"github.com/profhub/profhub/automation"
	"io"
	"time"

	"github.com/profhub/profhub/absence"
	"github.com/profhub/profhub/calendar"
	"github.com/profhub/profhub/chat"
	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/feed"
	"github.com/profhub/profhub/helpcentre"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/settings"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/mailing"
	"github.com/profhub/profhub/memberbot"
	"github.com/profhub/profhub/notify"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/privacy"
	"github.com/profhub/profhub/tasks"
	"github.com/profhub/profhub/workflow"
	"github.com/profhub/profhub/worktime"
)

// Password is the password of every demo account; the demo is for trying
// profhub out, never for real data.
const Password = "demo-profhub"

const filledKey = "demo.filled"

// ErrNotEmpty refuses to mix demo data into a real installation.
var ErrNotEmpty = errors.New("the installation already has data; the demo fills only an empty one")

// Env is what the parts need.
type Env struct {
	DB     *db.DB
	Org    *org.Store
	Inbox  *inbox.Services    // started: the demo's members write in through its Ingest
	CRM    *crm.Services      // with Deps.Conversations; nil: no member cards or appeals
	Docs   *workflow.Services // nil: no documents
	Out    io.Writer
	Params auth.PasswordParams
	// AdminPassword is the demo administrator's password
	// (PROFHUB_ADMIN_PASSWORD); empty: a random one, printed once on Out.
	AdminPassword string

	// Mailing, when set, gets an SMTP account, a list and a draft campaign.
	Mailing *mailing.Services
	// Notify, when set, gets the notices the demo's flows do not ring
	// by themselves (notices.go); the workflow and the CRM above should
	// be built with it, so their tasks and appeals notify too.
	Notify *notify.Service
	// Absences, when set, gets a month of staff absences (absences.go);
	// Zone is the installation's, for "today" there.
	Absences *absence.Service
	Zone     *time.Location
	// Telegram, when it has a token, is a bot added to the hotline with a
	// draft campaign over it (the bot must be real: saving the channel
	// asks Telegram whose token it is).
	Telegram TelegramBot
	// Automation, when set, gets labels, the dues line with its rule and
	// two macros (automation.go).
	Automation *automation.Service
	// Worktime, when set, gets three weeks of the staff's working time
	// and a correction (worktime.go).
	Worktime *worktime.Service
	// Calendar, when set, gets a plenum, a training, a reception and
	// staff birthdays (calendar.go).
	Calendar *calendar.Service
	// Feed, when set, gets an important post, a poll and a pinned notice
	// with confirmations, votes, comments and reactions (feed.go).
	Feed *feed.Service
	// Tasks, when set, gets a handful of staff tasks in every state
	// (tasks.go).
	Tasks *tasks.Service
	// Chat, when set, gets a unit chat, a group and a direct chat with
	// messages (chat.go); built with the links and alerts of the
	// services above, its mentions ring and its document card shows.
	Chat *chat.Service
	// Privacy, when set, gets consent texts, the consent register and
	// retention periods (privacy.go).
	Privacy *privacy.Service
	// Help, when set, gets the public help centre's sections and
	// articles (help.go).
	Help *helpcentre.Service
	// Office, when set, is the member's office: a member with an
	// electronic card and weeks of bot statistics (office.go).
	Office *memberbot.Service
}

// Fill adds the demo federation once. A second call does nothing.
func Fill(ctx context.Context, e Env) error {
	done, err := settings.Get(ctx, e.DB, filledKey, "")
	if err != nil {
		return err
	}
	if done != "" {
		fmt.Fprintln(e.Out, "demo data already present")
		return nil
	}
	root, err := e.Org.EnsureRoot(ctx, "Федерация профсоюзов")
	if err != nil {
		return err
	}
	sc := access.System("demo")
	sc.UnitID = root.ID
	if units, err := e.Org.ListUnits(ctx, sc, ""); err != nil || len(units) > 1 {
		if err != nil {
			return err
		}
		return ErrNotEmpty
	}
	n, err := e.Org.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n > 1 {
		return ErrNotEmpty
	}
	if e.Params == (auth.PasswordParams{}) {
		e.Params = auth.DefaultPasswordParams
	}
	// The one user of a fresh installation is the administrator that the
	// hub's first start made; `profhub demo` run before any start makes
	// its own.
	if n == 0 {
		if err := fillAdmin(ctx, e, sc, root); err != nil {
			return fmt.Errorf("demo: administrator: %w", err)
		}
	}
	units, err := fillOrg(ctx, e, sc, root)
	if err != nil {
		return fmt.Errorf("demo: organisation: %w", err)
	}
	if err := fillInbox(ctx, e, sc, units); err != nil {
		return fmt.Errorf("demo: inbox: %w", err)
	}
	if err := fillTelephony(ctx, e, sc, units); err != nil {
		return fmt.Errorf("demo: telephony: %w", err)
	}
	if err := fillDocuments(ctx, e, sc); err != nil {
		return fmt.Errorf("demo: documents: %w", err)
	}
	if e.CRM != nil {
		if err := fillCRM(ctx, e, sc, units); err != nil {
			return fmt.Errorf("demo: crm: %w", err)
		}
	}
	if e.Mailing != nil {
		if err := fillMailing(ctx, e, sc, units); err != nil {
			return fmt.Errorf("demo: mailing: %w", err)
		}
	}
	if err := fillAbsences(ctx, e); err != nil {
		return fmt.Errorf("demo: absences: %w", err)
	}
	if e.Automation != nil {
		if err := fillAutomation(ctx, e, sc, units); err != nil {
			return fmt.Errorf("demo: automation: %w", err)
		}
	}
	if err := fillWorktime(ctx, e); err != nil {
		return fmt.Errorf("demo: working time: %w", err)
	}
	if e.Calendar != nil {
		if err := fillCalendar(ctx, e, sc); err != nil {
			return fmt.Errorf("demo: calendar: %w", err)
		}
	}
	if err := fillFeed(ctx, e, units); err != nil {
		return fmt.Errorf("demo: feed: %w", err)
	}
	if err := fillTasks(ctx, e); err != nil {
		return fmt.Errorf("demo: tasks: %w", err)
	}
	if err := fillChat(ctx, e); err != nil {
		return fmt.Errorf("demo: chat: %w", err)
	}
	if err := fillPrivacy(ctx, e, sc); err != nil {
		return fmt.Errorf("demo: personal data: %w", err)
	}
	if err := fillOffice(ctx, e, sc); err != nil {
		return fmt.Errorf("demo: member's office: %w", err)
	}
	if err := fillHelp(ctx, e); err != nil {
		return fmt.Errorf("demo: help centre: %w", err)
	}
	if err := fillNotices(ctx, e, sc); err != nil {
		return fmt.Errorf("demo: notices: %w", err)
	}
	if err := fillPushChoices(ctx, e); err != nil {
		return fmt.Errorf("demo: push choices: %w", err)
	}
	if err := settings.Set(ctx, e.DB, sc, filledKey, "1"); err != nil {
		return err
	}
	fmt.Fprintf(e.Out, "demo federation created; every demo account signs in with the password %q\n", Password)
	return nil
}
