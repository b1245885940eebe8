package workflow

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
)

// UploadPrefix is where files are uploaded; the hub gives it a large body
// limit.
const UploadPrefix = "/api/v1/workflow/uploads/"

// Routes adds the workflow API to mux (see docs/API.md, "Document workflow").
func (s *Store) Routes(mux *http.ServeMux) {
	a := httpapi.Authed
	const p = "/api/v1/workflow"
	mux.HandleFunc("GET "+p+"/registries", a(s.httpRegistries))
	mux.HandleFunc("PUT "+p+"/registries/{unit}/{kind}", a(s.httpSetNumberFormat))
	mux.HandleFunc("GET "+p+"/definitions", a(s.httpDefinitions))
	mux.HandleFunc("GET "+p+"/definitions/{id}", a(s.httpDefinition))
	mux.HandleFunc("PUT "+p+"/definitions/{id}", a(s.httpSaveDefinition))
	mux.HandleFunc("GET "+p+"/definitions/{id}/diagram.svg", a(s.httpDiagram))
	mux.HandleFunc("GET "+p+"/documents", a(s.httpJournal))
	mux.HandleFunc("POST "+p+"/documents", a(s.httpRegister))
	mux.HandleFunc("GET "+p+"/documents/export.xlsx", a(s.httpExport))
	mux.HandleFunc("GET "+p+"/documents/{id}", a(s.httpDocument))
	mux.HandleFunc("PATCH "+p+"/documents/{id}", a(s.httpUpdateDocument))
	mux.HandleFunc("POST "+p+"/documents/{id}/decisions", a(s.httpDecide))
	mux.HandleFunc("POST "+p+"/documents/{id}/comments", a(s.httpComment))
	mux.HandleFunc("POST "+p+"/documents/{id}/mail", a(s.httpSendByMail))
	mux.HandleFunc("POST "+p+"/appeals/{id}/document", a(s.httpRegisterFromAppeal))
	mux.HandleFunc("POST "+UploadPrefix+"documents/{id}", a(s.httpUpload))
	mux.HandleFunc("GET "+p+"/attachments/{id}", a(s.httpDownload))
	mux.HandleFunc("GET "+p+"/tasks", a(s.httpMyTasks))
	mux.HandleFunc("GET "+p+"/feed", a(s.httpFeed))
	mux.HandleFunc("GET "+p+"/notifications", a(s.httpNotifications))
	mux.HandleFunc("POST "+p+"/notifications/read", a(s.httpMarkRead))
	mux.HandleFunc("GET "+p+"/reports/control", a(s.httpControlReport))
	mux.HandleFunc("GET "+p+"/templates", a(s.httpTemplates))
	mux.HandleFunc("POST "+p+"/templates", a(s.httpSaveTemplate))
	mux.HandleFunc("PUT "+p+"/templates/{id}", a(s.httpSaveTemplate))
	mux.HandleFunc("POST "+UploadPrefix+"templates/{id}", a(s.httpTemplateUpload))
}
