package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/profhub/profhub/connectors/mail"
	"github.com/profhub/profhub/connectors/telegram"
	"github.com/profhub/profhub/connectors/vk"
	"github.com/profhub/profhub/hub"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// `profhub channel telegram|vk|mail add|update|list` sets up the channel
// kinds whose connectors check what they are given: the bot or community
// token against the provider, the mailbox against its servers. The
// command builds the connectors (without starting them) so that their
// checks run exactly as when an administrator saves the settings page.

// channelOpt is one flag of a kind: the setting or secret it fills.
type channelOpt struct {
	flag, key string
	secret    bool // read from a file ("-": standard input), stored sealed
	help      string
}

var channelOpts = map[string][]channelOpt{
	inbox.KindTelegram: {
		{"token-file", "bot_token", true, "file holding the bot token from @BotFather (\"-\": standard input)"},
		{"mode", "mode", false, "webhook (needs PROFHUB_BASE_URL) or polling"},
		{"api-url", "api_url", false, "Bot API server; empty: Telegram's"},
		{"menu-greeting", "menu_greeting", false, "bot menu: greeting shown with the topics"},
		{"menu-topics", "menu_topics", false, "bot menu: topics separated by ';', each \"Title\" or \"Title | line id\"; empty: no menu"},
		{"menu-phone", "menu_phone", false, "bot menu: 1 adds a \"share my phone\" button"},
	},
	inbox.KindVK: {
		{"token-file", "access_token", true, "file holding the community token with the messages right (\"-\": standard input)"},
		{"secret-file", "secret", true, "file holding the Callback API secret key"},
		{"confirmation", "confirmation", false, "the confirmation string VK shows in the Callback API settings"},
		{"mode", "mode", false, "callback or longpoll"},
		{"api-url", "api_url", false, "VK API base URL; empty: VK's"},
	},
	inbox.KindMail: {
		{"address", "from_address", false, "the mailbox's address (From of replies)"},
		{"from-name", "from_name", false, "display name on replies"},
		{"username", "username", false, "login; default: the address"},
		{"password-file", "password", true, "file holding the password, stored sealed (\"-\": standard input)"},
		{"password-path", "password_file", false, "a file the nodes read the password from at each login, instead"},
		{"imap-host", "imap_host", false, "IMAP server"},
		{"imap-port", "imap_port", false, "IMAP port; default by --imap-tls"},
		{"imap-tls", "imap_tls", false, "tls, starttls or none"},
		{"smtp-host", "smtp_host", false, "SMTP server; default: the IMAP server"},
		{"smtp-port", "smtp_port", false, "SMTP port; default by --smtp-tls"},
		{"smtp-tls", "smtp_tls", false, "tls, starttls or none"},
		{"folders", "folders", false, "IMAP folders to watch, comma-separated; default INBOX"},
		{"authserv-id", "authserv_id", false, "trust Authentication-Results only from this server"},
		{"sent-folder", "sent_folder", false, "IMAP folder that gets a copy of each sent letter, e.g. Sent"},
		{"signature", "signature", false, "signature under operators' letters; {operator} becomes the operator's name"},
	},
}

func (c *cli) connectorChannel(kind string, args []string) error {
	act, args, err := action(args, "add", "update", "list")
	if err != nil {
		return err
	}
	name := "channel " + kind + " " + act
	if act == "list" {
		return c.withInbox(name, args, 0, nil, func(ctx context.Context, x *inboxAdmin, _ map[string]bool, _ []string) error {
			return x.listKind(ctx, c.out, kind)
		})
	}
	vals := map[string]*string{}
	var line, chName *string
	var rate *int
	define := func(fs *flag.FlagSet) {
		if act == "add" {
			line = fs.String("line", "", "the line it feeds: id or exact name (required)")
		}
		chName = fs.String("name", "", "channel name")
		rate = fs.Int("rate", 0, "outbound messages per second; 0: the kind's default")
		for _, o := range channelOpts[kind] {
			vals[o.flag] = fs.String(o.flag, "", o.help)
		}
	}
	positional := 0
	if act == "update" {
		positional = 1
	}
	return c.withInbox(name, args, positional, define, func(ctx context.Context, x *inboxAdmin, given map[string]bool, pos []string) error {
		x.registerConnectors()
		settings, secrets := map[string]string{}, map[string]string{}
		for _, o := range channelOpts[kind] {
			if !given[o.flag] {
				continue
			}
			v := *vals[o.flag]
			if o.secret {
				if v, err = readSecret(v, os.Stdin); err != nil {
					return fmt.Errorf("--%s: %w", o.flag, err)
				}
				secrets[o.key] = v
				continue
			}
			if o.key == "menu_topics" {
				v = strings.Join(splitList(strings.ReplaceAll(v, ";", ",")), "\n")
			}
			settings[o.key] = v
		}
		var ch inbox.Channel
		if act == "add" {
			if *line == "" || *chName == "" {
				return errors.New("--line and --name are required")
			}
			l, err := x.resolveLine(ctx, *line)
			if err != nil {
				return err
			}
			if ch, _, err = x.inbox.Channels.Create(ctx, x.sc, inbox.NewChannel{LineID: l.ID, Kind: kind, Name: *chName,
				Settings: settings, Secrets: secrets, RatePerS: *rate}); err != nil {
				return err
			}
			fmt.Fprintf(c.out, "created %s channel %q on line %q\n", kind, ch.Name, l.Name)
		} else {
			cur, err := x.inbox.Channels.Get(ctx, pos[0])
			if errors.Is(err, db.ErrNotFound) || (err == nil && cur.Kind != kind) {
				return fmt.Errorf("no %s channel %q (give its id; `profhub channel %s list`)", kind, pos[0], kind)
			} else if err != nil {
				return err
			}
			changes := inbox.ChannelChanges{Settings: settings, Secrets: secrets}
			if given["name"] {
				changes.Name = chName
			}
			if given["rate"] {
				changes.RatePerS = rate
			}
			if ch, err = x.inbox.Channels.Update(ctx, x.sc, pos[0], changes); err != nil {
				return err
			}
			fmt.Fprintf(c.out, "updated %s channel %q\n", kind, ch.Name)
		}
		return x.showChannel(ctx, c.out, ch)
	})
}

