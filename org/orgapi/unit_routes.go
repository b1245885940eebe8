package orgapi

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/org"
)

// unitHandlers answer the organisation tree's API.
type unitHandlers struct{ units *org.Store }

type unitInput struct {
	ParentID string       `json:"parent_id"`
	Kind     org.UnitKind `json:"kind"`
	Name     string       `json:"name"`
}

func (h unitHandlers) httpListUnits(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	units, err := h.units.ListUnits(r.Context(), p.Scope, r.URL.Query().Get("q"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"units": nonNil(units)})
}

func (h unitHandlers) httpGetUnit(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	u, err := h.units.GetUnit(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, u)
}

func (h unitHandlers) httpCreateUnit(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in unitInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if in.ParentID == "" {
		httpapi.Error(w, r, valid.Errorf("parent_id", "required", "parent_id is required"))
		return
	}
	u, err := h.units.CreateUnit(r.Context(), p.Scope, in.ParentID, in.Kind, in.Name)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, u)
}

// httpUpdateUnit moves the unit when parent_id is given, then renames or
// re-kinds it when name or kind is; an empty body answers the unit as is.
func (h unitHandlers) httpUpdateUnit(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in unitInput
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	id := r.PathValue("id")
	var (
		u   org.Unit
		err error
	)
	if in.ParentID != "" {
		u, err = h.units.MoveUnit(r.Context(), p.Scope, id, in.ParentID)
	}
	if err == nil && (in.Name != "" || in.Kind != "") {
		cur, gerr := h.units.GetUnit(r.Context(), p.Scope, id)
		if gerr != nil {
			httpapi.Error(w, r, gerr)
			return
		}
		name, kind := cur.Name, cur.Kind
		if in.Name != "" {
			name = in.Name
		}
		if in.Kind != "" {
			kind = in.Kind
		}
		u, err = h.units.UpdateUnit(r.Context(), p.Scope, id, kind, name)
	}
	if err == nil && u.ID == "" {
		u, err = h.units.GetUnit(r.Context(), p.Scope, id)
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, u)
}
