-- +goose Up
-- Mail threads and loops (package connectors/mail): a letter's own
-- References, so a reply carries the parent's References plus its
-- Message-ID (RFC 5322 section 3.6.4); whether an inbound letter was an
-- automatic reply, so it never becomes the letter a reply answers.
ALTER TABLE mail_letters ADD COLUMN refs TEXT NOT NULL DEFAULT '';
ALTER TABLE mail_letters ADD COLUMN auto BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE mail_letters DROP COLUMN auto;
ALTER TABLE mail_letters DROP COLUMN refs;
