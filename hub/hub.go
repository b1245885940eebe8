// Package hub assembles one profhub node: configuration, database, Redis,
// blob store, the services and the HTTP handler, and runs it until it is
// told to stop. The command line, the tests that start whole hubs and the
// benchmark all build nodes through it.
package hub

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/profhub/profhub/absence"
	"github.com/profhub/profhub/automation"
	"github.com/profhub/profhub/calendar"
	"github.com/profhub/profhub/chat"
	"github.com/profhub/profhub/connectors/mail"
	"github.com/profhub/profhub/connectors/telegram"
	"github.com/profhub/profhub/connectors/telephony"
	"github.com/profhub/profhub/connectors/vk"
	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/feed"
	"github.com/profhub/profhub/helpcentre"
	"github.com/profhub/profhub/home"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/security/secretbox"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/kv"
	"github.com/profhub/profhub/mailing"
	"github.com/profhub/profhub/memberbot"
	"github.com/profhub/profhub/notify"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/org/orgapi"
	"github.com/profhub/profhub/privacy"
	"github.com/profhub/profhub/tasks"
	"github.com/profhub/profhub/web"
	"github.com/profhub/profhub/web/i18n"
	"github.com/profhub/profhub/webhooks"
	"github.com/profhub/profhub/widget"
	"github.com/profhub/profhub/workcal"
	"github.com/profhub/profhub/workflow"
	"github.com/profhub/profhub/worktime"
)

// Options are settings that are not part of the administrator's
// configuration.
type Options struct {
	Version        string
	PasswordParams auth.PasswordParams // zero: auth.DefaultPasswordParams
	Mailing        mailing.Tuning      // zero: the campaign runner's defaults
}

// Hub is one running node.
type Hub struct {
	Config  *config.Config
	Log     *slog.Logger
	DB      *db.DB
	KV      *kv.Client
	Blobs   blob.Store
	Org     *org.Store
	Auth    *auth.Service
	Inbox   *inbox.Services
	CRM     *crm.Services
	Docs    *workflow.Services
	Mailing *mailing.Services
	Notify  *notify.Service
	Home    *home.Service
	// WorkCal is the production calendar (shipped and uploaded years);
	// Absences the staff's absences.
	WorkCal  *workcal.Service
	Absences *absence.Service
	// Worktime is the staff's working time and the units' time sheets.
	Worktime *worktime.Service
	// Tasks are the staff's tasks.
	Tasks *tasks.Service
	// Chat is the staff's internal chat.
	Chat *chat.Service
	// Automation runs the rules on the inbox's events, the macros and the
	// bulk actions of the console.
	Automation *automation.Service
	// Webhooks sends events to the integrations' endpoints.
	Webhooks *webhooks.Service
	// Calendar is the staff calendar; CalendarKeys its app passwords and feeds.
	Calendar     *calendar.Service
	CalendarKeys *calendar.Secrets
	// Feed is the staff feed of posts (hub/feed.go).
	Feed *feed.Service
	// Help is the public help centre (hub/helpcentre.go).
	Help    *helpcentre.Service
	Box     *secretbox.Box
	Metrics *prometheus.Registry
	NodeID  string

	// Privacy is the personal data duties: access log, subject report,
	// erasure, consent register, retention.
	Privacy *privacy.Service
	// MemberBot is the member's office in the bots (menu, linking, card).
	MemberBot *memberbot.Service

	// Telephony is the telephony connector: the CRM timeline reads a
	// member's calls through it (CallsOfMember), tests drive its worker.
	Telephony *telephony.Connector
	// Mail is the mail connector (tests reach its image proxy).
	Mail *mail.Connector
	// telegram and vk are the messengers' connectors, built before mailing,
	// which sends campaigns through them.
	telegram *telegram.Connector
	vk       *vk.Connector
	// mailLate is the mail connector as the workflow and the widget reach
	// it, bound once the connector is built (see lateMail).
	mailLate *lateMail

	handler    http.Handler
	metrics    http.Handler // served alone on PROFHUB_METRICS_LISTEN
	connectors []connector
	workers    sync.WaitGroup
	stop       context.CancelFunc
	workCtx    context.Context
}

