package workflow

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Template pre-fills a registration: fields and files copied into every
// document registered from it.
type Template struct {
	ID     string        `json:"id"`
	UnitID string        `json:"unit_id"`
	Kind   Kind          `json:"kind"`
	Name   string        `json:"name"`
	Fields DocumentInput `json:"fields"`
	Files  []string      `json:"files"`
	files  []fileRef
}

// Templates keeps the registration templates.
type Templates struct{ *core }

// SaveTemplate creates a template (id empty) or replaces one's name and
// fields; its files stay.
func (s *Templates) SaveTemplate(ctx context.Context, sc access.Scope, t Template) (Template, error) {
	if err := sc.Require(access.RegisterDocuments); err != nil {
		return t, err
	}
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" || utf8.RuneCountInString(t.Name) > 200 {
		return t, valid.Errorf("name", "required", "a template needs a name of at most 200 characters")
	}
	if t.UnitID == "" {
		t.UnitID = sc.UnitID
	}
	f := t.Fields
	f.Kind, f.UnitID, f.TemplateID = t.Kind, t.UnitID, ""
	if f.Title == "" {
		f.Title = t.Name // normalize wants a title; a template's own may be empty
	}
	if err := f.normalize(); err != nil {
		return t, err
	}
	t.Fields.Kind, t.Fields.UnitID, t.Fields.TemplateID = "", "", ""
	fields, _ := json.Marshal(t.Fields)
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := unitPath(ctx, tx, sc, t.UnitID); err != nil {
			return err
		}
		now := db.Now()
		if t.ID == "" {
			t.ID = newID()
			if _, err := tx.ExecContext(ctx, `INSERT INTO wf_templates (id, unit_id, kind, name, fields, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $6)`, t.ID, t.UnitID, t.Kind, t.Name, string(fields), now); err != nil {
				return fmt.Errorf("workflow: template: %w", err)
			}
		} else {
			if _, err := s.template(ctx, tx, sc, t.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE wf_templates SET name = $1, fields = $2, updated_at = $3 WHERE id = $4`,
				t.Name, string(fields), now, t.ID); err != nil {
				return fmt.Errorf("workflow: template: %w", err)
			}
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "template.save", ObjectType: "template", ObjectID: t.ID, UnitID: t.UnitID,
			Details: map[string]any{"name": t.Name, "kind": t.Kind}})
	})
	if err != nil {
		return t, err
	}
	return s.template(ctx, s.db, sc, t.ID)
}

// AddTemplateFile attaches a file to a template.
func (s *Templates) AddTemplateFile(ctx context.Context, sc access.Scope, id, name, contentType string, r io.Reader) (Template, error) {
	if err := sc.Require(access.RegisterDocuments); err != nil {
		return Template{}, err
	}
	name, err := cleanFileName(name)
	if err != nil {
		return Template{}, err
	}
	if _, _, err := mime.ParseMediaType(contentType); err != nil || len(contentType) > 200 {
		contentType = "application/octet-stream"
	}
	if _, err := s.template(ctx, s.db, sc, id); err != nil {
		return Template{}, err
	}
	info, err := s.blobs.Put(ctx, r, MaxAttachmentBytes)
	if err != nil {
		return Template{}, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, err := s.template(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		t.files = append(t.files, fileRef{Name: name, BlobKey: info.Key, Size: info.Size, SHA256: info.SHA256, ContentType: contentType})
		b, _ := json.Marshal(t.files)
		if _, err := tx.ExecContext(ctx, `UPDATE wf_templates SET files = $1, updated_at = $2 WHERE id = $3`, string(b), db.Now(), id); err != nil {
			return fmt.Errorf("workflow: template file: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "template.file", ObjectType: "template", ObjectID: id, UnitID: t.UnitID,
			Details: map[string]any{"file": name}})
	})
	if err != nil {
		_ = s.blobs.Delete(context.WithoutCancel(ctx), info.Key)
		return Template{}, err
	}
	return s.template(ctx, s.db, sc, id)
}

func (s *Templates) template(ctx context.Context, q db.Execer, sc access.Scope, id string) (Template, error) {
	lo, hi := sc.PathRange()
	var t Template
	var fields, files string
	err := q.QueryRowContext(ctx, `SELECT t.id, t.unit_id, t.kind, t.name, t.fields, t.files FROM wf_templates t JOIN units u ON u.id = t.unit_id
		WHERE t.id = $1 AND u.path >= $2 AND u.path < $3`, id, lo, hi).Scan(&t.ID, &t.UnitID, &t.Kind, &t.Name, &fields, &files)
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("workflow: template %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("workflow: template: %w", err)
	}
	if err := json.Unmarshal([]byte(fields), &t.Fields); err != nil {
		return t, fmt.Errorf("workflow: template %s: %w", id, err)
	}
	if err := json.Unmarshal([]byte(files), &t.files); err != nil {
		return t, fmt.Errorf("workflow: template %s: %w", id, err)
	}
	t.Files = []string{}
	for _, f := range t.files {
		t.Files = append(t.Files, f.Name)
	}
	return t, nil
}

// Templates lists the templates of sc's scope, of one kind or all.
func (s *Templates) Templates(ctx context.Context, sc access.Scope, k Kind) ([]Template, error) {
	lo, hi := sc.PathRange()
	rows, err := s.db.QueryContext(ctx, `SELECT t.id FROM wf_templates t JOIN units u ON u.id = t.unit_id
		WHERE u.path >= $1 AND u.path < $2 AND ($3 = '' OR t.kind = $3) ORDER BY t.name`, lo, hi, string(k))
	if err != nil {
		return nil, fmt.Errorf("workflow: templates: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := []Template{}
	for _, id := range ids {
		t, err := s.template(ctx, s.db, sc, id)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// applyTemplate fills the fields in left empty from the template named in
// in.TemplateID and returns its files to attach.
func (s *Templates) applyTemplate(ctx context.Context, tx db.Execer, sc access.Scope, in *DocumentInput) ([]fileRef, error) {
	if in.TemplateID == "" {
		return nil, nil
	}
	t, err := s.template(ctx, tx, sc, in.TemplateID)
	if err != nil {
		return nil, valid.Errorf("template_id", "template_unknown", "no such template")
	}
	if in.Kind == "" {
		in.Kind = t.Kind
	}
	if t.Kind != in.Kind {
		return nil, valid.Errorf("template_id", "template_kind", "the template is for %s documents", t.Kind)
	}
	f := t.Fields
	for _, p := range []struct{ dst, src *string }{{&in.Title, &f.Title}, {&in.Summary, &f.Summary}, {&in.Correspondent, &f.Correspondent},
		{&in.Delivery, &f.Delivery}, {&in.OrigNumber, &f.OrigNumber}} {
		if *p.dst == "" {
			*p.dst = *p.src
		}
	}
	if in.Medium == "" {
		in.Medium = f.Medium
	}
	if in.Priority == 0 {
		in.Priority = f.Priority
	}
	return t.files, nil
}
