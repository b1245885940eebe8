package mailing

import (
	"html/template"
	"net/http"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
)

// campaignHandlers answer the campaign editor: campaigns, their actions,
// audience counts, previews and test letters.
type campaignHandlers struct {
	campaigns *Campaigns
	actions   *CampaignActions
	audience  *Audience
	previews  *Previews
}

func (h campaignHandlers) httpListCampaigns(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	limit, err := httpapi.IntQuery(r, "limit", 50)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	offset, err := httpapi.IntQuery(r, "offset", 0)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	cs, err := h.campaigns.ListCampaigns(r.Context(), p.Scope, limit, offset)
	reply(w, r, http.StatusOK, map[string]any{"campaigns": cs}, err)
}

func (h campaignHandlers) httpCreateCampaign(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in CampaignInput
	if !decode(w, r, &in) {
		return
	}
	c, err := h.campaigns.CreateCampaign(r.Context(), p.Scope, in)
	reply(w, r, http.StatusCreated, c, err)
}

func (h campaignHandlers) httpUpdateCampaign(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in CampaignInput
	if !decode(w, r, &in) {
		return
	}
	c, err := h.campaigns.UpdateCampaign(r.Context(), p.Scope, r.PathValue("id"), in)
	reply(w, r, http.StatusOK, c, err)
}

func (h campaignHandlers) httpGetCampaign(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	c, err := h.campaigns.GetCampaign(r.Context(), p.Scope, r.PathValue("id"))
	reply(w, r, http.StatusOK, c, err)
}

func (h campaignHandlers) httpStats(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	st, err := h.campaigns.CampaignStats(r.Context(), p.Scope, r.PathValue("id"))
	reply(w, r, http.StatusOK, st, err)
}

func (h campaignHandlers) httpCountAudience(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in CampaignInput
	if !decode(w, r, &in) {
		return
	}
	ac, err := h.audience.CountAudience(r.Context(), p.Scope, in)
	reply(w, r, http.StatusOK, ac, err)
}

func (h campaignHandlers) httpPreview(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	out, err := h.previews.Preview(r.Context(), p.Scope, r.PathValue("id"), r.URL.Query().Get("member_id"))
	reply(w, r, http.StatusOK, out, err)
}

// httpLetter answers the letter itself, as a member will see it, for the
// editor's preview frame: a document of its own whose policy lets the
// letter's inline styles apply and nothing run (the hub's pages allow no
// inline styles, so the letter could not show styled inside them).
func (h campaignHandlers) httpLetter(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	out, err := h.previews.Preview(r.Context(), p.Scope, r.PathValue("id"), r.URL.Query().Get("member_id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	body := out.HTML
	if body == "" {
		body = "<pre style=\"white-space:pre-wrap;font-family:sans-serif\">" + template.HTMLEscapeString(out.Text) + "</pre>"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; frame-ancestors 'self'; sandbox")
	w.Header().Set("X-Frame-Options", "SAMEORIGIN")
	_, _ = w.Write([]byte(body))
}

func (h campaignHandlers) httpPreviewContent(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Content  Content `json:"content"`
		MemberID string  `json:"member_id"`
	}
	if !decode(w, r, &in) {
		return
	}
	out, err := h.previews.PreviewContent(r.Context(), p.Scope, in.Content, in.MemberID)
	reply(w, r, http.StatusOK, out, err)
}

func (h campaignHandlers) httpTestSend(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		To       []string `json:"to"`
		ToMe     bool     `json:"to_me"` // to the signed-in person's own address
		MemberID string   `json:"member_id"`
	}
	if !decode(w, r, &in) {
		return
	}
	if in.ToMe {
		if p.User.Email == "" {
			httpapi.Error(w, r, valid.Errorf("to", "own_email", "your account has no e-mail address: ask an administrator to add it"))
			return
		}
		in.To = []string{p.User.Email}
	}
	err := h.previews.TestSend(r.Context(), p.Scope, r.PathValue("id"), in.To, in.MemberID)
	reply(w, r, http.StatusOK, map[string]any{"sent": true, "to": in.To}, err)
}

func (h campaignHandlers) httpAction(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id := r.PathValue("id")
	var c Campaign
	var err error
	switch r.PathValue("action") {
	case "start":
		var in struct {
			At *time.Time `json:"at"`
		}
		if r.ContentLength != 0 && !decode(w, r, &in) {
			return
		}
		var at time.Time
		if in.At != nil {
			at = *in.At
		}
		c, err = h.actions.Start(r.Context(), p.Scope, id, at)
	case "pause":
		c, err = h.actions.Pause(r.Context(), p.Scope, id)
	case "resume":
		c, err = h.actions.Resume(r.Context(), p.Scope, id)
	case "cancel":
		c, err = h.actions.Cancel(r.Context(), p.Scope, id)
	case "confirm":
		c, err = h.actions.Confirm(r.Context(), p.Scope, id)
	default:
		err = valid.Errorf("action", "action", "action must be start, pause, resume, cancel or confirm")
	}
	reply(w, r, http.StatusOK, c, err)
}
