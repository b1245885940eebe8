-- +goose Up
-- Proactive messages of the site widget (package widget): an
-- administrator's triggers per widget channel, evaluated in the visitor's
-- browser. url_pattern is a glob over the page's address ("" any page),
-- visitors is all, new or returning, once_days the least days between two
-- shows to one browser (0: every page). shows and answers count what the
-- browsers reported and the conversations the message started.
CREATE TABLE widget_triggers (
    id          TEXT PRIMARY KEY,
    channel_id  TEXT NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0,
    url_pattern TEXT NOT NULL DEFAULT '',
    after_s     INTEGER NOT NULL DEFAULT 0,
    visitors    TEXT NOT NULL DEFAULT 'all',
    text        TEXT NOT NULL,
    sender_name TEXT NOT NULL DEFAULT '',
    once_days   INTEGER NOT NULL DEFAULT 1,
    enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    shows       BIGINT NOT NULL DEFAULT 0,
    answers     BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX widget_triggers_channel ON widget_triggers(channel_id, position);

-- Transcripts of widget conversations sent by e-mail: one row per letter
-- asked for (by the visitor, an operator, or the channel on close), kept
-- for the limits (per conversation an hour, per typed address a day) and
-- the history. close_key makes the letter on close one per closing
-- whichever node sees it first.
CREATE TABLE widget_transcripts (
    id              TEXT PRIMARY KEY,
    channel_id      TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    visitor_id      TEXT NOT NULL,
    address         TEXT NOT NULL,
    typed           BOOLEAN NOT NULL DEFAULT FALSE,
    source          TEXT NOT NULL,
    close_key       TEXT,
    status          TEXT NOT NULL DEFAULT 'sending',
    error           TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL
);
CREATE INDEX widget_transcripts_conversation ON widget_transcripts(conversation_id, created_at);
CREATE INDEX widget_transcripts_address ON widget_transcripts(address, created_at);
CREATE INDEX widget_transcripts_visitor ON widget_transcripts(visitor_id, created_at);
CREATE UNIQUE INDEX widget_transcripts_close ON widget_transcripts(close_key) WHERE close_key IS NOT NULL;

-- +goose Down
DROP TABLE widget_transcripts;
DROP TABLE widget_triggers;
