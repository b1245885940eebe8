package inbox

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
)

// statsHandlers serve the statistics report and its export.
type statsHandlers struct{ Stats *Statistics }

// httpStats answers the report as JSON, or as a file: CSV of one table
// (table=lines, operators, kinds, channels or days) or XLSX with a sheet
// per table. Files carry personal data (operators' names) out of the hub,
// so each is audited.
func (h *statsHandlers) httpStats(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	f, err := statsFilterFromQuery(q, time.Now(), userZone(p))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	format, table := q.Get("format"), q.Get("table")
	switch {
	case format != "" && format != "json" && format != "csv" && format != "xlsx":
		err = valid.Errorf("format", "format", "format must be json, csv or xlsx")
	case format == "csv" && table == "":
		table = "days"
	}
	if err == nil && table != "" && !slices.Contains(statsTableIDs, table) {
		err = valid.Errorf("table", "table", "table must be one of lines, operators, kinds, channels, days")
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	st, err := h.Stats.Report(r.Context(), p.Scope, f)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if format == "" || format == "json" {
		httpapi.WriteJSON(w, http.StatusOK, st)
		return
	}
	var body bytes.Buffer
	contentType, name := "text/csv; charset=utf-8", "inbox-stats-"+table
	if format == "csv" {
		t, _ := tableByID(st, table)
		err = writeStatsCSV(&body, st, t)
	} else {
		contentType, name, table = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "inbox-stats", ""
		err = writeStatsXLSX(&body, st)
	}
	if err == nil {
		err = h.Stats.auditExport(r.Context(), p.Scope, f, format, table, st)
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	from, to := statsDays(f)
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s-%s.%s"`, name, from, to, format))
	w.Header().Set("Content-Length", strconv.Itoa(body.Len()))
	_, _ = body.WriteTo(w)
}

// userZone is the zone the user sees times in: their own, or the
// installation's.
func userZone(p *auth.Principal) *time.Location {
	if p.User.TimeZone != "" {
		if l, err := time.LoadLocation(p.User.TimeZone); err == nil {
			return l
		}
	}
	return Zone()
}

// statsFilterFromQuery reads from and to (inclusive days, YYYY-MM-DD),
// line_id, operator_id, channel_kind, channel_id and tz (def, the user's
// zone, without it). Without dates the report covers the 30 days up to
// today.
func statsFilterFromQuery(q url.Values, now time.Time, def *time.Location) (StatsFilter, error) {
	f := StatsFilter{LineID: q.Get("line_id"), OperatorID: q.Get("operator_id"), ChannelKind: q.Get("channel_kind"),
		ChannelID: q.Get("channel_id"), Loc: def}
	if f.ChannelKind != "" && !slices.Contains(ChannelKinds, f.ChannelKind) {
		return f, valid.Errorf("channel_kind", "kind", "unknown kind of channel %q", f.ChannelKind)
	}
	if tz := q.Get("tz"); tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return f, valid.Errorf("tz", "tz", "unknown time zone %q", tz)
		}
		f.Loc = loc
	}
	day := func(name string, def time.Time) (time.Time, error) {
		s := q.Get(name)
		if s == "" {
			return def, nil
		}
		t, err := time.ParseInLocation(time.DateOnly, s, f.Loc)
		if err != nil {
			return t, valid.Errorf(name, "date", "%s must be a date, YYYY-MM-DD", name)
		}
		return t, nil
	}
	y, m, d := now.In(f.Loc).Date()
	last, err := day("to", time.Date(y, m, d, 0, 0, 0, 0, f.Loc))
	if err != nil {
		return f, err
	}
	if f.From, err = day("from", last.AddDate(0, 0, -29)); err != nil {
		return f, err
	}
	f.To = last.AddDate(0, 0, 1)
	return f, nil
}

// statsDays are the first and last day of f, for file names.
func statsDays(f StatsFilter) (string, string) {
	return f.From.In(f.Loc).Format(time.DateOnly), f.To.In(f.Loc).AddDate(0, 0, -1).Format(time.DateOnly)
}
