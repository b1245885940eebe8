package crm

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// listFileHandlers answer the uploads and downloads of list record files.
type listFileHandlers struct{ files *ListFiles }

func (h listFileHandlers) httpUploadListFile(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, err := h.files.UploadListFile(r.Context(), p.Scope, r.PathValue("id"), r.PathValue("field"), r.URL.Query().Get("name"),
		r.Header.Get("Content-Type"), r.Body)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, f)
}

func (h listFileHandlers) httpListFile(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, rd, err := h.files.openRecordFile(r.Context(), p.Scope, r.PathValue("id"), r.PathValue("record"), r.PathValue("field"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	serveFile(w, r, f, rd)
}
