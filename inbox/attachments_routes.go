package inbox

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
)

// attachmentHandlers upload and serve files of messages.
type attachmentHandlers struct{ Attachments *Attachments }

// httpUpload takes one multipart file field named "file".
func (h *attachmentHandlers) httpUpload(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
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
		a, err := h.Attachments.Upload(r.Context(), p.Scope, r.PathValue("conversation"), part.FileName(), part)
		part.Close()
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusCreated, a)
		return
	}
}

func (h *attachmentHandlers) httpAttachment(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	a, err := h.Attachments.OpenAttachment(r.Context(), p.Scope, r.PathValue("key"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	ServeAttachment(w, r, a)
}
