// Package pdata is the shared shape of personal data duties (152-FZ): each
// domain package that keeps something about a member says what it keeps
// (for the subject report) and how to erase it, in a Holder. The privacy
// package collects and erases through the holders the hub registers; it
// knows no other package's tables, and a table that keeps a member_id and
// no holder names fails the hub's test.
package pdata

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/profhub/profhub/internal/storage/db"
)

// Sheet is one part of a subject report: a titled table of text.
type Sheet struct {
	Title   string     `json:"title"`
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
	// Times are the columns holding milliseconds since the epoch, which
	// the report writes as dates in the installation's zone.
	Times []int `json:"-"`
}

// Add appends a row.
func (s *Sheet) Add(cells ...string) { s.Rows = append(s.Rows, cells) }

// Erasure is one member's erasure as it runs: the holders replace their
// rows in the caller's transaction and leave here what can only go after
// the commit (blobs) and what else must be hunted for (Redis values).
type Erasure struct {
	MemberID  string
	Pseudonym string // what replaces the person's name in kept records
	// Blobs are blob keys to delete once the transaction commits.
	Blobs []string
	// Traces are values (phones, e-mails, chat ids, conversation ids) that
	// must not remain in Redis; privacy scans for them after the commit.
	Traces []string
	// Counts say what each holder did, by a short name ("messages": 12).
	Counts map[string]int64
}

// Blob adds blob keys to delete after the commit ("" ignored).
func (e *Erasure) Blob(keys ...string) {
	for _, k := range keys {
		if k != "" && !slices.Contains(e.Blobs, k) {
			e.Blobs = append(e.Blobs, k)
		}
	}
}

// Trace adds values to hunt for in Redis ("" and very short ones ignored:
// they would match everything).
func (e *Erasure) Trace(values ...string) {
	for _, v := range values {
		if len(v) >= 5 && !slices.Contains(e.Traces, v) {
			e.Traces = append(e.Traces, v)
		}
	}
}

// Count adds n to what was done under name.
func (e *Erasure) Count(name string, n int64) {
	if n == 0 {
		return
	}
	if e.Counts == nil {
		e.Counts = map[string]int64{}
	}
	e.Counts[name] += n
}

// Holder is one package's personal data about members.
type Holder interface {
	// Tables names every table whose rows the holder reports and erases;
	// the hub's test holds it against the schema's member_id columns.
	Tables() []string
	// Collect returns what is kept about the member, for the report.
	Collect(ctx context.Context, q db.Execer, memberID string) ([]Sheet, error)
	// Erase removes or replaces it inside tx. Records kept by law keep
	// their place with e.Pseudonym for the person.
	Erase(ctx context.Context, tx db.Execer, e *Erasure) error
}

// Rows runs q and turns each row into text cells (every column scanned as
// a string; numbers and times are the caller's to format in SQL or after).
func Rows(ctx context.Context, q db.Execer, query string, args ...any) ([][]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]string
	for rows.Next() {
		cells := make([]string, len(cols))
		ptrs := make([]any, len(cols))
		for i := range cells {
			ptrs[i] = &cells[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, cells)
	}
	return out, rows.Err()
}

// Strings runs a one-column query.
func Strings(ctx context.Context, q db.Execer, query string, args ...any) ([]string, error) {
	rows, err := Rows(ctx, q, query, args...)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, r[0])
	}
	return out, nil
}

// Kinds of data with a retention period (package privacy keeps the
// periods; the holders that keep such data expire it).
const (
	ClosedConversations = "closed_conversations"
	Recordings          = "recordings"
	WidgetVisitors      = "widget_visitors" // visitors who never became members
	AuditRows           = "audit_rows"
)

// HeldSQL is the condition that an object is under a legal hold, for a
// holder's expiry query: privacy_holds is the one list of holds, kept by
// package privacy. typ is a constant ('member', 'conversation', 'call')
// and idExpr a column of the caller's query.
func HeldSQL(typ, idExpr string) string {
	return `EXISTS (SELECT 1 FROM privacy_holds ph WHERE ph.object_type = '` + typ + `' AND ph.object_id = ` + idExpr + `)`
}

// Expiry is one kind's expiry as it runs: everything of Kind older than
// Before (ms) that no hold names is anonymised or deleted.
type Expiry struct {
	Kind   string
	Before int64
	Blobs  []string // to delete after the commit
	Done   int64    // objects anonymised or deleted
}

// Expirer is a holder that keeps data of a kind with a retention period.
type Expirer interface {
	Expire(ctx context.Context, tx db.Execer, x *Expiry) error
}

// Exec runs q with as many of args as it names ($1…$n): PostgreSQL
// refuses arguments a statement does not use, and the erasure steps share
// one argument list.
func Exec(ctx context.Context, q db.Execer, query string, args ...any) (int64, error) {
	n := 0
	for i := len(args); i > 0; i-- {
		if strings.Contains(query, "$"+strconv.Itoa(i)) {
			n = i
			break
		}
	}
	res, err := q.ExecContext(ctx, query, args[:n]...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
