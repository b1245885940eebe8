package main

import (
	"fmt"
	"net"

	"github.com/profhub/profhub/hub"
	"github.com/profhub/profhub/internal/logx"
)

func (c *cli) serve(args []string) error {
	fs, load := c.flags("serve")
	demo := fs.Bool("demo", false, "fill an empty installation with the demo federation before serving")
	cfg, _, err := c.parse(fs, load, args, 0)
	if err != nil {
		return err
	}
	log := newLogger(cfg, c.errOut)
	defer logx.Flush(log) // the counts of bursts still being summarised
	ctx, cancel := signalContext()
	defer cancel()

	h, err := hub.New(ctx, cfg, log, hub.Options{Version: buildVersion()})
	if err != nil {
		return err
	}
	defer h.Close()
	if *demo {
		if err := fillDemo(ctx, cfg, h.DB, h.Org, h.Inbox, h.Docs, h.Mailing, h.Notify, c.out); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s (PROFHUB_LISTEN): %w", cfg.Listen, err)
	}
	log.Info("profhub started", "version", buildVersion(), "data_dir", cfg.DataDir)
	return h.Serve(ctx, ln)
}

func (c *cli) migrate(args []string) error {
	fs, load := c.flags("migrate")
	status := fs.Bool("status", false, "list applied and pending migrations")
	cfg, _, err := c.parse(fs, load, args, 0)
	if err != nil {
		return err
	}
	ctx, cancel := signalContext()
	defer cancel()
	a, err := c.openAdmin(ctx, cfg) // opening applies pending migrations
	if err != nil {
		return err
	}
	defer a.db.Close()
	if !*status {
		fmt.Fprintln(c.out, "migrations applied")
		return nil
	}
	lines, err := a.db.MigrationStatus(ctx)
	for _, l := range lines {
		fmt.Fprintln(c.out, l)
	}
	return err
}

func (c *cli) config(args []string) error {
	fs, load := c.flags("config")
	cfg, _, err := c.parse(fs, load, args, 0)
	if err != nil {
		return err
	}
	for _, l := range cfg.Dump() {
		fmt.Fprintln(c.out, l)
	}
	return nil
}
