package web

import "github.com/profhub/profhub/internal/security/access"

// menuEntry is one entry of the main menu and the page area it opens.
// Its permission is the one the area's page demands (pages.area) and the
// area's JSON API asks of the caller's scope, so the menu is derived from
// the checks themselves: a user sees an entry exactly when it opens for
// them, and an operator never sees "Рассылки" to be refused there.
type menuEntry struct {
	Nav  string            // the area's name, as its pages mark themselves
	Href string            // where the entry leads
	Key  string            // catalogue key of its title
	Perm access.Permission // "" opens for every signed-in user
}

// menu is the main menu in order.
var menu = []menuEntry{
	{Nav: "inbox", Href: "/inbox", Key: "nav.inbox", Perm: access.AnswerInbox},
	{Nav: "feed", Href: "/feed", Key: "nav.feed", Perm: access.ReadDirectory}, // everyone reads posts for them; PostFeed writes
	{Nav: "members", Href: "/members", Key: "nav.members", Perm: access.ReadDirectory},
	{Nav: "appeals", Href: "/appeals", Key: "nav.appeals", Perm: access.AnswerInbox},
	{Nav: "lists", Href: "/lists", Key: "nav.lists", Perm: access.ReadDirectory},
	// Everyone has documents: their tasks; the registries are for those
	// who may read them (documents.js shows those parts by permission).
	{Nav: "documents", Href: "/documents", Key: "nav.documents"},
	{Nav: "mailings", Href: "/mailings", Key: "nav.mailings", Perm: access.SendMailings},
	// Every employee has a calendar; what each may read or write is the
	// calendar API's business.
	{Nav: "calendar", Href: "/calendar", Key: "nav.calendar", Perm: access.ReadDirectory},
	{Nav: "chat", Href: "/chat", Key: "nav.chat"},
	// Everyone requests their own absences and sees their unit's chart;
	// the unit's time sheet (/worktime, which heads correct) is a tab of
	// the same area: the menu already wraps on a 1366 px screen for a
	// chairman, and the sheet shows the absences by their letters.
	{Nav: "absences", Href: "/absences", Key: "nav.absences", Perm: access.ReadDirectory},
	{Nav: "tasks", Href: "/tasks", Key: "nav.tasks", Perm: access.ReadDirectory},
	// One's profile is always there; the administration behind it is
	// shown by permission on the settings page.
	{Nav: "settings", Href: "/settings", Key: "nav.settings"},
}

// menuFor is the part of the menu sc opens.
func menuFor(sc access.Scope) []menuEntry {
	var out []menuEntry
	for _, e := range menu {
		if opens(sc, e.Nav) {
			out = append(out, e)
		}
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
