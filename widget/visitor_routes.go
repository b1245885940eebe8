package widget

import (
	"errors"
	"net/http"
	"strings"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi"
)

// fail answers with a problem the script shows to the visitor as it is.
func fail(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	httpapi.WriteJSON(w, status, httpapi.Problem{Error: httpapi.ProblemDetail{Code: code, Message: msg, RequestID: httpapi.RequestID(r.Context())}})
}

// open finds the request's channel and checks its Origin, setting the CORS
// headers the site's page needs to read the answer. It answers the
// request itself when it fails.
func open(chs *Channels, rw http.ResponseWriter, r *http.Request) (inbox.Channel, bool) {
	ch, err := chs.get(r.Context(), r.PathValue("channel"))
	if err != nil {
		if errors.Is(err, errNoChannel) {
			fail(rw, r, http.StatusNotFound, "not_found", "no such chat")
		} else {
			httpapi.Error(rw, r, err)
		}
		return ch, false
	}
	rw.Header().Add("Vary", "Origin")
	if !chs.originAllowed(ch, r) {
		httpapi.Logger(r.Context()).Info("widget: origin refused", "channel", ch.ID, "origin", r.Header.Get("Origin"))
		fail(rw, r, http.StatusForbidden, "origin", "this site is not allowed to use this chat")
		return ch, false
	}
	if o := r.Header.Get("Origin"); o != "" {
		rw.Header().Set("Access-Control-Allow-Origin", o)
	}
	return ch, true
}

// visitorHandlers serve a visitor's session: the chat's look, the
// pre-chat form, the offline form and the rating.
type visitorHandlers struct {
	channels *Channels
	lines    *LineStates
	sessions *Sessions
	visitors *Visitors
	messages *Messages
	limiter  *Limiter
	rater    inbox.Rater

	triggers    *Triggers
	transcripts *Transcripts
}

// preflight answers CORS preflights of allowed origins. The script
// sends simple requests (text/plain JSON, multipart) and rarely needs one.
func (h visitorHandlers) preflight(rw http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/widget/v1/"), "/")
	if len(parts) < 2 {
		rw.WriteHeader(http.StatusNoContent)
		return
	}
	r.SetPathValue("channel", parts[1])
	if _, ok := open(h.channels, rw, r); !ok {
		return
	}
	hd := rw.Header()
	hd.Set("Access-Control-Allow-Methods", "GET, POST, DELETE")
	hd.Set("Access-Control-Allow-Headers", "Content-Type")
	hd.Set("Access-Control-Max-Age", "600")
	rw.WriteHeader(http.StatusNoContent)
}

// publicConfig is what the script needs to draw itself.
type publicConfig struct {
	Channel         string          `json:"channel"`
	Title           string          `json:"title"`
	Greeting        string          `json:"greeting"`
	Colour          string          `json:"colour"`
	Position        string          `json:"position"`
	Lang            string          `json:"lang"`
	Prechat         []string        `json:"prechat"`
	PolicyURL       string          `json:"policy_url"`
	OfflineMessage  string          `json:"offline_message"`
	Open            bool            `json:"open"`             // within the line's working hours
	OperatorsOnline bool            `json:"operators_online"` // someone can answer now
	AskRating       bool            `json:"ask_rating"`
	MaxUploadBytes  int64           `json:"max_upload_bytes"`
	UploadTypes     []string        `json:"upload_types"`
	MaxTextRunes    int             `json:"max_text"`
	Transcript      bool            `json:"transcript"` // the chat e-mails transcripts
	Proactive       []publicTrigger `json:"proactive"`  // triggers the script evaluates
}

func (h visitorHandlers) config(rw http.ResponseWriter, r *http.Request) {
	ch, ok := open(h.channels, rw, r)
	if !ok {
		return
	}
	st, err := h.lines.state(r.Context(), ch.LineID)
	if err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	prechat := splitList(setting(ch, settingPrechat, "name,contact"))
	proactive, err := h.triggers.public(r.Context(), ch.ID)
	if err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	rw.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(rw, http.StatusOK, publicConfig{Channel: ch.ID, Title: setting(ch, settingTitle, ch.Name),
		Greeting: ch.Settings[settingGreeting], Colour: setting(ch, settingColour, "#1a73e8"), Position: setting(ch, settingPosition, "right"),
		Lang: setting(ch, settingLang, "ru"), Prechat: prechat, PolicyURL: ch.Settings[settingPolicyURL],
		OfflineMessage: setting(ch, settingOffline, st.OffHours), Open: st.Open, OperatorsOnline: st.Online, AskRating: st.AskRating,
		MaxUploadBytes: h.channels.maxUpload(), UploadTypes: uploadTypes, MaxTextRunes: h.channels.limitsFor(ch).MaxTextRunes,
		Transcript: h.transcripts.offered(ch), Proactive: proactive})
}

