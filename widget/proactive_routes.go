package widget

import (
	"net/http"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// proactiveHandlers serve the proactive messages and the transcripts:
// the administrators' triggers, the browser's report of a show, the
// visitor's and the operator's transcript.
type proactiveHandlers struct {
	channels    *Channels
	visitors    *Visitors
	limiter     *Limiter
	triggers    *Triggers
	transcripts *Transcripts
	inbox       Inbox
}

// --- administrators ----------------------------------------------------------

func (h proactiveHandlers) list(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ts, err := h.triggers.List(r.Context(), p.Scope, r.PathValue("channel"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"triggers": ts})
}

func (h proactiveHandlers) save(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var t Trigger
	if err := httpapi.Decode(r, &t); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	t.ID = r.PathValue("id")
	status := http.StatusOK
	if t.ID == "" {
		status = http.StatusCreated
	}
	t, err := h.triggers.Save(r.Context(), p.Scope, r.PathValue("channel"), t)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, status, t)
}

func (h proactiveHandlers) remove(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := h.triggers.Delete(r.Context(), p.Scope, r.PathValue("channel"), r.PathValue("id")); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// --- visitors ----------------------------------------------------------------

// shown counts a show of a trigger's message, as the browser reports it.
func (h proactiveHandlers) shown(w http.ResponseWriter, r *http.Request) {
	ch, ok := open(h.channels, w, r)
	if !ok {
		return
	}
	if !h.limiter.countWithin(r.Context(), "proactive:"+h.limiter.clientIP(r), time.Hour, 120) {
		fail(w, r, http.StatusTooManyRequests, "rate_limited", "too many requests from your address")
		return
	}
	found, err := h.triggers.count(r.Context(), ch.ID, r.URL.Query().Get("trigger"), false)
	switch {
	case err != nil:
		httpapi.Error(w, r, err)
	case !found:
		fail(w, r, http.StatusNotFound, "not_found", "no such proactive message")
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

type transcriptRequest struct {
	Email string `json:"email"` // "" the visitor's own address
}

// visitorTranscript e-mails the visitor's current conversation.
func (h proactiveHandlers) visitorTranscript(w http.ResponseWriter, r *http.Request) {
	ch, ok := open(h.channels, w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	v, err := h.visitors.byToken(ctx, ch.ID, r.URL.Query().Get("token"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	var req transcriptRequest
	if err := httpapi.Decode(r, &req); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if !h.limiter.countWithin(ctx, "transcript:"+h.limiter.clientIP(r), time.Hour, 30) {
		fail(w, r, http.StatusTooManyRequests, "rate_limited", "too many requests from your address")
		return
	}
	to, err := h.transcripts.send(ctx, transcriptAsk{ch: ch, v: v, convID: v.ConversationID, to: req.Email, source: "visitor"})
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"to": to})
}

// --- operators ---------------------------------------------------------------

// transcriptState tells the console whether the button can send, and where.
func (h proactiveHandlers) transcriptState(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	conv, err := h.inbox.Conversations.Get(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	to, offered, err := h.transcripts.ownAddress(r.Context(), conv)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"to": to, "offered": offered})
}

// operatorTranscript e-mails a conversation the operator sees to its
// visitor's own address.
func (h proactiveHandlers) operatorTranscript(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	conv, err := h.inbox.Conversations.Get(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	to, err := h.transcripts.forOperator(r.Context(), conv, p.Scope.UserID)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"to": to})
}
