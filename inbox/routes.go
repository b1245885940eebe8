package inbox

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
)

// Routes adds the inbox API, the operators' WebSocket and the API
// channel's webhook to mux (see docs/API.md).
func (e *Engine) Routes(mux *http.ServeMux) {
	a := httpapi.Authed
	mux.HandleFunc("GET /api/v1/inbox/lines", a(e.httpListLines))
	mux.HandleFunc("POST /api/v1/inbox/lines", a(e.httpCreateLine))
	mux.HandleFunc("GET /api/v1/inbox/lines/{id}", a(e.httpGetLine))
	mux.HandleFunc("PUT /api/v1/inbox/lines/{id}", a(e.httpUpdateLine))
	mux.HandleFunc("GET /api/v1/inbox/channels", a(e.httpListChannels))
	mux.HandleFunc("POST /api/v1/inbox/channels", a(e.httpCreateChannel))
	mux.HandleFunc("PATCH /api/v1/inbox/channels/{id}", a(e.httpUpdateChannel))
	mux.HandleFunc("GET /api/v1/inbox/channels/{id}/status", a(e.httpChannelStatus))
	mux.HandleFunc("POST /api/v1/inbox/channels/{id}/disable", a(e.httpSetChannelDisabled(true)))
	mux.HandleFunc("POST /api/v1/inbox/channels/{id}/enable", a(e.httpSetChannelDisabled(false)))
	mux.HandleFunc("GET /api/v1/inbox/channels/{id}/webhook-secret", a(e.httpWebhookSecret))

	mux.HandleFunc("POST /api/v1/inbox/presence", a(e.httpSetPresence))
	mux.HandleFunc("GET /api/v1/inbox/presence", a(e.httpGetPresence))
	mux.HandleFunc("GET /api/v1/inbox/offers", a(e.httpMyOffers))
	mux.HandleFunc("GET /api/v1/inbox/conversations", a(e.httpListConversations))
	mux.HandleFunc("GET /api/v1/inbox/conversations/{id}", a(e.httpGetConversation))
	mux.HandleFunc("GET /api/v1/inbox/conversations/{id}/messages", a(e.httpMessages))
	mux.HandleFunc("GET /api/v1/inbox/conversations/{id}/routing", a(e.httpRoutingLog))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/accept", a(e.httpAccept))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/decline", a(e.httpDecline))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/take", a(e.httpTake))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/takeover", a(e.httpTakeOver))
	mux.HandleFunc("GET /api/v1/inbox/overview", a(e.httpOverview))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/messages", a(e.httpReply))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/notes", a(e.httpNote))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/transfer", a(e.httpTransfer))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/close", a(e.httpClose))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/reopen", a(e.httpReopen))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/priority", a(e.httpPriority))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/spam", a(e.httpSpam))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/member", a(e.httpLinkMember))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/read", a(e.httpMarkRead))
	mux.HandleFunc("POST /api/v1/inbox/messages/{id}/retry", a(e.httpRetry))
	mux.HandleFunc("GET /api/v1/inbox/ws", a(e.httpWebSocket))
	mux.HandleFunc("POST /api/v1/inbox/uploads/{conversation}", a(e.httpUpload))
	mux.HandleFunc("GET /api/v1/inbox/attachments/{key}", a(e.httpAttachment))

	mux.HandleFunc("POST /hooks/api/{channel}/messages", e.httpAPIChannelInbound)
	mux.HandleFunc("GET /hooks/api/{channel}/replies", e.httpAPIChannelPull)

	mux.HandleFunc("GET /api/v1/inbox/quick-answers", a(e.httpListQuickAnswers))
	mux.HandleFunc("POST /api/v1/inbox/quick-answers", a(e.httpCreateQuickAnswer))
	mux.HandleFunc("PUT /api/v1/inbox/quick-answers/{id}", a(e.httpUpdateQuickAnswer))
	mux.HandleFunc("DELETE /api/v1/inbox/quick-answers/{id}", a(e.httpDeleteQuickAnswer))
	mux.HandleFunc("GET /api/v1/inbox/stats", a(e.httpStats))
}
