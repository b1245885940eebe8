-- +goose Up
-- Mail connector: where each watched IMAP folder was read up to (a new
-- UIDVALIDITY means the server renumbered it and it is read again, with
-- Message-ID deduplication keeping letters single), and the letters of
-- each mailbox by Message-ID, in and out, so replies carry In-Reply-To and
-- References and bounces find the letter they refer to.
CREATE TABLE mail_folders (
    channel_id   TEXT NOT NULL,
    folder       TEXT NOT NULL,
    uid_validity BIGINT NOT NULL,
    last_uid     BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (channel_id, folder)
);
CREATE TABLE mail_letters (
    channel_id      TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    direction       TEXT NOT NULL,
    conversation_id TEXT NOT NULL DEFAULT '',
    address         TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL DEFAULT '',
    bounce          TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (channel_id, message_id)
);
CREATE INDEX mail_letters_conversation ON mail_letters(conversation_id, created_at);
CREATE INDEX mail_letters_address ON mail_letters(channel_id, address);

-- +goose Down
DROP TABLE mail_letters;
DROP TABLE mail_folders;
