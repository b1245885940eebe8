package migrations

// The inbox: contacts, lines, conversations, messages and their events.
var inbox = goMigration{
	version: 2,
	up: []step{
		both(`
-- Open lines: a line groups channels and the operators who answer them.
CREATE TABLE inbox_lines (
    id                  TEXT PRIMARY KEY,
    unit_id             TEXT NOT NULL REFERENCES units(id),
    name                TEXT NOT NULL,
    routing_mode        TEXT NOT NULL,
    max_active          INTEGER NOT NULL,
    offer_timeout_s     INTEGER NOT NULL,
    queue_alert_s       INTEGER NOT NULL,
    sticky              BOOLEAN NOT NULL,
    reopen_window_h     INTEGER NOT NULL,
    auto_close_h        INTEGER NOT NULL,
    return_after_min    INTEGER NOT NULL,
    ask_rating          BOOLEAN NOT NULL,
    welcome_reply       TEXT NOT NULL DEFAULT '',
    off_hours_reply     TEXT NOT NULL DEFAULT '',
    hours               TEXT NOT NULL DEFAULT '{}',
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);

CREATE TABLE inbox_line_operators (
    line_id    TEXT NOT NULL REFERENCES inbox_lines(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    position   INTEGER NOT NULL,
    capacity   INTEGER NOT NULL DEFAULT 0,
    supervisor BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (line_id, user_id)
);
CREATE INDEX inbox_line_operators_user ON inbox_line_operators(user_id);

-- A channel is one way in: an API endpoint, a bot, a mailbox, a PBX, a widget.
CREATE TABLE inbox_channels (
    id           TEXT PRIMARY KEY,
    line_id      TEXT NOT NULL REFERENCES inbox_lines(id),
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL DEFAULT '',
    settings     TEXT NOT NULL DEFAULT '{}',
    secrets      TEXT NOT NULL DEFAULT '',
    rate_per_s   INTEGER NOT NULL DEFAULT 0,
    disabled     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX inbox_channels_line ON inbox_channels(line_id);
CREATE INDEX inbox_channels_token ON inbox_channels(token_hash);

-- People who write in, and the addresses they write from.
CREATE TABLE inbox_contacts (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL DEFAULT '',
    name_folded TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    member_id   TEXT NOT NULL DEFAULT '',
    last_operator_id TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE inbox_identities (
    namespace   TEXT NOT NULL,
    external_id TEXT NOT NULL,
    contact_id  TEXT NOT NULL REFERENCES inbox_contacts(id),
    display     TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (namespace, external_id)
);
CREATE INDEX inbox_identities_contact ON inbox_identities(contact_id);

CREATE TABLE inbox_conversations (
    id                TEXT PRIMARY KEY,
    line_id           TEXT NOT NULL REFERENCES inbox_lines(id),
    unit_id           TEXT NOT NULL REFERENCES units(id),
    channel_id        TEXT NOT NULL REFERENCES inbox_channels(id),
    contact_id        TEXT NOT NULL REFERENCES inbox_contacts(id),
    external_chat_id  TEXT NOT NULL,
    status            TEXT NOT NULL,
    assignee_id       TEXT NOT NULL DEFAULT '',
    priority          INTEGER NOT NULL DEFAULT 0,
    spam              BOOLEAN NOT NULL DEFAULT FALSE,
    subject           TEXT NOT NULL DEFAULT '',
    subject_folded    TEXT NOT NULL DEFAULT '',
    last_seq          BIGINT NOT NULL DEFAULT 0,
    unread            INTEGER NOT NULL DEFAULT 0,
    rating            INTEGER NOT NULL DEFAULT 0,
    rating_comment    TEXT NOT NULL DEFAULT '',
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    queued_at         BIGINT NOT NULL DEFAULT 0,
    assigned_at       BIGINT NOT NULL DEFAULT 0,
    first_response_at BIGINT NOT NULL DEFAULT 0,
    last_inbound_at   BIGINT NOT NULL DEFAULT 0,
    last_message_at   BIGINT NOT NULL DEFAULT 0,
    alerted_at        BIGINT NOT NULL DEFAULT 0,
    closed_at         BIGINT NOT NULL DEFAULT 0,
    closed_by         TEXT NOT NULL DEFAULT ''
);
`),
		postgresOnly(`
-- Room for HOT updates: a message bumps its conversation row.
ALTER TABLE inbox_conversations SET (fillfactor = 80);
`),
		both(`
-- One open conversation per contact and line: concurrent first messages of
-- the same person on two nodes cannot open two.
CREATE UNIQUE INDEX inbox_conversations_open ON inbox_conversations(contact_id, line_id) WHERE status <> 'closed';
CREATE INDEX inbox_conversations_line_status ON inbox_conversations(line_id, status);
CREATE INDEX inbox_conversations_assignee ON inbox_conversations(assignee_id, status);
CREATE INDEX inbox_conversations_contact ON inbox_conversations(contact_id, created_at);
-- No index on updated_at or last_message_at: every message bumps them, and
-- an indexed column would turn each bump into a write to every index.

CREATE TABLE inbox_messages (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES inbox_conversations(id),
    seq             BIGINT NOT NULL,
    direction       TEXT NOT NULL,
    channel_id      TEXT NOT NULL,
    external_id     TEXT,
    client_id       TEXT,
    provider_id     TEXT NOT NULL DEFAULT '',
    author_id       TEXT NOT NULL DEFAULT '',
    text            TEXT NOT NULL DEFAULT '',
    attachments     TEXT NOT NULL DEFAULT '[]',
    status          TEXT NOT NULL DEFAULT '',
    status_reason   TEXT NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL DEFAULT 0,
    lease_until     BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT NOT NULL DEFAULT 0,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX inbox_messages_seq ON inbox_messages(conversation_id, seq);
-- Idempotency of ingest: one row per (channel, provider message id).
CREATE UNIQUE INDEX inbox_messages_external ON inbox_messages(channel_id, external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX inbox_messages_client ON inbox_messages(conversation_id, client_id) WHERE client_id IS NOT NULL;
-- Only replies waiting to be sent are indexed for the dispatcher's rescan.
CREATE INDEX inbox_messages_outbox ON inbox_messages(next_attempt_at) WHERE status = 'pending';

-- The event log clients resume from. seq comes from inbox_counter, taken
-- last in the writing transaction and held until commit, so events become
-- visible in seq order on both engines.
CREATE TABLE inbox_events (
    seq             BIGINT PRIMARY KEY,
    at              BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    line_id         TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    assignee_id     TEXT NOT NULL DEFAULT '',
    payload         TEXT NOT NULL
);
CREATE INDEX inbox_events_at ON inbox_events(at);

CREATE TABLE inbox_counter (
    name TEXT PRIMARY KEY,
    seq  BIGINT NOT NULL
);
INSERT INTO inbox_counter (name, seq) VALUES ('events', 0);

CREATE TABLE inbox_routing_log (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    line_id         TEXT NOT NULL,
    at              BIGINT NOT NULL,
    decision        TEXT NOT NULL,
    operator_id     TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX inbox_routing_log_conv ON inbox_routing_log(conversation_id, at);

-- Operators' chosen state; liveness itself is a heartbeat key in Redis.
CREATE TABLE inbox_presence (
    user_id    TEXT PRIMARY KEY REFERENCES users(id),
    status     TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE inbox_quick_answers (
    id         TEXT PRIMARY KEY,
    line_id    TEXT NOT NULL DEFAULT '',
    owner_id   TEXT NOT NULL DEFAULT '',
    shortcut   TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX inbox_quick_answers_line ON inbox_quick_answers(line_id);
CREATE INDEX inbox_quick_answers_owner ON inbox_quick_answers(owner_id);
`),
	},
	down: []step{
		both(`
DROP TABLE inbox_quick_answers;
DROP TABLE inbox_presence;
DROP TABLE inbox_routing_log;
DROP TABLE inbox_counter;
DROP TABLE inbox_events;
DROP TABLE inbox_messages;
DROP TABLE inbox_conversations;
DROP TABLE inbox_identities;
DROP TABLE inbox_contacts;
DROP TABLE inbox_channels;
DROP TABLE inbox_line_operators;
DROP TABLE inbox_lines;
`),
	},
}
