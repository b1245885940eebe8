package widget

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/storage/db"
)

// Channel settings of a widget channel (all optional).
const (
	settingTitle     = "title"           // header of the chat window
	settingGreeting  = "greeting"        // first line the visitor sees
	settingColour    = "colour"          // #rrggbb of the button and header
	settingPosition  = "position"        // "right" (default) or "left"
	settingLang      = "lang"            // "ru" (default) or "en"
	settingOrigins   = "allowed_origins" // comma-separated https://site.example; "*" any; empty: the hub's own
	settingPrechat   = "prechat"         // comma-separated fields asked first: name, contact, topic
	settingPolicyURL = "policy_url"      // the personal-data policy the consent box links to
	settingOffline   = "offline_message" // shown outside working hours; default the line's off-hours reply
	// settingMailChannel (mail.go): the mail channel that e-mails replies to away visitors
	// settingTranscriptOnClose (transcript.go): "true" e-mails the transcript on every close
)

// SettingKeys are the widget's own channel settings (the limits are in
// LimitSettings), for the command line.
func SettingKeys() []string {
	return []string{settingTitle, settingGreeting, settingColour, settingPosition, settingLang, settingOrigins,
		settingPrechat, settingPolicyURL, settingOffline, settingMailChannel, settingTranscriptOnClose}
}

// ValidateChannel checks a widget channel's settings as the nodes do, for
// tools that write channels without a running widget (the command line).
func ValidateChannel(ctx context.Context, ch *inbox.Channel) error { return checkChannel(ctx, ch) }

var (
	prechatFields = []string{"name", "contact", "topic"}
	colourRe      = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
)

// checkChannel is the channel hook: it refuses settings the script could
// not use, so a typo shows in the settings page rather than on the site.
func checkChannel(_ context.Context, ch *inbox.Channel) error {
	s := ch.Settings
	if c := s[settingColour]; c != "" && !colourRe.MatchString(c) {
		return valid.Errorf("settings.colour", "colour", "colour must look like #1a73e8")
	}
	if p := s[settingPosition]; p != "" && p != "left" && p != "right" {
		return valid.Errorf("settings.position", "position", "position must be left or right")
	}
	if l := s[settingLang]; l != "" && l != "ru" && l != "en" {
		return valid.Errorf("settings.lang", "lang", "lang must be ru or en")
	}
	for _, f := range splitList(s[settingPrechat]) {
		if !slices.Contains(prechatFields, f) {
			return valid.Errorf("settings.prechat", "prechat", "pre-chat fields are name, contact and topic")
		}
	}
	for _, o := range splitList(s[settingOrigins]) {
		if o != "*" && normOrigin(o) == "" {
			return valid.Errorf("settings.allowed_origins", "origin", "%q is not an origin like https://union.example", o)
		}
	}
	if p := s[settingPolicyURL]; p != "" {
		if u, err := url.Parse(p); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return valid.Errorf("settings.policy_url", "url", "policy_url must be an http(s) address")
		}
	}
	if len(s[settingMailChannel]) > 100 {
		return valid.Errorf("settings."+settingMailChannel, "channel", "offline_mail_channel is a mail channel's id")
	}
	if v := s[settingTranscriptOnClose]; v != "" && v != "true" && v != "false" {
		return valid.Errorf("settings."+settingTranscriptOnClose, "boolean", "transcript_on_close is true or false")
	}
	if err := checkLimits(s); err != nil {
		return err
	}
	for _, k := range []string{settingTitle, settingGreeting, settingOffline} {
		if len(s[k]) > 2000 {
			return valid.Errorf("settings."+k, "too_long", "%s is limited to 2000 bytes", k)
		}
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// normOrigin reduces an address to scheme://host[:port], or "" if it has
// no such form.
func normOrigin(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return ""
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}

// Channels finds the widget channel a visitor's request names and reads
// its settings: the origins it allows and its limits (limits_channel.go).
type Channels struct {
	channels *inbox.Channels
	cfg      *config.Config
	limits   Limits // the node's, under the channel's own
}

// originAllowed checks a browser's Origin against the channel's list. A
// request without Origin is not a browser's cross-site request and passes
// (the limits still apply); the hub's own pages (the demo) always pass.
func (c *Channels) originAllowed(ch inbox.Channel, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	o := normOrigin(origin)
	if o == "" {
		return false
	}
	if u, _ := url.Parse(o); u != nil && strings.EqualFold(u.Host, r.Host) {
		return true
	}
	if c.cfg != nil && c.cfg.BaseURL != "" && normOrigin(c.cfg.BaseURL) == o {
		return true
	}
	for _, a := range splitList(ch.Settings[settingOrigins]) {
		if a == "*" || normOrigin(a) == o {
			return true
		}
	}
	return false
}

// errNoChannel hides whether a channel exists, is disabled or is of
// another kind.
var errNoChannel = errors.New("widget: no such widget channel")

// get finds the enabled widget channel of a request.
func (c *Channels) get(ctx context.Context, id string) (inbox.Channel, error) {
	ch, err := c.channels.Get(ctx, id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && (ch.Kind != inbox.KindWidget || ch.Disabled)) {
		return inbox.Channel{}, errNoChannel
	}
	return ch, err
}

func setting(ch inbox.Channel, key, def string) string {
	if v := ch.Settings[key]; v != "" {
		return v
	}
	return def
}
