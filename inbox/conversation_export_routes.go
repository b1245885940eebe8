package inbox

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/auth"
)

// customQuery reads the filter by a conversation field: custom.<key>=value
// (one at most), as the member list's.
func customQuery(q url.Values, f *ConversationFilter) error {
	for k, v := range q {
		key, ok := strings.CutPrefix(k, "custom.")
		if !ok {
			continue
		}
		if f.CustomKey != "" || len(v) != 1 {
			return valid.Errorf(k, "custom_one", "filter by one conversation field at a time")
		}
		f.CustomKey, f.CustomValue = key, v[0]
	}
	return nil
}

// httpExportConversations writes the conversations of the list's filters
// (the console's: status, line, channel, search, custom.<key>) as CSV or
// XLSX, with the conversation fields as columns.
func (h *conversationHandlers) httpExportConversations(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "xlsx"
	}
	if format != "csv" && format != "xlsx" {
		httpapi.Error(w, r, valid.Errorf("format", "format", "format must be csv or xlsx"))
		return
	}
	f, err := filterOfQuery(q) // the list's filters, labels included
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	t, err := h.Conversations.Export(r.Context(), p.Scope, f, format, userZone(p))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	var body bytes.Buffer
	contentType := "text/csv; charset=utf-8"
	if format == "csv" {
		body.WriteString("\ufeff") // Excel reads UTF-8 by its BOM
		err = writeExportCSV(&body, t)
	} else {
		contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = writeExportXLSX(&body, t)
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="conversations.`+format+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(body.Len()))
	_, _ = body.WriteTo(w)
}

func writeExportCSV(b *bytes.Buffer, t ExportTable) error {
	cw := csv.NewWriter(b)
	cw.Comma = ';' // what Excel in Russia opens by default
	_ = cw.Write(t.Header)
	for _, row := range t.Rows {
		rec := make([]string, len(row))
		for i, c := range row {
			rec[i] = norm.SafeCell(c)
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

func writeExportXLSX(b *bytes.Buffer, t ExportTable) error {
	x := excelize.NewFile()
	defer x.Close()
	sheet := "Беседы"
	if err := x.SetSheetName(x.GetSheetName(0), sheet); err != nil {
		return fmt.Errorf("inbox: export xlsx: %w", err)
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("inbox: export xlsx: %w", err)
	}
	for i, row := range append([][]string{t.Header}, t.Rows...) {
		cells := make([]any, len(row))
		for j, c := range row {
			cells[j] = norm.SafeCell(c)
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, cells); err != nil {
			return fmt.Errorf("inbox: export xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("inbox: export xlsx: %w", err)
	}
	return x.Write(b)
}
