-- +goose Up
-- Visitors of the site chat widget. The token the browser keeps in
-- localStorage is stored only as its SHA-256; rotating replaces the hash,
-- revoking blanks it. conversation_id is the visitor's current
-- conversation, which their sockets follow.
CREATE TABLE widget_visitors (
    id              TEXT PRIMARY KEY,
    channel_id      TEXT NOT NULL REFERENCES inbox_channels(id),
    token_hash      TEXT NOT NULL,
    name            TEXT NOT NULL DEFAULT '',
    contact         TEXT NOT NULL DEFAULT '',
    topic           TEXT NOT NULL DEFAULT '',
    consent_at      BIGINT NOT NULL DEFAULT 0,
    conversation_id TEXT NOT NULL DEFAULT '',
    revoked_at      BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX widget_visitors_token ON widget_visitors(token_hash);

-- Files a visitor uploaded, until a message refers to them: a visitor can
-- attach only their own uploads.
CREATE TABLE widget_uploads (
    blob_key     TEXT PRIMARY KEY,
    visitor_id   TEXT NOT NULL REFERENCES widget_visitors(id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX widget_uploads_visitor ON widget_uploads(visitor_id);

-- +goose Down
DROP TABLE widget_uploads;
DROP TABLE widget_visitors;
