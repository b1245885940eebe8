package main

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/settings"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/workflow"
)

// openDocs opens the document workflow store on d for commands that run
// without a hub.
func (c *cli) openDocs(ctx context.Context, cfg *config.Config, d *db.DB) (*workflow.Services, error) {
	blobs, err := blob.NewDir(cfg.BlobDir)
	if err != nil {
		return nil, err
	}
	return workflow.New(ctx, workflow.Deps{DB: d, Blobs: blobs, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Zone: cfg.Zone()})
}

// documents manages the registries: number formats, the administrator's
// part of the document workflow.
func (c *cli) documents(args []string) error {
	act, args, err := action(args, "formats", "format", "mail-channel")
	if err != nil {
		return err
	}
	switch act {
	case "mail-channel":
		return c.documentsMailChannel(args)
	case "formats":
		fs, load := c.flags("documents formats")
		cfg, _, err := c.parse(fs, load, args, 0)
		if err != nil {
			return err
		}
		return c.runAdmin(cfg, func(ctx context.Context, a *admin) error {
			docs, err := c.openDocs(ctx, cfg, a.db)
			if err != nil {
				return err
			}
			regs, err := docs.Numbering.Registries(ctx, a.sc)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(c.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "UNIT\tKIND\tFORMAT\tPAPER\tELECTRONIC\tLAST NUMBER THIS YEAR")
			for _, r := range regs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\n", r.UnitName, r.Kind, r.Format, r.PaperMark, r.ElectronicMark, r.LastSeq)
			}
			return tw.Flush()
		})
	default:
		fs, load := c.flags("documents format")
		unit := fs.String("unit", "", "unit whose registry it is: id or exact name (default: the root)")
		kind := fs.String("kind", "", "internal | incoming | outgoing (required)")
		format := fs.String("format", "", "e.g. \"ВХ-{year}/{seq:4}-{medium}\": {year}, {yy}, {seq}, {seq:N}, {medium} (required)")
		paper := fs.String("paper-mark", "б", "what {medium} shows for paper documents")
		electronic := fs.String("electronic-mark", "э", "what {medium} shows for electronic documents")
		cfg, _, err := c.parse(fs, load, args, 0)
		if err != nil {
			return err
		}
		return c.runAdmin(cfg, func(ctx context.Context, a *admin) error {
			unitID, err := a.unitOr(ctx, *unit, a.sc.UnitID)
			if err != nil {
				return err
			}
			docs, err := c.openDocs(ctx, cfg, a.db)
			if err != nil {
				return err
			}
			f := workflow.NumberFormat{Format: *format, PaperMark: *paper, ElectronicMark: *electronic}
			r, err := docs.Numbering.SetNumberFormat(ctx, a.sc, unitID, workflow.Kind(*kind), f)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.out, "%s registry: %s (next: %s)\n", r.Kind, r.Format, f.Render(time.Now().In(workflow.Zone()).Year(), r.LastSeq+1, workflow.Electronic))
			return nil
		})
	}
}

// documentsMailChannel shows or sets the mail channel whose mailbox sends
// outgoing documents and task notifications; "none" turns that off.
func (c *cli) documentsMailChannel(args []string) error {
	positional := 0
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		positional = 1
	}
	fs, load := c.flags("documents mail-channel [CHANNEL_ID|none]")
	cfg, pos, err := c.parse(fs, load, args, positional)
	if err != nil {
		return err
	}
	return c.runAdmin(cfg, func(ctx context.Context, a *admin) error {
		if len(pos) == 0 {
			cur, err := settings.Get(ctx, a.db, workflow.SettingMailChannel, "")
			if err != nil {
				return err
			}
			fmt.Fprintln(c.out, cmp.Or(cur, "none"))
			return nil
		}
		id := pos[0]
		if id == "none" {
			return settings.Set(ctx, a.db, a.sc, workflow.SettingMailChannel, "")
		}
		var kind string
		if err := a.db.QueryRowContext(ctx, `SELECT kind FROM inbox_channels WHERE id = $1`, id).Scan(&kind); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("no channel %s (profhub channel list shows them)", id)
			}
			return err
		}
		if kind != "mail" {
			return fmt.Errorf("channel %s is a %s channel; documents are sent through a mail channel", id, kind)
		}
		return settings.Set(ctx, a.db, a.sc, workflow.SettingMailChannel, id)
	})
}
