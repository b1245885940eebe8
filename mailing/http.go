package mailing

import (
	"net/http"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
)

// MaxBodyBytes is the largest campaign or list request (attachments go
// in the campaign JSON, base64-encoded); the hub lets these paths through
// its default body limit up to this size.
const MaxBodyBytes = 12 << 20

// Routes adds the mailing API and the public unsubscribe link to mux
// (see docs/API.md, "Mailings").
func (s *Service) Routes(mux *http.ServeMux) {
	a := httpapi.Authed
	mux.HandleFunc("GET /api/v1/mailing/campaigns", a(s.httpListCampaigns))
	mux.HandleFunc("POST /api/v1/mailing/campaigns", a(s.httpCreateCampaign))
	mux.HandleFunc("POST /api/v1/mailing/audience", a(s.httpCountAudience))
	mux.HandleFunc("POST /api/v1/mailing/preview", a(s.httpPreviewContent))
	mux.HandleFunc("GET /api/v1/mailing/campaigns/{id}", a(s.httpGetCampaign))
	mux.HandleFunc("PUT /api/v1/mailing/campaigns/{id}", a(s.httpUpdateCampaign))
	mux.HandleFunc("GET /api/v1/mailing/campaigns/{id}/stats", a(s.httpStats))
	mux.HandleFunc("GET /api/v1/mailing/campaigns/{id}/preview", a(s.httpPreview))
	mux.HandleFunc("POST /api/v1/mailing/campaigns/{id}/test", a(s.httpTestSend))
	mux.HandleFunc("POST /api/v1/mailing/campaigns/{id}/{action}", a(s.httpAction))
	mux.HandleFunc("GET /api/v1/mailing/accounts", a(s.httpListAccounts))
	mux.HandleFunc("POST /api/v1/mailing/accounts", a(s.httpCreateAccount))
	mux.HandleFunc("POST /api/v1/mailing/sms-gateways", a(s.httpCreateGateway))
	mux.HandleFunc("GET /api/v1/mailing/sms-gateways", a(s.httpListGateways))
	mux.HandleFunc("GET /api/v1/mailing/messengers", a(s.httpListMessengers))
	mux.HandleFunc("GET /api/v1/mailing/lists", a(s.httpListLists))
	mux.HandleFunc("POST /api/v1/mailing/lists", a(s.httpCreateList))
	mux.HandleFunc("POST /api/v1/mailing/lists/{id}/entries", a(s.httpAppendList))
	mux.HandleFunc("POST /api/v1/mailing/suppressions", a(s.httpSuppress))
	mux.HandleFunc("GET /api/v1/mailing/settings", a(s.httpGetSettings))
	mux.HandleFunc("PUT /api/v1/mailing/settings", a(s.httpPutSettings))
	mux.HandleFunc("GET /hooks/mailing/o/{token}", s.httpOpen)
	mux.HandleFunc("GET /hooks/mailing/c/{token}", s.httpClick)
	mux.HandleFunc("GET /hooks/mailing/unsubscribe/{token}", s.httpUnsubscribe)
	mux.HandleFunc("POST /hooks/mailing/unsubscribe/{token}", s.httpUnsubscribe)
}

// reply writes v or the error.
func reply(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, status, v)
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	if err := httpapi.Decode(r, v); err != nil {
		httpapi.Error(w, r, err)
		return false
	}
	return true
}

func (s *Service) httpListCampaigns(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
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
	cs, err := s.ListCampaigns(r.Context(), p.Scope, limit, offset)
	reply(w, r, http.StatusOK, map[string]any{"campaigns": cs}, err)
}

func (s *Service) httpCreateCampaign(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in CampaignInput
	if !decode(w, r, &in) {
		return
	}
	c, err := s.CreateCampaign(r.Context(), p.Scope, in)
	reply(w, r, http.StatusCreated, c, err)
}

func (s *Service) httpUpdateCampaign(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in CampaignInput
	if !decode(w, r, &in) {
		return
	}
	c, err := s.UpdateCampaign(r.Context(), p.Scope, r.PathValue("id"), in)
	reply(w, r, http.StatusOK, c, err)
}

func (s *Service) httpGetCampaign(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	c, err := s.GetCampaign(r.Context(), p.Scope, r.PathValue("id"))
	reply(w, r, http.StatusOK, c, err)
}

func (s *Service) httpStats(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	st, err := s.CampaignStats(r.Context(), p.Scope, r.PathValue("id"))
	reply(w, r, http.StatusOK, st, err)
}

func (s *Service) httpCountAudience(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in CampaignInput
	if !decode(w, r, &in) {
		return
	}
	ac, err := s.CountAudience(r.Context(), p.Scope, in)
	reply(w, r, http.StatusOK, ac, err)
}

