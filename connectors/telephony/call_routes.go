package telephony

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/blob"
)

// Routes mounts the PBX webhooks and the call API (docs/API.md). The
// handlers are small types over the connector's call log (callLog) and
// event intake (eventTaker); the connector's store runs the SQL.
func (c *Connector) Routes(mux *http.ServeMux) {
	a := httpapi.Authed
	hooks := hookHandlers{channels: c.inbox.Channels, events: c, log: c.log}
	mux.HandleFunc("POST /hooks/telephony/{channel}", hooks.webhook)
	mux.HandleFunc("POST /hooks/telephony/{channel}/{sub...}", hooks.webhook)
	mux.HandleFunc("GET /hooks/telephony/{channel}", hooks.echo)

	calls := callHandlers{calls: c, blobs: c.blobs, zone: c.zone}
	mux.HandleFunc("GET /api/v1/telephony/calls", a(calls.list))
	mux.HandleFunc("GET /api/v1/telephony/calls/export.xlsx", a(calls.export))
	mux.HandleFunc("GET /api/v1/telephony/calls/{id}", a(calls.get))
	mux.HandleFunc("GET /api/v1/telephony/calls/{id}/recording", a(calls.recording))
	mux.HandleFunc("POST /api/v1/telephony/callback", a(calls.callback))
	mux.HandleFunc("GET /api/v1/telephony/stats", a(calls.stats))
	mux.HandleFunc("GET /api/v1/telephony/card", a(calls.card))
	mux.HandleFunc("GET /api/v1/telephony/members/{id}/calls", a(calls.memberCalls))
}

// callLog is what the call API's handlers use of the connector: the call
// store's reads, call-backs and the audit of what leaves the system.
type callLog interface {
	ListCalls(ctx context.Context, sc access.Scope, f CallFilter) ([]CallRow, error)
	GetCall(ctx context.Context, sc access.Scope, id string) (CallRow, error)
	CallsOfMember(ctx context.Context, sc access.Scope, memberID string, limit int) ([]CallRow, error)
	CallStats(ctx context.Context, sc access.Scope, from, to time.Time, loc *time.Location) (Stats, error)
	WriteCallsXLSX(ctx context.Context, w io.Writer, sc access.Scope, f CallFilter) (int, error)
	RequestCallback(ctx context.Context, sc access.Scope, in CallbackRequest) (Callback, error)
	listCalls(ctx context.Context, sc access.Scope, f CallFilter) ([]CallRow, error)
	memberByPhone(ctx context.Context, phone string) string
	callerCard(ctx context.Context, sc access.Scope, number, memberID string) CallerCard
	recordingOf(ctx context.Context, callID string) (key, contentType string, err error)
	auditRecording(ctx context.Context, sc access.Scope, row CallRow, action string) error
	auditExport(ctx context.Context, sc access.Scope, f CallFilter, rows int) error
}

// callHandlers serve the call log, recordings, statistics, call-backs and
// the caller card.
type callHandlers struct {
	calls callLog
	blobs blob.Store
	zone  *time.Location // the installation's: days typed and shown
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

func (h callHandlers) list(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, err := filterFromQuery(r, h.zone)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	rows, err := h.calls.ListCalls(r.Context(), p.Scope, f)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"calls": rows})
}

func (h callHandlers) get(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	row, err := h.calls.GetCall(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, row)
}

func (h callHandlers) memberCalls(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	limit, err := httpapi.IntQuery(r, "limit", 50)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	rows, err := h.calls.CallsOfMember(r.Context(), p.Scope, r.PathValue("id"), limit)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"calls": rows})
}

// recording plays or downloads a call's recording. http.ServeContent
// answers range requests, which the browser's audio player uses to seek.
func (h callHandlers) recording(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	row, err := h.calls.GetCall(r.Context(), p.Scope, r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	var key, ctype string
	if key, ctype, err = h.calls.recordingOf(r.Context(), row.ID); err != nil || key == "" {
		httpapi.Error(w, r, errNoRecording)
		return
	}
	f, err := h.blobs.Open(r.Context(), key)
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
		if err := h.calls.auditRecording(r.Context(), p.Scope, row, "telephony.recording_download"); err != nil {
			httpapi.Error(w, r, err)
			return
		}
		w.Header().Set("Content-Disposition", `attachment; filename="call-`+row.StartedAt.In(h.zone).Format("2006-01-02-150405")+audioExt(ctype)+`"`)
	} else if rng := r.Header.Get("Range"); rng == "" || strings.HasPrefix(rng, "bytes=0-") {
		// Listening is an access to personal data (152-FZ): recorded when
		// the player starts from the beginning, not on every seek.
		if err := h.calls.auditRecording(r.Context(), p.Scope, row, "telephony.recording_listen"); err != nil {
			httpapi.Error(w, r, err)
			return
		}
	}
	http.ServeContent(w, r, "", row.StartedAt, f)
}

func (h callHandlers) callback(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	var in CallbackRequest
	if err := httpapi.Decode(r, &in); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	cb, err := h.calls.RequestCallback(r.Context(), p.Scope, in)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusAccepted, cb)
}

func (h callHandlers) stats(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	loc := h.zone
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
	st, err := h.calls.CallStats(r.Context(), p.Scope, from, to, loc)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, st)
}

// card is the caller card for a number, for the console's click on
// a call of the log (the live one arrives over the WebSocket).
func (h callHandlers) card(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := p.Scope.Require(access.AnswerInbox); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	number := normalNumber(r.URL.Query().Get("number"))
	if number == "" || len(number) > 40 {
		httpapi.Error(w, r, valid.Errorf("number", "required", "number is required"))
		return
	}
	calls, err := h.calls.listCalls(r.Context(), p.Scope, CallFilter{Number: number, Limit: 1})
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	memberID := ""
	if len(calls) > 0 {
		memberID = calls[0].MemberID
	}
	if memberID == "" && len(number) > 1 && number[0] == '+' {
		memberID = h.calls.memberByPhone(r.Context(), number)
	}
	httpapi.WriteJSON(w, http.StatusOK, h.calls.callerCard(r.Context(), p.Scope, number, memberID))
}

// export answers GET /api/v1/telephony/calls/export.xlsx with the
// same filters as the list; the export is audited.
func (h callHandlers) export(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	f, err := filterFromQuery(r, h.zone)
	if err == nil {
		err = p.Scope.Require(access.AnswerInbox)
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	var buf bytes.Buffer
	n, err := h.calls.WriteCallsXLSX(r.Context(), &buf, p.Scope, f)
	if err == nil {
		err = h.calls.auditExport(r.Context(), p.Scope, f, n)
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="calls-`+time.Now().In(h.zone).Format("2006-01-02")+`.xlsx"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = buf.WriteTo(w)
}
