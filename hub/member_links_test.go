package hub_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/storage/db"
)

// Every table outside the CRM that keeps a member_id is registered with
// the CRM's MemberLinks: otherwise a merge would delete a card that rows
// still point at. A new table with the column fails here until it is.
func TestEveryMemberReferenceIsMovedByMerge(t *testing.T) {
	n := hubtest.Start(t)
	q := `SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name = 'member_id'`
	if n.DB.Dialect == db.Postgres {
		q = `SELECT table_name FROM information_schema.columns WHERE column_name = 'member_id' AND table_schema = current_schema()`
	}
	rows, err := n.DB.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	registered := n.CRM.MemberLinks.Tables()
	var seen int
	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			t.Fatal(err)
		}
		seen++
		if strings.HasPrefix(table, "crm_") && table != "crm_appeals" {
			continue // the CRM's own tables go with the card
		}
		if !slices.Contains(registered, table) {
			t.Errorf("table %s keeps member_id but is not registered with crm.MemberLinks", table)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if seen < 5 {
		t.Fatalf("found %d tables with member_id: the schema query is wrong", seen)
	}
}
