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

-- +goose Down
DROP TABLE widget_mail_letters;
