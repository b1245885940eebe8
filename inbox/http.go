package inbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
)

func (e *Engine) httpListLines(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	lines, err := e.Lines.List(r.Context(), p.Scope)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if lines == nil {
		lines = []Line{}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"lines": lines})
}

func (e *Engine) httpGetLine(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	l, err := e.Lines.Get(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, l)
}

func (e *Engine) httpCreateLine(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	l := DefaultLine()
	if err := httpapi.Decode(r, &l); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	l, err := e.Lines.Create(r.Context(), p.Scope, l)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, l)
}

// httpUpdateLine changes the fields the body names; "operators" and
// "hours", when given, replace the old ones whole (decoding into the old
// values would mix old and new entries).
func (e *Engine) httpUpdateLine(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	l, err := e.Lines.Get(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	var present map[string]json.RawMessage
	if json.Unmarshal(body, &present) == nil {
		if _, ok := present["operators"]; ok {
			l.Operators = nil
		}
		if _, ok := present["hours"]; ok {
			l.Hours = WorkingHours{}
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err := httpapi.Decode(r, &l); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	l.ID = r.PathValue("id")
	if l, err = e.Lines.Update(r.Context(), p.Scope, l); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, l)
}

func (e *Engine) httpListChannels(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	chs, err := e.Channels.List(r.Context(), p.Scope)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"channels": chs})
}

func (e *Engine) httpCreateChannel(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var n NewChannel
	if err := httpapi.Decode(r, &n); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	ch, token, err := e.Channels.Create(r.Context(), p.Scope, n)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	out := map[string]any{"channel": ch}
	if token != "" {
		out["token"] = token
		out["webhook_secret"] = ch.Secrets["webhook_secret"]
		out["inbound_url"] = "/hooks/api/" + ch.ID + "/messages"
	}
	httpapi.WriteJSON(w, http.StatusCreated, out)
}

