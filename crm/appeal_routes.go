package crm

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// appealHandlers answer the appeal cards' API.
type appealHandlers struct {
	appeals *Appeals
	tr      Translator // validation messages in the user's language
}

func appealFilterFromQuery(r *http.Request) (AppealFilter, error) {
	q := r.URL.Query()
	f := AppealFilter{UnitID: q.Get("unit_id"), MemberID: q.Get("member_id"), ConversationID: q.Get("conversation_id"),
		ResponsibleID: q.Get("responsible_id"), CategoryID: q.Get("category_id"), Status: AppealStatus(q.Get("status")), Channel: q.Get("channel"), Query: q.Get("q")}
	if q.Get("responsible_id") == "me" {
		if p := auth.FromContext(r.Context()); p != nil {
			f.ResponsibleID = p.Scope.UserID
		}
	}
	var err error
	for _, b := range []struct {
		name string
		v    *bool
	}{{"open", &f.Open}, {"overdue", &f.Overdue}, {"mine", &f.Mine}} {
		v, err := boolQuery(q, b.name)
		if err != nil {
			return f, err
		}
		*b.v = v != nil && *v
	}
	if f.Limit, err = httpapi.IntQuery(r, "limit", 50); err != nil {
		return f, err
	}
	if f.Offset, err = httpapi.IntQuery(r, "offset", 0); err != nil {
		return f, err
	}
	return f, nil
}

func (h appealHandlers) httpListAppeals(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, err := appealFilterFromQuery(r)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	page, err := h.appeals.ListAppeals(r.Context(), p.Scope, f)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, page)
}

func (h appealHandlers) httpCreateAppeal(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in AppealInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	a, err := h.appeals.CreateAppeal(r.Context(), p.Scope, in)
	if err != nil {
		httpapi.Error(w, r, h.tr.localize(p.User.Lang, err))
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, a)
}

func (h appealHandlers) httpCreateAppealFromConversation(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in FromConversation
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	a, err := h.appeals.CreateAppealFromConversation(r.Context(), p.Scope, r.PathValue("id"), in)
	if err != nil {
		httpapi.Error(w, r, h.tr.localize(p.User.Lang, err))
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, a)
}

func (h appealHandlers) httpGetAppeal(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	a, err := h.appeals.GetAppeal(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, a)
}

// httpUpdateAppeal applies the body over the current card: fields left out
// keep their values.
func (h appealHandlers) httpUpdateAppeal(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id := r.PathValue("id")
	cur, err := h.appeals.GetAppeal(r.Context(), p.Scope, id)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	in := cur.AppealInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	a, err := h.appeals.UpdateAppeal(r.Context(), p.Scope, id, in)
	if err != nil {
		httpapi.Error(w, r, h.tr.localize(p.User.Lang, err))
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, a)
}
