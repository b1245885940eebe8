-- +goose Up
-- Letter templates of the block editor (package mailing): a subject and
-- blocks, named, kept in a unit like campaigns, so the same roles and
-- subtree see and use them.
CREATE TABLE mailing_templates (
    id         TEXT PRIMARY KEY,                -- UUIDv7
    unit_id    TEXT NOT NULL REFERENCES units(id),
    owner_id   TEXT NOT NULL,
    name       TEXT NOT NULL,
    content    TEXT NOT NULL,                   -- JSON: subject and blocks
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX mailing_templates_unit ON mailing_templates (unit_id, created_at);

-- Pictures uploaded in the block editor. Recipients' mail programs fetch
-- them from the public link /hooks/mailing/images/{id}, so they live in
-- SQL (base64 text: one column type on both databases) with the type
-- the server sniffed, never the one the browser claimed.
CREATE TABLE mailing_images (
    id           TEXT PRIMARY KEY,              -- UUIDv7: not guessable from another
    unit_id      TEXT NOT NULL REFERENCES units(id),
    content_type TEXT NOT NULL,
    data         TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);

-- +goose Down
DROP TABLE mailing_images;
DROP TABLE mailing_templates;
