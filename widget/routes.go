package widget

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
)

// Routes mounts the script, the demo page and the visitor endpoints: the
// table of contents of the widget's HTTP side. The handlers are small
// types over the services, one per area (*_routes.go).
func (s *Services) Routes(mux *http.ServeMux) {
	in := s.d.Inbox
	assets := assetHandlers{channels: in.Channels, cfg: s.d.Config}
	visitors := visitorHandlers{channels: s.Channels, lines: s.Lines, sessions: s.Sessions, visitors: s.Visitors,
		messages: s.Messages, limiter: s.Limiter, rater: in.Rater, triggers: s.Triggers, transcripts: s.Transcripts}
	proactive := proactiveHandlers{channels: s.Channels, visitors: s.Visitors, limiter: s.Limiter, triggers: s.Triggers,
		transcripts: s.Transcripts, inbox: in}
	sockets := socketHandlers{channels: s.Channels, limiter: s.Limiter, sockets: s.Sockets}
	files := fileHandlers{channels: s.Channels, visitors: s.Visitors, uploads: s.Uploads, limiter: s.Limiter, blobs: s.d.Blobs,
		conversations: in.Conversations, attachments: in.AttachmentServer, staff: s.d.Org}

	mux.HandleFunc("GET /widget/v1/widget.js", assets.script)
	mux.HandleFunc("GET /widget/demo", assets.demo)
	mux.HandleFunc("OPTIONS /widget/v1/", visitors.preflight)
	mux.HandleFunc("GET /widget/v1/config/{channel}", visitors.config)
	mux.HandleFunc("POST /widget/v1/session/{channel}", visitors.session)
	mux.HandleFunc("DELETE /widget/v1/session/{channel}", visitors.revoke)
	mux.HandleFunc("GET /widget/v1/ws/{channel}", sockets.socket)
	mux.HandleFunc("POST /widget/v1/upload/{channel}", files.upload)
	mux.HandleFunc("GET /widget/v1/file/{channel}/{key}", files.file)
	mux.HandleFunc("GET "+AvatarPath+"{key}", files.avatar)
	mux.HandleFunc("POST /widget/v1/offline/{channel}", visitors.offline)
	mux.HandleFunc("POST /widget/v1/rating/{channel}", visitors.rating)
	mux.HandleFunc("POST /widget/v1/proactive/{channel}", proactive.shown)
	mux.HandleFunc("POST /widget/v1/transcript/{channel}", proactive.visitorTranscript)

	// Administrators' triggers and operators' transcripts (docs/API.md, "Site widget").
	a := httpapi.Authed
	const p = "/api/v1/widget"
	mux.HandleFunc("GET "+p+"/channels/{channel}/triggers", a(proactive.list))
	mux.HandleFunc("POST "+p+"/channels/{channel}/triggers", a(proactive.save))
	mux.HandleFunc("PUT "+p+"/channels/{channel}/triggers/{id}", a(proactive.save))
	mux.HandleFunc("DELETE "+p+"/channels/{channel}/triggers/{id}", a(proactive.remove))
	mux.HandleFunc("GET "+p+"/conversations/{id}/transcript", a(proactive.transcriptState))
	mux.HandleFunc("POST "+p+"/conversations/{id}/transcript", a(proactive.operatorTranscript))
}
