package db

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// heartbeatKey is the settings row the write probe rewrites. The settings
// table is read by key only, so the row is invisible elsewhere.
const heartbeatKey = "system.write_probe"

// probeEvery bounds how often Check writes: a load balancer may ask for
// readiness many times a second, across several nodes.
const probeEvery = time.Second

// writeProbe caches the outcome of the last probe.
type writeProbe struct {
	mu   sync.Mutex
	at   time.Time
	last error
}

// Check tells whether the database can be used now: it answers, and a
// small write commits. A ping alone passes while the disk is full or the
// database was made read-only, and every message would still fail to be
// stored. Within probeEvery the previous outcome is returned.
func (d *DB) Check(ctx context.Context) error {
	d.probe.mu.Lock()
	defer d.probe.mu.Unlock()
	if !d.probe.at.IsZero() && time.Since(d.probe.at) < probeEvery {
		return d.probe.last
	}
	d.probe.last = d.checkNow(ctx)
	d.probe.at = time.Now()
	return d.probe.last
}

func (d *DB) checkNow(ctx context.Context) error {
	if err := d.Unavailable(); err != nil {
		return err
	}
	if err := d.PingContext(ctx); err != nil {
		return fmt.Errorf("db: ping: %w", err)
	}
	// The write goes through Tx (the SQLite write turn, a real COMMIT):
	// an UPDATE that never commits proves nothing about the disk.
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, '', $2)
			ON CONFLICT (key) DO UPDATE SET updated_at = excluded.updated_at`, heartbeatKey, Now())
		return err
	})
	if err != nil {
		return fmt.Errorf("db: write probe: %w", err)
	}
	return nil
}
