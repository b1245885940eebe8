-- +goose Up
-- Answers the widget e-mailed to away visitors (package widget): a letter's
-- Message-ID is key@<mailbox domain>, so the visitor's reply, which names
-- it in In-Reply-To, joins the visitor's chat instead of opening a mail
-- conversation.
CREATE TABLE widget_mail_letters (
    letter_key      TEXT PRIMARY KEY,
    mail_channel_id TEXT NOT NULL,
    channel_id      TEXT NOT NULL,
    visitor_id      TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

-- Users' photos (package org), shown to site visitors next to the
-- operator's replies: the blob store key of a PNG, JPEG or WebP image.
ALTER TABLE users ADD COLUMN avatar_key TEXT NOT NULL DEFAULT '';
CREATE INDEX users_avatar ON users(avatar_key) WHERE avatar_key <> '';

-- +goose Down
DROP INDEX users_avatar;
ALTER TABLE users DROP COLUMN avatar_key;
DROP TABLE widget_mail_letters;
