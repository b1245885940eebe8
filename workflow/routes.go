package workflow

import (
	"errors"
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
)

// UploadPrefix is where files are uploaded; the hub gives it a large body
// limit.
const UploadPrefix = "/api/v1/workflow/uploads/"

// handlers are the workflow API's HTTP handlers: each decodes the request,
// calls one service and writes the answer. Documents, journal and files:
// document_routes.go; tasks, feed and notifications: task_routes.go;
// registries, processes and templates: admin_routes.go.
type handlers struct{ *Services }

// Routes adds the workflow API to mux (see docs/API.md, "Document workflow").
func (s *Services) Routes(mux *http.ServeMux) {
	h := &handlers{s}
	a := httpapi.Authed
	const p = "/api/v1/workflow"
	mux.HandleFunc("GET "+p+"/registries", a(h.httpRegistries))
	mux.HandleFunc("PUT "+p+"/registries/{unit}/{kind}", a(h.httpSetNumberFormat))
	mux.HandleFunc("GET "+p+"/definitions", a(h.httpDefinitions))
	mux.HandleFunc("GET "+p+"/definitions/{id}", a(h.httpDefinition))
	mux.HandleFunc("PUT "+p+"/definitions/{id}", a(h.httpSaveDefinition))
	mux.HandleFunc("GET "+p+"/definitions/{id}/diagram.svg", a(h.httpDiagram))
	mux.HandleFunc("GET "+p+"/documents", a(h.httpJournal))
	mux.HandleFunc("POST "+p+"/documents", a(h.httpRegister))
	mux.HandleFunc("GET "+p+"/documents/export.xlsx", a(h.httpExport))
	mux.HandleFunc("GET "+p+"/documents/{id}", a(h.httpDocument))
	mux.HandleFunc("PATCH "+p+"/documents/{id}", a(h.httpUpdateDocument))
	mux.HandleFunc("POST "+p+"/documents/{id}/decisions", a(h.httpDecide))
	mux.HandleFunc("POST "+p+"/documents/{id}/comments", a(h.httpComment))
	mux.HandleFunc("POST "+p+"/documents/{id}/mail", a(h.httpSendByMail))
	mux.HandleFunc("POST "+p+"/appeals/{id}/document", a(h.httpRegisterFromAppeal))
	mux.HandleFunc("POST "+UploadPrefix+"documents/{id}", a(h.httpUpload))
	mux.HandleFunc("GET "+p+"/attachments/{id}", a(h.httpDownload))
	mux.HandleFunc("GET "+p+"/tasks", a(h.httpMyTasks))
	mux.HandleFunc("GET "+p+"/feed", a(h.httpFeed))
	mux.HandleFunc("GET "+p+"/notifications", a(h.httpNotifications))
	mux.HandleFunc("POST "+p+"/notifications/read", a(h.httpMarkRead))
	mux.HandleFunc("GET "+p+"/reports/control", a(h.httpControlReport))
	mux.HandleFunc("GET "+p+"/templates", a(h.httpTemplates))
	mux.HandleFunc("POST "+p+"/templates", a(h.httpSaveTemplate))
	mux.HandleFunc("PUT "+p+"/templates/{id}", a(h.httpSaveTemplate))
	mux.HandleFunc("POST "+UploadPrefix+"templates/{id}", a(h.httpTemplateUpload))
}

// writeError answers like httpapi.Error, with a lost race on a step as 409
// and a message that says what happened.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, ErrConflict) {
		httpapi.Logger(r.Context()).Debug("decision refused", "err", err)
		httpapi.WriteJSON(w, http.StatusConflict, httpapi.Problem{Error: httpapi.ProblemDetail{Code: "moved_on",
			Message: "someone else has already decided at this step; reload the document", RequestID: httpapi.RequestID(r.Context())}})
		return
	}
	httpapi.Error(w, r, err)
}

// answer writes v, or the error.
func answer(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		writeError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, status, v)
}
