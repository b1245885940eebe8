package helpcentre

import (
	"context"

	"github.com/profhub/profhub/internal/security/access"
)

// Reading: a visitor (the zero Scope) sees published articles; an editor
// (help.edit) sees drafts too. The choice is made here, once, from the
// scope, so a handler cannot show a draft by forgetting it.

// publicScope is a visitor's: published articles only.
var publicScope = access.Scope{}

func editor(sc access.Scope) bool { return sc.Require(access.EditHelp) == nil }

// Categories lists the categories in order, with their article counts.
func (s *Service) Categories(ctx context.Context, sc access.Scope) ([]Category, error) {
	return s.listCategories(ctx, editor(sc))
}

// Category is one category.
func (s *Service) Category(ctx context.Context, sc access.Scope, id string) (Category, error) {
	return s.getCategory(ctx, id, editor(sc))
}

// Articles lists a category's articles (every category's when
// categoryID is empty) with their links.
func (s *Service) Articles(ctx context.Context, sc access.Scope, categoryID string) ([]Article, error) {
	list, err := s.listArticles(ctx, categoryID, editor(sc))
	for i := range list {
		list[i].URL = s.linkIn(ctx, list[i].ID)
	}
	return list, err
}

// Article is one article: a draft is not found by a visitor.
func (s *Service) Article(ctx context.Context, sc access.Scope, id string) (Article, error) {
	a, err := s.getArticle(ctx, id, editor(sc))
	a.URL = s.linkIn(ctx, a.ID)
	return a, err
}
