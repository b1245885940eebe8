// Package access defines who may see and do what: roles, permissions and the
// Scope that every store function takes. A user sees their home unit and
// everything below it in the organisation tree; stores turn a Scope into a
// range condition on the units' materialised paths, so a handler cannot
// forget to apply it.
package access

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrForbidden is returned when the caller's role does not allow an action.
var ErrForbidden = errors.New("forbidden")

// Role is a user's job in the union, which decides their permissions.
type Role string

const (
	Administrator Role = "administrator"
	Chairman      Role = "chairman"
	Deputy        Role = "deputy"
	Secretary     Role = "secretary"
	Operator      Role = "operator"
	Executor      Role = "executor"
)

// Roles lists every role, most powerful first.
var Roles = []Role{Administrator, Chairman, Deputy, Secretary, Operator, Executor}

// ParseRole accepts a role name as stored and shown on the command line.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !slices.Contains(Roles, r) {
		return "", fmt.Errorf("unknown role %q (one of administrator, chairman, deputy, secretary, operator, executor)", s)
	}
	return r, nil
}

// Permission is one kind of action guarded by role.
type Permission string

const (
	ReadDirectory  Permission = "directory.read"  // see units and colleagues in scope
	ManageUsers    Permission = "users.manage"    // create, edit, disable users
	ManageUnits    Permission = "units.manage"    // create, rename, move units
	ReadAudit      Permission = "audit.read"      // read the audit log of the subtree
	ManageSettings Permission = "settings.manage" // installation-wide policies
	ManageInbox    Permission = "inbox.manage"    // lines, channels, their operators
	SuperviseInbox Permission = "inbox.supervise" // watch every line of the subtree, reassign, take over
	AnswerInbox    Permission = "inbox.answer"    // take and answer conversations of one's lines

	RegisterDocuments Permission = "documents.register" // register documents, attach files, dispatch outgoing mail
	ReadRegistry      Permission = "documents.read"     // see every document of the subtree's registries (others see what they are assigned)
	ManageWorkflow    Permission = "workflow.manage"    // number formats, process definitions, templates

	EditRegistry Permission = "registry.edit"  // create and edit member, contact and organisation cards, import
	MergeMembers Permission = "registry.merge" // merge duplicate cards (one card is deleted)
	ManageLists  Permission = "lists.manage"   // define universal lists and their fields

	ManageAppeals Permission = "appeals.manage" // appeal categories and their deadlines
	SetAppealDue  Permission = "appeals.due"    // set an appeal's due date by hand, over its category's

	SendMailings Permission = "mailings.send" // prepare, send and watch campaigns

	ApproveAbsences Permission = "absences.approve" // approve, reject and enter the absences of the subtree's staff

	PostFeed Permission = "feed.post" // publish posts to the staff feed of the subtree's units and people

	EditHelp Permission = "help.edit" // write, publish and delete the public help centre's articles and categories
)

var grants = map[Role][]Permission{
	Administrator: {ReadDirectory, ManageUsers, ManageUnits, ReadAudit, ManageSettings, ManageInbox, SuperviseInbox, AnswerInbox,
		RegisterDocuments, ReadRegistry, ManageWorkflow, EditRegistry, MergeMembers, ManageLists, ManageAppeals, SetAppealDue,
		SendMailings, ApproveAbsences, PostFeed, EditHelp},
	Chairman:  {ReadDirectory, ReadAudit, SuperviseInbox, AnswerInbox, ReadRegistry, EditRegistry, MergeMembers, SetAppealDue, SendMailings, ApproveAbsences, PostFeed},
	Deputy:    {ReadDirectory, ReadAudit, SuperviseInbox, AnswerInbox, ReadRegistry, EditRegistry, MergeMembers, SetAppealDue, SendMailings, ApproveAbsences, PostFeed},
	Secretary: {ReadDirectory, AnswerInbox, RegisterDocuments, ReadRegistry, EditRegistry, MergeMembers, SetAppealDue, SendMailings, PostFeed, EditHelp},
	Operator:  {ReadDirectory, AnswerInbox, EditRegistry},
	Executor:  {ReadDirectory, AnswerInbox},
}

// Scope is the caller of a store function: who they are, their role, the
// subtree they may see and where the request came from (for the audit log).
type Scope struct {
	UserID   string
	UserName string
	Role     Role
	UnitID   string
	UnitPath string // materialised path of the home unit, "/…/"
	From     string // client address, or "cli"
}

// System is the scope of the command line and of start-up jobs: the whole
// tree, with administrator rights, named in the audit log as name.
func System(name string) Scope {
	return Scope{UserName: name, Role: Administrator, UnitPath: "/", From: "cli"}
}

// Can reports whether the scope's role grants p.
func (s Scope) Can(p Permission) bool {
	return slices.Contains(grants[s.Role], p)
}

// Require returns ErrForbidden unless the scope's role grants p.
func (s Scope) Require(p Permission) error {
	if s.UnitPath == "" || !s.Can(p) {
		return fmt.Errorf("%w: %s may not %s", ErrForbidden, s.Role, p)
	}
	return nil
}

// Covers reports whether a unit with the given path lies in the scope.
func (s Scope) Covers(path string) bool {
	return s.UnitPath != "" && strings.HasPrefix(path, s.UnitPath)
}

// PathRange returns the half-open interval [lo, hi) of paths in the scope's
// subtree, for `path >= lo AND path < hi` on an indexed, byte-ordered column.
// An empty scope yields an empty range.
func (s Scope) PathRange() (lo, hi string) {
	if s.UnitPath == "" {
		return "", ""
	}
	return SubtreeRange(s.UnitPath)
}

// SubtreeRange is PathRange for any path ending in "/": every descendant's
// path starts with it, and '0' is the byte after '/'.
func SubtreeRange(path string) (lo, hi string) {
	return path, strings.TrimSuffix(path, "/") + "0"
}