// New opens storage and builds the services. It fails, closing whatever it
// opened, when the database or Redis cannot be reached: a half-started node
// must not serve.
func New(ctx context.Context, cfg *config.Config, log *slog.Logger, opts Options) (_ *Hub, err error) {
	h := &Hub{Config: cfg, Log: log, Metrics: prometheus.NewRegistry()}
	defer func() {
		if err != nil {
			h.Close()
		}
	}()
	if h.DB, err = db.Open(ctx, cfg.DatabaseURL, cfg.DataDir); err != nil {
		return nil, err
	}
	log.Info("database ready", "engine", h.DB.Dialect)
	// One line when the database goes and one when it returns; the
	// requests refused in between are summarised by the logger.
	h.DB.OnAvailability(func(down bool, cause error) {
		if down {
			log.Error("database unreachable: requests that need it are answered 503 until it returns", "err", cause)
		} else {
			log.Info("database reachable again")
		}
	})
	if h.KV, err = kv.Open(ctx, cfg.RedisURL, cfg.RedisPrefix); err != nil {
		return nil, err
	}
	if h.KV.Embedded() {
		log.Warn("single-node embedded mode: in-process Redis-compatible server; set PROFHUB_REDIS_URL to run several nodes")
	}
	if h.Blobs, err = blob.NewDir(cfg.BlobDir); err != nil {
		return nil, err
	}
	params := opts.PasswordParams
	if params == (auth.PasswordParams{}) {
		params = auth.DefaultPasswordParams
	}
	if h.Box, err = openSecretBox(cfg, log); err != nil {
		return nil, err
	}
	h.Org = org.NewStore(h.DB)
	h.Auth = auth.NewService(auth.Deps{DB: h.DB, KV: h.KV, Users: h.Org, Log: log, Params: params, SessionTTL: cfg.SessionTTL, Box: h.Box})
	h.Metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	if err := h.bootstrap(ctx); err != nil {
		return nil, err
	}
	// Plain TOTP secrets of earlier versions are sealed now; one missed
	// (say, a failed write) is sealed on its first use instead.
	if n, err := h.Auth.SealTOTPSecrets(ctx); err != nil {
		log.Warn("could not seal plain TOTP secrets at start; they are sealed on first use", "err", err)
	} else if n > 0 {
		log.Info("sealed plain TOTP secrets", "count", n)
	}
	h.NodeID = nodeID()
	h.mailLate = &lateMail{}
	h.Notify = h.newNotify(ctx)
	if h.WorkCal, err = workcal.NewService(ctx, h.DB, log); err != nil {
		return nil, err
	}
	cal := h.WorkCal.Calendar()
	h.Absences = h.newAbsences()
	h.Worktime = h.newWorktime()
	if h.Inbox, err = inbox.New(inbox.Deps{DB: h.DB, KV: h.KV, Blobs: h.Blobs, Box: h.Box, Log: log, Metrics: h.Metrics, NodeID: h.NodeID,
		Alerts: inboxAlerts{h}, Calendar: cal, Absences: h.Absences, Zone: cfg.Zone()}); err != nil {
		return nil, err
	}
	if h.Docs, err = workflow.New(ctx, workflow.Deps{DB: h.DB, Blobs: h.Blobs, Log: log, Mailer: h.mailLate, BaseURL: cfg.BaseURL,
		Alerts: workflowAlerts{h.Notify}, Zone: cfg.Zone(), Calendar: cal}); err != nil {
		return nil, err
	}
	h.CRM = crm.New(crm.Deps{DB: h.DB, Blobs: h.Blobs, Notifier: appealNotices{h.Docs.Notices, h.Notify}, Conversations: CRMConversations(h.Inbox), Outreach: h.Inbox.Outreach,
		Translate: i18n.T, Alerts: crmAlerts{h.Notify}, Zone: cfg.Zone(), Calendar: cal, ImportBoard: importBoard{h.KV},
		TimelineSources: map[string]crm.TimelineSource{"documents": workflow.Timeline{S: h.Docs.Journal}}})
	if err := setRatingConfig(h); err != nil {
		return nil, err
	}
	h.Inbox.Actions.SetMemberScope(inboxMemberScope{h.CRM.Members})
	h.Inbox.Conversations.SetCustom(h.CRM.ConversationPanel) // the console filters and exports by conversation fields
	// A merge moves, and an import undo respects, every other table's links to cards.
	for name, r := range map[string]crm.MemberReferrer{"inbox_contacts": inbox.MemberLinks, "calls": telephony.MemberLinks,
		"documents": workflow.MemberLinks, "mailing_recipients": mailing.MemberLinks} {
		h.CRM.MemberLinks.RegisterMemberReferrer(name, r)
	}
	h.Privacy = h.newPrivacy()
	h.Automation = h.newAutomation()
	h.newMessengers()
	if h.Mailing, err = newMailing(h, opts.Mailing); err != nil {
		return nil, err
	}
	if h.MemberBot, err = h.newMemberBot(ctx); err != nil {
		return nil, err
	}
	for name, r := range memberbot.MemberLinks {
		h.CRM.MemberLinks.RegisterMemberReferrer(name, r)
	}

	avatars := org.NewAvatars(h.Org, h.Blobs, log)
	w, err := web.New(web.Deps{Config: cfg, DB: h.DB, KV: h.KV, Auth: h.Auth, Directory: h.Org, Avatars: avatars, Log: log, Metrics: h.Metrics, Version: opts.Version,
		LargeBodies: map[string]int64{"/hooks/": 32 << 20, "/api/v1/inbox/uploads/": inbox.MaxAttachmentBytes + 1<<20,
			"/api/v1/crm/members/import": crm.MaxImportBytes, crm.ImportWizardPrefix: crm.MaxImportBytes, "/widget/v1/upload/": widget.DefaultLimits.MaxUploadBytes + 1<<20,
			workflow.UploadPrefix: workflow.MaxAttachmentBytes + 1<<20, "/api/v1/mailing/": mailing.MaxBodyBytes,
			crm.UploadPrefix: crm.MaxFileBytes + 1<<20, feed.UploadPrefix: feed.MaxFileBytes + 1<<20,
			tasks.UploadPrefix: tasks.MaxFileBytes + 1<<20, chat.UploadPrefix: chat.MaxFileBytes + 1<<20}})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	w.Routes(mux)
	orgapi.Routes(mux, orgapi.Deps{Store: h.Org, Avatars: avatars, Passwords: h.Auth})
	h.Inbox.Routes(mux)
	h.CRM.Routes(mux)
	h.Docs.Routes(mux)
	h.Mailing.Routes(mux)
	h.Notify.Routes(mux)
	h.WorkCal.Routes(mux)
	h.Absences.Routes(mux)
	h.Worktime.Routes(mux)
	h.Chat = h.newChat()
	h.Chat.Routes(mux)
	h.Privacy.Routes(mux)
	h.Automation.Routes(mux)
	h.MemberBot.Routes(mux)
	h.Calendar, h.CalendarKeys = h.newCalendar()
	h.Calendar.Routes(mux, h.CalendarKeys)
	h.Tasks = h.newTasks()
	h.Tasks.Routes(mux)
	h.Home = home.New(home.Sources{Conversations: h.Inbox.Conversations, Lines: h.Inbox.Supervisor, LineList: h.Inbox.Lines, Channels: h.Inbox.Channels,
		Tasks: h.Docs.Tasks, Documents: h.Docs.Journal, Appeals: h.CRM.Appeals, Imports: h.CRM.ImportBatches,
		Campaigns: h.Mailing.Campaigns, Units: h.Org}, cfg.Zone())
	h.Home.Routes(mux)
	h.Feed = h.newFeed()
	h.Feed.Routes(mux)
	h.Webhooks = h.newWebhooks()
	h.Webhooks.Routes(mux)
	h.Help = h.newHelp()
	h.Help.Routes(mux)
	h.connectors = h.newConnectors()
	h.wireStaffTelegram()
	for _, c := range h.connectors {
		c.Routes(mux)
	}
	h.handler = w.Handler(mux)
	h.metrics = w.Handler(metricsMux(w))
	switch {
	case cfg.MetricsListen == "" && cfg.MetricsToken == "":
		log.Info("/metrics is not served: set PROFHUB_METRICS_LISTEN (a private address) or PROFHUB_METRICS_TOKEN")
	case cfg.MetricsListen == "":
		log.Info("/metrics is served on the public address to the metrics token only")
	}
	h.Inbox.Start()
	h.Automation.Start()
	h.Mailing.Run()
	for _, c := range h.connectors {
		c.Start()
	}

	h.workCtx, h.stop = context.WithCancel(context.Background())
	h.workers.Add(1)
	go func() {
		defer h.workers.Done()
		h.Notify.Run(h.workCtx)
	}()
	h.workers.Add(1)
	go func() {
		defer h.workers.Done()
		h.WorkCal.Run(h.workCtx)
	}()
	h.workers.Add(1)
	go func() {
		defer h.workers.Done()
		h.Chat.Run(h.workCtx)
	}()
	h.workers.Add(1)
	go func() {
		defer h.workers.Done()
		h.Privacy.Run(h.workCtx)
	}()
	h.every(noticeSweep, "mailing and channel notices", h.WatchNotices)
	h.workers.Add(1)
	go func() {
		defer h.workers.Done()
		h.Webhooks.Run(h.workCtx)
	}()
	h.every(10*time.Second, "campaign states for webhooks", h.watchCampaigns)
	h.every(time.Hour, "old webhook deliveries", func(ctx context.Context) error {
		_, err := h.Webhooks.Purge(ctx)
		return err
	})
	h.workers.Add(1)
	go func() {
		defer h.workers.Done()
		h.Feed.Run(h.workCtx)
	}()
	h.every(10*time.Minute, "feed reminders", func(ctx context.Context) error {
		_, err := h.Feed.SweepReminders(ctx)
		return err
	})
	h.every(time.Hour, "loose feed uploads", func(ctx context.Context) error {
		_, err := h.Feed.PurgeLoose(ctx)
		return err
	})
	h.every(auth.TokenUseEvery, "API token last uses", h.Auth.FlushTokenUses)
	h.every(10*time.Minute, "purge expired sessions", func(ctx context.Context) error {
		_, err := h.Auth.PurgeExpired(ctx)
		return err
	})
	h.every(time.Minute, "document deadlines", func(ctx context.Context) error {
		_, err := h.Docs.Deadlines.Sweep(ctx)
		return err
	})
	h.every(time.Minute, "appeal deadlines", func(ctx context.Context) error {
		_, err := h.CRM.AppealNotices.SweepAppeals(ctx)
		return err
	})
	h.every(time.Minute, "appeal status notices to members", func(ctx context.Context) error {
		_, err := h.MemberBot.SweepAppeals(ctx)
		return err
	})
	h.every(time.Minute, "calendar reminders", func(ctx context.Context) error {
		_, err := h.Calendar.Remind(ctx)
		return err
	})
	h.every(time.Minute, "task deadlines", func(ctx context.Context) error {
		_, err := h.Tasks.Sweep(ctx)
		return err
	})
	h.every(time.Hour, "unclaimed list files", func(ctx context.Context) error {
		_, err := h.CRM.ListFiles.PurgeListFiles(ctx)
		return err
	})
	return h, nil
}

