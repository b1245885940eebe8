package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/widget"
)

// `profhub widget add|set|show` manages site chat channels from a script:
// every widget setting (and every per-channel abuse limit) is a flag named
// like the setting, with dashes for underscores.

// widgetFlags are the settings a flag may set, by flag name.
func widgetFlags() map[string]string {
	m := map[string]string{}
	for _, k := range append(widget.SettingKeys(), widget.LimitSettings()...) {
		m[strings.ReplaceAll(k, "_", "-")] = k
	}
	return m
}

func (c *cli) widget(args []string) error {
	act, args, err := action(args, "add", "set", "show")
	if err != nil {
		return err
	}
	var line, name *string
	values := map[string]*string{}
	define := func(fs *flag.FlagSet) {
		if act == "add" {
			line = fs.String("line", "", "the line it feeds: id or exact name (required)")
			name = fs.String("name", "", "channel name (required)")
		}
		if act == "show" {
			return
		}
		for f, k := range widgetFlags() {
			values[f] = fs.String(f, "", "setting "+k+" (set: an empty value clears it)")
		}
	}
	positional := 1
	if act == "add" {
		positional = 0
	}
	return c.withInbox("widget "+act, args, positional, define, func(ctx context.Context, x *inboxAdmin, given map[string]bool, pos []string) error {
		// The nodes check widget settings with this hook; the command
		// checks them the same way before they are stored.
		x.inbox.Channels.RegisterHook(inbox.KindWidget, widget.ValidateChannel)
		settings := map[string]string{}
		for f, k := range widgetFlags() {
			if given[f] {
				settings[k] = strings.TrimSpace(*values[f])
			}
		}
		switch act {
		case "add":
			if *line == "" || *name == "" {
				return errors.New("--line and --name are required")
			}
			l, err := x.resolveLine(ctx, *line)
			if err != nil {
				return err
			}
			for k, v := range settings {
				if v == "" {
					delete(settings, k)
				}
			}
			ch, _, err := x.inbox.Channels.Create(ctx, x.sc, inbox.NewChannel{LineID: l.ID, Kind: inbox.KindWidget, Name: *name, Settings: settings})
			if err != nil {
				return err
			}
			fmt.Fprintf(c.out, "created widget channel %q on line %q id=%s\n", ch.Name, l.Name, ch.ID)
			printWidgetTag(c.out, x.cfg.BaseURL, ch.ID)
			return nil
		case "set":
			ch, err := x.widgetChannel(ctx, pos[0])
			if err != nil {
				return err
			}
			if len(settings) == 0 {
				return errors.New("nothing to change: give a setting flag (profhub widget set -h)")
			}
			if _, err := x.inbox.Channels.Update(ctx, x.sc, ch.ID, inbox.ChannelChanges{Settings: settings}); err != nil {
				return err
			}
			fmt.Fprintf(c.out, "updated widget channel %q id=%s\n", ch.Name, ch.ID)
			return nil
		default:
			ch, err := x.widgetChannel(ctx, pos[0])
			if err != nil {
				return err
			}
			printWidget(c.out, x.cfg.BaseURL, ch)
			return nil
		}
	})
}

// widgetChannel finds a widget channel the administrator sees, by id or
// exact name.
func (x *inboxAdmin) widgetChannel(ctx context.Context, ref string) (inbox.Channel, error) {
	chs, err := x.inbox.Channels.List(ctx, x.sc)
	if err != nil {
		return inbox.Channel{}, err
	}
	for _, ch := range chs {
		if ch.Kind == inbox.KindWidget && (ch.ID == ref || ch.Name == ref) {
			return ch, nil
		}
	}
	return inbox.Channel{}, fmt.Errorf("no widget channel %q (give its id or name; `profhub channel list`)", ref)
}

func printWidget(w io.Writer, base string, ch inbox.Channel) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "id:\t%s\nname:\t%s\nline:\t%s\ndisabled:\t%v\n", ch.ID, ch.Name, ch.LineID, ch.Disabled)
	keys := make([]string, 0, len(ch.Settings))
	for k := range ch.Settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(tw, "%s:\t%q\n", strings.ReplaceAll(k, "_", "-"), ch.Settings[k])
	}
	_ = tw.Flush()
	printWidgetTag(w, base, ch.ID)
}

// printWidgetTag prints the one tag a site pastes into its pages.
func printWidgetTag(w io.Writer, base, channelID string) {
	base = strings.TrimRight(base, "/")
	if base == "" {
		base = "https://HUB" // PROFHUB_BASE_URL is not set: the site's admin puts the hub's address here
	}
	fmt.Fprintf(w, "embed on the site: <script src=\"%s/widget/v1/widget.js\" data-channel=\"%s\" async></script>\n",
		html.EscapeString(base), html.EscapeString(channelID))
}
