-- +goose Up
-- Service levels of open lines (inbox/sla*.go). A line sets two targets in
-- minutes of its working time (its hours and the production calendar):
-- the first operator's reply and the conversation's close, 0 for none.
ALTER TABLE inbox_lines ADD COLUMN first_response_target_min INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbox_lines ADD COLUMN resolution_target_min INTEGER NOT NULL DEFAULT 0;

-- A conversation's clock (times in ms, 0 for none): sla_started_at is
-- when the member began to wait (created or reopened), sla_answered_at
-- the first operator's reply since then; the due times come from the
-- line's targets counted from sla_started_at; a breach is marked once, at
-- the time the sweeper found it, and sla_breaches counts every breach the
-- conversation ever had (a reopen starts a new clock, the count stays).
ALTER TABLE inbox_conversations ADD COLUMN sla_started_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE inbox_conversations ADD COLUMN sla_answered_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE inbox_conversations ADD COLUMN first_response_due_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE inbox_conversations ADD COLUMN resolution_due_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE inbox_conversations ADD COLUMN first_response_breached_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE inbox_conversations ADD COLUMN resolution_breached_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE inbox_conversations ADD COLUMN sla_breaches INTEGER NOT NULL DEFAULT 0;
CREATE INDEX inbox_conversations_first_response_due ON inbox_conversations(first_response_due_at)
    WHERE first_response_due_at > 0 AND first_response_breached_at = 0 AND sla_answered_at = 0 AND status <> 'closed';
CREATE INDEX inbox_conversations_resolution_due ON inbox_conversations(resolution_due_at)
    WHERE resolution_due_at > 0 AND resolution_breached_at = 0 AND status <> 'closed';

-- +goose Down
DROP INDEX inbox_conversations_resolution_due;
DROP INDEX inbox_conversations_first_response_due;
ALTER TABLE inbox_conversations DROP COLUMN sla_breaches;
ALTER TABLE inbox_conversations DROP COLUMN resolution_breached_at;
ALTER TABLE inbox_conversations DROP COLUMN first_response_breached_at;
ALTER TABLE inbox_conversations DROP COLUMN resolution_due_at;
ALTER TABLE inbox_conversations DROP COLUMN first_response_due_at;
ALTER TABLE inbox_conversations DROP COLUMN sla_answered_at;
ALTER TABLE inbox_conversations DROP COLUMN sla_started_at;
ALTER TABLE inbox_lines DROP COLUMN resolution_target_min;
ALTER TABLE inbox_lines DROP COLUMN first_response_target_min;
