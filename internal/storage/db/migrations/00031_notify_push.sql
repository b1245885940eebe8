-- +goose Up
-- Web Push (package notify, push.go): each browser or phone a person
-- subscribed, and the push copy's way out for each notice. push_state is
-- like mail_state: 'none', or 'pending' → 'sending' → 'sent' | 'failed' |
-- 'skipped', claimed by one node, so no copy is pushed twice. A
-- subscription's endpoint is unique: a browser subscribed again by another
-- person (a shared phone) is theirs now, not both people's.
ALTER TABLE notify_items ADD COLUMN push_state TEXT NOT NULL DEFAULT 'none';
CREATE INDEX notify_items_push ON notify_items (push_state) WHERE push_state = 'pending';

CREATE TABLE notify_push_subscriptions (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    endpoint   TEXT NOT NULL,
    p256dh     TEXT NOT NULL,   -- the browser's P-256 key, base64url (RFC 8291)
    auth       TEXT NOT NULL,   -- its 16-byte auth secret, base64url
    device     TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    used_at    BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX notify_push_subscriptions_endpoint ON notify_push_subscriptions (endpoint);
CREATE INDEX notify_push_subscriptions_user ON notify_push_subscriptions (user_id);

-- +goose Down
DROP TABLE notify_push_subscriptions;
DROP INDEX notify_items_push;
ALTER TABLE notify_items DROP COLUMN push_state;
