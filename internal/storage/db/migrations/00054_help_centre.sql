-- +goose Up
-- The help centre (package helpcentre): public articles in categories.
-- An article's body is sanitised HTML; title_terms and body_terms are the
-- Snowball stems of its title and text (internal/norm), space-separated
-- and framed by spaces, so one LIKE per stem finds every word form on
-- both engines. views and the two vote counts are kept on the row; the
-- votes themselves are one per browser (help_votes).
CREATE TABLE help_categories (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE help_articles (
    id           TEXT PRIMARY KEY,
    category_id  TEXT NOT NULL REFERENCES help_categories(id),
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'draft',
    title_terms  TEXT NOT NULL DEFAULT '',
    body_terms   TEXT NOT NULL DEFAULT '',
    views        BIGINT NOT NULL DEFAULT 0,
    helpful_yes  BIGINT NOT NULL DEFAULT 0,
    helpful_no   BIGINT NOT NULL DEFAULT 0,
    author_id    TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    published_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX help_articles_category ON help_articles(category_id, status);

CREATE TABLE help_votes (
    article_id TEXT NOT NULL REFERENCES help_articles(id) ON DELETE CASCADE,
    browser    TEXT NOT NULL,
    helpful    BOOLEAN NOT NULL,
    at         BIGINT NOT NULL,
    PRIMARY KEY (article_id, browser)
);

-- +goose Down
DROP TABLE help_votes;
DROP TABLE help_articles;
DROP TABLE help_categories;
