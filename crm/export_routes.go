package crm

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
)

// exportHandlers answer the member export, whose selection may be a
// saved filter.
type exportHandlers struct {
	exporter *Exporter
	filters  *SavedFilters
}

// httpExportMembers writes the filtered member list as XLSX or CSV. The
// selection is the same as the list's (and so limited to the caller's
// scope); the export is audited before the first byte leaves.
func (h exportHandlers) httpExportMembers(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	format := r.URL.Query().Get("format")
	if format != "xlsx" && format != "csv" {
		httpapi.Error(w, r, valid.Errorf("format", "format", "format must be xlsx or csv"))
		return
	}
	f, err := filterOfRequest(r, p, h.filters)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if err := h.exporter.auditExport(r.Context(), p.Scope, f, format); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	name := fmt.Sprintf("members-%s.%s", time.Now().Format("2006-01-02"), format)
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		if err := h.exporter.WriteMembersCSV(r.Context(), w, p.Scope, f); err != nil {
			// The status is sent; all we can do is cut the file short.
			httpapi.Logger(r.Context()).Error("member export failed", "err", err)
		}
		return
	}
	// The XLSX is assembled by the stream writer in temporary files and
	// written out at the end, so an error before then is still an answer.
	var buf bytes.Buffer
	if err := h.exporter.WriteMembersXLSX(r.Context(), &buf, p.Scope, f); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = buf.WriteTo(w)
}
