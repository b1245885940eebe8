package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/profhub/profhub/blob"
	"github.com/profhub/profhub/config"
	"github.com/profhub/profhub/db"
	"github.com/profhub/profhub/workflow"
)

// openDocs opens the document workflow store on d for commands that run
// without a hub.
func (c *cli) openDocs(ctx context.Context, cfg *config.Config, d *db.DB) (*workflow.Store, error) {
	blobs, err := blob.NewDir(cfg.BlobDir)
	if err != nil {
		return nil, err
	}
	return workflow.New(ctx, d, blobs, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// documents manages the registries: number formats, the administrator's
// part of the document workflow.
func (c *cli) documents(args []string) error {
	act, args, err := action(args, "formats", "format")
	if err != nil {
		return err
	}
	switch act {
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
			regs, err := docs.Registries(ctx, a.sc)
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
			r, err := docs.SetNumberFormat(ctx, a.sc, unitID, workflow.Kind(*kind), f)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.out, "%s registry: %s (next: %s)\n", r.Kind, r.Format, f.Render(time.Now().In(workflow.Moscow).Year(), r.LastSeq+1, workflow.Electronic))
			return nil
		})
	}
}
