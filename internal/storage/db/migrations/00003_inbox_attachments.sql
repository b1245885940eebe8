-- +goose Up
-- Files of conversations: what was uploaded or received, for which
-- conversation, so downloads can be checked against the caller's scope.
CREATE TABLE inbox_attachments (
    blob_key        TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES inbox_conversations(id),
    name            TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            BIGINT NOT NULL,
    sha256          TEXT NOT NULL,
    uploaded_by     TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL
);
CREATE INDEX inbox_attachments_conversation ON inbox_attachments(conversation_id);

-- +goose Down
DROP TABLE inbox_attachments;
