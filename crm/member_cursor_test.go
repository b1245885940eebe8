package crm_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

// Walking a list with after= visits every member once, in the order the
// offset pages give, for each sort and direction; a bad cursor is refused.
func TestMemberKeysetPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for i := range 11 {
			unit := f.a1.ID
			if i%3 == 0 {
				unit = f.a2.ID
			}
			// Namesakes and shared dates make the id decide the order.
			f.add(t, crm.MemberInput{UnitID: unit, Surname: fmt.Sprintf("Фамилия%d", i%4), GivenName: "Ёлка",
				BirthDate: fmt.Sprintf("19%02d-01-01", 70+i%3), JoinedOn: fmt.Sprintf("20%02d-02-01", 10+i%2),
				CardNumber: fmt.Sprintf("K-%02d", i), Phones: []string{fmt.Sprintf("+7912000%04d", i)}})
		}
		for _, sort := range []string{"", "-name", "birth_date", "-joined_on", "created_at", "-card_number", "unit", "-unit"} {
			base := crm.MemberFilter{UnitID: f.a.ID, Sort: sort, Limit: 3}
			var byOffset, byCursor []string
			for off := 0; off < 20; off += 3 {
				g := base
				g.Offset = off
				page, err := f.s.Members.ListMembers(f.ctx, f.chairA, g)
				if err != nil {
					t.Fatalf("%s offset %d: %v", sort, off, err)
				}
				for _, m := range page.Members {
					byOffset = append(byOffset, m.ID)
				}
			}
			g := base
			for range 10 {
				page, err := f.s.Members.ListMembers(f.ctx, f.chairA, g)
				if err != nil {
					t.Fatalf("%s after %q: %v", sort, g.After, err)
				}
				if page.Total != 11 {
					t.Fatalf("%s: total %d on a later page", sort, page.Total)
				}
				for _, m := range page.Members {
					byCursor = append(byCursor, m.ID)
				}
				if page.Next == "" {
					break
				}
				g.After = page.Next
			}
			if len(byOffset) != 11 || !slices.Equal(byOffset, byCursor) {
				t.Errorf("sort %q: offset pages %v, keyset pages %v", sort, byOffset, byCursor)
			}
		}
		for _, bad := range []crm.MemberFilter{{After: "not a cursor"}, {After: "WyJhIl0"}, {Sort: "created_at", After: "WyJ4IiwieSJd"}} {
			if _, err := f.s.Members.ListMembers(f.ctx, f.chairA, bad); err == nil {
				t.Errorf("cursor %q with sort %q accepted", bad.After, bad.Sort)
			}
		}
		if _, err := f.s.Members.ListMembers(f.ctx, f.chairA, crm.MemberFilter{After: "WyJhIiwiYiJd", Offset: 3}); err == nil {
			t.Error("after and offset together accepted")
		}
	})
}
