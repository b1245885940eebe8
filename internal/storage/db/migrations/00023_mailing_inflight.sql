-- +goose Up
-- Bounded repeats after a crash (package mailing): a ledger row is marked
-- in flight, durably, before its letter's SMTP transaction begins, and the
-- connection's previous outcome is written in the same commit; so after a
-- kill at most one letter per open connection may have gone unrecorded,
-- and a restart knows which. resent counts the letters sent again after a
-- restart (the same Message-ID as the first copy).
ALTER TABLE mailing_recipients ADD COLUMN inflight BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE mailing_campaigns ADD COLUMN resent INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE mailing_campaigns DROP COLUMN resent;
ALTER TABLE mailing_recipients DROP COLUMN inflight;
