-- +goose Up
-- Messages a member wrote to a Telegram bot before choosing a topic in its
-- menu: held here (not in the queue) until the choice routes them, or
-- until the menu times out and they go to the channel's own line.
CREATE TABLE telegram_menu_pending (
    channel_id  TEXT NOT NULL REFERENCES inbox_channels(id),
    chat_id     TEXT NOT NULL,
    update_id   BIGINT NOT NULL,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (channel_id, update_id)
);
CREATE INDEX telegram_menu_pending_chat ON telegram_menu_pending(channel_id, chat_id, update_id);
CREATE INDEX telegram_menu_pending_age ON telegram_menu_pending(created_at);

-- A chat's open conversation on a channel, whatever its line.
CREATE INDEX inbox_conversations_chat ON inbox_conversations(channel_id, external_chat_id);

-- The raw copy of each letter the hub sent (blob key), for the record.
ALTER TABLE mail_letters ADD COLUMN raw_key TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE mail_letters DROP COLUMN raw_key;
DROP INDEX inbox_conversations_chat;
DROP TABLE telegram_menu_pending;
