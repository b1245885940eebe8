package workflow

import (
	"errors"
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
)

// UploadPrefix is where files are uploaded; the hub gives it a large body
// limit.
const UploadPrefix = "/api/v1/workflow/uploads/"

// The workflow API's HTTP handlers sit on three small types beside the
// services: each handler decodes the request, calls services and writes
// the answer. Documents, journal and files: documentHandlers
// (document_routes.go); tasks, feed and notifications: taskHandlers
// (task_routes.go); registries, processes and templates: adminHandlers
// (admin_routes.go).
type (
	documentHandlers struct{ *Services }
	taskHandlers     struct{ *Services }
	adminHandlers    struct{ *Services }
)

// Routes adds the workflow API to mux (see docs/API.md, "Document workflow").
func (s *Services) Routes(mux *http.ServeMux) {
	d, t, ad := &documentHandlers{s}, &taskHandlers{s}, &adminHandlers{s}
	a := httpapi.Authed
	const p = "/api/v1/workflow"
	mux.HandleFunc("GET "+p+"/registries", a(ad.httpRegistries))
	mux.HandleFunc("PUT "+p+"/registries/{unit}/{kind}", a(ad.httpSetNumberFormat))
	mux.HandleFunc("GET "+p+"/definitions", a(ad.httpDefinitions))
	mux.HandleFunc("GET "+p+"/definitions/{id}", a(ad.httpDefinition))
	mux.HandleFunc("PUT "+p+"/definitions/{id}", a(ad.httpSaveDefinition))
	mux.HandleFunc("GET "+p+"/definitions/{id}/diagram.svg", a(ad.httpDiagram))
	mux.HandleFunc("GET "+p+"/documents", a(d.httpJournal))
	mux.HandleFunc("POST "+p+"/documents", a(d.httpRegister))
	mux.HandleFunc("GET "+p+"/documents/export.xlsx", a(d.httpExport))
	mux.HandleFunc("GET "+p+"/documents/{id}", a(d.httpDocument))
	mux.HandleFunc("PATCH "+p+"/documents/{id}", a(d.httpUpdateDocument))
	mux.HandleFunc("POST "+p+"/documents/{id}/decisions", a(d.httpDecide))
	mux.HandleFunc("POST "+p+"/documents/{id}/comments", a(d.httpComment))
	mux.HandleFunc("POST "+p+"/documents/{id}/mail", a(d.httpSendByMail))
	mux.HandleFunc("POST "+p+"/appeals/{id}/document", a(d.httpRegisterFromAppeal))
	mux.HandleFunc("POST "+UploadPrefix+"documents/{id}", a(d.httpUpload))
	mux.HandleFunc("GET "+p+"/attachments/{id}", a(d.httpDownload))
	mux.HandleFunc("GET "+p+"/tasks", a(t.httpMyTasks))
	mux.HandleFunc("GET "+p+"/feed", a(t.httpFeed))
	mux.HandleFunc("GET "+p+"/notifications", a(t.httpNotifications))
	mux.HandleFunc("POST "+p+"/notifications/read", a(t.httpMarkRead))
	mux.HandleFunc("GET "+p+"/reports/control", a(t.httpControlReport))
	mux.HandleFunc("GET "+p+"/templates", a(ad.httpTemplates))
	mux.HandleFunc("POST "+p+"/templates", a(ad.httpSaveTemplate))
	mux.HandleFunc("PUT "+p+"/templates/{id}", a(ad.httpSaveTemplate))
	mux.HandleFunc("POST "+UploadPrefix+"templates/{id}", a(ad.httpTemplateUpload))
}

// writeError answers like httpapi.Error, with a lost race on a step as 409
// and a message that says what happened.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, ErrConflict) {
		httpapi.Logger(r.Context()).Debug("decision refused", "err", err)
		httpapi.WriteJSON(w, http.StatusConflict, httpapi.Problem{Error: httpapi.ProblemDetail{Code: "moved_on",
			Message: httpapi.Text(r.Context(), "err.moved_on", "someone else has already decided at this step; reload the document"), RequestID: httpapi.RequestID(r.Context())}})
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
