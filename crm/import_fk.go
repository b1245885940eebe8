package crm

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"

	"github.com/profhub/profhub/internal/storage/db"
)

// On SQLite an import's connection runs without foreign keys, and the
// import checks the rows it wrote point at existing units and batch
// before each commit instead (checkParents).
//
// SQLite keeps a statement journal for a statement that writes several
// rows and may fail halfway through (sqlite3MayAbort: an immediate
// foreign key, or a constraint whose conflict action is ABORT), so that
// the failed statement alone can be undone. Every multi-row INSERT of an
// import was one: it copied each page it changed into the journal before
// changing it, 2.3 of 10.8 s of the applier's CPU in a profile, about
// 800,000 pwrite calls for 300,000 rows in a trial against 50,000
// without. The import needs no statement undone: any failure rolls back
// its whole transaction (importConn.apply), so its INSERTs are OR FAIL
// (no ABORT) and the foreign keys are off (no immediate check; PRAGMA
// defer_foreign_keys does not count, SQLite asks whether the key is
// declared deferred).
//
// What the keys guarded stays guarded. The import's transaction holds
// SQLite's write lock, so what it finds at its commit held throughout:
//   - crm_members.unit_id and audit_log.unit_id: the units of the cards
//     it created or changed, checked here;
//   - crm_import_batch_members.batch_id: the import's batch, checked here;
//   - crm_member_contacts and crm_member_words: the cards created in the
//     same transaction, or the stored cards it loaded and changed in it.

// importParents are the rows an SQLite import's open transaction refers to.
type importParents struct {
	units map[string]bool
	batch string
}

// refer notes the unit of a card the transaction wrote.
func (c *importConn) refer(unitID string) {
	if c.d.Dialect != db.SQLite {
		return
	}
	if c.parents.units == nil {
		c.parents.units = map[string]bool{}
	}
	c.parents.units[unitID] = true
}

// referBatch notes the import batch the transaction records cards under.
func (c *importConn) referBatch(id string) {
	if c.d.Dialect == db.SQLite {
		c.parents.batch = id
	}
}

// checkParents refuses a transaction whose rows point at a unit or
// batch that is gone, as the foreign keys would.
func (c *importConn) checkParents(ctx context.Context, tx *sql.Tx) error {
	defer func() { c.parents = importParents{} }()
	if ids := slices.Collect(maps.Keys(c.parents.units)); len(ids) > 0 {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM units WHERE id IN (`+inList(c.d, 1, len(ids))+`)`, anys(ids)...).Scan(&n)
		if err != nil {
			return fmt.Errorf("crm: import: check units: %w", err)
		}
		if n != len(ids) {
			return fmt.Errorf("crm: import: an organisation was deleted meanwhile: %w", db.ErrConflict)
		}
	}
	if c.parents.batch != "" {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM crm_import_batches WHERE id = $1`, c.parents.batch).Scan(&n)
		if err != nil {
			return fmt.Errorf("crm: import: check batch: %w", err)
		}
		if n != 1 {
			return fmt.Errorf("crm: import: the import batch was deleted meanwhile: %w", db.ErrConflict)
		}
	}
	return nil
}

// foreignKeysOff turns the foreign keys of an SQLite import's connection
// off and returns the setting to restore.
func foreignKeysOff(ctx context.Context, conn *sql.Conn) (int, error) {
	var fk int
	if err := conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
		return 0, err
	}
	_, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`)
	return fk, err
}