// sessionRequest starts a visitor (the pre-chat form) or resumes one.
type sessionRequest struct {
	Token   string `json:"token"`
	Rotate  bool   `json:"rotate"`
	Name    string `json:"name"`
	Contact string `json:"contact"`
	Topic   string `json:"topic"`
	Consent bool   `json:"consent"`
}

type sessionAnswer struct {
	Token          string `json:"token"`
	VisitorID      string `json:"visitor_id"`
	ConversationID string `json:"conversation_id,omitempty"`
}

func (h visitorHandlers) session(rw http.ResponseWriter, r *http.Request) {
	ch, ok := open(h.channels, rw, r)
	if !ok {
		return
	}
	var req sessionRequest
	if err := httpapi.Decode(r, &req); err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	if req.Token != "" {
		v, token, err := h.sessions.resume(r.Context(), ch.ID, req.Token, req.Rotate)
		if err != nil {
			httpapi.Error(rw, r, err)
			return
		}
		httpapi.WriteJSON(rw, http.StatusOK, sessionAnswer{Token: token, VisitorID: v.ID, ConversationID: v.ConversationID})
		return
	}
	v, token, ok := h.newVisitor(rw, r, ch, req)
	if !ok {
		return
	}
	httpapi.WriteJSON(rw, http.StatusCreated, sessionAnswer{Token: token, VisitorID: v.ID})
}

// newVisitor starts a visitor's session, or answers the request itself.
func (h visitorHandlers) newVisitor(rw http.ResponseWriter, r *http.Request, ch inbox.Channel, req sessionRequest) (visitor, string, bool) {
	v, token, err := h.sessions.start(r.Context(), ch, req, h.limiter.clientIP(r))
	switch {
	case errors.Is(err, errTooManySessions):
		fail(rw, r, http.StatusTooManyRequests, "rate_limited", "too many new chats from your address; please try again later")
		return v, "", false
	case err != nil:
		httpapi.Error(rw, r, err)
		return v, "", false
	}
	return v, token, true
}

// revoke forgets the visitor's token (the "end chat and forget me"
// button); their conversation stays with the union.
func (h visitorHandlers) revoke(rw http.ResponseWriter, r *http.Request) {
	ch, ok := open(h.channels, rw, r)
	if !ok {
		return
	}
	if err := h.sessions.end(r.Context(), ch.ID, r.URL.Query().Get("token")); err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	rw.WriteHeader(http.StatusNoContent)
}

// offlineRequest is the form shown outside working hours or when nobody is
// online: it becomes a conversation in the line's queue.
type offlineRequest struct {
	sessionRequest
	Text     string `json:"text"`
	ClientID string `json:"client_id"`
}

func (h visitorHandlers) offline(rw http.ResponseWriter, r *http.Request) {
	ch, ok := open(h.channels, rw, r)
	if !ok {
		return
	}
	var req offlineRequest
	if err := httpapi.Decode(r, &req); err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	ctx := r.Context()
	var v visitor
	token := req.Token
	var err error
	if token != "" {
		if v, err = h.visitors.byToken(ctx, ch.ID, token); err != nil {
			httpapi.Error(rw, r, err)
			return
		}
	} else if v, token, ok = h.newVisitor(rw, r, ch, req.sessionRequest); !ok {
		return
	}
	if req.ClientID == "" {
		req.ClientID = newToken()[4:40]
	}
	res, err := h.messages.ingest(ctx, ch, &v, req.ClientID, req.Text, nil, "")
	if err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	httpapi.WriteJSON(rw, http.StatusCreated, map[string]any{"token": token, "visitor_id": v.ID, "conversation_id": res.ConversationID,
		"seq": res.Seq, "duplicate": res.Duplicate})
}

type ratingRequest struct {
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
}

// rating stores the visitor's rating of their last conversation.
func (h visitorHandlers) rating(rw http.ResponseWriter, r *http.Request) {
	ch, ok := open(h.channels, rw, r)
	if !ok {
		return
	}
	v, err := h.visitors.byToken(r.Context(), ch.ID, r.URL.Query().Get("token"))
	if err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	var req ratingRequest
	if err := httpapi.Decode(r, &req); err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	if v.ConversationID == "" {
		fail(rw, r, http.StatusConflict, "conflict", "there is no conversation to rate")
		return
	}
	if _, err := h.rater.RateConversation(r.Context(), v.ConversationID, req.Rating, req.Comment); err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	rw.WriteHeader(http.StatusNoContent)
}
