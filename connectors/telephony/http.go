package telephony

import (
	"database/sql"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/blob"
)

// Routes mounts the PBX webhooks and the call API (docs/API.md).
func (c *Connector) Routes(mux *http.ServeMux) {
	a := httpapi.Authed
	mux.HandleFunc("POST /hooks/telephony/{channel}", c.httpWebhook)
	mux.HandleFunc("POST /hooks/telephony/{channel}/{sub...}", c.httpWebhook)
	mux.HandleFunc("GET /hooks/telephony/{channel}", c.httpEcho)

	mux.HandleFunc("GET /api/v1/telephony/calls", a(c.httpList))
	mux.HandleFunc("GET /api/v1/telephony/calls/export.xlsx", a(c.httpExport))
	mux.HandleFunc("GET /api/v1/telephony/calls/{id}", a(c.httpGet))
	mux.HandleFunc("GET /api/v1/telephony/calls/{id}/recording", a(c.httpRecording))
	mux.HandleFunc("POST /api/v1/telephony/callback", a(c.httpCallback))
	mux.HandleFunc("GET /api/v1/telephony/stats", a(c.httpStats))
	mux.HandleFunc("GET /api/v1/telephony/card", a(c.httpCard))
	mux.HandleFunc("GET /api/v1/telephony/members/{id}/calls", a(c.httpMemberCalls))
}

// filterFromQuery reads the call log's filters: from and to are dates
// (YYYY-MM-DD in the installation's zone loc, to inclusive) or RFC 3339
// times.
func filterFromQuery(r *http.Request, loc *time.Location) (CallFilter, error) {
	q := r.URL.Query()
	f := CallFilter{Direction: q.Get("direction"), Result: q.Get("result"), OperatorID: q.Get("operator_id"),
		MemberID: q.Get("member_id"), Number: q.Get("number"), LineID: q.Get("line_id")}
	var err error
	if f.From, err = parseWhen(q.Get("from"), "from", false, loc); err != nil {
		return f, err
	}
	if f.To, err = parseWhen(q.Get("to"), "to", true, loc); err != nil {
		return f, err
	}
	if f.Limit, err = httpapi.IntQuery(r, "limit", 100); err != nil {
		return f, err
	}
	if v := q.Get("before"); v != "" {
		if f.Before, err = strconv.ParseInt(v, 10, 64); err != nil {
			return f, valid.Errorf("before", "number", "before must be a time in milliseconds")
		}
	}
	return f, nil
}

func parseWhen(s, field string, end bool, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		if end {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, valid.Errorf(field, "date", "%s must be a date YYYY-MM-DD or an RFC 3339 time", field)
	}
	return t, nil
}

func (c *Connector) httpList(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, err := filterFromQuery(r, c.zone)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	rows, err := c.ListCalls(r.Context(), p.Scope, f)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"calls": rows})
}

func (c *Connector) httpGet(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	row, err := c.GetCall(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, row)
}

func (c *Connector) httpMemberCalls(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	limit, err := httpapi.IntQuery(r, "limit", 50)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	rows, err := c.CallsOfMember(r.Context(), p.Scope, r.PathValue("id"), limit)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"calls": rows})
}

// httpRecording plays or downloads a call's recording. http.ServeContent
// answers range requests, which the browser's audio player uses to seek.
func (c *Connector) httpRecording(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	row, err := c.GetCall(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	var key, ctype string
	if err := c.db.QueryRowContext(r.Context(), `SELECT recording_key, recording_type FROM tel_calls WHERE id = $1`, row.ID).Scan(&key, &ctype); err != nil || key == "" {
		httpapi.Error(w, r, errNoRecording)
		return
	}
	f, err := c.blobs.Open(r.Context(), key)
	if err != nil {
		if err == blob.ErrNotFound {
			err = errNoRecording
		}
		httpapi.Error(w, r, err)
		return
	}
	defer f.Close()
	// The stored type of a recording fetched before types were sniffed
	// may be wrong (every one was "audio/mpeg"): the content decides.
	head, err := peekHead(f)
	if err != nil {
		httpapi.Error(w, r, fmt.Errorf("telephony: read recording: %w", err))
		return
	}
	ctype = recordingType(head, ctype)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.URL.Query().Get("download") == "1" {
		// A downloaded recording leaves the system: audited like an export.
		err := c.db.Tx(r.Context(), func(tx *sql.Tx) error {
			return audit.Record(r.Context(), tx, p.Scope, audit.Entry{Action: "telephony.recording_download", ObjectType: "call",
				ObjectID: row.ID, Details: map[string]any{"number": row.Number}})
		})
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		w.Header().Set("Content-Disposition", `attachment; filename="call-`+row.StartedAt.In(c.zone).Format("2006-01-02-150405")+audioExt(ctype)+`"`)
	}
	http.ServeContent(w, r, "", row.StartedAt, f)
}

func (c *Connector) httpCallback(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in CallbackRequest
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	cb, err := c.RequestCallback(r.Context(), p.Scope, in)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusAccepted, cb)
}

func (c *Connector) httpStats(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	loc := c.zone
	if tz := q.Get("tz"); tz != "" {
		l, err := time.LoadLocation(tz)
		if err != nil {
			httpapi.Error(w, r, valid.Errorf("tz", "time_zone", "unknown time zone %q", tz))
			return
		}
		loc = l
	}
	from, err := parseWhen(q.Get("from"), "from", false, loc)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	to, err := parseWhen(q.Get("to"), "to", true, loc)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if from.IsZero() || to.IsZero() || !to.After(from) || to.Sub(from) > 400*24*time.Hour {
		httpapi.Error(w, r, valid.Errorf("from", "range", "from and to are required, in order, at most 400 days apart"))
		return
	}
	st, err := c.CallStats(r.Context(), p.Scope, from, to, loc)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, st)
}

// httpCard is the caller card for a number, for the console's click on
// a call of the log (the live one arrives over the WebSocket).
func (c *Connector) httpCard(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := p.Scope.Require(access.AnswerInbox); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	number := normalNumber(r.URL.Query().Get("number"))
	if number == "" || len(number) > 40 {
		httpapi.Error(w, r, valid.Errorf("number", "required", "number is required"))
		return
	}
	calls, err := c.listCalls(r.Context(), p.Scope, CallFilter{Number: number, Limit: 1})
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	memberID := ""
	if len(calls) > 0 {
		memberID = calls[0].MemberID
	}
	if memberID == "" && len(number) > 1 && number[0] == '+' {
		memberID = c.memberByPhone(r.Context(), number)
	}
	httpapi.WriteJSON(w, http.StatusOK, c.callerCard(r.Context(), p.Scope, number, memberID))
}
