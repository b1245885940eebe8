package web

import (
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/web/i18n"
)

// menuEntry is one entry of the main menu and the page area it opens.
// Its permission is the one the area's page demands (pages.area) and the
// area's JSON API asks of the caller's scope, so the menu is derived from
// the checks themselves: a user sees an entry exactly when it opens for
// them, and an operator never sees "Рассылки" to be refused there.
//
// Entries sharing a Group fold into one drop-down of the header (the
// menu had outgrown one line at 1366 px); a new section is one more line
// here, naming an existing group or a new one (menuFor).
type menuEntry struct {
	Nav   string            // the area's name, as its pages mark themselves
	Href  string            // where the entry leads
	Key   string            // catalogue key of its title
	Perm  access.Permission // "" opens for every signed-in user
	Group string            // its drop-down; titled "nav.group.<Group>"
}

// The groups of the header. groupMe is drawn last, at the right, beside
// the user's name, whatever its place in menu.
const (
	groupAppeals   = "appeals"
	groupMembers   = "members"
	groupDocuments = "documents"
	groupMailings  = "mailings"
	groupStaff     = "staff"
	groupMe        = "me"
)

// menu is the main menu in order; a group stands where its first entry does.
var menu = []menuEntry{
	{Nav: "inbox", Href: "/inbox", Key: "nav.inbox", Perm: access.AnswerInbox, Group: groupAppeals},
	{Nav: "appeals", Href: "/appeals", Key: "nav.appeals", Perm: access.AnswerInbox, Group: groupAppeals},
	// Reports cover every line of the subtree: supervisors and
	// administrators. Operators and line supervisors see their own
	// figures on the same page from the console (/inbox/stats).
	{Nav: "reports", Href: "/reports", Key: "nav.reports", Perm: access.SuperviseInbox, Group: groupAppeals},
	// The public help centre's editing; its pages (/help) open for anyone.
	{Nav: "help", Href: "/help/admin", Key: "nav.help", Perm: access.EditHelp, Group: groupAppeals},
	{Nav: "members", Href: "/members", Key: "nav.members", Perm: access.ReadDirectory, Group: groupMembers},
	{Nav: "lists", Href: "/lists", Key: "nav.lists", Perm: access.ReadDirectory, Group: groupMembers},
	// Everyone has documents: their tasks; the registries are for those
	// who may read them (documents.js shows those parts by permission).
	{Nav: "documents", Href: "/documents", Key: "nav.documents", Group: groupDocuments},
	{Nav: "mailings", Href: "/mailings", Key: "nav.mailings", Perm: access.SendMailings, Group: groupMailings},
	// everyone reads posts for them; PostFeed writes
	{Nav: "feed", Href: "/feed", Key: "nav.feed", Perm: access.ReadDirectory, Group: groupStaff},
	{Nav: "tasks", Href: "/tasks", Key: "nav.tasks", Perm: access.ReadDirectory, Group: groupStaff},
	{Nav: "chat", Href: "/chat", Key: "nav.chat", Group: groupStaff},
	// Every employee has a calendar; what each may read or write is the
	// calendar API's business.
	{Nav: "calendar", Href: "/calendar", Key: "nav.calendar", Perm: access.ReadDirectory, Group: groupStaff},
	// Everyone requests their own absences and sees their unit's chart;
	// the unit's time sheet (/worktime, which heads correct) is a tab of
	// the same area, and the sheet shows the absences by their letters.
	{Nav: "absences", Href: "/absences", Key: "nav.absences", Perm: access.ReadDirectory, Group: groupStaff},
	// One's profile is always there; the administration behind it is
	// shown by permission on the settings page.
	{Nav: "settings", Href: "/settings", Key: "nav.settings", Group: groupMe},
}

// menuGroup is one item of the header: a drop-down of its entries, or,
// when only one of them opens for the user, that entry as a plain link.
type menuGroup struct {
	Name    string
	Key     string // catalogue key of the drop-down's title
	Entries []menuEntry
}

// Single reports whether the group is drawn as one link.
func (g menuGroup) Single() bool { return len(g.Entries) == 1 }

// Holds reports whether the area nav is one of the group's entries, so
// the header marks the group of the page being shown.
func (g menuGroup) Holds(nav string) bool {
	for _, e := range g.Entries {
		if e.Nav == nav {
			return true
		}
	}
	return false
}

// menuFor is the part of the menu sc opens, grouped: the groups in the
// order of their first entries, groupMe last, a group none of whose
// entries opens left out. An entry without a group is a group of its
// own; a group without a title in the catalogue is titled by its first
// entry, so a new group shows before its words are written.
func menuFor(sc access.Scope) []menuGroup {
	var out []menuGroup
	at := map[string]int{}
	for _, e := range menu {
		if !opens(sc, e.Nav) {
			continue
		}
		name := e.Group
		if name == "" {
			name = "nav:" + e.Nav
		}
		i, ok := at[name]
		if !ok {
			key := "nav.group." + e.Group
			if e.Group == "" || !i18n.Has(key) {
				key = e.Key
			}
			i, at[name] = len(out), len(out)
			out = append(out, menuGroup{Name: name, Key: key})
		}
		out[i].Entries = append(out[i].Entries, e)
	}
	if i, ok := at[groupMe]; ok {
		me := out[i]
		out = append(append(out[:i:i], out[i+1:]...), me)
	}
	return out
}

// opens reports whether sc may open the area nav. An area missing from
// the menu opens for nobody, so a typo fails closed.
func opens(sc access.Scope, nav string) bool {
	for _, e := range menu {
		if e.Nav == nav {
			return sc.UnitPath != "" && (e.Perm == "" || sc.Can(e.Perm))
		}
	}
	return false
}
