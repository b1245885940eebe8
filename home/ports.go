package home

import (
	"context"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/mailing"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/workflow"
)

// The home page reads the domains' existing queries through these ports;
// the comment of each names the service that satisfies it. A nil port
// leaves its sections empty (a hub without that domain, a test).

// Conversations lists conversations in scope (*inbox.Conversations).
type Conversations interface {
	List(ctx context.Context, sc access.Scope, f inbox.ConversationFilter) ([]inbox.Conversation, error)
}

// Lines gives the lines' queues as supervisors see them (*inbox.Supervisor).
type Lines interface {
	Overview(ctx context.Context, sc access.Scope, loc *time.Location) ([]inbox.LineOverview, error)
}

// LineList lists the lines in scope with their operators (*inbox.Lines),
// to find the caller's own.
type LineList interface {
	List(ctx context.Context, sc access.Scope) ([]inbox.Line, error)
}

// Channels lists channels and reads their health (*inbox.Channels).
type Channels interface {
	List(ctx context.Context, sc access.Scope) ([]inbox.Channel, error)
	StatusOf(ctx context.Context, id string) (inbox.ChannelStatus, error)
}

// Tasks are documents' tasks: one's own, and all in scope
// (*workflow.Tasks).
type Tasks interface {
	MyTasks(ctx context.Context, sc access.Scope) ([]workflow.Task, error)
	ControlReport(ctx context.Context, sc access.Scope) ([]workflow.Task, error)
}

// Documents is the registry journal (*workflow.Journal).
type Documents interface {
	Journal(ctx context.Context, sc access.Scope, f workflow.JournalFilter) (workflow.JournalPage, error)
}

// Appeals lists appeal cards (*crm.Appeals).
type Appeals interface {
	ListAppeals(ctx context.Context, sc access.Scope, f crm.AppealFilter) (crm.AppealPage, error)
}

// Imports lists the member imports still running (*crm.ImportBatches).
type Imports interface {
	Running(ctx context.Context, sc access.Scope) ([]crm.ImportBatch, error)
}

// Campaigns lists mailings (*mailing.Campaigns).
type Campaigns interface {
	ListCampaigns(ctx context.Context, sc access.Scope, limit, offset int) ([]mailing.Campaign, error)
}

// Units lists the organisation tree in scope (*org.Store), to group the
// week's figures by committee.
type Units interface {
	ListUnits(ctx context.Context, sc access.Scope, query string) ([]org.Unit, error)
}

// Sources are the ports, filled by the hub.
type Sources struct {
	Conversations Conversations
	Lines         Lines
	LineList      LineList
	Channels      Channels
	Tasks         Tasks
	Documents     Documents
	Appeals       Appeals
	Imports       Imports
	Campaigns     Campaigns
	Units         Units
}
