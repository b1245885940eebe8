package crm

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// AppealStatus is where an appeal (обращение) stands.
type AppealStatus string

const (
	AppealNew        AppealStatus = "new"
	AppealInProgress AppealStatus = "in_progress"
	AppealWaiting    AppealStatus = "waiting" // for the member
	AppealResolved   AppealStatus = "resolved"
	AppealRejected   AppealStatus = "rejected"
)

// AppealStatuses lists the statuses in their usual order.
var AppealStatuses = []AppealStatus{AppealNew, AppealInProgress, AppealWaiting, AppealResolved, AppealRejected}

// open reports whether work on an appeal with status s is still due.
func (s AppealStatus) open() bool {
	return s == AppealNew || s == AppealInProgress || s == AppealWaiting
}

// AppealChannels are where an appeal may come from: the inbox's channel
// kinds, and the ways staff file one by hand.
var AppealChannels = []string{"telegram", "vk", "email", "widget", "api", "phone", "letter", "visit", "other"}

// AppealInput is what staff edit on an appeal card.
type AppealInput struct {
	UnitID        string       `json:"unit_id"`   // organisation; the member's when empty
	MemberID      string       `json:"member_id"` // empty for a person without a card
	Applicant     string       `json:"applicant"` // name as given, when there is no card
	Channel       string       `json:"channel"`
	Topic         string       `json:"topic"`
	Subject       string       `json:"subject"`
	Text          string       `json:"text"`
	Status        AppealStatus `json:"status"`
	Priority      int          `json:"priority"` // 0 normal, 1 high, 2 urgent
	ResponsibleID string       `json:"responsible_id"`
	CoExecutorIDs []string     `json:"co_executor_ids"` // staff working it beside the responsible person
	CategoryID    string       `json:"category_id"`     // its SLA gives the due date
	DueOn         string       `json:"due_on"`          // YYYY-MM-DD; by hand only with access.SetAppealDue
	Resolution    string       `json:"resolution"`
	// Custom are the values of the appeal custom fields (custom_field.go),
	// checked against the fields that apply to its organisation.
	Custom map[string]any `json:"custom"`
}

// AppealPerson is a member of staff named on an appeal.
type AppealPerson struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Appeal is a stored appeal card.
type Appeal struct {
	ID     string `json:"id"`
	Number string `json:"number"` // 2026-000123
	AppealInput
	ConversationID  string         `json:"conversation_id,omitempty"`
	MessageIDs      []string       `json:"message_ids"`
	MemberName      string         `json:"member_name,omitempty"`
	UnitName        string         `json:"unit_name"`
	CategoryName    string         `json:"category_name,omitempty"`
	ResponsibleName string         `json:"responsible_name,omitempty"`
	CoExecutors     []AppealPerson `json:"co_executors"`
	Overdue         bool           `json:"overdue"`
	CreatedBy       string         `json:"created_by"`
	CreatedAt       time.Time      `json:"created_at"`
	UpdatedAt       time.Time      `json:"updated_at"`
	ClosedAt        time.Time      `json:"closed_at,omitzero"`
}

// ConversationReader is what appeals need of the inbox: a conversation the
// caller may see and its messages. The hub adapts the inbox's services to
// it (hub.CRMConversations) and gives it in Deps.Conversations.
type ConversationReader interface {
	GetConversation(ctx context.Context, sc access.Scope, id string) (inbox.Conversation, error)
	Messages(ctx context.Context, sc access.Scope, convID string, afterSeq int64, limit int) ([]inbox.Message, error)
	LinkMember(ctx context.Context, sc access.Scope, convID, memberID string) (inbox.Conversation, error)
	// NoteAppeal writes "appeal_created" into the conversation's history
	// (which automation rules follow).
	NoteAppeal(ctx context.Context, sc access.Scope, convID string, n inbox.AppealNote) error
}

// DefaultAppealDays is the deadline of an appeal filed without one: the
// thirty days the law gives an organisation to answer a citizen.
const DefaultAppealDays = 30

