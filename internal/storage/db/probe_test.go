package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

// Check fails while writes fail, though pings pass, and passes again by
// itself once they succeed.
func TestCheckFollowsWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.Check(ctx); err != nil {
			t.Fatalf("healthy database: %v", err)
		}
		undo := dbtest.RefuseWrites(t, d, "settings")
		time.Sleep(1100 * time.Millisecond) // past the cached outcome
		if err := d.PingContext(ctx); err != nil {
			t.Fatalf("ping must still pass: %v", err)
		}
		err := d.Check(ctx)
		if err == nil {
			t.Fatal("Check passed while writes fail")
		}
		if d.Dialect == db.Postgres && !db.IsUnavailable(err) {
			t.Fatalf("a full disk is not classified as unavailable: %v", err)
		}
		undo()
		if err := d.Check(ctx); err == nil {
			t.Fatal("within a second Check probed again instead of answering from its last probe")
		}
		time.Sleep(1100 * time.Millisecond)
		if err := d.Check(ctx); err != nil {
			t.Fatalf("writes work again but Check says %v", err)
		}
	})
}
