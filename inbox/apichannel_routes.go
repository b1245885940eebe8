package inbox

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
)

// apiChannelHandlers serve the API channel's webhook and its replies' pull.
type apiChannelHandlers struct {
	Ingestion *Ingestion
	Dispatch  *Dispatch // replies collected by pull
}

// httpAPIChannelInbound is the API channel's webhook. The channel token
// comes as a Bearer token and is checked before the body is read: a
// caller without a good token cannot make the hub parse megabytes of JSON
// (the hooks' body limit is large, for providers that send files).
func (h *apiChannelHandlers) httpAPIChannelInbound(w http.ResponseWriter, r *http.Request) {
	ch, err := h.Ingestion.apiChannel(r.Context(), r.PathValue("channel"), bearerToken(r))
	if err != nil {
		httpapi.Refuse(w, r, err, "channel", r.PathValue("channel"))
		return
	}
	var in APIInbound
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Refuse(w, r, err, "channel", ch.ID)
		return
	}
	res, err := h.Ingestion.ingestAPI(r.Context(), ch, in)
	if err != nil {
		httpapi.Refuse(w, r, err, "channel", ch.ID)
		return
	}
	status := http.StatusCreated
	if res.Duplicate {
		status = http.StatusOK
	}
	httpapi.WriteJSON(w, status, res)
}

// httpAPIChannelPull lets an API channel without a webhook collect its
// replies: GET /hooks/api/{channel}/replies?after=<last id>&limit=100.
func (h *apiChannelHandlers) httpAPIChannelPull(w http.ResponseWriter, r *http.Request) {
	limit, err := httpapi.IntQuery(r, "limit", 100)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	replies, err := h.Dispatch.PullReplies(r.Context(), r.PathValue("channel"), bearerToken(r), r.URL.Query().Get("after"), limit)
	if err != nil {
		httpapi.Refuse(w, r, err, "channel", r.PathValue("channel"))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"replies": replies})
}
