package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/security/secretbox"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/kv"
)

// The line and channel commands write to the database through the inbox
// engine, as the administrator's pages do, without starting its workers.
// inboxNote ends their --help: what a running node sees of their changes.
const inboxNote = `
Lines live in the database. Running nodes pick up a changed mode, time
limits, working hours and auto-replies within a few seconds (they cache
lines briefly). A new line, a changed operator list and a changed
--max-active reach their routing at once only when PROFHUB_REDIS_URL is the
nodes' Redis; with the embedded Redis of a single node, restart the node
after such a change. Run channel commands as the OS user the nodes run as,
or with the nodes' PROFHUB_SECRET_KEY: channel secrets are sealed with it.
`

// inboxAdmin is an administrative command's database plus the inbox's services.
type inboxAdmin struct {
	*admin
	cfg   *config.Config
	inbox *inbox.Services
}

// withInbox parses flags like withAdmin, opens the database and the inbox
// engine, and runs fn with the names of the flags given on the command line.
func (c *cli) withInbox(name string, args []string, positional int, define func(fs *flag.FlagSet),
	fn func(ctx context.Context, x *inboxAdmin, given map[string]bool, pos []string) error) error {
	fs, load := c.flags(name)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage of profhub %s:\n", name)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), inboxNote)
	}
	if define != nil {
		define(fs)
	}
	cfg, pos, err := c.parse(fs, load, args, positional)
	if err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	return c.runAdmin(cfg, func(ctx context.Context, a *admin) error {
		e, closeKV, err := c.openInbox(ctx, cfg, a.db, slog.LevelWarn)
		if err != nil {
			return err
		}
		defer closeKV()
		return fn(ctx, &inboxAdmin{admin: a, cfg: cfg, inbox: e}, given, pos)
	})
}