func (e *Engine) httpSetChannelDisabled(disabled bool) func(http.ResponseWriter, *http.Request, *auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		if err := e.Channels.SetDisabled(r.Context(), p.Scope, r.PathValue("id"), disabled); err != nil {
			httpapi.Error(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func (e *Engine) httpWebhookSecret(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	s, err := e.Channels.WebhookSecret(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"webhook_secret": s})
}

func (e *Engine) httpSetPresence(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Status string `json:"status"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if err := e.SetPresence(r.Context(), p.Scope, in.Status); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, in)
}

func (e *Engine) httpMyOffers(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	offers, err := e.MyOffers(r.Context(), p.Scope)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"offers": offers})
}

func (e *Engine) httpListConversations(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
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
	f := ConversationFilter{Status: q.Get("status"), LineID: q.Get("line_id"),
		ChannelKind: q.Get("channel"), Mine: q.Get("mine") == "true", Unassigned: q.Get("unassigned") == "true",
		Query: q.Get("q"), ContactID: q.Get("contact_id"), Limit: limit, Before: before}
	if err := searchQuery(q, &f); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	convs, err := e.Conversations.List(r.Context(), p.Scope, f)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"conversations": convs})
}

func (e *Engine) httpGetConversation(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	c, err := e.Conversations.Get(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, c)
}

func (e *Engine) httpMessages(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	after, _ := strconv.ParseInt(r.URL.Query().Get("after_seq"), 10, 64)
	limit, err := httpapi.IntQuery(r, "limit", 200)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	msgs, err := e.Conversations.Messages(r.Context(), p.Scope, r.PathValue("id"), after, limit)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"messages": msgs})
}

func (e *Engine) httpRoutingLog(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	log, err := e.Conversations.RoutingLog(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"entries": log})
}

// convAction adapts the operator actions that return the conversation.
func convAction(fn func(r *http.Request, p *auth.Principal, id string) (Conversation, error)) func(http.ResponseWriter, *http.Request, *auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		c, err := fn(r, p, r.PathValue("id"))
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, c)
	}
}

func (e *Engine) httpAccept(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
		return e.Accept(r.Context(), p.Scope, id)
	})(w, r, p)
}

func (e *Engine) httpTake(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
		return e.Take(r.Context(), p.Scope, id)
	})(w, r, p)
}

func (e *Engine) httpClose(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
		return e.Close(r.Context(), p.Scope, id)
	})(w, r, p)
}

func (e *Engine) httpReopen(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
		return e.Reopen(r.Context(), p.Scope, id)
	})(w, r, p)
}

func (e *Engine) httpSpam(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
		return e.MarkSpam(r.Context(), p.Scope, id)
	})(w, r, p)
}

func (e *Engine) httpTransfer(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
		var in TransferInput
		if err := httpapi.Decode(r, &in); err != nil {
			return Conversation{}, err
		}
		return e.Transfer(r.Context(), p.Scope, id, in)
	})(w, r, p)
}

func (e *Engine) httpPriority(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
		var in struct {
			Priority int `json:"priority"`
		}
		if err := httpapi.Decode(r, &in); err != nil {
			return Conversation{}, err
		}
		return e.SetPriority(r.Context(), p.Scope, id, in.Priority)
	})(w, r, p)
}

func (e *Engine) httpLinkMember(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
		var in struct {
			MemberID string `json:"member_id"`
		}
		if err := httpapi.Decode(r, &in); err != nil {
			return Conversation{}, err
		}
		return e.LinkMember(r.Context(), p.Scope, id, in.MemberID)
	})(w, r, p)
}

func (e *Engine) httpDecline(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := e.Decline(r.Context(), p.Scope, r.PathValue("id")); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (e *Engine) httpMarkRead(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := e.MarkRead(r.Context(), p.Scope, r.PathValue("id")); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (e *Engine) httpPost(dir string) func(http.ResponseWriter, *http.Request, *auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
		var in ReplyInput
		if err := httpapi.Decode(r, &in); err != nil {
			httpapi.Error(w, r, err)
			return
		}
		var m Message
		var err error
		if dir == DirOut {
			m, err = e.Reply(r.Context(), p.Scope, r.PathValue("id"), in)
		} else {
			m, err = e.Note(r.Context(), p.Scope, r.PathValue("id"), in)
		}
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusCreated, m)
	}
}

func (e *Engine) httpReply(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	e.httpPost(DirOut)(w, r, p)
}
func (e *Engine) httpNote(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	e.httpPost(DirNote)(w, r, p)
}

func (e *Engine) httpRetry(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	m, err := e.Retry(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, m)
}

// httpUpload takes one multipart file field named "file".
func (e *Engine) httpUpload(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	mr, err := r.MultipartReader()
	if err != nil {
		httpapi.Error(w, r, valid.Errorf("file", "multipart", "send the file as multipart/form-data in a field named file"))
		return
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			httpapi.Error(w, r, valid.Errorf("file", "multipart", "no file field in the form"))
			return
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		a, err := e.Upload(r.Context(), p.Scope, r.PathValue("conversation"), part.FileName(), part)
		part.Close()
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusCreated, a)
		return
	}
}

func (e *Engine) httpAttachment(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := e.ServeAttachment(w, r, p.Scope, r.PathValue("key")); err != nil {
		httpapi.Error(w, r, err)
	}
}

func (e *Engine) httpUpdateChannel(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in ChannelChanges
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	ch, err := e.Channels.Update(r.Context(), p.Scope, r.PathValue("id"), in)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, ch)
}

func (e *Engine) httpChannelStatus(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	s, err := e.Channels.Status(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, s)
}

// httpGetPresence returns the caller's chosen state, for a console that
// (re)loads.
func (e *Engine) httpGetPresence(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	status, err := e.chosenPresence(r.Context(), p.User.ID)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"status": status})
}

func (e *Engine) httpTakeOver(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	convAction(func(r *http.Request, p *auth.Principal, id string) (Conversation, error) {
		return e.TakeOver(r.Context(), p.Scope, id)
	})(w, r, p)
}

func (e *Engine) httpOverview(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	lines, err := e.Supervisor.Overview(r.Context(), p.Scope, nil)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"lines": lines})
}
