package crm

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// appealDetailHandlers answer what an appeal card shows below its fields:
// comments, files and history.
type appealDetailHandlers struct{ details *AppealDetails }

// httpAppealDetails is everything the card shows below the fields.
func (h appealDetailHandlers) httpAppealDetails(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	id := r.PathValue("id")
	comments, err := h.details.AppealComments(r.Context(), p.Scope, id)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	files, err := h.details.AppealFiles(r.Context(), p.Scope, id)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	history, err := h.details.AppealHistory(r.Context(), p.Scope, id)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"comments": comments, "files": files, "history": history})
}

func (h appealDetailHandlers) httpCommentAppeal(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		Text string `json:"text"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	c, err := h.details.CommentAppeal(r.Context(), p.Scope, r.PathValue("id"), in.Text)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, c)
}

// httpAttachToAppeal takes the file as the request body, its name in
// ?name= and its type in Content-Type.
func (h appealDetailHandlers) httpAttachToAppeal(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, err := h.details.AttachToAppeal(r.Context(), p.Scope, r.PathValue("id"), r.URL.Query().Get("name"), r.Header.Get("Content-Type"), r.Body)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, f)
}

func (h appealDetailHandlers) httpAppealFile(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, rd, err := h.details.openFile(r.Context(), p.Scope, r.PathValue("id"), r.PathValue("file"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	serveFile(w, r, f, rd)
}