// openSecretBox uses PROFHUB_SECRET_KEY, or a key kept in the user's
// configuration directory when none is configured (single-node default).
func openSecretBox(cfg *config.Config, log *slog.Logger) (*secretbox.Box, error) {
	key := cfg.SecretKey
	if key == "" {
		k, path, err := secretbox.LocalKey()
		if err != nil {
			return nil, err
		}
		log.Warn("PROFHUB_SECRET_KEY not set: channel credentials are encrypted with a key kept outside the data directory; "+
			"set PROFHUB_SECRET_KEY for several nodes", "key_file", path)
		key = k
	}
	return secretbox.New(key)
}

func nodeID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

func (h *Hub) stopConnectors() {
	for _, c := range h.connectors {
		c.Stop()
	}
	h.connectors = nil
}

func metricsMux(w *web.Server) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", w.MetricsHandler())
	return mux
}

// serveMetrics answers /metrics alone on PROFHUB_METRICS_LISTEN, if set,
// and returns the server to close at shutdown (nil without one).
func (h *Hub) serveMetrics() (*http.Server, error) {
	addr := h.Config.MetricsListen
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("hub: listen on %s (PROFHUB_METRICS_LISTEN): %w", addr, err)
	}
	srv := &http.Server{Handler: h.metrics, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(h.Log.Handler(), slog.LevelWarn)}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			h.Log.Error("metrics listener stopped", "addr", addr, "err", err)
		}
	}()
	h.Log.Info("serving /metrics", "addr", ln.Addr().String())
	return srv, nil
}

