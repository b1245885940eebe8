package widget

import (
	"context"
	"errors"
	"net/http"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// fail answers with a problem the script shows to the visitor as it is.
func fail(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	httpapi.WriteJSON(w, status, httpapi.Problem{Error: httpapi.ProblemDetail{Code: code, Message: msg, RequestID: httpapi.RequestID(r.Context())}})
}

var (
	errUnknownUpload = valid.Errorf("attachments", "attachment", "unknown file: upload it first")
)

// open finds the request's channel and checks its Origin, setting the CORS
// headers the site's page needs to read the answer. It answers the
// request itself when it fails.
func (w *Widget) open(rw http.ResponseWriter, r *http.Request) (inbox.Channel, bool) {
	ch, err := w.channel(r.Context(), r.PathValue("channel"))
	if err != nil {
		if errors.Is(err, errNoChannel) {
			fail(rw, r, http.StatusNotFound, "not_found", "no such chat")
		} else {
			httpapi.Error(rw, r, err)
		}
		return ch, false
	}
	rw.Header().Add("Vary", "Origin")
	if !w.originAllowed(ch, r) {
		httpapi.Logger(r.Context()).Info("widget: origin refused", "channel", ch.ID, "origin", r.Header.Get("Origin"))
		fail(rw, r, http.StatusForbidden, "origin", "this site is not allowed to use this chat")
		return ch, false
	}
	if o := r.Header.Get("Origin"); o != "" {
		rw.Header().Set("Access-Control-Allow-Origin", o)
	}
	return ch, true
}

// httpPreflight answers CORS preflights of allowed origins. The script
// sends simple requests (text/plain JSON, multipart) and rarely needs one.
func (w *Widget) httpPreflight(rw http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/widget/v1/"), "/")
	if len(parts) < 2 {
		rw.WriteHeader(http.StatusNoContent)
		return
	}
	r.SetPathValue("channel", parts[1])
	if _, ok := w.open(rw, r); !ok {
		return
	}
	h := rw.Header()
	h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE")
	h.Set("Access-Control-Allow-Headers", "Content-Type")
	h.Set("Access-Control-Max-Age", "600")
	rw.WriteHeader(http.StatusNoContent)
}

// publicConfig is what the script needs to draw itself.
type publicConfig struct {
	Channel         string   `json:"channel"`
	Title           string   `json:"title"`
	Greeting        string   `json:"greeting"`
	Colour          string   `json:"colour"`
	Position        string   `json:"position"`
	Lang            string   `json:"lang"`
	Prechat         []string `json:"prechat"`
	PolicyURL       string   `json:"policy_url"`
	OfflineMessage  string   `json:"offline_message"`
	Open            bool     `json:"open"`             // within the line's working hours
	OperatorsOnline bool     `json:"operators_online"` // someone can answer now
	AskRating       bool     `json:"ask_rating"`
	MaxUploadBytes  int64    `json:"max_upload_bytes"`
	UploadTypes     []string `json:"upload_types"`
	MaxTextRunes    int      `json:"max_text"`
}

func (w *Widget) httpConfig(rw http.ResponseWriter, r *http.Request) {
	ch, ok := w.open(rw, r)
	if !ok {
		return
	}
	st, err := w.lineState(r.Context(), ch.LineID)
	if err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	prechat := splitList(setting(ch, settingPrechat, "name,contact"))
	rw.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(rw, http.StatusOK, publicConfig{Channel: ch.ID, Title: setting(ch, settingTitle, ch.Name),
		Greeting: ch.Settings[settingGreeting], Colour: setting(ch, settingColour, "#1a73e8"), Position: setting(ch, settingPosition, "right"),
		Lang: setting(ch, settingLang, "ru"), Prechat: prechat, PolicyURL: ch.Settings[settingPolicyURL],
		OfflineMessage: setting(ch, settingOffline, st.OffHours), Open: st.Open, OperatorsOnline: st.Online, AskRating: st.AskRating,
		MaxUploadBytes: w.maxUpload(), UploadTypes: uploadTypes, MaxTextRunes: w.limitsFor(ch).MaxTextRunes})
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

func (w *Widget) httpSession(rw http.ResponseWriter, r *http.Request) {
	ch, ok := w.open(rw, r)
	if !ok {
		return
	}
	var req sessionRequest
	if err := httpapi.Decode(r, &req); err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	ctx := r.Context()
	if req.Token != "" {
		v, err := w.visitorByToken(ctx, ch.ID, req.Token)
		if err != nil {
			httpapi.Error(rw, r, err)
			return
		}
		token := req.Token
		if req.Rotate {
			if token, err = w.rotateToken(ctx, v.ID); err != nil {
				httpapi.Error(rw, r, err)
				return
			}
		}
		httpapi.WriteJSON(rw, http.StatusOK, sessionAnswer{Token: token, VisitorID: v.ID, ConversationID: v.ConversationID})
		return
	}
	v, token, ok := w.newVisitor(rw, r, ch, req)
	if !ok {
		return
	}
	httpapi.WriteJSON(rw, http.StatusCreated, sessionAnswer{Token: token, VisitorID: v.ID})
}

// newVisitor checks the pre-chat form and the address's allowance and
// creates a visitor, or answers the request itself.
func (w *Widget) newVisitor(rw http.ResponseWriter, r *http.Request, ch inbox.Channel, req sessionRequest) (visitor, string, bool) {
	v := visitor{ChannelID: ch.ID, Name: strings.TrimSpace(req.Name), Contact: strings.TrimSpace(req.Contact), Topic: strings.TrimSpace(req.Topic)}
	if err := checkPrechat(ch, v, req.Consent); err != nil {
		httpapi.Error(rw, r, err)
		return v, "", false
	}
	if !w.countWithin(r.Context(), "sessions:"+w.clientIP(r), time.Hour, w.limitsFor(ch).SessionsPerIPHour) {
		fail(rw, r, http.StatusTooManyRequests, "rate_limited", "too many new chats from your address; please try again later")
		return v, "", false
	}
	token, err := w.createVisitor(r.Context(), &v)
	if err != nil {
		httpapi.Error(rw, r, err)
		return v, "", false
	}
	return v, token, true
}

// checkPrechat requires consent to the processing of personal data
// (152-FZ) and the fields the channel asks for.
func checkPrechat(ch inbox.Channel, v visitor, consent bool) error {
	fields := splitList(setting(ch, settingPrechat, "name,contact"))
	has := func(f string) bool {
		for _, x := range fields {
			if x == f {
				return true
			}
		}
		return false
	}
	switch {
	case !consent:
		return valid.Errorf("consent", "consent", "consent to the processing of personal data is required")
	case !utf8.ValidString(v.Name + v.Contact + v.Topic):
		return valid.Errorf("name", "utf8", "text must be valid UTF-8")
	case utf8.RuneCountInString(v.Name) > 200 || len(v.Contact) > 200 || utf8.RuneCountInString(v.Topic) > 300:
		return valid.Errorf("name", "too_long", "the form's fields are too long")
	case has("name") && v.Name == "":
		return valid.Errorf("name", "required", "name is required")
	case has("contact") && v.Contact == "":
		return valid.Errorf("contact", "required", "a phone number or e-mail is required")
	}
	if v.Contact != "" {
		if _, _, ok := splitContact(v.Contact); !ok {
			return valid.Errorf("contact", "contact", "give a phone number or an e-mail address")
		}
	}
	return nil
}

// splitContact reads a phone number or an e-mail address.
func splitContact(s string) (phone, email string, ok bool) {
	if strings.Contains(s, "@") {
		a, err := mail.ParseAddress(s)
		if err != nil || !strings.Contains(a.Address, ".") {
			return "", "", false
		}
		return "", strings.ToLower(a.Address), true
	}
	digits := strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return r
		case strings.ContainsRune("+-() .", r):
			return -1
		}
		return 'x'
	}, s)
	if strings.Contains(digits, "x") || len(digits) < 6 || len(digits) > 15 {
		return "", "", false
	}
	if len(digits) == 11 && digits[0] == '8' {
		digits = "7" + digits[1:]
	}
	return "+" + digits, "", true
}

