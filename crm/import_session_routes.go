package crm

import (
	"bytes"
	"io"
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
)

// ImportWizardPrefix is where the import wizard's API lives; the hub lets
// its requests carry up to MaxImportBytes.
const ImportWizardPrefix = "/api/v1/crm/imports"

// importSessionHandlers answer the import wizard (see ImportSessions).
type importSessionHandlers struct {
	sessions *ImportSessions
	batches  *ImportBatches
}

// httpUpload takes the file as the request body and its name in the query.
func (h importSessionHandlers) httpUpload(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		importError(w, r, err)
		return
	}
	a, err := h.sessions.Upload(r.Context(), p.Scope, r.URL.Query().Get("name"), body)
	if err != nil {
		importError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, a)
}

func (h importSessionHandlers) httpCheck(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var plan ImportPlan
	if err := httpapi.Decode(r, &plan); err != nil {
		importError(w, r, err)
		return
	}
	rep, err := h.sessions.DryRun(r.Context(), p.Scope, r.PathValue("id"), plan)
	if err != nil {
		importError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, rep)
}

func (h importSessionHandlers) httpProblems(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var buf bytes.Buffer
	if err := h.sessions.WriteProblemsXLSX(r.Context(), &buf, p.Scope, r.PathValue("id"), p.User.Lang); err != nil {
		importError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="import-problems.xlsx"`)
	_, _ = buf.WriteTo(w)
}

func (h importSessionHandlers) httpRun(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var plan ImportPlan
	if err := httpapi.Decode(r, &plan); err != nil {
		importError(w, r, err)
		return
	}
	b, err := h.sessions.Run(r.Context(), p.Scope, r.PathValue("id"), plan)
	if err != nil {
		importError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusAccepted, b)
}

func (h importSessionHandlers) httpBatch(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	b, err := h.sessions.Batch(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		importError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, b)
}

func (h importSessionHandlers) httpUndo(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	rep, err := h.batches.Undo(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		importError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, rep)
}

// importError answers a refused file with the refusal's own code
// (file_encoding, file_not_table, …) rather than the generic "invalid",
// so the wizard can say in the user's language what is wrong with it.
func importError(w http.ResponseWriter, r *http.Request, err error) {
	ve, ok := valid.As(err)
	if !ok || ve.Code == "" {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.Logger(r.Context()).Debug("request refused", "err", err, "status", http.StatusUnprocessableEntity)
	httpapi.WriteJSON(w, http.StatusUnprocessableEntity, httpapi.Problem{Error: httpapi.ProblemDetail{Code: ve.Code, Message: httpapi.Message(r.Context(), err, "invalid", ve.Msg),
		Field: ve.Field, RequestID: httpapi.RequestID(r.Context())}})
}