// Handler is the node's whole HTTP surface.
func (h *Hub) Handler() http.Handler { return h.handler }

// every runs job periodically until the hub stops.
func (h *Hub) every(d time.Duration, name string, job func(context.Context) error) {
	h.workers.Add(1)
	go func() {
		defer h.workers.Done()
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-h.workCtx.Done():
				return
			case <-t.C:
				if err := job(h.workCtx); err != nil && !errors.Is(err, context.Canceled) {
					h.Log.Error("background job failed", "job", name, "err", err)
				}
			}
		}
	}()
}

// Serve answers on ln until ctx ends, then stops taking connections, lets
// requests in flight finish (up to the shutdown timeout) and stops the
// background workers.
func (h *Hub) Serve(ctx context.Context, ln net.Listener) error {
	msrv, err := h.serveMetrics()
	if err != nil {
		return err
	}
	if msrv != nil {
		defer msrv.Close()
	}
	srv := &http.Server{
		Handler:           h.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(h.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return h.workCtx },
	}
	srv.RegisterOnShutdown(h.Notify.Stop) // the bells' streams end, so shutdown does not wait for them
	srv.RegisterOnShutdown(h.Feed.Stop)   // and the feed's
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	h.Log.Info("listening", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("hub: serve: %w", err)
	case <-ctx.Done():
	}
	h.Log.Info("shutting down", "timeout", h.Config.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), h.Config.ShutdownTimeout)
	defer cancel()
	err = srv.Shutdown(sctx)
	h.stop()
	h.workers.Wait()
	h.flushTokenUses()
	h.stopConnectors()
	h.Mailing.Stop()
	h.Automation.Stop()
	h.Inbox.Stop()
	if err != nil {
		return fmt.Errorf("hub: shutdown: %w", err) // the caller reports it, once
	}
	h.Log.Info("stopped")
	return nil
}

// flushTokenUses writes the API token uses noted since the last periodic
// flush, at shutdown (Serve, and Close for a node that never served): the
// work context has ended, so the write gets a time of its own.
func (h *Hub) flushTokenUses() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.Auth.FlushTokenUses(ctx); err != nil {
		h.Log.Error("API token last uses not written at shutdown", "err", err)
	}
}

// Close releases storage. Serve must have returned.
func (h *Hub) Close() {
	if h.Notify != nil {
		h.Notify.Stop()
	}
	if h.Feed != nil {
		h.Feed.Stop()
	}
	if h.stop != nil {
		h.stop()
		h.workers.Wait()
	}
	h.stopConnectors()
	if h.Mailing != nil {
		h.Mailing.Stop()
	}
	if h.Automation != nil {
		h.Automation.Stop()
	}
	if h.Inbox != nil {
		h.Inbox.Stop()
	}
	if h.Auth != nil && h.DB != nil {
		h.flushTokenUses()
	}
	if h.KV != nil {
		h.KV.Close()
	}
	if h.DB != nil {
		h.DB.Close()
	}
}