func (s *Service) httpPreview(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	out, err := s.Preview(r.Context(), p.Scope, r.PathValue("id"), r.URL.Query().Get("member_id"))
	reply(w, r, http.StatusOK, out, err)
}

func (s *Service) httpPreviewContent(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Content  Content `json:"content"`
		MemberID string  `json:"member_id"`
	}
	if !decode(w, r, &in) {
		return
	}
	out, err := s.PreviewContent(r.Context(), p.Scope, in.Content, in.MemberID)
	reply(w, r, http.StatusOK, out, err)
}

func (s *Service) httpTestSend(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		To       []string `json:"to"`
		MemberID string   `json:"member_id"`
	}
	if !decode(w, r, &in) {
		return
	}
	err := s.TestSend(r.Context(), p.Scope, r.PathValue("id"), in.To, in.MemberID)
	reply(w, r, http.StatusOK, map[string]bool{"sent": true}, err)
}

func (s *Service) httpAction(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
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
		c, err = s.Start(r.Context(), p.Scope, id, at)
	case "pause":
		c, err = s.Pause(r.Context(), p.Scope, id)
	case "resume":
		c, err = s.Resume(r.Context(), p.Scope, id)
	case "cancel":
		c, err = s.Cancel(r.Context(), p.Scope, id)
	case "confirm":
		c, err = s.Confirm(r.Context(), p.Scope, id)
	default:
		err = valid.Errorf("action", "action", "action must be start, pause, resume, cancel or confirm")
	}
	reply(w, r, http.StatusOK, c, err)
}

func (s *Service) httpListAccounts(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	as, err := s.ListAccounts(r.Context(), p.Scope)
	reply(w, r, http.StatusOK, map[string]any{"accounts": as}, err)
}

func (s *Service) httpCreateAccount(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in SMTPAccount
	if !decode(w, r, &in) {
		return
	}
	a, err := s.CreateAccount(r.Context(), p.Scope, in)
	reply(w, r, http.StatusCreated, a, err)
}

func (s *Service) httpCreateGateway(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in SMSGatewayConfig
	if !decode(w, r, &in) {
		return
	}
	g, err := s.CreateSMSGateway(r.Context(), p.Scope, in)
	reply(w, r, http.StatusCreated, g, err)
}

func (s *Service) httpListGateways(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	gs, err := s.ListSMSGateways(r.Context(), p.Scope)
	reply(w, r, http.StatusOK, map[string]any{"sms_gateways": gs}, err)
}

func (s *Service) httpListMessengers(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ms, err := s.MessengerChannels(r.Context(), p.Scope)
	reply(w, r, http.StatusOK, map[string]any{"channels": ms}, err)
}

// MailingSettings are the administrator's switches for mailings.
type MailingSettings struct {
	Tracking bool `json:"tracking"` // count opens and clicks of e-mails
}

func (s *Service) httpGetSettings(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := requireSend(p.Scope); err != nil {
		reply(w, r, http.StatusOK, nil, err)
		return
	}
	on, err := s.Tracking(r.Context())
	reply(w, r, http.StatusOK, MailingSettings{Tracking: on}, err)
}

func (s *Service) httpPutSettings(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in MailingSettings
	if !decode(w, r, &in) {
		return
	}
	reply(w, r, http.StatusOK, in, s.SetTracking(r.Context(), p.Scope, in.Tracking))
}

func (s *Service) httpListLists(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ls, err := s.ListLists(r.Context(), p.Scope)
	reply(w, r, http.StatusOK, map[string]any{"lists": ls}, err)
}

func (s *Service) httpCreateList(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Name string `json:"name"`
	}
	if !decode(w, r, &in) {
		return
	}
	l, err := s.CreateList(r.Context(), p.Scope, in.Name)
	reply(w, r, http.StatusCreated, l, err)
}

func (s *Service) httpAppendList(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Entries []ListEntry `json:"entries"`
	}
	if !decode(w, r, &in) {
		return
	}
	l, err := s.AppendToList(r.Context(), p.Scope, r.PathValue("id"), in.Entries)
	reply(w, r, http.StatusOK, l, err)
}

func (s *Service) httpSuppress(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Channel string `json:"channel"`
		Address string `json:"address"`
		Reason  string `json:"reason"`
	}
	if !decode(w, r, &in) {
		return
	}
	err := s.Suppress(r.Context(), p.Scope, in.Channel, in.Address, in.Reason)
	reply(w, r, http.StatusOK, map[string]bool{"suppressed": true}, err)
}
