package crm

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
)

// memberHandlers answer the member cards' API; a list or an export may
// name a saved filter (filterOfRequest).
type memberHandlers struct {
	members *Members
	filters *SavedFilters
	cards   *Cards     // the card's audited read
	tr      Translator // validation messages in the user's language
}

// memberFilterFromQuery reads the standard filters from a list or export URL.
func memberFilterFromQuery(r *http.Request) (MemberFilter, error) {
	q := r.URL.Query()
	f := MemberFilter{UnitID: q.Get("unit_id"), Query: q.Get("q"), Industry: q.Get("industry"), Status: Status(q.Get("status")), Kind: Kind(q.Get("kind")),
		Flag: q.Get("flag"), Consent: q.Get("consent"), JoinedFrom: q.Get("joined_from"), JoinedTo: q.Get("joined_to"), Sort: q.Get("sort"), After: q.Get("after"),
		Archived: q.Get("archived")}
	var err error
	if f.BirthMonth, err = httpapi.IntQuery(r, "birth_month", 0); err != nil {
		return f, err
	}
	if f.Limit, err = httpapi.IntQuery(r, "limit", 50); err != nil {
		return f, err
	}
	if f.Offset, err = httpapi.IntQuery(r, "offset", 0); err != nil {
		return f, err
	}
	if f.Activist, err = boolQuery(q, "activist"); err != nil {
		return f, err
	}
	// One custom field: custom.<key>=value.
	for k, v := range q {
		if key, ok := strings.CutPrefix(k, "custom."); ok {
			if f.CustomKey != "" || len(v) != 1 {
				return f, valid.Errorf(k, "custom_filter", "filter by one custom field at a time")
			}
			f.CustomKey, f.CustomValue = key, v[0]
		}
	}
	return f, nil
}

// filterOfRequest is the filter of a list or export URL: a saved filter
// (filter_id) with the URL's paging and sort, or the URL's own filters.
func filterOfRequest(r *http.Request, p *auth.Principal, filters *SavedFilters) (MemberFilter, error) {
	f, err := memberFilterFromQuery(r)
	if err != nil {
		return f, err
	}
	id := r.URL.Query().Get("filter_id")
	if id == "" {
		return f, nil
	}
	saved, err := filters.SavedFilter(r.Context(), p.Scope, id)
	if err != nil {
		return f, err
	}
	saved.Limit, saved.Offset, saved.After = f.Limit, f.Offset, f.After
	if f.Sort != "" {
		saved.Sort = f.Sort
	}
	return saved, nil
}

func boolQuery(q url.Values, name string) (*bool, error) {
	switch q.Get(name) {
	case "":
		return nil, nil
	case "true", "1":
		t := true
		return &t, nil
	case "false", "0":
		f := false
		return &f, nil
	}
	return nil, valid.Errorf(name, "query_bool", "%s must be true or false", name)
}

func (h memberHandlers) httpListMembers(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, err := filterOfRequest(r, p, h.filters)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	page, err := h.members.ListMembers(r.Context(), p.Scope, f)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, page)
}

// httpGetMember answers a card and records the read (Cards.ReadMember).
func (h memberHandlers) httpGetMember(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	m, err := h.cards.ReadMember(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, m)
}

// duplicateProblem is the 409 answer to a probable duplicate: the usual
// error and the cards it looks like.
type duplicateProblem struct {
	httpapi.Problem
	Candidates []Member `json:"candidates"`
}

// writeMemberError answers a DuplicateError with its candidates and
// anything else the usual way.
func writeMemberError(w http.ResponseWriter, r *http.Request, err error) {
	var dup *DuplicateError
	if !errors.As(err, &dup) {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusConflict, duplicateProblem{
		Problem: httpapi.Problem{Error: httpapi.ProblemDetail{Code: "duplicate", Message: httpapi.Text(r.Context(), "err.duplicate", "this person may already have a card"),
			RequestID: httpapi.RequestID(r.Context())}},
		Candidates: dup.Candidates})
}

func (h memberHandlers) httpCreateMember(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	createMemberWith(w, r, func(in MemberInput, force bool) (Member, error) {
		m, err := h.members.CreateMember(r.Context(), p.Scope, in, force)
		return m, h.tr.localize(p.User.Lang, err)
	})
}

func (h memberHandlers) httpCreateMemberFromConversation(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	createMemberWith(w, r, func(in MemberInput, force bool) (Member, error) {
		m, err := h.members.CreateMemberFromConversation(r.Context(), p.Scope, r.PathValue("id"), in, force)
		return m, h.tr.localize(p.User.Lang, err)
	})
}

// createMemberWith answers a request to create a card: the body is the
// card; ?force=true creates it even if it looks like existing ones.
func createMemberWith(w http.ResponseWriter, r *http.Request, create func(in MemberInput, force bool) (Member, error)) {
	var in MemberInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	force, err := boolQuery(r.URL.Query(), "force")
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	m, err := create(in, force != nil && *force)
	if err != nil {
		writeMemberError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, m)
}

// httpUpdateMember applies the body over the current card: fields left
// out keep their values, custom fields and mailing consents merge key by
// key (null removes a custom field), arrays are replaced whole.
func (h memberHandlers) httpUpdateMember(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id := r.PathValue("id")
	patchWith(w, r, func() (MemberInput, error) {
		cur, err := h.members.GetMember(r.Context(), p.Scope, id)
		return cur.MemberInput, err
	}, func(in MemberInput) (Member, error) {
		m, err := h.members.UpdateMember(r.Context(), p.Scope, id, in)
		return m, h.tr.localize(p.User.Lang, err)
	}, writeMemberError)
}

// patchWith answers an update that applies the request's body over what
// load returns (fields left out keep their values) and stores it with
// save; fail answers save's errors.
func patchWith[In, Out any](w http.ResponseWriter, r *http.Request, load func() (In, error), save func(In) (Out, error),
	fail func(http.ResponseWriter, *http.Request, error)) {
	in, err := load()
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	out, err := save(in)
	if err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}

// httpConversationMember answers {"member": Member} or {"member": null}
// when the conversation's contact has no card the caller may see.
func (h memberHandlers) httpConversationMember(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	m, ok, err := h.members.ConversationMember(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	out := map[string]any{"member": nil}
	if ok {
		out["member"] = m
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}

func (h memberHandlers) httpFindDuplicates(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in MemberInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if in.Surname == "" {
		in.Surname = "-" // only phones or e-mails given: still a valid question
	}
	ms, err := h.members.FindDuplicates(r.Context(), p.Scope, in, r.URL.Query().Get("except"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"members": ms})
}

// httpListDuplicates answers the likely duplicates of the caller's scope
// (Members.ListDuplicates); ?limit= pairs, 100 by default.
func (h memberHandlers) httpListDuplicates(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	limit, err := httpapi.IntQuery(r, "limit", 100)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	d, err := h.members.ListDuplicates(r.Context(), p.Scope, limit)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, d)
}

// httpMergeMember merges drop_id into the card {id}, taking the fields
// named in choose from the card they name (MergeMembersChoosing).
func (h memberHandlers) httpMergeMember(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		DropID string       `json:"drop_id"`
		Choose MergeChoices `json:"choose"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	m, err := h.members.MergeMembersChoosing(r.Context(), p.Scope, r.PathValue("id"), in.DropID, in.Choose)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, m)
}
