package crm

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
)

// Routes adds the CRM API to mux (see docs/API.md, "CRM"). The handlers
// are small types over the services, one per part of the API, in the
// *_routes.go files.
func (c *Services) Routes(mux *http.ServeMux) {
	a := httpapi.Authed
	m := memberHandlers{members: c.Members, filters: c.SavedFilters, cards: c.Cards, tr: c.tr}
	o := organisationHandlers{orgs: c.Organisations, tr: c.tr}
	cd := cardHandlers{cards: c.Cards}
	cf := customFieldHandlers{fields: c.CustomFields, tr: c.tr}
	im := importHandlers{importer: c.Importer}
	iw := importSessionHandlers{sessions: c.ImportSessions, batches: c.ImportBatches}
	ex := exportHandlers{exporter: c.Exporter, filters: c.SavedFilters}
	tl := timelineHandlers{timelines: c.Timelines}
	sf := savedFilterHandlers{filters: c.SavedFilters}
	l := listHandlers{lists: c.Lists}
	lf := listFileHandlers{files: c.ListFiles}
	ap := appealHandlers{appeals: c.Appeals, tr: c.tr}
	ad := appealDetailHandlers{details: c.AppealDetails}
	ac := appealCategoryHandlers{categories: c.AppealCategories}
	ot := outreachHandlers{outreach: c.Outreach}
	pn := panelHandlers{panel: c.ConversationPanel, tr: c.tr}
	mux.HandleFunc("GET /api/v1/crm/members", a(m.httpListMembers))
	mux.HandleFunc("POST /api/v1/crm/members", a(m.httpCreateMember))
	mux.HandleFunc("GET /api/v1/crm/members/export", a(ex.httpExportMembers))
	mux.HandleFunc("POST /api/v1/crm/members/duplicates", a(m.httpFindDuplicates))
	mux.HandleFunc("GET /api/v1/crm/members/duplicates", a(m.httpListDuplicates))
	mux.HandleFunc("POST /api/v1/crm/conversations/{id}/card", a(m.httpCreateMemberFromConversation))
	mux.HandleFunc("GET /api/v1/crm/conversations/{id}/member", a(m.httpConversationMember))
	mux.HandleFunc("GET /api/v1/crm/conversations/{id}/contact", a(pn.httpContact))
	mux.HandleFunc("POST /api/v1/crm/conversations/{id}/contact/link", a(pn.httpConfirmLink))
	mux.HandleFunc("DELETE /api/v1/crm/conversations/{id}/contact/proposals/{member}", a(pn.httpDismissLink))
	mux.HandleFunc("GET /api/v1/crm/conversations/{id}/fields", a(pn.httpFields))
	mux.HandleFunc("PUT /api/v1/crm/conversations/{id}/fields", a(pn.httpSetFields))
	mux.HandleFunc("POST /api/v1/crm/members/import", a(im.httpImport))
	mux.HandleFunc("POST "+ImportWizardPrefix, a(iw.httpUpload))
	mux.HandleFunc("POST "+ImportWizardPrefix+"/{id}/check", a(iw.httpCheck))
	mux.HandleFunc("GET "+ImportWizardPrefix+"/{id}/problems.xlsx", a(iw.httpProblems))
	mux.HandleFunc("POST "+ImportWizardPrefix+"/{id}/run", a(iw.httpRun))
	mux.HandleFunc("GET /api/v1/crm/import-batches/{id}", a(iw.httpBatch))
	mux.HandleFunc("GET /api/v1/crm/import-batches/{id}/events", a(iw.httpBatchEvents))
	mux.HandleFunc("POST /api/v1/crm/import-batches/{id}/undo", a(iw.httpUndo))
	mux.HandleFunc("GET /api/v1/crm/members/{id}", a(m.httpGetMember))
	mux.HandleFunc("PATCH /api/v1/crm/members/{id}", a(m.httpUpdateMember))
	mux.HandleFunc("GET /api/v1/crm/members/{id}/timeline", a(tl.httpMemberTimeline))
	mux.HandleFunc("POST /api/v1/crm/members/{id}/merge", a(m.httpMergeMember))
	mux.HandleFunc("GET /api/v1/crm/members/{id}/channels", a(ot.httpChannels))
	mux.HandleFunc("POST /api/v1/crm/members/{id}/conversations", a(ot.httpStart))
	mux.HandleFunc("GET /api/v1/crm/members/{id}/history", a(cd.httpMemberHistory))
	mux.HandleFunc("POST /api/v1/crm/members/{id}/archive", a(cd.archiveMember(true)))
	mux.HandleFunc("POST /api/v1/crm/members/{id}/restore", a(cd.archiveMember(false)))
	mux.HandleFunc("GET /api/v1/crm/organisations/{unit}", a(o.httpGetOrganisation))
	mux.HandleFunc("PATCH /api/v1/crm/organisations/{unit}", a(o.httpUpdateOrganisation))
	mux.HandleFunc("GET /api/v1/crm/organisations/{unit}/history", a(cd.httpOrganisationHistory))
	mux.HandleFunc("POST /api/v1/crm/organisations/{unit}/archive", a(cd.archiveOrganisation(true)))
	mux.HandleFunc("POST /api/v1/crm/organisations/{unit}/restore", a(cd.archiveOrganisation(false)))
	mux.HandleFunc("GET /api/v1/crm/custom-fields", a(cf.httpCustomFields))
	mux.HandleFunc("POST /api/v1/crm/custom-fields", a(cf.httpCreateCustomField))
	mux.HandleFunc("PATCH /api/v1/crm/custom-fields/{id}", a(cf.httpUpdateCustomField))
	mux.HandleFunc("POST /api/v1/crm/custom-fields/{id}/retire", a(cf.retire(true)))
	mux.HandleFunc("POST /api/v1/crm/custom-fields/{id}/restore", a(cf.retire(false)))
	mux.HandleFunc("GET /api/v1/crm/filters", a(sf.httpListSavedFilters))
	mux.HandleFunc("POST /api/v1/crm/filters", a(sf.httpSaveFilter))
	mux.HandleFunc("PATCH /api/v1/crm/filters/{id}", a(sf.httpUpdateSavedFilter))
	mux.HandleFunc("DELETE /api/v1/crm/filters/{id}", a(sf.httpDeleteSavedFilter))
	mux.HandleFunc("GET /api/v1/crm/lists", a(l.httpLists))
	mux.HandleFunc("POST /api/v1/crm/lists", a(l.httpCreateList))
	mux.HandleFunc("GET /api/v1/crm/lists/{id}/records", a(l.httpRecords))
	mux.HandleFunc("POST /api/v1/crm/lists/{id}/records", a(l.httpAddRecord))
	mux.HandleFunc("PATCH /api/v1/crm/lists/{id}/records/{record}", a(l.httpUpdateRecord))
	mux.HandleFunc("GET /api/v1/crm/lists/{id}/export", a(l.httpExportRecords))
	mux.HandleFunc("POST /api/v1/crm/lists/{id}/import", a(l.httpImportRecords))
	mux.HandleFunc("GET /api/v1/crm/appeals", a(ap.httpListAppeals))
	mux.HandleFunc("POST /api/v1/crm/appeals", a(ap.httpCreateAppeal))
	mux.HandleFunc("GET /api/v1/crm/appeals/{id}", a(ap.httpGetAppeal))
	mux.HandleFunc("PATCH /api/v1/crm/appeals/{id}", a(ap.httpUpdateAppeal))
	mux.HandleFunc("POST /api/v1/crm/appeals/from-conversation/{id}", a(ap.httpCreateAppealFromConversation))
	mux.HandleFunc("GET /api/v1/crm/appeals/{id}/details", a(ad.httpAppealDetails))
	mux.HandleFunc("POST /api/v1/crm/appeal-comments/{id}", a(ad.httpCommentAppeal))
	mux.HandleFunc("POST "+UploadPrefix+"appeals/{id}", a(ad.httpAttachToAppeal))
	mux.HandleFunc("GET /api/v1/crm/appeals/{id}/files/{file}", a(ad.httpAppealFile))
	mux.HandleFunc("GET /api/v1/crm/appeal-categories", a(ac.httpAppealCategories))
	mux.HandleFunc("POST /api/v1/crm/appeal-categories", a(ac.httpCreateAppealCategory))
	mux.HandleFunc("PATCH /api/v1/crm/appeal-categories/{id}", a(ac.httpUpdateAppealCategory))
	mux.HandleFunc("POST "+UploadPrefix+"lists/{id}/{field}", a(lf.httpUploadListFile))
	mux.HandleFunc("GET /api/v1/crm/lists/{id}/records/{record}/files/{field}", a(lf.httpListFile))
}
