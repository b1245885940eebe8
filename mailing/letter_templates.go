package mailing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// LetterTemplate is a block letter saved under a name, to start new
// campaigns from. It is kept in its author's unit; whoever may send
// mailings in that unit's subtree sees and uses it.
type LetterTemplate struct {
	ID        string    `json:"id"`
	UnitID    string    `json:"unit_id"`
	OwnerID   string    `json:"owner_id"`
	Name      string    `json:"name"`
	Subject   string    `json:"subject"`
	Blocks    []Block   `json:"blocks"`
	CreatedAt time.Time `json:"created_at"`
}

// LetterTemplateInput is what the editor saves.
type LetterTemplateInput struct {
	Name    string  `json:"name"`
	Subject string  `json:"subject"`
	Blocks  []Block `json:"blocks"`
}

// LetterTemplates keep the block editor's templates.
type LetterTemplates struct {
	db *db.DB
}

type templateBody struct {
	Subject string  `json:"subject"`
	Blocks  []Block `json:"blocks"`
}

// CreateTemplate saves a letter under a name in the caller's home unit.
func (s *LetterTemplates) CreateTemplate(ctx context.Context, sc access.Scope, in LetterTemplateInput) (LetterTemplate, error) {
	if err := requireSend(sc); err != nil {
		return LetterTemplate{}, err
	}
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	if in.Name == "" || len([]rune(in.Name)) > 200 {
		return LetterTemplate{}, valid.Errorf("name", "template_name", "a template needs a name of at most 200 characters")
	}
	if len(in.Blocks) == 0 {
		return LetterTemplate{}, valid.Errorf("blocks", "template_empty", "a template needs at least one block")
	}
	if len(in.Subject) > 500 {
		return LetterTemplate{}, valid.Errorf("content.subject", "too_long", "the subject is too long")
	}
	sanitizeBlocks(in.Blocks)
	if err := checkBlocks(in.Blocks); err != nil {
		return LetterTemplate{}, err
	}
	id := uuid.Must(uuid.NewV7()).String()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO mailing_templates (id, unit_id, owner_id, name, content, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$6)`, id, sc.UnitID, sc.UserID, in.Name, mustJSON(templateBody{in.Subject, in.Blocks}), now); err != nil {
			return fmt.Errorf("mailing: create template: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "mailing.template.create", ObjectType: "mailing_template", ObjectID: id,
			Details: map[string]any{"name": in.Name}})
	})
	if err != nil {
		return LetterTemplate{}, err
	}
	return s.Template(ctx, sc, id)
}

const templateSelect = `SELECT t.id, t.unit_id, t.owner_id, t.name, t.content, t.created_at FROM mailing_templates t JOIN units u ON u.id = t.unit_id`

func scanTemplate(row interface{ Scan(...any) error }) (LetterTemplate, error) {
	var t LetterTemplate
	var content string
	var created int64
	if err := row.Scan(&t.ID, &t.UnitID, &t.OwnerID, &t.Name, &content, &created); err != nil {
		return t, err
	}
	var b templateBody
	if err := jsonUnmarshal(content, &b); err != nil {
		return t, fmt.Errorf("mailing: template %s: %w", t.ID, err)
	}
	t.Subject, t.Blocks, t.CreatedAt = b.Subject, b.Blocks, db.Time(created)
	return t, nil
}

// Template returns one template of the caller's subtree.
func (s *LetterTemplates) Template(ctx context.Context, sc access.Scope, id string) (LetterTemplate, error) {
	if err := requireSend(sc); err != nil {
		return LetterTemplate{}, err
	}
	lo, hi := sc.PathRange()
	t, err := scanTemplate(s.db.QueryRowContext(ctx, templateSelect+` WHERE t.id = $1 AND u.path >= $2 AND u.path < $3`, id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return LetterTemplate{}, fmt.Errorf("mailing: template %s: %w", id, db.ErrNotFound)
	}
	return t, err
}

// Templates lists the templates of the caller's subtree by name.
func (s *LetterTemplates) Templates(ctx context.Context, sc access.Scope) ([]LetterTemplate, error) {
	if err := requireSend(sc); err != nil {
		return nil, err
	}
	lo, hi := sc.PathRange()
	rows, err := s.db.QueryContext(ctx, templateSelect+` WHERE u.path >= $1 AND u.path < $2 ORDER BY t.name, t.id LIMIT 500`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("mailing: templates: %w", err)
	}
	defer rows.Close()
	out := []LetterTemplate{}
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// DeleteTemplate removes a template of the caller's subtree; campaigns
// started from it keep their own copy of the blocks.
func (s *LetterTemplates) DeleteTemplate(ctx context.Context, sc access.Scope, id string) error {
	t, err := s.Template(ctx, sc, id)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM mailing_templates WHERE id = $1`, id); err != nil {
			return fmt.Errorf("mailing: delete template: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "mailing.template.delete", ObjectType: "mailing_template", ObjectID: id,
			UnitID: t.UnitID, Details: map[string]any{"name": t.Name}})
	})
}
