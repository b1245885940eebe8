package vk

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/SevereCloud/vksdk/v3/api"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// Channel settings and secrets of the vk kind.
const (
	secretToken  = "access_token" // community token with the messages right
	secretKey    = "secret"       // Callback API secret key
	setGroupID   = "group_id"
	setConfirm   = "confirmation" // the string VK shows in the Callback API settings
	setMode      = "mode"         // "callback" (default) or "longpoll"
	setAPIURL    = "api_url"      // optional API base URL
	setCommunity = "community_name"

	modeCallback = "callback"
	modeLongPoll = "longpoll"

	// defaultRatePerS keeps under VK's 20 requests per second per
	// community token with headroom for scheduling and network jitter
	// (TestBroadcastUnderVKErrors measured peaks of 20 at 20 and, on a
	// loaded machine, 21 at 18).
	defaultRatePerS = 16
)

// apiURL is the channel's API base URL, with the trailing slash the SDK
// expects.
func apiURL(ch inbox.Channel) string {
	u := strings.TrimSpace(ch.Settings[setAPIURL])
	if u == "" {
		return api.MethodURL
	}
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

func groupID(ch inbox.Channel) int {
	id, _ := strconv.Atoi(ch.Settings[setGroupID])
	return id
}

func mode(ch inbox.Channel) string {
	if ch.Settings[setMode] == modeLongPoll {
		return modeLongPoll
	}
	return modeCallback
}

func (c *Connector) channelClient(ch inbox.Channel) *api.VK {
	return c.client(ch.Secrets[secretToken], apiURL(ch))
}

// CheckChannel runs when a vk channel is created or changed: it checks the
// settings, asks VK whose token this is (groups.getById) and keeps the
// community's id and name.
func (c *Connector) CheckChannel(ctx context.Context, ch *inbox.Channel) error {
	if ch.Settings == nil {
		ch.Settings = map[string]string{}
	}
	token := strings.TrimSpace(ch.Secrets[secretToken])
	if token == "" {
		return valid.Errorf("secrets.access_token", "required", "paste the community's access token (community settings → API usage)")
	}
	ch.Secrets[secretToken] = token
	switch m := ch.Settings[setMode]; m {
	case "":
		ch.Settings[setMode] = modeCallback
	case modeCallback, modeLongPoll:
	default:
		return valid.Errorf("settings.mode", "vk_mode", "mode must be %q or %q", modeCallback, modeLongPoll)
	}
	if raw := strings.TrimSpace(ch.Settings[setAPIURL]); raw != "" {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return valid.Errorf("settings.api_url", "url", "api_url must be an http(s) address such as https://api.vk.ru/method/")
		}
		ch.Settings[setAPIURL] = strings.TrimSuffix(raw, "/") + "/"
	}
	if mode(*ch) == modeCallback {
		if ch.Secrets[secretKey] == "" {
			return valid.Errorf("secrets.secret", "required", "set a secret key in the community's Callback API settings and paste it here")
		}
		if strings.TrimSpace(ch.Settings[setConfirm]) == "" {
			return valid.Errorf("settings.confirmation", "required", "paste the confirmation string VK shows in the Callback API settings")
		}
	}
	cctx, cancel := context.WithTimeout(ctx, c.t.callTimeout)
	defer cancel()
	resp, err := c.channelClient(*ch).GroupsGetByID(api.Params{}.WithContext(cctx))
	var vkErr *api.Error
	switch {
	case errors.As(err, &vkErr):
		return valid.Errorf("secrets.access_token", "vk_token", "VK refused the community token: %s (error %d)", vkErr.Message, int(vkErr.Code))
	case err != nil:
		return valid.Errorf("secrets.access_token", "vk_unreachable", "could not reach VK to check the token: %v", err)
	case len(resp.Groups) == 0:
		return valid.Errorf("secrets.access_token", "vk_token", "the token is not a community token")
	}
	g := resp.Groups[0]
	if want := ch.Settings[setGroupID]; want != "" && want != strconv.Itoa(g.ID) {
		return valid.Errorf("settings.group_id", "vk_group", "the token belongs to community %d (%s), not %s", g.ID, g.Name, want)
	}
	ch.Settings[setGroupID] = strconv.Itoa(g.ID)
	ch.Settings[setCommunity] = g.Name
	if ch.RatePerS == 0 {
		ch.RatePerS = defaultRatePerS
	}
	return nil
}
