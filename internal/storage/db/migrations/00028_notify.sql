-- +goose Up
-- Notifications (package notify): one row per person and event, so the
-- bell's list survives a restart. (user_id, event_key) is unique: the
-- source names each event (a task's id, an offer's deadline), so a retried
-- event or a second node notifies nobody twice. in_hub says whether the
-- bell shows it; mail_state is the e-mail copy's way out ('none', or
-- 'pending' → 'sending' → 'sent' | 'failed' | 'skipped', claimed by one
-- node). Telegram and push are stored choices, delivered later.
CREATE TABLE notify_items (
    id         TEXT PRIMARY KEY,                -- UUIDv7: ordered by time
    user_id    TEXT NOT NULL,
    event_key  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    text       TEXT NOT NULL,
    link       TEXT NOT NULL DEFAULT '',
    at         BIGINT NOT NULL,
    read_at    BIGINT NOT NULL DEFAULT 0,
    in_hub     BOOLEAN NOT NULL DEFAULT TRUE,
    mail_state TEXT NOT NULL DEFAULT 'none'
);
CREATE UNIQUE INDEX notify_items_event ON notify_items (user_id, event_key);
CREATE INDEX notify_items_user ON notify_items (user_id, id);
CREATE INDEX notify_items_mail ON notify_items (mail_state) WHERE mail_state = 'pending';

-- Where each kind reaches a person; no row: the kind's default.
CREATE TABLE notify_prefs (
    user_id  TEXT NOT NULL,
    kind     TEXT NOT NULL,
    hub      BOOLEAN NOT NULL,
    email    BOOLEAN NOT NULL,
    telegram BOOLEAN NOT NULL,
    push     BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- +goose Down
DROP TABLE notify_prefs;
DROP TABLE notify_items;
