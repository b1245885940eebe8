package crm_test

import (
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

// TestMemberOneWordSearch checks a one-word search's page and total, which
// PostgreSQL takes from one look-up of the word's ids (crm.wordIDs): a
// member whose surname and patronymic both begin with the word is one
// member, an archived card is left out, and so are the cards outside the
// caller's scope or the chosen organisation.
func TestMemberOneWordSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: "Михайлов", GivenName: "Иван", Patronymic: "Петрович"})
		f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: "Петров", GivenName: "Иван", Patronymic: "Михайлович"})
		f.add(t, crm.MemberInput{UnitID: f.a2.ID, Surname: "Михайлова", GivenName: "Анна", Patronymic: "Михайловна"})
		f.add(t, crm.MemberInput{UnitID: f.b1.ID, Surname: "Михайлов", GivenName: "Олег"})
		f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: "Сидоров", GivenName: "Михаил"})
		gone := f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: "Михайлов", GivenName: "Пётр"})
		if _, err := f.s.Cards.ArchiveMember(f.ctx, f.sys, gone.ID, true); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			want int
			get  func() (crm.MemberPage, error)
		}{
			{"everyone", 4, func() (crm.MemberPage, error) {
				return f.s.Members.ListMembers(f.ctx, f.sys, crm.MemberFilter{Query: "михайлов"})
			}},
			{"committee A's chairman", 3, func() (crm.MemberPage, error) {
				return f.s.Members.ListMembers(f.ctx, f.chairA, crm.MemberFilter{Query: "МИХАЙЛОВ"})
			}},
			{"one organisation", 2, func() (crm.MemberPage, error) {
				return f.s.Members.ListMembers(f.ctx, f.sys, crm.MemberFilter{Query: "михайлов", UnitID: f.a1.ID})
			}},
			{"a page of one", 4, func() (crm.MemberPage, error) {
				return f.s.Members.ListMembers(f.ctx, f.sys, crm.MemberFilter{Query: "михайлов", Limit: 1})
			}},
			{"no one", 0, func() (crm.MemberPage, error) {
				return f.s.Members.ListMembers(f.ctx, f.sys, crm.MemberFilter{Query: "захаров"})
			}},
		} {
			page, err := c.get()
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if page.Total != c.want {
				t.Errorf("%s: total %d, want %d", c.name, page.Total, c.want)
			}
			seen := map[string]bool{}
			for _, m := range page.Members {
				if seen[m.ID] || m.ID == gone.ID {
					t.Errorf("%s: %s %s listed twice or archived", c.name, m.Surname, m.GivenName)
				}
				seen[m.ID] = true
			}
			if want := min(c.want, max(1, c.want/4)); c.name == "a page of one" && len(page.Members) != want {
				t.Errorf("%s: %d on the page, want %d", c.name, len(page.Members), want)
			} else if c.name != "a page of one" && len(page.Members) != c.want {
				t.Errorf("%s: %d on the page, want %d", c.name, len(page.Members), c.want)
			}
		}
	})
}
