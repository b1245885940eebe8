package crm

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
)

// MaxImportBytes is the largest file the import takes (a quarter of a
// million members is about 25 MB of XLSX).
const MaxImportBytes = 64 << 20

// importHandlers answer the member import.
type importHandlers struct{ importer *Importer }

// httpImport takes the file as the request body; format, dry_run, unit_id
// and mapping (a JSON object, heading → field) come in the query.
func (h importHandlers) httpImport(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	opt := ImportOptions{Format: q.Get("format"), UnitID: q.Get("unit_id")}
	dry, err := boolQuery(q, "dry_run")
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	opt.DryRun = dry != nil && *dry
	if m := q.Get("mapping"); m != "" {
		if err := json.Unmarshal([]byte(m), &opt.Mapping); err != nil {
			httpapi.Error(w, r, valid.Errorf("mapping", "mapping_json", "mapping must be a JSON object of column headings to fields"))
			return
		}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	rep, err := h.importer.Import(r.Context(), p.Scope, bytes.NewReader(body), opt)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, rep)
}
