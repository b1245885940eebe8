package widget

import (
	"strconv"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// Per-channel abuse limits are channel settings; an empty one takes the
// node's limit (Deps.Limits, else DefaultLimits). A site that sits behind
// a big NAT (a university, a factory) raises the per-address limits of its
// channel without loosening everyone else's.
const (
	settingLimitSessions = "limit_sessions_per_ip_hour"
	settingLimitSockets  = "limit_sockets_per_ip"
	settingLimitRate     = "limit_messages_per_second"
	settingLimitBurst    = "limit_message_burst"
	settingLimitText     = "limit_max_text"
	settingLimitUploads  = "limit_uploads_per_visitor_hour"
)

// limitSetting is one configurable limit and the range it may take: the
// upper bounds keep a typo from switching a limit off altogether.
type limitSetting struct {
	key      string
	min, max float64
	integer  bool
	set      func(*Limits, float64)
}

var limitSettings = []limitSetting{
	{settingLimitSessions, 1, 1_000_000, true, func(l *Limits, v float64) { l.SessionsPerIPHour = int(v) }},
	{settingLimitSockets, 1, 100_000, true, func(l *Limits, v float64) { l.SocketsPerIP = int(v) }},
	{settingLimitRate, 0.1, 1000, false, func(l *Limits, v float64) { l.MessagesPerSecond = v }},
	{settingLimitBurst, 1, 10_000, true, func(l *Limits, v float64) { l.MessageBurst = int(v) }},
	{settingLimitText, 1, 20_000, true, func(l *Limits, v float64) { l.MaxTextRunes = int(v) }},
	{settingLimitUploads, 1, 10_000, true, func(l *Limits, v float64) { l.UploadsPerVisitorHour = int(v) }},
}

// LimitSettings are the setting keys of the configurable limits, for the
// settings page and the command line.
func LimitSettings() []string {
	keys := make([]string, len(limitSettings))
	for i, s := range limitSettings {
		keys[i] = s.key
	}
	return keys
}

// checkLimits refuses a limit that is not a number in its range.
func checkLimits(s map[string]string) error {
	for _, ls := range limitSettings {
		raw := s[ls.key]
		if raw == "" {
			continue
		}
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil || (ls.integer && v != float64(int64(v))) || v < ls.min || v > ls.max {
			kind := "a number"
			if ls.integer {
				kind = "a whole number"
			}
			return valid.Errorf("settings."+ls.key, "limit", "%s must be %s from %g to %g", ls.key, kind, ls.min, ls.max)
		}
	}
	return nil
}

// limitsFor is the node's limits with the channel's own on top. Settings
// were checked when saved; one that no longer parses keeps the node's.
func (c *Channels) limitsFor(ch inbox.Channel) Limits {
	l := c.limits
	for _, ls := range limitSettings {
		if v, err := strconv.ParseFloat(ch.Settings[ls.key], 64); err == nil && v >= ls.min && v <= ls.max {
			ls.set(&l, v)
		}
	}
	return l
}

// maxUpload is the largest file a visitor may send, as documented
// (docs/API.md, docs/CHANNELS.md). The hub exempts the upload path from
// PROFHUB_MAX_BODY_BYTES with room for this limit, so the ordinary body
// limit does not shrink it.
func (c *Channels) maxUpload() int64 {
	return c.limits.MaxUploadBytes
}
