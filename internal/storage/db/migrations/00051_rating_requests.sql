-- +goose Up
-- Rating requests (inbox/rating_request.go): one per closing of a
-- conversation on a line that asks for a rating, stored in the closing
-- transaction with the message that carries it (its client_id is
-- "rating:" || id). rated_at is the first rating (a second within 24 h
-- replaces it), rating the last one, comment_until (ms) when the contact's
-- next message stops being taken as the rating's comment.
CREATE TABLE inbox_rating_requests (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES inbox_conversations(id),
    contact_id      TEXT NOT NULL,
    line_id         TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    rated_at        BIGINT NOT NULL DEFAULT 0,
    rating          INTEGER NOT NULL DEFAULT 0,
    comment_until   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX inbox_rating_requests_conversation ON inbox_rating_requests(conversation_id);
CREATE INDEX inbox_rating_requests_contact ON inbox_rating_requests(contact_id, line_id, comment_until);

-- +goose Down
DROP TABLE inbox_rating_requests;
