package widget

import (
	"net/http"
	"strconv"

	"github.com/coder/websocket"

	"github.com/profhub/profhub/internal/httpapi"
)

// socketHandlers open visitors' WebSockets (the protocol is in ws.go).
type socketHandlers struct {
	channels *Channels
	limiter  *Limiter
	sockets  *Sockets
}

func (h socketHandlers) socket(rw http.ResponseWriter, r *http.Request) {
	ch, err := h.channels.get(r.Context(), r.PathValue("channel"))
	if err != nil {
		fail(rw, r, http.StatusNotFound, "not_found", "no such chat")
		return
	}
	if !h.channels.originAllowed(ch, r) {
		httpapi.Logger(r.Context()).Info("widget: socket origin refused", "channel", ch.ID, "origin", r.Header.Get("Origin"))
		fail(rw, r, http.StatusForbidden, "origin", "this site is not allowed to use this chat")
		return
	}
	// The Origin was checked against the channel's list just above.
	// Compression would keep a flate state of tens of kilobytes per socket.
	conn, err := websocket.Accept(smallBuffers{rw}, r, &websocket.AcceptOptions{InsecureSkipVerify: true, CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return
	}
	conn.SetReadLimit(h.channels.limits.MaxFrameBytes)
	q := r.URL.Query()
	since, _ := strconv.ParseInt(q.Get("since"), 10, 64)
	h.sockets.open(r.Context(), conn, ch, socketRequest{token: q.Get("token"), since: since,
		conversation: q.Get("conversation"), ip: h.limiter.clientIP(r)})
}
