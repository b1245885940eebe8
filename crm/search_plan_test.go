package crm_test

import (
	"fmt"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

// TestMemberSearchCustomPlans keeps a name search's statements unprepared
// on PostgreSQL: a prepared statement is given a generic plan after five
// runs, and the bare-surname search's was several times slower than the
// plan made for its words (see crm.customPlans). The pool is one
// connection here, so pg_prepared_statements lists what the searches left.
func TestMemberSearchCustomPlans(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		if d.Dialect != db.Postgres {
			t.Skip("SQLite plans each statement for its values")
		}
		f := newFixture(t, d)
		for i, s := range []string{"Иванов", "Иванова", "Петров", "Сидоров"} {
			f.add(t, crm.MemberInput{UnitID: f.a1.ID, Surname: s, GivenName: "Анна", BirthDate: fmt.Sprintf("1980-01-%02d", i+1)})
		}
		d.SetMaxOpenConns(1)
		for i := 0; i < 8; i++ {
			for _, q := range []string{"иванов", "петров", "иванов ан"} {
				page, err := f.s.Members.ListMembers(f.ctx, f.sys, crm.MemberFilter{Query: q})
				if err != nil || len(page.Members) == 0 || page.Total != len(page.Members) {
					t.Fatalf("search %q = %+v, %v", q, page, err)
				}
			}
		}
		rows, err := d.QueryContext(f.ctx, `SELECT statement FROM pg_prepared_statements
			WHERE statement LIKE 'SELECT%' AND statement NOT LIKE '%pg_prepared_statements%'
			  AND (statement LIKE '%crm_member_words%' OR statement LIKE '%= ANY(%')`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			t.Errorf("a name search's statement is prepared (a generic plan may follow): %s", s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	})
}
