package main

import (
	"fmt"
	"time"

	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/storage/backup"
	"github.com/profhub/profhub/internal/storage/db"
)

func installation(cfg *config.Config) backup.Installation {
	return backup.Installation{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir, BlobDir: cfg.BlobDir}
}

// backup writes a snapshot of the installation; docs/OPERATIONS.md has the
// schedule and the restore drill.
func (c *cli) backup(args []string) error {
	fs, load := c.flags("backup")
	to := fs.String("to", "", "a new directory, or FILE.tar.gz (default: profhub-backup-DATE-TIME.tar.gz here)")
	cfg, _, err := c.parse(fs, load, args, 0)
	if err != nil {
		return err
	}
	now := time.Now()
	if *to == "" {
		*to = "profhub-backup-" + now.In(cfg.Zone()).Format("20060102-150405") + ".tar.gz"
	}
	ctx, cancel := signalContext()
	defer cancel()
	d, err := db.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer d.Close()
	m, err := backup.Create(ctx, d, installation(cfg), *to, buildVersion(), now)
	if err != nil {
		return err
	}
	var size int64
	for _, f := range m.Files {
		size += f.Size
	}
	fmt.Fprintf(c.out, "backup written to %s: %s database at schema version %d, %d blobs, %d bytes\n",
		*to, m.Database, m.SchemaVersion, len(m.Files)-1, size)
	return nil
}

// restore brings a backup into an empty installation, then applies the
// migrations this build has and the backup's does not.
func (c *cli) restore(args []string) error {
	fs, load := c.flags("restore")
	cfg, pos, err := c.parse(fs, load, args, 1)
	if err != nil {
		return err
	}
	ctx, cancel := signalContext()
	defer cancel()
	m, err := backup.Restore(ctx, installation(cfg), pos[0])
	if err != nil {
		return err
	}
	d, err := db.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return fmt.Errorf("restored, but the database does not open: %w", err)
	}
	defer d.Close()
	fmt.Fprintf(c.out, "restored the backup of %s (%s, schema version %d, %d files checked)\n",
		m.CreatedAt.In(cfg.Zone()).Format(time.DateTime), m.Database, m.SchemaVersion, len(m.Files))
	return nil
}
