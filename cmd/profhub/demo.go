package main

import (
	"context"
	"io"
	"log/slog"
	"os"

	"github.com/profhub/profhub/absence"
	"github.com/profhub/profhub/calendar"
	"github.com/profhub/profhub/chat"
	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/demo"
	"github.com/profhub/profhub/feed"
	"github.com/profhub/profhub/helpcentre"
	"github.com/profhub/profhub/hub"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/security/secretbox"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/mailing"
	"github.com/profhub/profhub/memberbot"
	"github.com/profhub/profhub/notify"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/privacy"
	"github.com/profhub/profhub/tasks"
	"github.com/profhub/profhub/workcal"
	"github.com/profhub/profhub/workflow"
	"github.com/profhub/profhub/worktime"
)

// fillDemo fills the demo; m, when set, adds the mailing part; n is the
// notification centre the documents' workflow was built with.
func fillDemo(ctx context.Context, cfg *config.Config, d *db.DB, o *org.Store, e *inbox.Services, docs *workflow.Services, m *mailing.Services, n *notify.Service, out io.Writer) error {
	c := crm.New(crm.Deps{DB: d, Conversations: hub.CRMConversations(e), Alerts: hub.CRMAlerts(n), Zone: cfg.Zone()})
	// A real bot token (and, for a local Bot API server, its address)
	// adds the bot to the demo and a draft campaign over Telegram.
	bot := demo.TelegramBot{Token: os.Getenv("PROFHUB_DEMO_TELEGRAM_TOKEN"), APIURL: os.Getenv("PROFHUB_DEMO_TELEGRAM_API_URL")}
	abs := absence.New(absence.Deps{DB: d, Zone: cfg.Zone(), Alerts: hub.AbsenceAlerts(n), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	cal := calendar.New(calendar.Deps{DB: d, Zone: cfg.Zone(), Staff: hub.CalendarStaff(o), Members: hub.CalendarMembers(c.Members),
		Alerts: hub.CalendarAlerts(n)})
	wt := worktime.New(worktime.Deps{DB: d, Zone: cfg.Zone(), Absences: hub.WorktimeAbsences(abs), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	years, err := workcal.Shipped()
	if err != nil {
		return err
	}
	tk := tasks.New(tasks.Deps{DB: d, Zone: cfg.Zone(), Calendar: workcal.New(years...), Absences: abs, Alerts: hub.TaskAlerts(n),
		Sources: hub.TaskSources(docs, c, e, cal, cfg.Zone()), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	fd := feed.New(feed.Deps{DB: d, Zone: cfg.Zone(), Alerts: hub.FeedAlerts(n), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	talk := chat.New(chat.Deps{DB: d, Links: hub.ChatLinks(e, c, docs), Alerts: hub.ChatAlerts(n), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	pd := privacy.New(privacy.Deps{DB: d, Zone: cfg.Zone(), Subjects: hub.PrivacySubjects(c.Members, d), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	auto := hub.NewAutomation(d, slog.New(slog.NewTextHandler(io.Discard, nil)), e, c, n, nil)
	office, err := demoOffice(ctx, cfg, d, c, o)
	if err != nil {
		return err
	}
	return demo.Fill(ctx, demo.Env{DB: d, Org: o, Inbox: e, CRM: c, Docs: docs, Mailing: m, Notify: n, Calendar: cal, Out: out, Telegram: bot,
		AdminPassword: cfg.AdminPassword, Absences: abs, Worktime: wt, Tasks: tk, Zone: cfg.Zone(), Feed: fd, Chat: talk, Privacy: pd, Automation: auto, Office: office,
		Help: helpcentre.New(helpcentre.Deps{DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})})
}

// demoOffice is the member's office for the demo: it issues a card and
// counts presses; it sends nothing.
func demoOffice(ctx context.Context, cfg *config.Config, d *db.DB, c *crm.Services, o *org.Store) (*memberbot.Service, error) {
	key := cfg.SecretKey
	if key == "" {
		k, _, err := secretbox.LocalKey()
		if err != nil {
			return nil, err
		}
		key = k
	}
	box, err := secretbox.New(key)
	if err != nil {
		return nil, err
	}
	return memberbot.New(ctx, hub.OfficeDeps(d, box, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), c, o))
}

func (c *cli) demo(args []string) error {
	fs, load := c.flags("demo")
	cfg, _, err := c.parse(fs, load, args, 0)
	if err != nil {
		return err
	}
	return c.runAdmin(cfg, func(ctx context.Context, a *admin) error {
		// The demo's members write in through the engine's ingest, which
		// commits in the group-commit worker; so, unlike the line and
		// channel commands, this one runs the engine while it fills. The
		// demo channels have no webhook, so the replies they cannot send
		// are not logged as news.
		e, closeKV, err := c.openInbox(ctx, cfg, a.db, slog.LevelError)
		if err != nil {
			return err
		}
		defer closeKV()
		e.Start()
		defer e.Stop()
		// The documents' tasks ring the bells (the hub delivers them when it runs).
		n := notify.New(notify.Deps{DB: a.db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		blobs, err := blob.NewDir(cfg.BlobDir)
		if err != nil {
			return err
		}
		docs, err := workflow.New(ctx, workflow.Deps{DB: a.db, Blobs: blobs, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Alerts: hub.WorkflowAlerts(n)})
		if err != nil {
			return err
		}
		m, closeMailing, err := c.openMailing(ctx, cfg, a.db, e)
		if err != nil {
			return err
		}
		defer closeMailing()
		return fillDemo(ctx, cfg, a.db, a.org, e, docs, m, n, c.out)
	})
}

// openMailing builds a mailing service for commands that prepare
// campaigns without running them: its runner is never started, so the
// key-value client it needs sees no traffic (with the embedded default it
// is a private in-process server).
func (c *cli) openMailing(ctx context.Context, cfg *config.Config, d *db.DB, e *inbox.Services) (*mailing.Services, func(), error) {
	key, box, kvc, err := openSecrets(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	m, err := mailing.New(mailing.Deps{DB: d, KV: kvc, CRM: crm.New(crm.Deps{DB: d}), Inbox: hub.MailingChats(e), Box: box, NodeID: "cli",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: cfg.BaseURL, TokenKey: mailing.TokenKeyFrom(key)})
	if err != nil {
		kvc.Close()
		return nil, nil, err
	}
	return m, func() { kvc.Close() }, nil
}
