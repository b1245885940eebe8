package web

import (
	"net/http"

	"github.com/profhub/profhub/internal/security/access"
)

// crmPages are the CRM's shells, filled by their scripts over the CRM API.
type crmPages struct{ ui *pages }

// members is the member registry: the standard filters, search, saved
// filters and export, with a member's card and timeline beside the list
// (web/static/crm.js over the CRM API).
func (h crmPages) members(w http.ResponseWriter, r *http.Request) {
	h.ui.script(w, r, "members", "nav.members", "members")
}

// appeals lists appeals (open, overdue, the caller's, all) and edits their
// status and resolution.
func (h crmPages) appeals(w http.ResponseWriter, r *http.Request) {
	h.ui.script(w, r, "appeals", "nav.appeals", "appeals")
}

// organisation is the card of one unit of the tree: its description, the
// member count of its subtree and a link to those members; the script
// reads the unit's id from the address (web/static/crm_org.js).
func (h crmPages) organisation(w http.ResponseWriter, r *http.Request) {
	h.ui.script(w, r, "organisation", "title.organisation", "members")
}

// lists keeps the universal lists: records, adding and editing them, XLSX
// export and import (web/static/crm_lists.js).
func (h crmPages) lists(w http.ResponseWriter, r *http.Request) {
	h.ui.script(w, r, "lists", "nav.lists", "lists")
}

// importWizard is the member import wizard: upload, the file as understood
// with its columns' fields, a dry run listing every row's problems, the
// import with its progress and the undo of the batch
// (web/static/crm_import.js over the CRM's import wizard API). Only those
// who may edit the registry open it.
func (h crmPages) importWizard(w http.ResponseWriter, r *http.Request) {
	if h.ui.admin(w, r, access.EditRegistry) == nil {
		return
	}
	h.ui.script(w, r, "import", "title.import", "members")
}

// customFields is the administrator's page of typed custom fields: their
// definitions per entity, added, edited and retired
// (web/static/crm_fields.js over the CRM's custom fields API). Only those
// who may define fields (access.ManageLists) open it.
func (h crmPages) customFields(w http.ResponseWriter, r *http.Request) {
	if h.ui.admin(w, r, access.ManageLists) == nil {
		return
	}
	h.ui.script(w, r, "custom_fields", "title.custom_fields", "settings")
}

// duplicates lists the likely duplicates of the user's scope (the same
// phone, e-mail, or name and birth date), each pair with a link to the
// merge page (web/static/crm_dups.js over the CRM API). Only those who may
// merge cards (access.MergeMembers) open it.
func (h crmPages) duplicates(w http.ResponseWriter, r *http.Request) {
	if h.ui.admin(w, r, access.MergeMembers) == nil {
		return
	}
	h.ui.script(w, r, "duplicates", "title.duplicates", "members")
}

// merge shows two cards (?a=&b=) side by side, a choice for each field
// they differ in, and merges them into the card chosen to stay
// (web/static/crm_dups.js).
func (h crmPages) merge(w http.ResponseWriter, r *http.Request) {
	if h.ui.admin(w, r, access.MergeMembers) == nil {
		return
	}
	h.ui.script(w, r, "merge", "title.merge", "members")
}
