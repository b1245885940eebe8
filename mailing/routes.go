package mailing

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
)

// MaxBodyBytes is the largest campaign or list request (attachments go
// in the campaign JSON, base64-encoded); the hub lets these paths through
// its default body limit up to this size.
const MaxBodyBytes = 12 << 20

// Routes adds the mailing API and the public unsubscribe link to mux
// (see docs/API.md, "Mailings"). The handlers are small types over the
// services, one per part of the API, in the *_routes.go files.
func (s *Services) Routes(mux *http.ServeMux) {
	a := httpapi.Authed
	c := campaignHandlers{campaigns: s.Campaigns, actions: s.Actions, audience: s.Audience, previews: s.Previews}
	snd := senderHandlers{accounts: s.Accounts, gateways: s.SMSGateways, messengers: s.Messengers}
	l := listHandlers{lists: s.Lists, suppressions: s.Suppressions}
	tr := trackingHandlers{tracking: s.Tracking, log: s.log}
	u := unsubscribeHandlers{suppressions: s.Suppressions, log: s.log}
	ed := editorHandlers{vars: s.EditorVars, templates: s.Templates, images: s.Images, audience: s.Audience, log: s.log}
	mux.HandleFunc("GET /api/v1/mailing/campaigns", a(c.httpListCampaigns))
	mux.HandleFunc("POST /api/v1/mailing/campaigns", a(c.httpCreateCampaign))
	mux.HandleFunc("POST /api/v1/mailing/audience", a(c.httpCountAudience))
	mux.HandleFunc("POST /api/v1/mailing/preview", a(c.httpPreviewContent))
	mux.HandleFunc("GET /api/v1/mailing/campaigns/{id}", a(c.httpGetCampaign))
	mux.HandleFunc("PUT /api/v1/mailing/campaigns/{id}", a(c.httpUpdateCampaign))
	mux.HandleFunc("GET /api/v1/mailing/campaigns/{id}/stats", a(c.httpStats))
	mux.HandleFunc("GET /api/v1/mailing/campaigns/{id}/preview", a(c.httpPreview))
	mux.HandleFunc("GET /api/v1/mailing/campaigns/{id}/letter", a(c.httpLetter))
	mux.HandleFunc("POST /api/v1/mailing/campaigns/{id}/test", a(c.httpTestSend))
	mux.HandleFunc("POST /api/v1/mailing/campaigns/{id}/{action}", a(c.httpAction))
	mux.HandleFunc("GET /api/v1/mailing/variables", a(ed.httpVariables))
	mux.HandleFunc("POST /api/v1/mailing/recipients", a(ed.httpSampleRecipients))
	mux.HandleFunc("GET /api/v1/mailing/templates", a(ed.httpListTemplates))
	mux.HandleFunc("POST /api/v1/mailing/templates", a(ed.httpCreateTemplate))
	mux.HandleFunc("GET /api/v1/mailing/templates/{id}", a(ed.httpGetTemplate))
	mux.HandleFunc("DELETE /api/v1/mailing/templates/{id}", a(ed.httpDeleteTemplate))
	mux.HandleFunc("POST /api/v1/mailing/images", a(ed.httpUploadImage))
	mux.HandleFunc("GET "+ImagePath+"{id}", ed.httpImage)
	mux.HandleFunc("GET /api/v1/mailing/accounts", a(snd.httpListAccounts))
	mux.HandleFunc("POST /api/v1/mailing/accounts", a(snd.httpCreateAccount))
	mux.HandleFunc("POST /api/v1/mailing/sms-gateways", a(snd.httpCreateGateway))
	mux.HandleFunc("GET /api/v1/mailing/sms-gateways", a(snd.httpListGateways))
	mux.HandleFunc("GET /api/v1/mailing/messengers", a(snd.httpListMessengers))
	mux.HandleFunc("GET /api/v1/mailing/lists", a(l.httpListLists))
	mux.HandleFunc("POST /api/v1/mailing/lists", a(l.httpCreateList))
	mux.HandleFunc("POST /api/v1/mailing/lists/{id}/entries", a(l.httpAppendList))
	mux.HandleFunc("POST /api/v1/mailing/suppressions", a(l.httpSuppress))
	mux.HandleFunc("GET /api/v1/mailing/settings", a(tr.httpGetSettings))
	mux.HandleFunc("PUT /api/v1/mailing/settings", a(tr.httpPutSettings))
	mux.HandleFunc("GET /hooks/mailing/o/{token}", tr.httpOpen)
	mux.HandleFunc("GET /hooks/mailing/c/{token}", tr.httpClick)
	mux.HandleFunc("GET /hooks/mailing/unsubscribe/{token}", u.httpUnsubscribe)
	mux.HandleFunc("POST /hooks/mailing/unsubscribe/{token}", u.httpUnsubscribe)
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