// httpRevoke forgets the visitor's token (the "end chat and forget me"
// button); their conversation stays with the union.
func (w *Widget) httpRevoke(rw http.ResponseWriter, r *http.Request) {
	ch, ok := w.open(rw, r)
	if !ok {
		return
	}
	v, err := w.visitorByToken(r.Context(), ch.ID, r.URL.Query().Get("token"))
	if err == nil {
		err = w.revokeVisitor(r.Context(), v.ID)
	}
	if err != nil {
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

func (w *Widget) httpOffline(rw http.ResponseWriter, r *http.Request) {
	ch, ok := w.open(rw, r)
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
		if v, err = w.visitorByToken(ctx, ch.ID, token); err != nil {
			httpapi.Error(rw, r, err)
			return
		}
	} else if v, token, ok = w.newVisitor(rw, r, ch, req.sessionRequest); !ok {
		return
	}
	if req.ClientID == "" {
		req.ClientID = newToken()[4:40]
	}
	res, err := w.ingest(ctx, ch, &v, req.ClientID, req.Text, nil)
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

// httpRating stores the visitor's rating of their last conversation.
func (w *Widget) httpRating(rw http.ResponseWriter, r *http.Request) {
	ch, ok := w.open(rw, r)
	if !ok {
		return
	}
	v, err := w.visitorByToken(r.Context(), ch.ID, r.URL.Query().Get("token"))
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
	if _, err := w.inbox.RateConversation(r.Context(), v.ConversationID, req.Rating, req.Comment); err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	rw.WriteHeader(http.StatusNoContent)
}

// ingest stores a visitor's message. The client's id, prefixed with the
// visitor's, is the idempotency key: a message resent after a drop is
// stored once and answered with the first result.
func (w *Widget) ingest(ctx context.Context, ch inbox.Channel, v *visitor, clientID, text string, atts []inbox.Attachment) (inbox.IngestResult, error) {
	if !validClientID(clientID) {
		return inbox.IngestResult{}, valid.Errorf("client_id", "client_id", "client_id must have 1 to 100 letters, digits, - or _")
	}
	text = strings.TrimSpace(text)
	if n := w.limitsFor(ch).MaxTextRunes; utf8.RuneCountInString(text) > n {
		return inbox.IngestResult{}, valid.Errorf("text", "too_long", "a message is limited to %d characters", n)
	}
	phone, email, _ := splitContact(v.Contact)
	name := v.Name
	if name == "" {
		name = "Посетитель сайта"
	}
	res, err := w.inbox.Ingest(ctx, inbox.Inbound{ChannelID: ch.ID, ExternalMessageID: v.ID + ":" + clientID,
		From: inbox.Identity{ExternalID: v.ID, Name: name, Phone: phone, Email: email}, Text: text, Subject: v.Topic, Attachments: atts})
	if err != nil {
		return res, err
	}
	if !res.Duplicate && res.ConversationID != v.ConversationID {
		if err := w.setConversation(ctx, v.ID, res.ConversationID); err != nil {
			return res, err
		}
		v.ConversationID = res.ConversationID
		w.wake(ctx, v.ID)
	}
	if !res.Duplicate {
		w.wakeConversation(ctx, res.ConversationID, res.Seq) // the visitor's other tabs
	}
	return res, nil
}

func validClientID(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
