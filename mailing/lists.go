package mailing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Lists keep the imported recipient lists a campaign can send to
// beside, or instead of, CRM segments.
type Lists struct{ db *db.DB }

// List is a static, imported recipient list (press, partners, people who
// are not in the registry).
type List struct {
	ID     string `json:"id"`
	UnitID string `json:"unit_id"`
	Name   string `json:"name"`
	Size   int    `json:"size"`
}

// ListEntry is one imported recipient with the consents recorded for it.
type ListEntry struct {
	Name         string   `json:"name"`
	Email        string   `json:"email"`
	Phone        string   `json:"phone"`
	Organisation string   `json:"organisation"`
	CardNumber   string   `json:"card_number"`
	Consents     []string `json:"consents"` // channels the person agreed to receive mailings on
	Advertising  bool     `json:"advertising"`
}

// MaxListAppend is how many entries one call may add.
const MaxListAppend = 20000

// CreateList makes an empty list in the caller's home unit.
func (s *Lists) CreateList(ctx context.Context, sc access.Scope, name string) (List, error) {
	if err := requireSend(sc); err != nil {
		return List{}, err
	}
	name = strings.Join(strings.Fields(name), " ")
	if name == "" || len([]rune(name)) > 200 {
		return List{}, valid.Errorf("name", "required", "name is required, at most 200 characters")
	}
	l := List{ID: uuid.Must(uuid.NewV7()).String(), UnitID: sc.UnitID, Name: name}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mailing_lists (id, unit_id, name, created_at) VALUES ($1,$2,$3,$4)`,
			l.ID, l.UnitID, l.Name, db.Now()); err != nil {
			return fmt.Errorf("mailing: create list: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "mailing.list.create", ObjectType: "mailing_list", ObjectID: l.ID,
			Details: map[string]any{"name": name}})
	})
	return l, err
}

func (e *ListEntry) normalize(row int) error {
	e.Name = cleanHeader(e.Name)
	if e.Email != "" {
		n, err := crm.NormalizeEmail(e.Email)
		if err != nil {
			return valid.Errorf("entries", "email", "entry %d: %q is not an e-mail address", row, e.Email)
		}
		e.Email = n
	}
	if e.Phone != "" {
		n, err := crm.NormalizePhone(e.Phone)
		if err != nil {
			return valid.Errorf("entries", "phone", "entry %d: %q is not a phone number", row, e.Phone)
		}
		e.Phone = n
	}
	if e.Email == "" && e.Phone == "" {
		return valid.Errorf("entries", "required", "entry %d has neither an e-mail nor a phone", row)
	}
	for _, c := range e.Consents {
		if !slices.Contains(crm.Channels, c) {
			return valid.Errorf("entries", "channel", "entry %d: unknown consent channel %q", row, c)
		}
	}
	if len(e.Name) > 300 || len(e.Organisation) > 300 || len(e.CardNumber) > 50 {
		return valid.Errorf("entries", "too_long", "entry %d: a field is too long", row)
	}
	return nil
}

// AppendToList adds entries to a list in sc's subtree, all or none.
func (s *Lists) AppendToList(ctx context.Context, sc access.Scope, listID string, entries []ListEntry) (List, error) {
	if err := requireSend(sc); err != nil {
		return List{}, err
	}
	if len(entries) == 0 || len(entries) > MaxListAppend {
		return List{}, valid.Errorf("entries", "count", "send between 1 and %d entries at a time", MaxListAppend)
	}
	for i := range entries {
		if err := entries[i].normalize(i + 1); err != nil {
			return List{}, err
		}
	}
	var l List
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if l, err = getList(ctx, tx, sc, listID); err != nil {
			return err
		}
		ins := newBulkInsert(s.db.Cached(tx), bulkRows(s.db), `INSERT INTO mailing_list_entries (list_id, seq, name, email, phone, vars, consents, advertising) VALUES `, 8, "")
		for i, e := range entries {
			v := Vars{Name: e.Name, Organisation: e.Organisation, CardNumber: e.CardNumber}
			v.Surname, v.GivenName, v.Patronymic = splitName(e.Name)
			consents := ","
			for _, c := range e.Consents {
				consents += c + ","
			}
			if err := ins.add(ctx, listID, l.Size+i+1, e.Name, e.Email, e.Phone, mustJSON(v), consents, e.Advertising); err != nil {
				return fmt.Errorf("mailing: list entries: %w", err)
			}
		}
		if err := ins.flush(ctx); err != nil {
			return fmt.Errorf("mailing: list entries: %w", err)
		}
		l.Size += len(entries)
		if _, err := tx.ExecContext(ctx, `UPDATE mailing_lists SET size = $2 WHERE id = $1`, listID, l.Size); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "mailing.list.append", ObjectType: "mailing_list", ObjectID: listID,
			UnitID: l.UnitID, Details: map[string]any{"added": len(entries)}})
	})
	return l, err
}

// splitName reads "Surname Given Patronymic", the order of the registry.
func splitName(full string) (surname, given, patronymic string) {
	f := strings.Fields(full)
	for i, p := range []*string{&surname, &given, &patronymic} {
		if i < len(f) {
			*p = f[i]
		}
	}
	return
}

func getList(ctx context.Context, q db.Execer, sc access.Scope, id string) (List, error) {
	lo, hi := sc.PathRange()
	var l List
	err := q.QueryRowContext(ctx, `SELECT l.id, l.unit_id, l.name, l.size FROM mailing_lists l JOIN units u ON u.id = l.unit_id
		WHERE l.id = $1 AND u.path >= $2 AND u.path < $3`, id, lo, hi).Scan(&l.ID, &l.UnitID, &l.Name, &l.Size)
	if errors.Is(err, sql.ErrNoRows) {
		return List{}, fmt.Errorf("mailing: list %s: %w", id, db.ErrNotFound)
	}
	return l, err
}

// ListLists returns the lists of sc's subtree.
func (s *Lists) ListLists(ctx context.Context, sc access.Scope) ([]List, error) {
	if err := requireSend(sc); err != nil {
		return nil, err
	}
	lo, hi := sc.PathRange()
	rows, err := s.db.QueryContext(ctx, `SELECT l.id, l.unit_id, l.name, l.size FROM mailing_lists l JOIN units u ON u.id = l.unit_id
		WHERE u.path >= $1 AND u.path < $2 ORDER BY l.name`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("mailing: lists: %w", err)
	}
	defer rows.Close()
	out := []List{}
	for rows.Next() {
		var l List
		if err := rows.Scan(&l.ID, &l.UnitID, &l.Name, &l.Size); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// bulkInsert batches rows into multi-row INSERTs of a fixed size, so the
// statement is prepared once per connection (q should be db.Cached): a
// statement per row costs a round trip each on PostgreSQL, and a fresh
// long statement per batch costs SQLite a parse each. See bulkRows for
// how many rows a statement takes.
type bulkInsert struct {
	q      db.Execer
	head   string
	tail   string
	cols   int
	args   []any
	rows   int
	MaxRow int
}

func newBulkInsert(q db.Execer, rows int, head string, cols int, tail string) *bulkInsert {
	return &bulkInsert{q: q, head: head, tail: tail, cols: cols, MaxRow: rows}
}

func (b *bulkInsert) add(ctx context.Context, vals ...any) error {
	b.args = append(b.args, vals...)
	b.rows++
	if b.rows >= b.MaxRow {
		return b.flush(ctx)
	}
	return nil
}

func (b *bulkInsert) flush(ctx context.Context) error {
	if b.rows == 0 {
		return nil
	}
	var sb strings.Builder
	sb.WriteString(b.head)
	n := 0
	for r := range b.rows {
		if r > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('(')
		for c := range b.cols {
			if c > 0 {
				sb.WriteByte(',')
			}
			n++
			fmt.Fprintf(&sb, "$%d", n)
		}
		sb.WriteByte(')')
	}
	sb.WriteString(b.tail)
	_, err := b.q.ExecContext(ctx, sb.String(), b.args...)
	b.args, b.rows = b.args[:0], 0
	return err
}
