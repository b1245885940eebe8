package mailing

import (
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/url"
	"regexp"
	"strings"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/settings"
	"github.com/profhub/profhub/internal/storage/db"
)

// Tracking counts the opens and clicks of campaign e-mails, when the
// administrator turned it on: it adds the open pixel and routes links
// through the hub as letters are sent, and counts what comes back.
type Tracking struct {
	db     *db.DB
	log    *slog.Logger
	tokens tokens
}

// MailingSettings are the administrator's switches for mailings.
type MailingSettings struct {
	Tracking bool `json:"tracking"` // count opens and clicks of e-mails
}

// Settings reads the switches for a sender.
func (s *Tracking) Settings(ctx context.Context, sc access.Scope) (MailingSettings, error) {
	if err := requireSend(sc); err != nil {
		return MailingSettings{}, err
	}
	on, err := s.Tracking(ctx)
	return MailingSettings{Tracking: on}, err
}

// settingTracking turns open and click counting on ("1"); it is off
// unless an administrator turns it on, since it tells the union who read
// what.
const settingTracking = "mailing.tracking"

// SetTracking turns open and click counting on or off for the e-mails
// sent from now on (a running campaign picks it up when its runner
// restarts).
func (s *Tracking) SetTracking(ctx context.Context, sc access.Scope, on bool) error {
	if sc.Role != access.Administrator {
		return fmt.Errorf("%w: only administrators turn mailing tracking on or off", access.ErrForbidden)
	}
	v := ""
	if on {
		v = "1"
	}
	return settings.Set(ctx, s.db, sc, settingTracking, v)
}

// Tracking says whether open and click counting is on.
func (s *Tracking) Tracking(ctx context.Context) (bool, error) {
	v, err := settings.Get(ctx, s.db, settingTracking, "")
	return v == "1", err
}

var hrefAttr = regexp.MustCompile(`(?i)href="(https?://[^"]+)"`)

// track adds the open pixel to one recipient's HTML and routes through the
// hub the links that the campaign's own HTML holds literally (a link made
// of member variables, and the unsubscribe link, stay as they are). Each
// click link is signed with its address, and the hub checks the address
// against the campaign again: it redirects nowhere else.
func (s *Tracking) track(body, source, campaignID string, seq int64) string {
	base := s.tokens.baseURL()
	body = hrefAttr.ReplaceAllStringFunc(body, func(m string) string {
		raw := hrefAttr.FindStringSubmatch(m)[1]
		target := html.UnescapeString(raw)
		if !linkInContent(source, target) {
			return m
		}
		link := base + "/hooks/mailing/c/" + s.tokens.rowToken("click", campaignID, seq, target) + "?u=" + url.QueryEscape(target)
		return `href="` + html.EscapeString(link) + `"`
	})
	pixel := `<img src="` + base + "/hooks/mailing/o/" + s.tokens.rowToken("open", campaignID, seq, "") + `" width="1" height="1" alt="">`
	if i := strings.LastIndex(strings.ToLower(body), "</body>"); i >= 0 {
		return body[:i] + pixel + body[i:]
	}
	return body + pixel
}

// linkInContent: the address appears in the campaign's HTML as written
// (raw or with & as &amp;).
func linkInContent(source, target string) bool {
	return target != "" && (strings.Contains(source, target) || strings.Contains(source, strings.ReplaceAll(target, "&", "&amp;")))
}

// CountOpen notes that the letter of an open token was opened (the
// first time counts); a token that does not verify counts nothing.
func (s *Tracking) CountOpen(ctx context.Context, token string) {
	id, seq, err := s.tokens.parseRowToken("open", token, "")
	if err != nil {
		return
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE mailing_recipients SET opened_at = $3
		WHERE campaign_id = $1 AND seq = $2 AND opened_at = 0`, id, seq, db.Now()); err != nil {
		s.log.Error("open not counted", "campaign", id, "err", err)
	}
}

// Click errors: the token does not verify, or the campaign does not hold
// the address (or is gone).
var (
	errForeignLink = errors.New("mailing: click to an address the campaign does not hold")
	errUnknownLink = errors.New("mailing: click of an unknown campaign")
)

// Click counts a click of a tracked link and returns nil if the browser
// may go on to target: the token was signed for that address and the
// campaign's HTML holds it.
func (s *Tracking) Click(ctx context.Context, token, target string) (campaignID string, err error) {
	id, seq, err := s.tokens.parseRowToken("click", token, target)
	if err != nil {
		return "", err
	}
	var content string
	if err := s.db.QueryRowContext(ctx, `SELECT content FROM mailing_campaigns WHERE id = $1`, id).Scan(&content); err != nil {
		return id, errUnknownLink
	}
	var c Content
	u, perr := url.Parse(target)
	if jsonUnmarshal(content, &c) != nil || !linkInContent(c.HTML, target) || perr != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return id, errForeignLink
	}
	now := db.Now()
	if _, err := s.db.ExecContext(ctx, `UPDATE mailing_recipients SET clicks = clicks + 1,
		opened_at = CASE WHEN opened_at = 0 THEN $3 ELSE opened_at END WHERE campaign_id = $1 AND seq = $2`, id, seq, now); err != nil {
		s.log.Error("click not counted", "campaign", id, "err", err)
	}
	return id, nil
}
