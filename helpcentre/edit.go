package helpcentre

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// errVotedAlready refuses a browser's second vote on an article.
var errVotedAlready = valid.Refuse(db.ErrConflict, "help_voted", "this browser has already answered for this article")

func requireEditor(sc access.Scope) error {
	if err := sc.Require(access.EditHelp); err != nil {
		return valid.Refuse(err, "help_edit", "only administrators and secretaries edit the help centre")
	}
	return nil
}

func checkName(field, s string, max int) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", valid.Errorf(field, "required", "%s is required", field)
	case utf8.RuneCountInString(s) > max:
		return "", valid.Errorf(field, "too_long", "%s is longer than %d characters", field, max)
	}
	return s, nil
}

// CreateCategory adds a category at the end.
func (s *Service) CreateCategory(ctx context.Context, sc access.Scope, name string) (Category, error) {
	if err := requireEditor(sc); err != nil {
		return Category{}, err
	}
	name, err := checkName("name", name, MaxNameRunes)
	if err != nil {
		return Category{}, err
	}
	c := Category{ID: uuid.Must(uuid.NewV7()).String(), Name: name}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM help_categories`).Scan(&c.Position); err != nil {
			return err
		}
		now := s.now().UnixMilli()
		if _, err := tx.ExecContext(ctx, `INSERT INTO help_categories (id, name, position, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)`,
			c.ID, c.Name, c.Position, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "help.category_create", ObjectType: "help_category", ObjectID: c.ID, UnitID: sc.UnitID,
			Details: map[string]any{"name": name}})
	})
	if err != nil {
		return Category{}, fmt.Errorf("helpcentre: create category: %w", err)
	}
	return c, nil
}

// RenameCategory gives a category a new name.
func (s *Service) RenameCategory(ctx context.Context, sc access.Scope, id, name string) (Category, error) {
	if err := requireEditor(sc); err != nil {
		return Category{}, err
	}
	name, err := checkName("name", name, MaxNameRunes)
	if err != nil {
		return Category{}, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE help_categories SET name = $2, updated_at = $3 WHERE id = $1`, id, name, s.now().UnixMilli())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return db.ErrNotFound
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "help.category_rename", ObjectType: "help_category", ObjectID: id, UnitID: sc.UnitID,
			Details: map[string]any{"name": name}})
	})
	if err != nil {
		return Category{}, fmt.Errorf("helpcentre: rename category: %w", err)
	}
	return s.getCategory(ctx, id, true)
}

// DeleteCategory removes an empty category; one with articles (drafts
// included) is refused.
func (s *Service) DeleteCategory(ctx context.Context, sc access.Scope, id string) error {
	if err := requireEditor(sc); err != nil {
		return err
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM help_articles WHERE category_id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return valid.Refuse(db.ErrConflict, "help_category_not_empty", "the category still has %d articles", n)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM help_categories WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return db.ErrNotFound
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "help.category_delete", ObjectType: "help_category", ObjectID: id, UnitID: sc.UnitID})
	})
	if err != nil {
		return fmt.Errorf("helpcentre: delete category: %w", err)
	}
	return nil
}

// Input is an article as an editor saves it.
type Input struct {
	CategoryID string `json:"category_id"`
	Title      string `json:"title"`
	Body       string `json:"body"`
	Status     Status `json:"status"`
}

// Saved is a saved article and what was removed from its HTML as
// hostile, for the editor to see.
type Saved struct {
	Article Article  `json:"article"`
	Removed []string `json:"removed"`
}

func checkInput(in Input) (Input, error) {
	title, err := checkName("title", in.Title, MaxTitleRunes)
	if err != nil {
		return in, err
	}
	in.Title = title
	if in.Status == "" {
		in.Status = Draft
	}
	if in.Status != Draft && in.Status != Published {
		return in, valid.Errorf("status", "help_status", "status is draft or published")
	}
	if len(in.Body) > MaxBodyBytes {
		return in, valid.Errorf("body", "too_long", "the text is longer than %d bytes", MaxBodyBytes)
	}
	if in.CategoryID == "" {
		return in, valid.Keyed("category_id", "required", "help_no_category", "choose a category")
	}
	return in, nil
}

