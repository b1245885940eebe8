package crm

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
)

// The parts of an appeal card beyond its fields: categories, comments,
// files and history.

// httpAppealCategories lists the categories (?all=true: disabled ones too)
// and tells the UI what the caller may do with them.
func (s *Store) httpAppealCategories(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	all, err := boolQuery(r.URL.Query(), "all")
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	cs, err := s.AppealCategories(r.Context(), p.Scope, all != nil && *all)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"categories": cs,
		"can_manage": p.Scope.Can(access.ManageAppeals), "can_set_due": p.Scope.Can(access.SetAppealDue)})
}

func (s *Store) httpCreateAppealCategory(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in AppealCategoryInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	c, err := s.CreateAppealCategory(r.Context(), p.Scope, in)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, c)
}

// httpUpdateAppealCategory applies the body over the category: fields left
// out keep their values.
func (s *Store) httpUpdateAppealCategory(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	cur, err := appealCategory(r.Context(), s.db, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	in := cur.AppealCategoryInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	c, err := s.UpdateAppealCategory(r.Context(), p.Scope, cur.ID, in)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, c)
}

// httpAppealDetails is everything the card shows below the fields.
func (s *Store) httpAppealDetails(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id := r.PathValue("id")
	comments, err := s.AppealComments(r.Context(), p.Scope, id)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	files, err := s.AppealFiles(r.Context(), p.Scope, id)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	history, err := s.AppealHistory(r.Context(), p.Scope, id)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"comments": comments, "files": files, "history": history})
}

func (s *Store) httpCommentAppeal(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Text string `json:"text"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	c, err := s.CommentAppeal(r.Context(), p.Scope, r.PathValue("id"), in.Text)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, c)
}

// httpAttachToAppeal takes the file as the request body, its name in
// ?name= and its type in Content-Type.
func (s *Store) httpAttachToAppeal(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, err := s.AttachToAppeal(r.Context(), p.Scope, r.PathValue("id"), r.URL.Query().Get("name"), r.Header.Get("Content-Type"), r.Body)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, f)
}

func (s *Store) httpAppealFile(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, err := s.appealFile(r.Context(), p.Scope, r.PathValue("id"), r.PathValue("file"))
	if err == nil {
		err = s.serveFile(w, r, f)
	}
	if err != nil {
		httpapi.Error(w, r, err)
	}
}
