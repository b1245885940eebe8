-- +goose Up
-- Staff in Telegram (package notify, notify/telegram*.go). tg_state is a
-- notice's Telegram copy, as mail_state is its e-mail: 'none', or
-- 'pending' → 'sending' → 'sent' | 'failed' | 'skipped', claimed by one
-- node. tg_message is the bot's message id (its buttons go once acted on);
-- tg_done is the button action taken on it, claimed once, so a button
-- pressed twice acts once.
ALTER TABLE notify_items ADD COLUMN tg_state TEXT NOT NULL DEFAULT 'none';
ALTER TABLE notify_items ADD COLUMN tg_message BIGINT NOT NULL DEFAULT 0;
ALTER TABLE notify_items ADD COLUMN tg_done TEXT NOT NULL DEFAULT '';
CREATE INDEX notify_items_tg ON notify_items (tg_state) WHERE tg_state = 'pending';

-- A staff member's own Telegram account, linked with a one-time code:
-- one per person, and one person per account and bot. await_* is a button
-- that asked for a comment, waiting for the person's next message.
CREATE TABLE notify_tg_links (
    user_id      TEXT PRIMARY KEY,
    channel_id   TEXT NOT NULL,
    tg_user      BIGINT NOT NULL,
    chat_id      BIGINT NOT NULL,
    tg_name      TEXT NOT NULL DEFAULT '',
    linked_at    BIGINT NOT NULL,
    await_item   TEXT NOT NULL DEFAULT '',
    await_action TEXT NOT NULL DEFAULT '',
    await_at     BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX notify_tg_links_account ON notify_tg_links (channel_id, tg_user);

-- The one-time link codes, kept only as SHA-256 hashes; a code is used
-- once and expires ten minutes after it was made.
CREATE TABLE notify_tg_codes (
    code_hash  TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX notify_tg_codes_user ON notify_tg_codes (user_id);

-- +goose Down
DROP TABLE notify_tg_codes;
DROP TABLE notify_tg_links;
DROP INDEX notify_items_tg;
ALTER TABLE notify_items DROP COLUMN tg_done;
ALTER TABLE notify_items DROP COLUMN tg_message;
ALTER TABLE notify_items DROP COLUMN tg_state;
