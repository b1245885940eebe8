package audit_test

import (
	"context"
	"database/sql"
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
