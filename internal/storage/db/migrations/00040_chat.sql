-- +goose Up
-- Internal chat (package chat): one-to-one ('direct'), group and unit
-- chats between staff. unit_id is where a chat belongs for scope: the
-- unit's own for a unit chat, the creator's for the others (a chat id
-- guessed from outside it is not found). direct_key ("a|b", the two ids
-- sorted) makes one direct chat per pair. last_num numbers the chat's
-- messages; a member's read_num is the last one they have read.
CREATE TABLE chats (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL DEFAULT '',
    unit_id    TEXT NOT NULL REFERENCES units(id),
    direct_key TEXT,
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    last_num   BIGINT NOT NULL DEFAULT 0,
    last_at    BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX chats_direct ON chats(direct_key) WHERE direct_key IS NOT NULL;
CREATE UNIQUE INDEX chats_unit ON chats(unit_id) WHERE kind = 'unit';

CREATE TABLE chat_members (
    chat_id   TEXT NOT NULL REFERENCES chats(id),
    user_id   TEXT NOT NULL REFERENCES users(id),
    read_num  BIGINT NOT NULL DEFAULT 0,
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (chat_id, user_id)
);
CREATE INDEX chat_members_user ON chat_members(user_id);

-- A message: body as typed, folded for search; reply_to another message
-- of the chat; a typed link (a conversation, appeal, document or task
-- shared as a card); files and mentions as JSON. An edit sets edited_at,
-- a deletion deleted_at and empties the body: the row stays so the
-- numbering and the replies to it hold.
CREATE TABLE chat_messages (
    id          TEXT PRIMARY KEY,
    chat_id     TEXT NOT NULL REFERENCES chats(id),
    num         BIGINT NOT NULL,
    sender_id   TEXT NOT NULL REFERENCES users(id),
    body        TEXT NOT NULL DEFAULT '',
    search_text TEXT NOT NULL DEFAULT '',
    reply_to    TEXT NOT NULL DEFAULT '',
    link_kind   TEXT NOT NULL DEFAULT '',
    link_id     TEXT NOT NULL DEFAULT '',
    files       TEXT NOT NULL DEFAULT '[]',
    mentions    TEXT NOT NULL DEFAULT '[]',
    created_at  BIGINT NOT NULL,
    edited_at   BIGINT NOT NULL DEFAULT 0,
    deleted_at  BIGINT NOT NULL DEFAULT 0,
    UNIQUE (chat_id, num)
);

-- Files uploaded to a chat, before and after a message carries them.
CREATE TABLE chat_files (
    blob_key     TEXT PRIMARY KEY,
    chat_id      TEXT NOT NULL REFERENCES chats(id),
    uploaded_by  TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);

-- The live event log every node reads in seq order (Redis pub/sub only
-- wakes the readers): a message posted, edited or deleted, a read mark
-- moved. seq comes from chat_counter inside the writing transaction, so
-- the row lock orders commits and a reader never skips a late commit.
CREATE TABLE chat_events (
    seq        BIGINT PRIMARY KEY,
    chat_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    message_id TEXT NOT NULL DEFAULT '',
    user_id    TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX chat_events_chat ON chat_events(chat_id, seq);

CREATE TABLE chat_counter (
    name TEXT PRIMARY KEY,
    seq  BIGINT NOT NULL
);
INSERT INTO chat_counter (name, seq) VALUES ('events', 0);

-- +goose Down
DROP TABLE chat_counter;
DROP TABLE chat_events;
DROP TABLE chat_files;
DROP TABLE chat_messages;
DROP TABLE chat_members;
DROP TABLE chats;