// SaveArticle creates an article (id "") or replaces one. The HTML is
// sanitised; anything hostile removed is logged with the editor's name
// and written to the audit log.
func (s *Service) SaveArticle(ctx context.Context, sc access.Scope, id string, in Input) (Saved, error) {
	if err := requireEditor(sc); err != nil {
		return Saved{}, err
	}
	in, err := checkInput(in)
	if err != nil {
		return Saved{}, err
	}
	body, removed := Sanitize(in.Body)
	if plainText(body) == "" {
		return Saved{}, valid.Keyed("body", "required", "help_no_text", "the article has no text")
	}
	create := id == ""
	if create {
		id = uuid.Must(uuid.NewV7()).String()
	}
	titleTerms, bodyTerms := " "+norm.Terms(in.Title)+" ", " "+norm.Terms(plainText(body))+" "
	now := s.now().UnixMilli()
	var publishedAt int64 // the first publication's time is kept
	if in.Status == Published {
		publishedAt = now
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var cat string
		if err := tx.QueryRowContext(ctx, `SELECT id FROM help_categories WHERE id = $1`, in.CategoryID).Scan(&cat); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return valid.Errorf("category_id", "help_category", "no such category")
			}
			return err
		}
		if create {
			if _, err := tx.ExecContext(ctx, `INSERT INTO help_articles (id, category_id, title, body, status, title_terms, body_terms,
				author_id, created_at, updated_at, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)`,
				id, in.CategoryID, in.Title, body, in.Status, titleTerms, bodyTerms, sc.UserID, now, publishedAt); err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE help_articles SET category_id = $2, title = $3, body = $4, status = $5, title_terms = $6,
				body_terms = $7, updated_at = $8,
				published_at = CASE WHEN CAST($9 AS BIGINT) = 0 THEN 0 WHEN published_at = 0 THEN CAST($9 AS BIGINT) ELSE published_at END WHERE id = $1`,
				id, in.CategoryID, in.Title, body, in.Status, titleTerms, bodyTerms, now, publishedAt)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return db.ErrNotFound
			}
		}
		details := map[string]any{"title": in.Title, "status": in.Status}
		if len(removed) > 0 {
			details["hostile_removed"] = removed
		}
		action := "help.article_update"
		if create {
			action = "help.article_create"
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: action, ObjectType: "help_article", ObjectID: id, UnitID: sc.UnitID, Details: details})
	})
	if err != nil {
		return Saved{}, fmt.Errorf("helpcentre: save article: %w", err)
	}
	if len(removed) > 0 {
		s.log.Warn("hostile HTML removed from a help article", "article", id, "user", sc.UserName, "user_id", sc.UserID,
			"removed", strings.Join(removed, ","))
	}
	a, err := s.Article(ctx, sc, id)
	if removed == nil {
		removed = []string{}
	}
	return Saved{Article: a, Removed: removed}, err
}

// DeleteArticle removes an article with its votes.
func (s *Service) DeleteArticle(ctx context.Context, sc access.Scope, id string) error {
	if err := requireEditor(sc); err != nil {
		return err
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var title string
		if err := tx.QueryRowContext(ctx, `SELECT title FROM help_articles WHERE id = $1`, id).Scan(&title); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return db.ErrNotFound
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM help_votes WHERE article_id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM help_articles WHERE id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "help.article_delete", ObjectType: "help_article", ObjectID: id, UnitID: sc.UnitID,
			Details: map[string]any{"title": title}})
	})
	if err != nil {
		return fmt.Errorf("helpcentre: delete article: %w", err)
	}
	return nil
}
