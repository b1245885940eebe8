package mailing

import (
	"net/http"

	"github.com/profhub/profhub/internal/security/auth"
)

// senderHandlers answer for what campaigns send through: SMTP accounts,
// SMS gateways, and the inbox's bots and communities.
type senderHandlers struct {
	accounts   *Accounts
	gateways   *SMSGateways
	messengers *Messengers
}

func (h senderHandlers) httpListAccounts(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	as, err := h.accounts.ListAccounts(r.Context(), p.Scope)
	reply(w, r, http.StatusOK, map[string]any{"accounts": as}, err)
}

func (h senderHandlers) httpCreateAccount(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in SMTPAccount
	if !decode(w, r, &in) {
		return
	}
	a, err := h.accounts.CreateAccount(r.Context(), p.Scope, in)
	reply(w, r, http.StatusCreated, a, err)
}

func (h senderHandlers) httpCreateGateway(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in SMSGatewayConfig
	if !decode(w, r, &in) {
		return
	}
	g, err := h.gateways.CreateSMSGateway(r.Context(), p.Scope, in)
	reply(w, r, http.StatusCreated, g, err)
}

func (h senderHandlers) httpListGateways(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	gs, err := h.gateways.ListSMSGateways(r.Context(), p.Scope)
	reply(w, r, http.StatusOK, map[string]any{"sms_gateways": gs}, err)
}

func (h senderHandlers) httpListMessengers(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ms, err := h.messengers.MessengerChannels(r.Context(), p.Scope)
	reply(w, r, http.StatusOK, map[string]any{"channels": ms}, err)
}
