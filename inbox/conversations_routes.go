package inbox

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
)

// filterOfQuery reads a conversation list's filters from its query
// string (the console's; a saved view's ViewFilter.Values), paging aside.
func filterOfQuery(q url.Values) (ConversationFilter, error) {
	f := ConversationFilter{Status: q.Get("status"), LineID: q.Get("line_id"),
		ChannelKind: q.Get("channel"), Mine: q.Get("mine") == "true", Unassigned: q.Get("unassigned") == "true",
		Query: q.Get("q"), ContactID: q.Get("contact_id"), LabelID: q.Get("label_id"), ContactLabelID: q.Get("contact_label_id")}
	if err := searchQuery(q, &f); err != nil {
		return f, err
	}
	return f, customQuery(q, &f)
}

// conversationHandlers serve conversations, their messages and routing log.
type conversationHandlers struct{ Conversations *Conversations }

func (h *conversationHandlers) httpListConversations(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	limit, err := httpapi.IntQuery(r, "limit", 100)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	before, err := strconv.ParseInt(q.Get("before"), 10, 64)
	if q.Get("before") != "" && err != nil {
		httpapi.Error(w, r, valid.Errorf("before", "query_int", "before must be a number"))
		return
	}
	f, err := filterOfQuery(q)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	f.Limit, f.Before = limit, before
	convs, err := h.Conversations.List(r.Context(), p.Scope, f)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"conversations": convs})
}

func (h *conversationHandlers) httpGetConversation(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	c, err := h.Conversations.Get(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, c)
}

func (h *conversationHandlers) httpMessages(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	after, _ := strconv.ParseInt(r.URL.Query().Get("after_seq"), 10, 64)
	limit, err := httpapi.IntQuery(r, "limit", 200)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	msgs, err := h.Conversations.Messages(r.Context(), p.Scope, r.PathValue("id"), after, limit)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"messages": msgs})
}

func (h *conversationHandlers) httpRoutingLog(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	log, err := h.Conversations.RoutingLog(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"entries": log})
}
