package inbox

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
)

// Routes adds the inbox API, the operators' WebSocket and the API
// channel's webhook to mux (see docs/API.md).
func (s *Services) Routes(mux *http.ServeMux) {
	a := httpapi.Authed
	lines := &lineHandlers{Lines: s.Lines}
	channels := &channelHandlers{Channels: s.Channels}
	presence := &presenceHandlers{Presence: s.Presence}
	convs := &conversationHandlers{Conversations: s.Conversations}
	supervisor := &supervisorHandlers{Supervisor: s.Supervisor}
	routing := &routingHandlers{Routing: s.Routing}
	actions := &actionHandlers{Actions: s.Actions}
	dispatch := &dispatchHandlers{Dispatch: s.Dispatch}
	attachments := &attachmentHandlers{Attachments: s.Attachments}
	events := &eventHandlers{Events: s.Events, Presence: s.Presence}
	api := &apiChannelHandlers{Ingestion: s.Ingestion, Dispatch: s.Dispatch}
	quick := &quickAnswerHandlers{QuickAnswers: s.QuickAnswers}
	stats := &statsHandlers{Stats: s.Stats}
	labels := &labelHandlers{Labels: s.Labels, Actions: s.Actions}
	views := &viewHandlers{Views: s.Views, Labels: s.Labels, Conversations: s.Conversations}

	mux.HandleFunc("GET /api/v1/inbox/lines", a(lines.httpListLines))
	mux.HandleFunc("POST /api/v1/inbox/lines", a(lines.httpCreateLine))
	mux.HandleFunc("GET /api/v1/inbox/lines/{id}", a(lines.httpGetLine))
	mux.HandleFunc("PUT /api/v1/inbox/lines/{id}", a(lines.httpUpdateLine))
	mux.HandleFunc("GET /api/v1/inbox/channels", a(channels.httpListChannels))
	mux.HandleFunc("POST /api/v1/inbox/channels", a(channels.httpCreateChannel))
	mux.HandleFunc("PATCH /api/v1/inbox/channels/{id}", a(channels.httpUpdateChannel))
	mux.HandleFunc("GET /api/v1/inbox/channels/{id}/status", a(channels.httpChannelStatus))
	mux.HandleFunc("POST /api/v1/inbox/channels/{id}/disable", a(channels.httpSetChannelDisabled(true)))
	mux.HandleFunc("POST /api/v1/inbox/channels/{id}/enable", a(channels.httpSetChannelDisabled(false)))
	mux.HandleFunc("GET /api/v1/inbox/channels/{id}/webhook-secret", a(channels.httpWebhookSecret))

	mux.HandleFunc("POST /api/v1/inbox/presence", a(presence.httpSetPresence))
	mux.HandleFunc("GET /api/v1/inbox/presence", a(presence.httpGetPresence))
	mux.HandleFunc("GET /api/v1/inbox/offers", a(presence.httpMyOffers))
	mux.HandleFunc("GET /api/v1/inbox/conversations", a(convs.httpListConversations))
	mux.HandleFunc("GET /api/v1/inbox/conversations/export", a(convs.httpExportConversations))
	mux.HandleFunc("GET /api/v1/inbox/conversations/{id}", a(convs.httpGetConversation))
	mux.HandleFunc("GET /api/v1/inbox/conversations/{id}/messages", a(convs.httpMessages))
	mux.HandleFunc("GET /api/v1/inbox/conversations/{id}/routing", a(convs.httpRoutingLog))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/accept", a(routing.httpAccept))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/decline", a(routing.httpDecline))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/take", a(routing.httpTake))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/takeover", a(routing.httpTakeOver))
	mux.HandleFunc("GET /api/v1/inbox/overview", a(supervisor.httpOverview))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/messages", a(dispatch.httpReply))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/notes", a(dispatch.httpNote))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/transfer", a(routing.httpTransfer))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/close", a(actions.httpClose))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/reopen", a(actions.httpReopen))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/priority", a(actions.httpPriority))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/spam", a(actions.httpSpam))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/member", a(actions.httpLinkMember))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/read", a(actions.httpMarkRead))
	mux.HandleFunc("POST /api/v1/inbox/messages/{id}/retry", a(dispatch.httpRetry))
	mux.HandleFunc("GET /api/v1/inbox/ws", a(events.httpWebSocket))
	mux.HandleFunc("POST /api/v1/inbox/uploads/{conversation}", a(attachments.httpUpload))
	mux.HandleFunc("GET /api/v1/inbox/attachments/{key}", a(attachments.httpAttachment))

	mux.HandleFunc("POST /hooks/api/{channel}/messages", api.httpAPIChannelInbound)
	mux.HandleFunc("GET /hooks/api/{channel}/replies", api.httpAPIChannelPull)

	mux.HandleFunc("GET /api/v1/inbox/quick-answers", a(quick.httpListQuickAnswers))
	mux.HandleFunc("POST /api/v1/inbox/quick-answers", a(quick.httpCreateQuickAnswer))
	mux.HandleFunc("PUT /api/v1/inbox/quick-answers/{id}", a(quick.httpUpdateQuickAnswer))
	mux.HandleFunc("DELETE /api/v1/inbox/quick-answers/{id}", a(quick.httpDeleteQuickAnswer))
	mux.HandleFunc("GET /api/v1/inbox/stats", a(stats.httpStats))
	ratingPage := &ratingPageHandlers{Ratings: s.Ratings}
	mux.HandleFunc("GET /rate/{token}", ratingPage.httpRatingForm) // public: the links of a letter
	mux.HandleFunc("POST /rate/{token}", ratingPage.httpRate)

	mux.HandleFunc("GET /api/v1/inbox/labels", a(labels.httpListLabels))
	mux.HandleFunc("POST /api/v1/inbox/labels", a(labels.httpSaveLabel))
	mux.HandleFunc("PUT /api/v1/inbox/labels/{id}", a(labels.httpSaveLabel))
	mux.HandleFunc("DELETE /api/v1/inbox/labels/{id}", a(labels.httpDeleteLabel))
	mux.HandleFunc("PUT /api/v1/inbox/conversations/{id}/labels/{label}", a(labels.httpSetLabel(true)))
	mux.HandleFunc("DELETE /api/v1/inbox/conversations/{id}/labels/{label}", a(labels.httpSetLabel(false)))
	mux.HandleFunc("PUT /api/v1/inbox/conversations/{id}/contact-labels/{label}", a(views.httpSetContactLabel(true)))
	mux.HandleFunc("DELETE /api/v1/inbox/conversations/{id}/contact-labels/{label}", a(views.httpSetContactLabel(false)))
	mux.HandleFunc("GET /api/v1/inbox/members/{member}/labels", a(views.httpMemberLabels))
	mux.HandleFunc("GET /api/v1/inbox/views", a(views.httpListViews))
	mux.HandleFunc("POST /api/v1/inbox/views", a(views.httpSaveView))
	mux.HandleFunc("GET /api/v1/inbox/views/{id}", a(views.httpGetView))
	mux.HandleFunc("PATCH /api/v1/inbox/views/{id}", a(views.httpUpdateView))
	mux.HandleFunc("DELETE /api/v1/inbox/views/{id}", a(views.httpDeleteView))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/snooze", a(labels.httpSnooze))
	mux.HandleFunc("POST /api/v1/inbox/conversations/{id}/unsnooze", a(labels.httpUnsnooze))
}
