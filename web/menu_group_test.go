package web

import (
	"slices"
	"testing"

	"github.com/profhub/profhub/internal/security/access"
)

// titles is each group's name with its entries' areas, as the header
// draws them.
func titles(gs []menuGroup) map[string][]string {
	out := map[string][]string{}
	for _, g := range gs {
		for _, e := range g.Entries {
			out[g.Name] = append(out[g.Name], e.Nav)
		}
	}
	return out
}

// TestMenuGroups: entries fold into their groups in the menu's order,
// the settings last; a group none of whose entries opens is gone; a
// group of one entry is drawn as that link.
func TestMenuGroups(t *testing.T) {
	op := access.Scope{Role: access.Operator, UnitPath: "/1/"}
	gs := menuFor(op)
	var names []string
	for _, g := range gs {
		names = append(names, g.Name)
	}
	if want := []string{groupAppeals, groupMembers, groupDocuments, groupStaff, groupMe}; !slices.Equal(names, want) {
		t.Errorf("operator's groups %v, want %v (no mailings)", names, want)
	}
	if got := titles(gs)[groupStaff]; !slices.Equal(got, []string{"feed", "tasks", "calendar", "absences"}) {
		t.Errorf("staff group %v", got)
	}
	if g := gs[0]; g.Single() || g.Key != "nav.group.appeals" || !g.Holds("appeals") || g.Holds("members") {
		t.Errorf("appeals group %+v", g)
	}
	if g := gs[2]; !g.Single() {
		t.Errorf("documents should be one link: %+v", g)
	}
	if len(menuFor(access.Scope{Role: access.Operator})) != 0 {
		t.Error("a scope without a unit sees a menu")
	}
}

// TestMenuNewSectionIsOneLine: a line added after the settings, in an
// existing group or in a new one without words in the catalogue yet,
// shows in its place, and the settings stay last.
func TestMenuNewSectionIsOneLine(t *testing.T) {
	saved := menu
	t.Cleanup(func() { menu = saved })
	menu = append(slices.Clone(saved),
		menuEntry{Nav: "chat", Href: "/chat", Key: "nav.chat", Group: groupStaff},
		menuEntry{Nav: "wiki", Href: "/wiki", Key: "nav.wiki", Group: "knowledge"},
		menuEntry{Nav: "lone", Href: "/lone", Key: "nav.lone", Perm: access.ManageUsers})
	sec := access.Scope{Role: access.Secretary, UnitPath: "/1/"}
	gs := menuFor(sec)
	got := titles(gs)
	if !slices.Equal(got[groupStaff], []string{"feed", "tasks", "calendar", "absences", "chat"}) {
		t.Errorf("staff group %v", got[groupStaff])
	}
	last := gs[len(gs)-1]
	if last.Name != groupMe {
		t.Errorf("last group %q, want the settings", last.Name)
	}
	k := gs[len(gs)-2]
	if k.Name != "knowledge" || k.Key != "nav.wiki" || !k.Single() {
		t.Errorf("a new group %+v", k)
	}
	if _, ok := got["nav:lone"]; ok {
		t.Error("the secretary sees an entry that needs managing users")
	}
	if !opens(sec, "chat") || opens(sec, "lone") {
		t.Error("opens disagrees with the menu")
	}
}
