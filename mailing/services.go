package mailing

import (
	"errors"
	"log/slog"
	"maps"

	"github.com/profhub/profhub/internal/storage/db"
)

// Mailing is a set of services, one per job, so that a feature has one
// type and one file to change (see docs/ARCHITECTURE.md):
//
//	Campaigns     campaign_store.go    drafts: create, read, list, edit, their ledger's figures
//	Actions       campaign_actions.go  start, pause, resume, confirm, cancel
//	Audience      audience.go          who a campaign reaches: the count, the ledger build
//	Lists         lists.go             imported recipient lists
//	Suppressions  unsubscribe.go       unsubscribes, bounces, the suppression list
//	Tracking      tracking.go          opens and clicks, and the switch for them
//	Accounts      accounts.go          SMTP accounts
//	SMSGateways   sms.go               SMS gateways
//	Messengers    messengers.go        the bots and communities campaigns send through
//	Previews      preview.go           previews and test letters
//	EditorVars    editor.go            the block editor's variables (blocks.go renders)
//	Templates     letter_templates.go  the block editor's saved letters
//	Images        images.go            pictures uploaded into letters
//	Replies       reply.go             answers to campaigns (inbox.ReplyMatcher)
//	Timeline      timeline.go          campaigns on a member's CRM card
//	Runner        runner.go            sending: leases, jobs (job.go), senders
//	                                   (senders.go, smtp.go, sms.go, messenger.go),
//	                                   the ledger (ledger.go), the flight log (flightlog.go)
//
// Each holds the database and only the other services it calls; the
// runner's node-to-node news (wake-ups, unsubscribes) go through events
// (events.go). The HTTP handlers are small types of their own in the
// *_routes.go files, over the services; routes.go is the table of
// contents.
type Services struct {
	Campaigns    *Campaigns
	Actions      *CampaignActions
	Audience     *Audience
	Lists        *Lists
	Suppressions *Suppressions
	Tracking     *Tracking
	Accounts     *Accounts
	SMSGateways  *SMSGateways
	Messengers   *Messengers
	Previews     *Previews
	EditorVars   *EditorVars
	Templates    *LetterTemplates
	Images       *Images
	Replies      *Replies
	Timeline     *Timeline
	Runner       *Runner

	log *slog.Logger // for the handlers of the public links
}

// New builds the services; Run begins looking for campaigns to run.
func New(d Deps) (*Services, error) {
	if d.DB == nil || d.KV == nil || d.CRM == nil || d.Box == nil || d.Log == nil {
		return nil, errors.New("mailing: missing dependency")
	}
	if len(d.TokenKey) < 16 {
		return nil, errors.New("mailing: the token key must have at least 16 bytes")
	}
	log := d.Log.With("component", "mailing")
	base := d.PublicBase
	if base == nil {
		base = func() string { return d.BaseURL }
	}
	if base() == "" {
		log.Warn("PROFHUB_BASE_URL is not set: campaigns will not start until it is (their links must be absolute)")
	}
	tune := d.Tune.withDefaults()
	tok := newTokens(d.TokenKey, base)
	ev := newEvents(d.KV, log)
	accounts := &Accounts{db: d.DB, box: d.Box}
	gateways := &SMSGateways{db: d.DB, box: d.Box}
	messengers := &Messengers{chats: d.Inbox, by: maps.Clone(d.Messengers)}
	vars := &EditorVars{fields: d.CRM.CustomFields}
	campaigns := &Campaigns{db: d.DB, accounts: accounts, messengers: messengers, filters: d.CRM.SavedFilters, vars: vars}
	audience := &Audience{db: d.DB, crm: d.CRM, chats: d.Inbox, log: log}
	tracking := &Tracking{db: d.DB, log: log, tokens: tok}
	suppressions := &Suppressions{db: d.DB, events: ev, tokens: tok}
	images := &Images{db: d.DB, blobs: d.Blobs, tokens: tok}
	runner := &Runner{images: images, db: d.DB, log: log, tune: tune, nodeID: d.NodeID, metrics: newMetrics(d.Metrics), events: ev,
		flight: &flightLogs{db: d.DB, kv: d.KV, log: log}, audience: audience, accounts: accounts, gateways: gateways,
		messengers: messengers, tracking: tracking, suppressions: suppressions, tokens: tok, jobs: map[string]*job{}, ended: d.Ended}
	return &Services{
		Campaigns:    campaigns,
		Actions:      &CampaignActions{db: d.DB, campaigns: campaigns, events: ev, tokens: tok},
		Audience:     audience,
		Lists:        &Lists{db: d.DB},
		Suppressions: suppressions,
		Tracking:     tracking,
		Accounts:     accounts,
		SMSGateways:  gateways,
		Messengers:   messengers,
		Previews:     &Previews{db: d.DB, log: log, crm: d.CRM, campaigns: campaigns, accounts: accounts},
		EditorVars:   vars,
		Templates:    &LetterTemplates{db: d.DB},
		Images:       images,
		Replies:      &Replies{db: d.DB},
		Timeline:     &Timeline{db: d.DB},
		Runner:       runner,
		log:          log,
	}, nil
}

// Run starts the node's part of the campaign runner; Stop ends it.
func (s *Services) Run() { s.Runner.Run() }

// Stop ends the runner; sends in flight finish and are recorded first.
func (s *Services) Stop() { s.Runner.Stop() }

// bulkRows is the rows per multi-row INSERT (bulkInsert): on PostgreSQL
// each statement is a round trip, so wide ones pay; SQLite (modernc) looks
// bound parameters up by a linear scan, so there very wide statements cost
// more per row than they save, and 16 rows was the best measured.
func bulkRows(d *db.DB) int {
	if d.Dialect == db.Postgres {
		return 250
	}
	return 16
}
