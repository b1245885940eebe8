package telephony

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// Providers.
const (
	ProviderGeneric = "generic"
	ProviderMango   = "mango"
	ProviderZadarma = "zadarma"
)

// Errors of webhook authentication: both answer 403 and store nothing.
var (
	errSignature = errors.New("telephony: wrong signature")
	errStale     = errors.New("telephony: timestamp outside the allowed window (a replay?)")
)

// adapter is one provider's protocol.
type adapter interface {
	// check validates the channel's settings and secrets (and may fill
	// in defaults).
	check(ch *inbox.Channel) error
	// parse authenticates one webhook request and returns its events. sub
	// is the path after /hooks/telephony/{channel}/ (Mango posts to
	// …/events/call, …/events/summary).
	parse(r *http.Request, body []byte, ch inbox.Channel, sub string, now time.Time) ([]Event, error)
	// callback asks the PBX to ring ext and then connect number.
	callback(ctx context.Context, c *http.Client, ch inbox.Channel, id, ext, number string) error
	// recordingRequest builds the request that fetches a recording
	// (directly, or through the provider's API which redirects or answers
	// with a link).
	recordingRequest(ctx context.Context, c *http.Client, ch inbox.Channel, ref string) (*http.Request, error)
	// defaultAPIURL and defaultHosts are the provider's public API and
	// the hosts its recordings are served from.
	defaultAPIURL() string
	defaultHosts() []string
}

func adapterOf(ch inbox.Channel) (adapter, error) {
	switch ch.Settings[settingProvider] {
	case ProviderGeneric, "":
		return generic{}, nil
	case ProviderMango:
		return mango{}, nil
	case ProviderZadarma:
		return zadarma{}, nil
	}
	return nil, valid.Errorf("settings.provider", "provider", "provider must be generic, mango or zadarma")
}

func apiURL(a adapter, ch inbox.Channel) string {
	if u := strings.TrimRight(ch.Settings[settingAPIURL], "/"); u != "" {
		return u
	}
	return a.defaultAPIURL()
}

// recordingHosts lists the hosts a recording may be fetched from: the
// channel's setting, else the provider's own, plus the API's host.
func recordingHosts(a adapter, ch inbox.Channel) []string {
	var hosts []string
	for _, h := range strings.Split(ch.Settings[settingRecordingHosts], ",") {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			hosts = append(hosts, strings.Trim(h, "[]"))
		}
	}
	if len(hosts) == 0 {
		hosts = a.defaultHosts()
	}
	if u, err := url.Parse(apiURL(a, ch)); err == nil && u.Hostname() != "" {
		hosts = append(hosts, strings.ToLower(u.Hostname()))
	}
	return hosts
}

func validURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
