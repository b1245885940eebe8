package crm

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
)

// Routes adds the CRM API to mux (see docs/API.md, "CRM").
func (s *Store) Routes(mux *http.ServeMux) {
	a := httpapi.Authed
	mux.HandleFunc("GET /api/v1/crm/members", a(s.httpListMembers))
	mux.HandleFunc("POST /api/v1/crm/members", a(s.httpCreateMember))
	mux.HandleFunc("GET /api/v1/crm/members/export", a(s.httpExportMembers))
	mux.HandleFunc("POST /api/v1/crm/members/duplicates", a(s.httpFindDuplicates))
	mux.HandleFunc("POST /api/v1/crm/conversations/{id}/card", a(s.httpCreateMemberFromConversation))
	mux.HandleFunc("GET /api/v1/crm/conversations/{id}/member", a(s.httpConversationMember))
	mux.HandleFunc("POST /api/v1/crm/members/import", a(s.httpImport))
	mux.HandleFunc("GET /api/v1/crm/members/{id}", a(s.httpGetMember))
	mux.HandleFunc("PATCH /api/v1/crm/members/{id}", a(s.httpUpdateMember))
	mux.HandleFunc("GET /api/v1/crm/members/{id}/timeline", a(s.httpMemberTimeline))
	mux.HandleFunc("POST /api/v1/crm/members/{id}/merge", a(s.httpMergeMember))
	mux.HandleFunc("GET /api/v1/crm/organisations/{unit}", a(s.httpGetOrganisation))
	mux.HandleFunc("PATCH /api/v1/crm/organisations/{unit}", a(s.httpUpdateOrganisation))
	mux.HandleFunc("GET /api/v1/crm/filters", a(s.httpListSavedFilters))
	mux.HandleFunc("POST /api/v1/crm/filters", a(s.httpSaveFilter))
	mux.HandleFunc("DELETE /api/v1/crm/filters/{id}", a(s.httpDeleteSavedFilter))
	mux.HandleFunc("GET /api/v1/crm/lists", a(s.httpLists))
	mux.HandleFunc("POST /api/v1/crm/lists", a(s.httpCreateList))
	mux.HandleFunc("GET /api/v1/crm/lists/{id}/records", a(s.httpRecords))
	mux.HandleFunc("POST /api/v1/crm/lists/{id}/records", a(s.httpAddRecord))
	mux.HandleFunc("PATCH /api/v1/crm/lists/{id}/records/{record}", a(s.httpUpdateRecord))
	mux.HandleFunc("GET /api/v1/crm/lists/{id}/export", a(s.httpExportRecords))
	mux.HandleFunc("POST /api/v1/crm/lists/{id}/import", a(s.httpImportRecords))
	mux.HandleFunc("GET /api/v1/crm/appeals", a(s.httpListAppeals))
	mux.HandleFunc("POST /api/v1/crm/appeals", a(s.httpCreateAppeal))
	mux.HandleFunc("GET /api/v1/crm/appeals/{id}", a(s.httpGetAppeal))
	mux.HandleFunc("PATCH /api/v1/crm/appeals/{id}", a(s.httpUpdateAppeal))
	mux.HandleFunc("POST /api/v1/crm/appeals/from-conversation/{id}", a(s.httpCreateAppealFromConversation))
	mux.HandleFunc("GET /api/v1/crm/appeals/{id}/details", a(s.httpAppealDetails))
	mux.HandleFunc("POST /api/v1/crm/appeal-comments/{id}", a(s.httpCommentAppeal))
	mux.HandleFunc("POST "+UploadPrefix+"appeals/{id}", a(s.httpAttachToAppeal))
	mux.HandleFunc("GET /api/v1/crm/appeals/{id}/files/{file}", a(s.httpAppealFile))
	mux.HandleFunc("GET /api/v1/crm/appeal-categories", a(s.httpAppealCategories))
	mux.HandleFunc("POST /api/v1/crm/appeal-categories", a(s.httpCreateAppealCategory))
	mux.HandleFunc("PATCH /api/v1/crm/appeal-categories/{id}", a(s.httpUpdateAppealCategory))
	mux.HandleFunc("POST "+UploadPrefix+"lists/{id}/{field}", a(s.httpUploadListFile))
	mux.HandleFunc("GET /api/v1/crm/lists/{id}/records/{record}/files/{field}", a(s.httpListFile))
}
