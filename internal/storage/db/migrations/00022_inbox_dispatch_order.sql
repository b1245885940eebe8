-- +goose Up
-- Ordered delivery per conversation (inbox/dispatch_order.go): a reply is
-- claimed only when no earlier reply of its conversation is still
-- pending; this index answers that question from the few pending rows.
CREATE INDEX inbox_messages_pending_conv ON inbox_messages(conversation_id, seq) WHERE status = 'pending';
-- Tries the provider answered with a rate limit (Telegram 429, VK 6/9/29):
-- they are counted in attempts, which the operator sees, but do not use
-- up one of the limited attempts (attempts - rate_limited).
ALTER TABLE inbox_messages ADD COLUMN rate_limited INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE inbox_messages DROP COLUMN rate_limited;
DROP INDEX inbox_messages_pending_conv;