// openInbox builds the inbox's services on d for a command: with the nodes'
// Redis when PROFHUB_REDIS_URL is set, else a throwaway in-process one
// (nodes rebuild Redis from SQL), and with the key that seals channel
// secrets, found as the hub finds it.
func (c *cli) openInbox(ctx context.Context, cfg *config.Config, d *db.DB, level slog.Level) (*inbox.Services, func(), error) {
	_, box, kvc, err := openSecrets(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	log := slog.New(slog.NewTextHandler(c.errOut, &slog.HandlerOptions{Level: level}))
	e, err := inbox.New(inbox.Deps{DB: d, KV: kvc, Box: box, Log: log, NodeID: "cli"})
	if err != nil {
		kvc.Close()
		return nil, nil, err
	}
	return e, func() { kvc.Close() }, nil
}

func (c *cli) line(args []string) error {
	act, args, err := action(args, "add", "list", "show", "set")
	if err != nil {
		return err
	}
	switch act {
	case "add", "set":
		positional := 0
		if act == "set" {
			positional = 1
		}
		lf := &lineFlags{}
		return c.withInbox("line "+act, args, positional, lf.define, func(ctx context.Context, x *inboxAdmin, given map[string]bool, pos []string) error {
			var l inbox.Line
			if act == "add" {
				l = inbox.DefaultLine()
				l.UnitID = x.sc.UnitID
			} else if l, err = x.resolveLine(ctx, pos[0]); err != nil {
				return err
			}
			if err := lf.apply(ctx, x, &l, given); err != nil {
				return err
			}
			if act == "add" {
				if l.UnitID == "" {
					return errors.New("there are no units yet; create one with `profhub unit add`")
				}
				l, err = x.inbox.Lines.Create(ctx, x.sc, l)
			} else {
				l, err = x.inbox.Lines.Update(ctx, x.sc, l)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(c.out, "%s line %q id=%s\n", map[string]string{"add": "created", "set": "updated"}[act], l.Name, l.ID)
			if x.cfg.EmbeddedRedis() && (act == "add" || given["operators"] || given["max-active"]) {
				fmt.Fprintln(c.errOut, "note: PROFHUB_REDIS_URL is not set, so a running node applies this line's operators and capacities to routing after a restart")
			}
			return nil
		})
	case "list":
		return c.withInbox("line list", args, 0, nil, func(ctx context.Context, x *inboxAdmin, _ map[string]bool, _ []string) error {
			lines, err := x.inbox.Lines.List(ctx, x.sc)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(c.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tMODE\tMAX ACTIVE\tOPERATORS\tUNIT\tID")
			for _, l := range lines {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", l.Name, l.Mode, l.MaxActive, x.operatorList(ctx, l.Operators),
					x.unitName(ctx, l.UnitID), l.ID)
			}
			return tw.Flush()
		})
	default: // show
		return c.withInbox("line show", args, 1, nil, func(ctx context.Context, x *inboxAdmin, _ map[string]bool, pos []string) error {
			l, err := x.resolveLine(ctx, pos[0])
			if err != nil {
				return err
			}
			x.showLine(ctx, c.out, l)
			return nil
		})
	}
}

// resolveLine accepts a line id or its exact name.
func (x *inboxAdmin) resolveLine(ctx context.Context, ref string) (inbox.Line, error) {
	if l, err := x.inbox.Lines.Get(ctx, x.sc, ref); err == nil {
		return l, nil
	}
	lines, err := x.inbox.Lines.List(ctx, x.sc)
	if err != nil {
		return inbox.Line{}, err
	}
	var match []inbox.Line
	for _, l := range lines {
		if strings.EqualFold(l.Name, strings.TrimSpace(ref)) {
			match = append(match, l)
		}
	}
	switch len(match) {
	case 0:
		return inbox.Line{}, fmt.Errorf("no line %q (give its id or exact name; `profhub line list`)", ref)
	case 1:
		return x.inbox.Lines.Get(ctx, x.sc, match[0].ID)
	}
	return inbox.Line{}, fmt.Errorf("%d lines are named %q; give the id", len(match), ref)
}

func (x *inboxAdmin) unitName(ctx context.Context, id string) string {
	if u, err := x.org.GetUnit(ctx, x.sc, id); err == nil {
		return u.Name
	}
	return id
}

// showLine prints every setting under the name of the flag that sets it.
func (x *inboxAdmin) showLine(ctx context.Context, w io.Writer, l inbox.Line) {
	hours := formatWeek(l.Hours.Week)
	tz := l.Hours.TZ
	if tz == "" {
		tz = "(the installation's, PROFHUB_TIME_ZONE)"
	}
	rows := [][2]string{
		{"id", l.ID},
		{"name", l.Name},
		{"unit", x.unitName(ctx, l.UnitID) + " (" + l.UnitID + ")"},
		{"mode", string(l.Mode)},
		{"max-active", strconv.Itoa(l.MaxActive)},
		{"offer-timeout", fmtDuration(time.Duration(l.OfferTimeoutS) * time.Second)},
		{"queue-alert", fmtDuration(time.Duration(l.QueueAlertS) * time.Second)},
		{"sticky", strconv.FormatBool(l.Sticky)},
		{"reopen-window", fmtDuration(time.Duration(l.ReopenWindowH) * time.Hour)},
		{"auto-close", fmtDuration(time.Duration(l.AutoCloseH) * time.Hour)},
		{"return-after", fmtDuration(time.Duration(l.ReturnAfterMin) * time.Minute)},
		{"ask-rating", strconv.FormatBool(l.AskRating)},
		{"welcome", strconv.Quote(l.WelcomeReply)},
		{"off-hours", strconv.Quote(l.OffHoursReply)},
		{"hours", hours},
		{"tz", tz},
		{"holidays", strings.Join(l.Hours.Holidays, ",")},
		{"operators", x.operatorList(ctx, l.Operators)},
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s:\t%s\n", r[0], r[1])
	}
	_ = tw.Flush()
}

func (c *cli) channel(args []string) error {
	act, args, err := action(args, "add", "list", "disable", "enable", "webhook-secret", inbox.KindTelegram, inbox.KindVK, inbox.KindMail)
	if err != nil {
		return err
	}
	switch act {
	case inbox.KindTelegram, inbox.KindVK, inbox.KindMail:
		return c.connectorChannel(act, args) // cli_channels.go
	case "add":
		var line, kind, name, webhook *string
		var rate *int
		define := func(fs *flag.FlagSet) {
			line = fs.String("line", "", "the line it feeds: id or exact name (required)")
			kind = fs.String("kind", inbox.KindAPI, "channel kind; the command line adds api channels")
			name = fs.String("name", "", "channel name (required)")
			webhook = fs.String("webhook-url", "", "where operators' replies are POSTed, signed (api channels)")
			rate = fs.Int("rate", 0, "outbound messages per second; 0: the default")
		}
		return c.withInbox("channel add", args, 0, define, func(ctx context.Context, x *inboxAdmin, _ map[string]bool, _ []string) error {
			if *kind != inbox.KindAPI {
				return fmt.Errorf("--kind %s: only api channels can be added from the command line so far", *kind)
			}
			if *line == "" {
				return errors.New("--line is required")
			}
			l, err := x.resolveLine(ctx, *line)
			if err != nil {
				return err
			}
			settings := map[string]string{}
			if *webhook != "" {
				settings["webhook_url"] = *webhook
			}
			ch, token, err := x.inbox.Channels.Create(ctx, x.sc, inbox.NewChannel{LineID: l.ID, Kind: *kind, Name: *name,
				Settings: settings, RatePerS: *rate})
			if err != nil {
				return err
			}
			fmt.Fprintf(c.out, "created %s channel %q on line %q id=%s\n", ch.Kind, ch.Name, l.Name, ch.ID)
			fmt.Fprintf(c.out, "inbound URL: %s/hooks/api/%s/messages (POST with Authorization: Bearer <channel token>)\n",
				strings.TrimRight(x.cfg.BaseURL, "/"), ch.ID)
			fmt.Fprintf(c.out, "channel token (shown only once): %s\n", token)
			fmt.Fprintf(c.out, "webhook secret (verifies %s on replies): %s\n", inbox.SignatureHeader, ch.Secrets["webhook_secret"])
			return nil
		})
	case "list":
		var line *string
		define := func(fs *flag.FlagSet) { line = fs.String("line", "", "only this line's channels (id or exact name)") }
		return c.withInbox("channel list", args, 0, define, func(ctx context.Context, x *inboxAdmin, _ map[string]bool, _ []string) error {
			only := ""
			if *line != "" {
				l, err := x.resolveLine(ctx, *line)
				if err != nil {
					return err
				}
				only = l.ID
			}
			return x.listChannels(ctx, c.out, only)
		})
	case "webhook-secret":
		return c.withInbox("channel webhook-secret", args, 1, nil, func(ctx context.Context, x *inboxAdmin, _ map[string]bool, pos []string) error {
			s, err := x.inbox.Channels.WebhookSecret(ctx, x.sc, pos[0])
			if err != nil {
				return err
			}
			fmt.Fprintln(c.out, s)
			return nil
		})
	default: // disable, enable
		return c.withInbox("channel "+act, args, 1, nil, func(ctx context.Context, x *inboxAdmin, _ map[string]bool, pos []string) error {
			if err := x.inbox.Channels.SetDisabled(ctx, x.sc, pos[0], act == "disable"); err != nil {
				if errors.Is(err, db.ErrNotFound) {
					return fmt.Errorf("no channel %q (give its id; `profhub channel list`)", pos[0])
				}
				return err
			}
			fmt.Fprintf(c.out, "%sd channel %s\n", act, pos[0])
			return nil
		})
	}
}

func (x *inboxAdmin) listChannels(ctx context.Context, w io.Writer, lineID string) error {
	lines, err := x.inbox.Lines.List(ctx, x.sc)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, l := range lines {
		names[l.ID] = l.Name
	}
	chs, err := x.inbox.Channels.List(ctx, x.sc)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LINE\tKIND\tNAME\tSTATE\tWEBHOOK\tID")
	for _, ch := range chs {
		if lineID != "" && ch.LineID != lineID {
			continue
		}
		state, webhook := "enabled", ch.Settings["webhook_url"]
		if ch.Disabled {
			state = "disabled"
		}
		if webhook == "" {
			webhook = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", names[ch.LineID], ch.Kind, ch.Name, state, webhook, ch.ID)
	}
	return tw.Flush()
}

// openSecrets finds the installation's secret key as the hub does
// (PROFHUB_SECRET_KEY, or the local key made on the first start), the box
// it seals with, and a key-value client (the nodes' Redis, or a throwaway
// in-process one), which the caller closes.
func openSecrets(ctx context.Context, cfg *config.Config) (string, *secretbox.Box, *kv.Client, error) {
	key := cfg.SecretKey
	if key == "" {
		k, _, err := secretbox.LocalKey()
		if err != nil {
			return "", nil, nil, err
		}
		key = k
	}
	box, err := secretbox.New(key)
	if err != nil {
		return "", nil, nil, err
	}
	kvc, err := kv.Open(ctx, cfg.RedisURL, cfg.RedisPrefix)
	if err != nil {
		return "", nil, nil, err
	}
	return key, box, kvc, nil
}
