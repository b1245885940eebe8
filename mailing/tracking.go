package mailing

import (
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/settings"
	"github.com/profhub/profhub/internal/storage/db"
)

// settingTracking turns open and click counting on ("1"); it is off
// unless an administrator turns it on, since it tells the union who read
// what.
const settingTracking = "mailing.tracking"

// SetTracking turns open and click counting on or off for the e-mails
// sent from now on (a running campaign picks it up when its runner
// restarts).
func (s *Service) SetTracking(ctx context.Context, sc access.Scope, on bool) error {
	if sc.Role != access.Administrator {
		return fmt.Errorf("%w: only administrators turn mailing tracking on or off", access.ErrForbidden)
	}
	v := ""
	if on {
		v = "1"
	}
	return settings.Set(ctx, s.d.DB, sc, settingTracking, v)
}

// Tracking says whether open and click counting is on.
func (s *Service) Tracking(ctx context.Context) (bool, error) {
	v, err := settings.Get(ctx, s.d.DB, settingTracking, "")
	return v == "1", err
}

var hrefAttr = regexp.MustCompile(`(?i)href="(https?://[^"]+)"`)

// track adds the open pixel to one recipient's HTML and routes through the
// hub the links that the campaign's own HTML holds literally (a link made
// of member variables, and the unsubscribe link, stay as they are). Each
// click link is signed with its address, and the hub checks the address
// against the campaign again: it redirects nowhere else.
func (s *Service) track(body, source, campaignID string, seq int64) string {
	base := strings.TrimSuffix(s.d.BaseURL, "/")
	body = hrefAttr.ReplaceAllStringFunc(body, func(m string) string {
		raw := hrefAttr.FindStringSubmatch(m)[1]
		target := html.UnescapeString(raw)
		if !linkInContent(source, target) {
			return m
		}
		link := base + "/hooks/mailing/c/" + s.rowToken("click", campaignID, seq, target) + "?u=" + url.QueryEscape(target)
		return `href="` + html.EscapeString(link) + `"`
	})
	pixel := `<img src="` + base + "/hooks/mailing/o/" + s.rowToken("open", campaignID, seq, "") + `" width="1" height="1" alt="">`
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

// transparentGIF is the 1×1 image the open link answers with.
var transparentGIF, _ = base64.StdEncoding.DecodeString("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")

func (s *Service) httpOpen(w http.ResponseWriter, r *http.Request) {
	if id, seq, err := s.parseRowToken("open", r.PathValue("token"), ""); err == nil {
		if _, err := s.d.DB.ExecContext(r.Context(), `UPDATE mailing_recipients SET opened_at = $3
			WHERE campaign_id = $1 AND seq = $2 AND opened_at = 0`, id, seq, db.Now()); err != nil {
			s.log.Error("open not counted", "campaign", id, "err", err)
		}
	}
	w.Header().Set("Content-Type", "image/gif")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(transparentGIF)
}

// httpClick counts a click and redirects to the link's address, if the
// token was signed for that address and the campaign's HTML holds it.
func (s *Service) httpClick(w http.ResponseWriter, r *http.Request) {
	target := r.URL.Query().Get("u")
	id, seq, err := s.parseRowToken("click", r.PathValue("token"), target)
	if err != nil {
		s.log.Warn("click with a bad token", "ip", r.RemoteAddr)
		http.Error(w, "unknown link", http.StatusNotFound)
		return
	}
	var content string
	if err := s.d.DB.QueryRowContext(r.Context(), `SELECT content FROM mailing_campaigns WHERE id = $1`, id).Scan(&content); err != nil {
		http.Error(w, "unknown link", http.StatusNotFound)
		return
	}
	var c Content
	u, perr := url.Parse(target)
	if jsonUnmarshal(content, &c) != nil || !linkInContent(c.HTML, target) || perr != nil || (u.Scheme != "http" && u.Scheme != "https") {
		s.log.Warn("click to an address the campaign does not hold", "campaign", id, "ip", r.RemoteAddr)
		http.Error(w, "unknown link", http.StatusNotFound)
		return
	}
	now := db.Now()
	if _, err := s.d.DB.ExecContext(r.Context(), `UPDATE mailing_recipients SET clicks = clicks + 1,
		opened_at = CASE WHEN opened_at = 0 THEN $3 ELSE opened_at END WHERE campaign_id = $1 AND seq = $2`, id, seq, now); err != nil {
		s.log.Error("click not counted", "campaign", id, "err", err)
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusFound)
}
