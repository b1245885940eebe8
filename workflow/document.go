// Package workflow is the document workflow: three registries (internal,
// incoming, outgoing) with administrator-set, gap-free registration
// numbers; documents with versioned attachments; a small engine running
// declarative, versioned process definitions; tasks, deadlines, reminders,
// notifications and the complete history of every document.
package workflow

import (
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// Kind is the registry a document belongs to.
type Kind string

const (
	KindInternal Kind = "internal"
	KindIncoming Kind = "incoming"
	KindOutgoing Kind = "outgoing"
)

// Kinds lists the registries.
var Kinds = []Kind{KindInternal, KindIncoming, KindOutgoing}

// Status is where a document's process stands.
type Status string

const (
	StatusActive   Status = "active"
	StatusClosed   Status = "closed"
	StatusRejected Status = "rejected"
)

// Medium is paper or electronic; the registration number shows it.
type Medium string

const (
	Paper      Medium = "paper"
	Electronic Medium = "electronic"
)

// Priority orders lists: urgent documents first.
const (
	PriorityNormal = 0
	PriorityHigh   = 1
	PriorityUrgent = 2
)

// ErrConflict is returned when someone else acted on the step first; the
// message says so, and the caller reloads.
var ErrConflict = errors.New("workflow: the document has already moved on (someone else decided first); reload it")

// DocumentInput is what a secretary fills in when registering.
type DocumentInput struct {
	Kind          Kind   `json:"kind"`
	UnitID        string `json:"unit_id,omitempty"`
	Medium        Medium `json:"medium"`
	Title         string `json:"title"`
	Summary       string `json:"summary,omitempty"`
	Correspondent string `json:"correspondent,omitempty"` // sender of incoming, recipient of outgoing
	OrigNumber    string `json:"orig_number,omitempty"`   // the original's number
	OrigDate      string `json:"orig_date,omitempty"`     // YYYY-MM-DD
	DocDate       string `json:"doc_date,omitempty"`
	ReceivedOn    string `json:"received_on,omitempty"`
	Delivery      string `json:"delivery,omitempty"` // how it was received or is to be sent
	Priority      int    `json:"priority,omitempty"`
	Deadline      string `json:"deadline,omitempty"` // YYYY-MM-DD, end of that day in the installation's zone
	MemberID      string `json:"member_id,omitempty"`
	OrgUnitID     string `json:"org_unit_id,omitempty"`
	AppealID      string `json:"appeal_id,omitempty"`
	RelatedID     string `json:"related_id,omitempty"`
	TemplateID    string `json:"template_id,omitempty"`
}

// Document is a registered document and where its process stands.
type Document struct {
	DocumentInput
	ID              string      `json:"id"`
	UnitName        string      `json:"unit_name"`
	Number          string      `json:"number"`
	Seq             int64       `json:"seq"`
	Year            int         `json:"year"`
	ProcessID       string      `json:"process_id"`
	ProcessVersion  int         `json:"process_version"`
	Step            string      `json:"step"`
	StepName        string      `json:"step_name"`
	Status          Status      `json:"status"`
	StateVersion    int64       `json:"state_version"`
	SignedAt        time.Time   `json:"signed_at,omitzero"`
	SignedBy        string      `json:"signed_by,omitempty"`
	RejectionReason string      `json:"rejection_reason,omitempty"`
	Resolution      *Resolution `json:"resolution,omitempty"`
	Dispatch        *Dispatch   `json:"dispatch,omitempty"`
	Overdue         bool        `json:"overdue"`
	CreatedBy       string      `json:"created_by"`
	CreatedAt       time.Time   `json:"created_at"`
	UpdatedAt       time.Time   `json:"updated_at"`
}

// Resolution is what the chairman writes on an incoming document.
type Resolution struct {
	Text     string `json:"text"`
	Date     string `json:"date"`     // YYYY-MM-DD, today when empty
	Deadline string `json:"deadline"` // YYYY-MM-DD
	Priority int    `json:"priority"`
}

// Dispatch records how an outgoing document left.
type Dispatch struct {
	Method  string `json:"method"` // email | post | courier | hand
	Address string `json:"address,omitempty"`
	SentOn  string `json:"sent_on,omitempty"` // YYYY-MM-DD, today when empty
	Note    string `json:"note,omitempty"`
	// Mail is the letter's outcome when Method is "email"; set by the
	// server only.
	Mail *MailResult `json:"mail,omitempty"`
}

// DispatchMethods are the ways an outgoing document can leave.
var DispatchMethods = []string{"email", "post", "courier", "hand"}

func (in *DocumentInput) normalize() error {
	trim := func(p *string, field string, max int) error {
		*p = strings.TrimSpace(*p)
		if !utf8.ValidString(*p) || utf8.RuneCountInString(*p) > max {
			return valid.Errorf(field, "too_long", "%s: at most %d characters of text", field, max)
		}
		return nil
	}
	for _, f := range []struct {
		p     *string
		name  string
		limit int
	}{{&in.Title, "title", 500}, {&in.Summary, "summary", 5000}, {&in.Correspondent, "correspondent", 500},
		{&in.OrigNumber, "orig_number", 100}, {&in.Delivery, "delivery", 100}, {&in.UnitID, "unit_id", 64},
		{&in.MemberID, "member_id", 64}, {&in.OrgUnitID, "org_unit_id", 64}, {&in.AppealID, "appeal_id", 64},
		{&in.RelatedID, "related_id", 64}} {
		if err := trim(f.p, f.name, f.limit); err != nil {
			return err
		}
	}
	if !slices.Contains(Kinds, in.Kind) {
		return valid.Errorf("kind", "doc_kind", "kind must be internal, incoming or outgoing")
	}
	if in.Medium == "" {
		in.Medium = Electronic
	}
	if in.Medium != Paper && in.Medium != Electronic {
		return valid.Errorf("medium", "doc_medium", "medium must be paper or electronic")
	}
	if in.Title == "" {
		return valid.Errorf("title", "required", "the title is required")
	}
	if in.Priority < PriorityNormal || in.Priority > PriorityUrgent {
		return valid.Errorf("priority", "doc_priority", "priority must be 0 (normal), 1 (high) or 2 (urgent)")
	}
	for _, d := range []struct{ v, name string }{{in.OrigDate, "orig_date"}, {in.DocDate, "doc_date"},
		{in.ReceivedOn, "received_on"}, {in.Deadline, "deadline"}} {
		if err := checkDate(d.v, d.name); err != nil {
			return err
		}
	}
	return nil
}

func checkDate(v, field string) error {
	if v == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return valid.Errorf(field, "date_format", "%s must be a date YYYY-MM-DD", field)
	}
	return nil
}

// zone is the installation's time zone (Deps.Zone): years of numbers,
// ends of deadline days, dates in letters and in the journal's export
// are counted in it. One process is one installation, so the zone is the
// process's; New sets it, atomically for the tests' many hubs.
var zone atomic.Pointer[time.Location]

// Zone is the zone the workflow counts days in: Deps.Zone, or Orenburg's
// (UTC+5) before New has run.
func Zone() *time.Location {
	if l := zone.Load(); l != nil {
		return l
	}
	return defaultZone
}

var defaultZone = config.DefaultZone()

// deadlineMillis is the end of the given day in the zone, or 0 for "".
func deadlineMillis(day string) int64 {
	if day == "" {
		return 0
	}
	t, err := time.ParseInLocation(time.DateOnly, day, Zone())
	if err != nil {
		return 0
	}
	return t.AddDate(0, 0, 1).UnixMilli() - 1
}

// deadlineDay is deadlineMillis reversed.
func deadlineDay(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).In(Zone()).Format(time.DateOnly)
}
