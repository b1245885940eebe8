package crm

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
)

// listHandlers answer the universal lists' API; their files are
// listFileHandlers'.
type listHandlers struct{ lists *Lists }

func (h listHandlers) httpLists(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ls, err := h.lists.Lists(r.Context(), p.Scope)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"lists": ls})
}

// httpCreateList takes a list definition, or {"template": "awards"} for
// the shipped awards list.
func (h listHandlers) httpCreateList(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		ListInput
		Template string `json:"template"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	def := in.ListInput
	switch in.Template {
	case "":
	case "awards":
		unit := def.UnitID
		def = AwardsList()
		def.UnitID = unit
	default:
		httpapi.Error(w, r, valid.Errorf("template", "template", "the only template is awards"))
		return
	}
	l, err := h.lists.CreateList(r.Context(), p.Scope, def)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, l)
}

func (h listHandlers) httpRecords(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f := RecordFilter{UnitID: r.URL.Query().Get("unit_id"), Query: r.URL.Query().Get("q")}
	var err error
	if f.Limit, err = httpapi.IntQuery(r, "limit", 50); err == nil {
		f.Offset, err = httpapi.IntQuery(r, "offset", 0)
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	l, page, err := h.lists.Records(r.Context(), p.Scope, r.PathValue("id"), f)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"list": l, "records": page.Records, "total": page.Total})
}

func (h listHandlers) httpAddRecord(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		UnitID string         `json:"unit_id"`
		Values map[string]any `json:"values"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	rec, err := h.lists.AddRecord(r.Context(), p.Scope, r.PathValue("id"), in.UnitID, in.Values)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, rec)
}

func (h listHandlers) httpExportRecords(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var buf bytes.Buffer
	f := RecordFilter{UnitID: r.URL.Query().Get("unit_id"), Query: r.URL.Query().Get("q")}
	if err := h.lists.WriteRecordsXLSX(r.Context(), &buf, p.Scope, r.PathValue("id"), f); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="list-`+time.Now().Format("2006-01-02")+`.xlsx"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = buf.WriteTo(w)
}

func (h listHandlers) httpImportRecords(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	rep, err := h.lists.ImportRecords(r.Context(), p.Scope, r.PathValue("id"), r.Body, r.URL.Query().Get("format"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, rep)
}

func (h listHandlers) httpUpdateRecord(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in struct {
		UnitID string         `json:"unit_id"`
		Values map[string]any `json:"values"`
	}
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	rec, err := h.lists.UpdateRecord(r.Context(), p.Scope, r.PathValue("id"), r.PathValue("record"), in.UnitID, in.Values)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, rec)
}