func (in *AppealInput) normalize() error {
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{
		{"applicant", &in.Applicant, 300}, {"topic", &in.Topic, 200}, {"subject", &in.Subject, 500},
		{"text", &in.Text, 20000}, {"resolution", &in.Resolution, 20000},
	} {
		if f.name != "text" && f.name != "resolution" {
			*f.v = strings.Join(strings.Fields(*f.v), " ")
		} else {
			*f.v = strings.TrimSpace(*f.v)
		}
		if len([]rune(*f.v)) > f.max {
			return valid.Errorf(f.name, "too_long", "%s must have at most %d characters", f.name, f.max)
		}
	}
	if in.Subject == "" {
		return valid.Errorf("subject", "required", "the subject of the appeal is required")
	}
	if in.Channel == "" {
		in.Channel = "other"
	}
	if !slices.Contains(AppealChannels, in.Channel) {
		return valid.Errorf("channel", "channel", "channel must be one of %s", strings.Join(AppealChannels, ", "))
	}
	if in.Status == "" {
		in.Status = AppealNew
	}
	if !slices.Contains(AppealStatuses, in.Status) {
		return valid.Errorf("status", "status", "status must be one of new, in_progress, waiting, resolved, rejected")
	}
	if in.Priority < 0 || in.Priority > 2 {
		return valid.Errorf("priority", "priority", "priority must be 0, 1 or 2")
	}
	for k, v := range in.Custom {
		if v == nil {
			delete(in.Custom, k)
		}
	}
	if in.Custom == nil {
		in.Custom = map[string]any{}
	}
	if b, _ := json.Marshal(in.Custom); len(b) > 16<<10 {
		return valid.Errorf("custom", "too_long", "custom fields must take at most 16 KiB")
	}
	if in.DueOn != "" {
		if _, err := time.Parse(time.DateOnly, in.DueOn); err != nil {
			return valid.Errorf("due_on", "date", "due_on must be a date, YYYY-MM-DD")
		}
	}
	if len(in.MemberID) > 100 || len(in.UnitID) > 100 || len(in.ResponsibleID) > 100 || len(in.CategoryID) > 100 {
		return valid.Errorf("member_id", "too_long", "ids must have at most 100 characters")
	}
	// Co-executors: each once, not the responsible person again, in a
	// stable order so that an unchanged list compares equal.
	var co []string
	for _, id := range in.CoExecutorIDs {
		id = strings.TrimSpace(id)
		if id != "" && id != in.ResponsibleID && !slices.Contains(co, id) {
			co = append(co, id)
		}
	}
	if len(co) > MaxCoExecutors {
		return valid.Errorf("co_executor_ids", "too_many", "an appeal has at most %d co-executors", MaxCoExecutors)
	}
	slices.Sort(co)
	in.CoExecutorIDs = co
	if in.CoExecutorIDs == nil {
		in.CoExecutorIDs = []string{}
	}
	return nil
}

// MaxCoExecutors bounds the co-executors of one appeal.
const MaxCoExecutors = 20

// requireAppeals: everyone who answers the inbox files and works appeals;
// an executor sees only those assigned to them (see appealVisible).
func requireAppeals(sc access.Scope) error {
	return sc.Require(access.AnswerInbox)
}

// appealVisible is the scope rule for appeals, applied in SQL: the
// appeal's organisation lies in the caller's subtree (not for executors),
// or the caller is its responsible person or a co-executor.
func appealVisible(sc access.Scope, arg func(any) string) string {
	if sc.Role == access.Executor {
		return assignedTo(sc.UserID, arg)
	}
	lo, hi := sc.PathRange()
	return "((u.path >= " + arg(lo) + " AND u.path < " + arg(hi) + ") OR " + assignedTo(sc.UserID, arg) + ")"
}

// assignedTo is the condition "userID is the appeal's responsible person
// or a co-executor"; nobody (the system scope) is assigned nothing.
func assignedTo(userID string, arg func(any) string) string {
	if userID == "" {
		return "1 = 0"
	}
	id := arg(userID)
	return "(a.responsible_id = " + id + " OR EXISTS (SELECT 1 FROM crm_appeal_executors x WHERE x.appeal_id = a.id AND x.user_id = " + id + "))"
}

func appealNotFound(id string) error { return fmt.Errorf("crm: appeal %s: %w", id, db.ErrNotFound) }

// today is the date deadlines are compared with.
func today() string { return time.Now().Format(time.DateOnly) }