// registerConnectors gives the command's engine the connectors' channel
// checks (token and mailbox verification, webhook registration).
func (x *inboxAdmin) registerConnectors() {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	blobs, err := blob.NewDir(x.cfg.BlobDir)
	if err != nil {
		blobs = nil // only sending and receiving use it, never the checks
	}
	in := x.inbox
	x.inbox.Channels.RegisterHook(inbox.KindTelegram,
		telegram.New(telegram.Deps{Inbox: hub.TelegramInbox(in), Blobs: blobs, Config: x.cfg, Log: log, DB: x.db}).CheckChannel)
	x.inbox.Channels.RegisterHook(inbox.KindVK, vk.New(vk.Deps{Inbox: hub.VKInbox(in), Blobs: blobs, Log: log}).CheckChannel)
	x.inbox.Channels.RegisterHook(inbox.KindMail, mail.New(mail.Deps{Inbox: hub.MailInbox(in), Blobs: blobs, DB: x.db, Log: log}).CheckChannel)
}

// readSecret reads a secret from a file, or from in for "-", so that it
// stays out of the shell history and the process list.
func readSecret(path string, in io.Reader) (string, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(io.LimitReader(in, 64<<10))
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return "", err
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", errors.New("empty")
	}
	return s, nil
}

func (x *inboxAdmin) showChannel(ctx context.Context, w io.Writer, ch inbox.Channel) error {
	st, err := x.inbox.Channels.Status(ctx, x.sc, ch.ID)
	if err != nil {
		return err
	}
	rows := [][2]string{{"id", ch.ID}, {"kind", ch.Kind}, {"name", ch.Name}, {"rate", fmt.Sprintf("%d/s", ch.RatePerS)}}
	keys := make([]string, 0, len(ch.Settings))
	for k := range ch.Settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		rows = append(rows, [2]string{k, strings.ReplaceAll(ch.Settings[k], "\n", "; ")})
	}
	if ch.Kind != inbox.KindMail && ch.Settings["mode"] != "polling" && ch.Settings["mode"] != "longpoll" {
		rows = append(rows, [2]string{"webhook", strings.TrimRight(x.cfg.BaseURL, "/") + "/hooks/" + ch.Kind + "/" + ch.ID})
	}
	rows = append(rows, statusRows(st)...)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s:\t%s\n", r[0], r[1])
	}
	return tw.Flush()
}

func statusRows(st inbox.ChannelStatus) [][2]string {
	at := func(ms int64) string {
		if ms == 0 {
			return "never"
		}
		return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05 UTC")
	}
	rows := [][2]string{{"reported", orNever(st.Info)}, {"last update", at(st.LastUpdateAt)}}
	if st.LastError != "" {
		rows = append(rows, [2]string{"last error", at(st.LastErrorAt) + ": " + st.LastError})
	}
	return rows
}

func (x *inboxAdmin) listKind(ctx context.Context, w io.Writer, kind string) error {
	chs, err := x.inbox.Channels.List(ctx, x.sc)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTATE\tCONNECTED AS\tLAST UPDATE\tLAST ERROR\tID")
	for _, ch := range chs {
		if ch.Kind != kind {
			continue
		}
		st, err := x.inbox.Channels.Status(ctx, x.sc, ch.ID)
		if err != nil {
			return err
		}
		state := "enabled"
		if ch.Disabled {
			state = "disabled"
		}
		r := statusRows(st)
		lastErr := "-"
		if len(r) > 2 {
			lastErr = r[2][1]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", ch.Name, state, connectedAs(ch, st), r[1][1], lastErr, ch.ID)
	}
	return tw.Flush()
}

// connectedAs names the bot, community or mailbox the channel's check
// found, before the connector has reported anything.
func connectedAs(ch inbox.Channel, st inbox.ChannelStatus) string {
	switch {
	case st.Info != "":
		return st.Info
	case ch.Settings["bot_username"] != "":
		return "@" + ch.Settings["bot_username"]
	case ch.Settings["community_name"] != "":
		return ch.Settings["community_name"]
	case ch.Settings["from_address"] != "":
		return ch.Settings["from_address"]
	}
	return "-"
}

func orNever(s string) string {
	if s == "" {
		return "nothing yet"
	}
	return s
}
