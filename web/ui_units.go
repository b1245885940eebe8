package web

import (
	"context"
	"net/http"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

// unitPages are the administration of the organisation tree.
type unitPages struct {
	ui    *pages
	units unitTree
}

// unitTree is what the units' pages ask of org's directory.
type unitTree interface {
	ListUnits(ctx context.Context, sc access.Scope, query string) ([]org.Unit, error)
	CreateUnit(ctx context.Context, sc access.Scope, parentID string, kind org.UnitKind, name string) (org.Unit, error)
	UpdateUnit(ctx context.Context, sc access.Scope, id string, kind org.UnitKind, name string) (org.Unit, error)
	MoveUnit(ctx context.Context, sc access.Scope, id, newParentID string) (org.Unit, error)
}

func (h unitPages) list(w http.ResponseWriter, r *http.Request) {
	p := h.ui.admin(w, r, access.ManageUnits)
	if p == nil {
		return
	}
	q := r.URL.Query().Get("q")
	units, err := h.units.ListUnits(r.Context(), p.Scope, q)
	if err != nil {
		h.ui.fail(w, r, err)
		return
	}
	v := h.ui.view(r, "title.units", "settings")
	v.Data = map[string]any{"Units": units, "Kinds": org.UnitKinds, "Query": q}
	h.ui.render(w, r, http.StatusOK, "units", v)
}

func (h unitPages) create(w http.ResponseWriter, r *http.Request) {
	p := h.ui.admin(w, r, access.ManageUnits)
	if p == nil {
		return
	}
	if _, err := h.units.CreateUnit(r.Context(), p.Scope, r.PostFormValue("parent_id"), org.UnitKind(r.PostFormValue("kind")), r.PostFormValue("name")); err != nil {
		h.ui.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/admin/units", "saved")
}

func (h unitPages) update(w http.ResponseWriter, r *http.Request) {
	p := h.ui.admin(w, r, access.ManageUnits)
	if p == nil {
		return
	}
	if _, err := h.units.UpdateUnit(r.Context(), p.Scope, r.PathValue("id"), org.UnitKind(r.PostFormValue("kind")), r.PostFormValue("name")); err != nil {
		h.ui.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/admin/units", "saved")
}

func (h unitPages) move(w http.ResponseWriter, r *http.Request) {
	p := h.ui.admin(w, r, access.ManageUnits)
	if p == nil {
		return
	}
	if _, err := h.units.MoveUnit(r.Context(), p.Scope, r.PathValue("id"), r.PostFormValue("parent_id")); err != nil {
		h.ui.fail(w, r, err)
		return
	}
	redirectFlash(w, r, "/admin/units", "saved")
}
