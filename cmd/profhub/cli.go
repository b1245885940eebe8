package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"os/user"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/logx"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/org"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}

// cli is one invocation: its streams and environment.
type cli struct {
	environ []string
	out     io.Writer
	errOut  io.Writer
}

type command struct {
	name, usage string
	run         func(c *cli, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run a hub node (the default)", (*cli).serve},
		{"migrate", "apply database migrations and exit (--status lists them)", (*cli).migrate},
		{"config", "print the effective configuration, secrets masked", (*cli).config},
		{"user", "add | list | set | disable | enable | passwd | totp-reset", (*cli).user},
		{"unit", "add | list | move (the organisation tree)", (*cli).unit},
		{"token", "create | list | revoke (API tokens)", (*cli).token},
		{"line", "add | list | show | set (open lines: routing, operators, hours, auto-replies)", (*cli).line},
		{"channel", "add | list | disable | enable | webhook-secret | telegram|vk|mail add|update|list (ways into a line)", (*cli).channel},
		{"documents", "formats | format | mail-channel (registry number formats; the mailbox that sends documents)", (*cli).documents},
		{"widget", "add | set | show (site chat channels: look, origins, pre-chat form, limits; prints the tag to embed)", (*cli).widget},
		{"appeals", "category add | list | update (appeal categories and their deadlines)", (*cli).appeals},
		{"settings", "totp-roles [ROLE,…] (installation policies)", (*cli).settings},
		{"backup", "write a snapshot: database, blobs, checksums (--to DIR | FILE.tar.gz)", (*cli).backup},
		{"restore", "restore FROM (a backup directory or .tar.gz) into an empty installation", (*cli).restore},
		{"demo", "fill an empty installation with a small demo federation", (*cli).demo},
		{"version", "print the version", func(c *cli, _ []string) error { fmt.Fprintln(c.out, buildVersion()); return nil }},
	}
}

func run(args, environ []string, out, errOut io.Writer) int {
	c := &cli{environ: environ, out: out, errOut: errOut}
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if name == "help" || name == "-h" || name == "--help" {
		c.help()
		return 0
	}
	for _, cmd := range commands() {
		if cmd.name == name {
			err := cmd.run(c, args)
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			if err != nil {
				fmt.Fprintf(errOut, "profhub %s: %v\n", name, err)
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(errOut, "profhub: unknown command %q\n\n", name)
	c.help()
	return 2
}

func (c *cli) help() {
	fmt.Fprintln(c.errOut, "usage: profhub [command] [flags]\n\ncommands:")
	for _, cmd := range commands() {
		fmt.Fprintf(c.errOut, "  %-9s %s\n", cmd.name, cmd.usage)
	}
	fmt.Fprintln(c.errOut, "\nsettings (environment variable, flag):")
	for _, l := range config.Usage() {
		fmt.Fprintln(c.errOut, l)
	}
}

// flags makes a FlagSet that takes the configuration flags as well as the
// command's own; call load after Parse.
func (c *cli) flags(name string) (*flag.FlagSet, func() (*config.Config, error)) {
	fs := flag.NewFlagSet("profhub "+name, flag.ContinueOnError)
	fs.SetOutput(c.errOut)
	l := config.NewLoader(c.environ, fs)
	return fs, l.Config
}

// parse accepts positional arguments before or after the flags
// ("user disable ivanova --all" and "user disable --all ivanova").
func (c *cli) parse(fs *flag.FlagSet, load func() (*config.Config, error), args []string, positional int) (*config.Config, []string, error) {
	var pos []string
	for len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		pos, args = append(pos, args[0]), args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	pos = append(pos, fs.Args()...)
	if len(pos) != positional {
		return nil, nil, fmt.Errorf("expected %d argument(s), got %d (see --help)", positional, len(pos))
	}
	cfg, err := load()
	return cfg, pos, err
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	// A burst of one failure (every request during a database outage)
	// is written a few times and then counted, not repeated thousands of times.
	return slog.New(logx.NewSummarizer(h, logx.Options{}))
}

// signalContext ends on SIGINT or SIGTERM.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// admin opens the database for an administrative command, acting as the
// system scope named after the OS user, on the first root unit.
type admin struct {
	db  *db.DB
	org *org.Store
	sc  access.Scope
}

func (c *cli) openAdmin(ctx context.Context, cfg *config.Config) (*admin, error) {
	d, err := db.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	name := "cli"
	if u, err := user.Current(); err == nil {
		name = "cli:" + u.Username
	}
	a := &admin{db: d, org: org.NewStore(d), sc: access.System(name)}
	roots, err := a.org.Roots(ctx)
	if err != nil {
		d.Close()
		return nil, err
	}
	if len(roots) > 0 {
		a.sc.UnitID = roots[0].ID
	}
	return a, nil
}
