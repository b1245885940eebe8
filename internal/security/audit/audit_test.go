package audit_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/org"
)

// A change and its audit row commit together: when the audit write fails,
// the change is rolled back with it.
func TestFailedAuditWriteFailsTheAction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		root, err := org.NewStore(d).EnsureRoot(ctx, "Федерация")
		if err != nil {
			t.Fatal(err)
		}
		sc := access.System("test")
		sc.UnitID = root.ID
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('k', 'v', 0)`); err != nil {
				return err
			}
			// A unit that does not exist: the audit row's foreign key refuses it.
			return audit.Record(ctx, tx, sc, audit.Entry{Action: "settings.set", ObjectType: "setting", ObjectID: "k", UnitID: "no-such-unit"})
		})
		if err == nil {
			t.Fatal("audit write into a missing unit succeeded")
		}
		var n int
		if err := d.QueryRow(`SELECT COUNT(*) FROM settings WHERE key = 'k'`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("the change survived its failed audit write (%d rows, %v)", n, err)
		}
		if err := audit.Record(ctx, d, access.Scope{}, audit.Entry{Action: "x", ObjectType: "y"}); err == nil {
			t.Fatal("an entry without a unit was accepted")
		}
	})
}

// Histories show people by name: a row written before the person-name
// change recorded the login (with or without the user's id), and is shown
// by the user's full name; a name that is no user's stays.
func TestHistoryShowsNamesNotLogins(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := org.NewStore(d)
		root, err := st.EnsureRoot(ctx, "Федерация")
		if err != nil {
			t.Fatal(err)
		}
		sys := access.System("test")
		sys.UnitID = root.ID
		u, err := st.CreateUser(ctx, sys, org.NewUser{Login: "mivanova", FullName: "Иванова Мария Петровна", Role: access.Secretary,
			UnitID: root.ID, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		for i, actor := range [][2]string{{u.ID, "mivanova"}, {"", "mivanova"}, {"", "system"}, {u.ID, "Иванова М. П."}} {
			if _, err := d.Exec(`INSERT INTO audit_log (id, at, actor_id, actor_name, ip, action, object_type, object_id, unit_id, details)
				VALUES ($1, $2, $3, $4, '', 'member.update', 'member', 'm1', $5, '{}')`, fmt.Sprintf("a%d", i), i, actor[0], actor[1], root.ID); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := audit.History(ctx, d, "member", "m1", 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, r.ActorName)
		}
		if want := "Иванова Мария Петровна|Иванова Мария Петровна|system|Иванова Мария Петровна"; strings.Join(got, "|") != want {
			t.Fatalf("history names %q, want %q", strings.Join(got, "|"), want)
		}
		list, err := audit.List(ctx, d, sys, audit.Filter{ObjectType: "member"})
		if err != nil || len(list) != 4 || list[2].ActorName != "Иванова Мария Петровна" {
			t.Fatalf("audit list: %+v, %v", list, err)
		}
	})
}
