-- +goose Up
-- Comments on the union's posts (VK wall, photo and board comments, the
-- Telegram channel's discussion group). A commenter's conversation about
-- one post carries the post's thread_key (empty for ordinary chats), so a
-- member may have a private conversation and one per post open at once on
-- the same line. inbox_threads keeps the post quoted at the top of the
-- console. A message's deleted_at marks a comment its author or the
-- community deleted; private marks an operator's answer to a comment sent
-- as a private message instead of in the thread.
ALTER TABLE inbox_conversations ADD COLUMN thread_key TEXT NOT NULL DEFAULT '';
DROP INDEX inbox_conversations_open;
CREATE UNIQUE INDEX inbox_conversations_open ON inbox_conversations(contact_id, line_id, thread_key) WHERE status <> 'closed';

ALTER TABLE inbox_messages ADD COLUMN deleted_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE inbox_messages ADD COLUMN private BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE inbox_threads (
    channel_id TEXT NOT NULL REFERENCES inbox_channels(id),
    thread_key TEXT NOT NULL,
    post_text  TEXT NOT NULL DEFAULT '',
    post_url   TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (channel_id, thread_key)
);

-- +goose Down
DROP TABLE inbox_threads;
ALTER TABLE inbox_messages DROP COLUMN private;
ALTER TABLE inbox_messages DROP COLUMN deleted_at;
DROP INDEX inbox_conversations_open;
CREATE UNIQUE INDEX inbox_conversations_open ON inbox_conversations(contact_id, line_id) WHERE status <> 'closed';
ALTER TABLE inbox_conversations DROP COLUMN thread_key;
