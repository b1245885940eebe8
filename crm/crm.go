package crm

import (
	"maps"
	"sync/atomic"
	"time"

	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// The CRM is a set of services, one per job, so that a feature has one
// type and one file to change (see docs/ARCHITECTURE.md):
//
//	Members           member_service.go  cards, search, duplicates, merge, links to conversations
//	Organisations     organisation.go    organisation cards
//	Cards             card.go            audited reads, archive and restore, the cards' history
//	CustomFields      custom_field*.go   typed custom fields of cards: definitions and checks
//	Importer          import.go          member import from XLSX/CSV
//	ImportSessions    import_session.go  the import wizard: upload, analysis, dry run, run
//	ImportBatches     import_undo.go     the wizard's import batches and their undo
//	Exporter          export.go          member export to XLSX/CSV
//	SavedFilters      saved_filter.go    named member filters
//	Appeals           appeal_store.go    appeal cards, their list and search
//	AppealCategories  appeal_category.go categories and their deadlines
//	AppealDetails     appeal_details.go  comments, files and history of a card
//	AppealNotices     appeal_notice.go   deadline reminders and overdue notices
//	Lists             list_store.go      universal lists and their records
//	ListFiles         list_file.go       files in list records
//	Timelines         timeline.go        a member's history from all sources
//
// Each holds the database and only the other services it calls; the SQL
// is in package functions over db.Execer (the *_store.go and *_query.go
// files), so a service can run several of them in one transaction. The
// HTTP handlers are small types of their own in the *_routes.go files,
// over the services; routes.go is the table of contents.

// Deps are what the hub gives the CRM.
type Deps struct {
	DB *db.DB
	// Blobs keeps the files of appeals and list records; nil refuses them.
	Blobs blob.Store
	// Notifier delivers appeal deadline notices; nil leaves
	// AppealNotices.SweepAppeals without anyone to tell.
	Notifier AppealNotifier
	// Conversations is the inbox, for cards and appeals made from
	// conversations and the member timeline; nil leaves them without it.
	Conversations ConversationReader
	// Outreach is the inbox's start of conversations, for an operator
	// writing first to a member from the card; nil offers no channel.
	Outreach ConversationStarter
	// Translate gives the texts of files written for people (the import's
	// problems) and the validation messages of the cards' forms; nil
	// leaves them in English.
	Translate Translator
	// TimelineSources add other packages' events to member timelines, by
	// name (the workflow's "documents"). A source that reads the CRM
	// itself (calls, mailings) is built after it and registers with
	// Timelines.RegisterTimelineSource.
	TimelineSources map[string]TimelineSource
	// Alerts tells people of appeals given to them, for the bell; nil: nobody.
	Alerts Alerter
	// Zone is the installation's time zone, for times written into texts
	// (an appeal made from a conversation quotes its messages with their
	// times); nil: the server's.
	Zone *time.Location
	// Calendar is the production calendar for deadlines in working days;
	// nil counts Monday to Friday.
	Calendar WorkingDays
	// ImportBoard shares running imports' progress between nodes; nil
	// shows it on the running node only.
	ImportBoard ImportProgressBoard
}

// Services are the CRM's services, built together by New.
type Services struct {
	Members          *Members
	Organisations    *Organisations
	Cards            *Cards
	CustomFields     *CustomFields
	Importer         *Importer
	ImportSessions   *ImportSessions
	ImportBatches    *ImportBatches
	Exporter         *Exporter
	SavedFilters     *SavedFilters
	Appeals          *Appeals
	AppealCategories *AppealCategories
	AppealDetails    *AppealDetails
	AppealNotices    *AppealNotices
	Lists            *Lists
	ListFiles        *ListFiles
	Timelines        *Timelines
	Outreach         *Outreach
	// MemberLinks: packages built after the CRM register their references
	// to member cards here, for merges and import undo.
	MemberLinks *MemberLinks
	// ConversationPanel is the console's side panel: the contact's details,
	// the cards proposed for it, the conversation's custom fields.
	ConversationPanel *ConversationPanel

	tr Translator // for the validation messages of the cards' forms
}

// New builds the CRM's services on d.DB.
func New(d Deps) *Services {
	files := fileStore{blobs: d.Blobs}
	links := &MemberLinks{}
	links.RegisterMemberReferrer("appeals", db.RefColumn{Table: "crm_appeals", Column: "member_id"})
	members := &Members{db: d.DB, conv: d.Conversations, links: links}
	zone := d.Zone
	if zone == nil {
		zone = time.Local
	}
	appeals := &Appeals{db: d.DB, conv: d.Conversations, alerts: d.Alerts, zone: zone, calendar: d.Calendar}
	lists := &Lists{db: d.DB}
	orgs := &Organisations{db: d.DB}
	importer, batches := &Importer{db: d.DB}, &ImportBatches{db: d.DB, links: links}
	sessions := &ImportSessions{importer: importer, batches: batches, tr: d.Translate, board: d.ImportBoard,
		sessions: map[string]*importSession{}, running: map[string]*atomic.Int64{}}
	return &Services{
		Members:           members,
		MemberLinks:       links,
		Organisations:     orgs,
		Cards:             &Cards{db: d.DB, members: members, orgs: orgs},
		CustomFields:      &CustomFields{db: d.DB},
		Importer:          importer,
		ImportSessions:    sessions,
		ImportBatches:     batches,
		Exporter:          &Exporter{db: d.DB, members: members},
		SavedFilters:      &SavedFilters{db: d.DB},
		Appeals:           appeals,
		AppealCategories:  &AppealCategories{db: d.DB},
		AppealDetails:     &AppealDetails{db: d.DB, appeals: appeals, files: files},
		AppealNotices:     &AppealNotices{db: d.DB, notifier: d.Notifier},
		Lists:             lists,
		ListFiles:         &ListFiles{db: d.DB, lists: lists, files: files},
		Timelines:         &Timelines{db: d.DB, members: members, appeals: appeals, sources: timelineSources{m: maps.Clone(d.TimelineSources)}},
		Outreach:          &Outreach{members: members, inbox: d.Outreach},
		ConversationPanel: &ConversationPanel{db: d.DB, conv: d.Conversations, members: members},
		tr:                d.Translate,
	}
}
