package helpcentre

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/profhub/profhub/internal/storage/db"
)

// The SQL of the help centre: one statement text for both engines.

const categorySelect = `SELECT c.id, c.name, c.position,
	(SELECT COUNT(*) FROM help_articles a WHERE a.category_id = c.id AND ($1 OR a.status = 'published'))
	FROM help_categories c`

func (s *Service) listCategories(ctx context.Context, drafts bool) ([]Category, error) {
	rows, err := s.db.QueryContext(ctx, categorySelect+` ORDER BY c.position, c.name, c.id`, drafts)
	if err != nil {
		return nil, fmt.Errorf("helpcentre: categories: %w", err)
	}
	defer rows.Close()
	out := []Category{}
	for rows.Next() {
		var c Category
		if err := rows.Scan(&c.ID, &c.Name, &c.Position, &c.Articles); err != nil {
			return nil, fmt.Errorf("helpcentre: categories: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Service) getCategory(ctx context.Context, id string, drafts bool) (Category, error) {
	var c Category
	err := s.db.QueryRowContext(ctx, categorySelect+` WHERE c.id = $2`, drafts, id).Scan(&c.ID, &c.Name, &c.Position, &c.Articles)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("helpcentre: category %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("helpcentre: category: %w", err)
	}
	return c, nil
}

const articleSelect = `SELECT a.id, a.category_id, c.name, a.title, a.body, a.status, a.views, a.helpful_yes, a.helpful_no,
	a.created_at, a.updated_at, a.published_at
	FROM help_articles a JOIN help_categories c ON c.id = a.category_id`

func scanArticle(row interface{ Scan(...any) error }) (Article, error) {
	var a Article
	err := row.Scan(&a.ID, &a.CategoryID, &a.CategoryName, &a.Title, &a.Body, &a.Status, &a.Views, &a.Yes, &a.No,
		&a.CreatedAt, &a.UpdatedAt, &a.PublishedAt)
	return a, err
}

func (s *Service) getArticle(ctx context.Context, id string, drafts bool) (Article, error) {
	a, err := scanArticle(s.db.QueryRowContext(ctx, articleSelect+` WHERE a.id = $1 AND ($2 OR a.status = 'published')`, id, drafts))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("helpcentre: article %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("helpcentre: article: %w", err)
	}
	return a, nil
}

func (s *Service) listArticles(ctx context.Context, categoryID string, drafts bool) ([]Article, error) {
	rows, err := s.db.QueryContext(ctx, articleSelect+` WHERE ($1 = '' OR a.category_id = $1) AND ($2 OR a.status = 'published')
		ORDER BY c.position, c.name, a.title, a.id`, categoryID, drafts)
	if err != nil {
		return nil, fmt.Errorf("helpcentre: articles: %w", err)
	}
	defer rows.Close()
	out := []Article{}
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("helpcentre: articles: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// countView adds one view to a published article.
func (s *Service) countView(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE help_articles SET views = views + 1 WHERE id = $1 AND status = 'published'`, id)
	if err != nil {
		return fmt.Errorf("helpcentre: count view: %w", err)
	}
	return nil
}

// storeVote records a browser's one vote and adds it to the article's
// counts, in one transaction; a second vote of the browser is a conflict.
func (s *Service) storeVote(ctx context.Context, id, browser string, helpful bool) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO help_votes (article_id, browser, helpful, at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (article_id, browser) DO NOTHING`, id, browser, helpful, s.now().UnixMilli())
		if err != nil {
			return fmt.Errorf("helpcentre: vote: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errVotedAlready
		}
		col := "helpful_no"
		if helpful {
			col = "helpful_yes"
		}
		_, err = tx.ExecContext(ctx, `UPDATE help_articles SET `+col+` = `+col+` + 1 WHERE id = $1`, id)
		return err
	})
}

// voteOf is the browser's vote on the article, if it gave one.
func (s *Service) voteOf(ctx context.Context, id, browser string) (voted, helpful bool, err error) {
	if browser == "" {
		return false, false, nil
	}
	err = s.db.QueryRowContext(ctx, `SELECT helpful FROM help_votes WHERE article_id = $1 AND browser = $2`, id, browser).Scan(&helpful)
	if errors.Is(err, sql.ErrNoRows) {
		return false, false, nil
	}
	if err != nil {
		return false, false, fmt.Errorf("helpcentre: vote: %w", err)
	}
	return true, helpful, nil
}
