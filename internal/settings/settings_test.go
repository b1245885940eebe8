package settings_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/settings"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/org"
)

func adminScope(t *testing.T, d *db.DB) access.Scope {
	t.Helper()
	root, err := org.NewStore(d).EnsureRoot(context.Background(), "Федерация")
	if err != nil {
		t.Fatal(err)
	}
	sc := access.System("test")
	sc.UnitID = root.ID
	return sc
}

// auditedValues returns the [old, new] pairs audited for key, oldest first.
func auditedValues(t *testing.T, d *db.DB, key string) []string {
	t.Helper()
	rows, err := d.Query(`SELECT details FROM audit_log WHERE action = 'settings.set' AND object_type = 'setting' AND object_id = $1 ORDER BY id`, key)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var details string
		if err := rows.Scan(&details); err != nil {
			t.Fatal(err)
		}
		out = append(out, details)
	}
	return out
}

func TestGetReturnsDefaultUntilSet(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		sc := adminScope(t, d)
		v, err := settings.Get(ctx, d, "mailing.tracking", "on")
		if err != nil || v != "on" {
			t.Fatalf("unset key: %q, %v; want the default", v, err)
		}
		for _, want := range []string{"off", "on", ""} {
			if err := settings.Set(ctx, d, sc, "mailing.tracking", want); err != nil {
				t.Fatalf("set %q: %v", want, err)
			}
			got, err := settings.Get(ctx, d, "mailing.tracking", "default")
			if err != nil || got != want {
				t.Fatalf("after set %q: got %q, %v", want, got, err)
			}
		}
		// Each change is audited with the value before and after it.
		want := []string{`{"value":["","off"]}`, `{"value":["off","on"]}`, `{"value":["on",""]}`}
		got := auditedValues(t, d, "mailing.tracking")
		if len(got) != len(want) {
			t.Fatalf("audit rows %q, want %q", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("audit row %d: %s, want %s", i, got[i], want[i])
			}
		}
		// Get works inside a transaction too (Set reads the old value so).
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			v, err := settings.Get(ctx, tx, "mailing.tracking", "x")
			if err == nil && v != "" {
				t.Errorf("in a transaction: %q, want the stored empty value", v)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestSetRequiresManageSettings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		admin := adminScope(t, d)
		denied := []struct {
			name string
			sc   access.Scope
		}{
			{"operator", access.Scope{UserName: "o", Role: access.Operator, UnitID: admin.UnitID, UnitPath: admin.UnitPath}},
			{"chairman", access.Scope{UserName: "c", Role: access.Chairman, UnitID: admin.UnitID, UnitPath: admin.UnitPath}},
			{"administrator without a subtree", access.Scope{UserName: "a", Role: access.Administrator, UnitID: admin.UnitID}},
			{"no scope", access.Scope{}},
		}
		for _, c := range denied {
			t.Run(c.name, func(t *testing.T) {
				err := settings.Set(ctx, d, c.sc, "inbox.offer_timeout", "5")
				if !errors.Is(err, access.ErrForbidden) {
					t.Fatalf("err = %v, want ErrForbidden", err)
				}
			})
		}
		if v, err := settings.Get(ctx, d, "inbox.offer_timeout", "unset"); err != nil || v != "unset" {
			t.Fatalf("a refused Set stored %q (%v)", v, err)
		}
		if got := auditedValues(t, d, "inbox.offer_timeout"); len(got) != 0 {
			t.Fatalf("a refused Set was audited: %q", got)
		}
	})
}

// A Set whose audit row cannot be written stores nothing.
func TestSetWithoutAuditUnitStoresNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		sc := adminScope(t, d)
		sc.UnitID = "no-such-unit"
		if err := settings.Set(ctx, d, sc, "k", "v"); err == nil {
			t.Fatal("Set succeeded with an audit row for a missing unit")
		}
		if v, err := settings.Get(ctx, d, "k", "unset"); err != nil || v != "unset" {
			t.Fatalf("value %q (%v) stored without its audit row", v, err)
		}
	})
}

func TestGetReportsDatabaseErrors(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	d.Close()
	if _, err := settings.Get(context.Background(), d, "k", "def"); err == nil {
		t.Fatal("Get on a closed database returned the default instead of an error")
	}
}
