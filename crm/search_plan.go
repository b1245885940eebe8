package crm

import (
	"github.com/jackc/pgx/v5"

	"github.com/profhub/profhub/internal/storage/db"
)

// customPlans returns the arguments of a name search's statement so that
// PostgreSQL plans it for their values every time (an unnamed statement).
// pgx otherwise prepares each text once per connection, and after five
// executions the server may keep the statement's generic plan, made for
// no particular value. The texts of a bare-surname search do not change
// with the surname, so it got one: the page's "m.id = ANY($n)" joined all
// of the word's cards to their units and sorted them (145 ms for 1,934 ids
// at 50,000 cards, 18 ms planned for the ids), and the count read the
// units by a bitmap scan (20 ms, 2.5 ms). TestMemberSearchCustomPlans
// keeps these statements unprepared.
func customPlans(d *db.DB, args []any) []any {
	if d.Dialect != db.Postgres {
		return args
	}
	return append([]any{pgx.QueryExecModeExec}, args...)
}
