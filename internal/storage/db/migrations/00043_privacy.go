package migrations

// Personal data duties (package privacy): erasures, the consent register
// with versioned texts, retention periods, legal holds and the daily
// retention runs. The audit log stays append-only except that a row older
// than a year (the shortest period the retention settings accept for it)
// may be deleted, which the engine itself checks.
var privacy = goMigration{
	version: 43,
	up: []step{
		both(`
-- One row per erased member: the request, its ground, the choice made
-- about open appeals and, once done, what was erased. A second request
-- finds the row and does nothing.
CREATE TABLE privacy_erasures (
    member_id      TEXT PRIMARY KEY,
    unit_id        TEXT NOT NULL,
    pseudonym      TEXT NOT NULL,
    ground         TEXT NOT NULL,              -- request | withdrawal
    legal_basis    TEXT NOT NULL DEFAULT '',   -- why kept records stay (archive rules)
    open_appeals   TEXT NOT NULL DEFAULT '',   -- '' none open, 'keep': erased with appeals open, by choice
    note           TEXT NOT NULL DEFAULT '',
    requested_by   TEXT NOT NULL DEFAULT '',
    requested_at   BIGINT NOT NULL,
    completed_at   BIGINT NOT NULL DEFAULT 0,
    summary        TEXT NOT NULL DEFAULT '{}'
);

-- Consent texts by kind, each change a new version: a consent records
-- the version it was given under, and an older version asks again.
CREATE TABLE privacy_consent_texts (
    kind       TEXT NOT NULL,                  -- processing | advertising | mailing
    version    INTEGER NOT NULL,
    text       TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (kind, version)
);

-- The consent register: every consent and withdrawal.
CREATE TABLE privacy_consents (
    id           TEXT PRIMARY KEY,
    member_id    TEXT NOT NULL,
    unit_id      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    topic        TEXT NOT NULL DEFAULT '',     -- the mailing channel of a mailing consent
    given        BOOLEAN NOT NULL,
    text_version INTEGER NOT NULL DEFAULT 0,
    channel      TEXT NOT NULL,                -- how it came: paper, web, widget, telegram, vk, email, phone, import
    address      TEXT NOT NULL DEFAULT '',     -- where from: IP, e-mail, phone, postal address
    at           BIGINT NOT NULL,
    recorded_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX privacy_consents_member ON privacy_consents(member_id, at);
CREATE INDEX privacy_consents_at ON privacy_consents(at);

-- How long each kind of data is kept, in days.
CREATE TABLE privacy_retention (
    kind       TEXT PRIMARY KEY,
    days       INTEGER NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL
);

-- Legal holds: what retention and erasure must not touch.
CREATE TABLE privacy_holds (
    object_type TEXT NOT NULL,                 -- member | conversation | call
    object_id   TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (object_type, object_id)
);

-- The subject report and the erasure find a member's documents and
-- widget visits by these, not by scanning every row.
CREATE INDEX wf_documents_member ON wf_documents(member_id) WHERE member_id <> '';
CREATE INDEX widget_visitors_conversation ON widget_visitors(conversation_id) WHERE conversation_id <> '';

-- The daily retention runs and what each did.
CREATE TABLE privacy_runs (
    day         TEXT PRIMARY KEY,              -- YYYY-MM-DD in the installation's zone: one run a day
    node        TEXT NOT NULL,
    started_at  BIGINT NOT NULL,
    finished_at BIGINT NOT NULL DEFAULT 0,
    report      TEXT NOT NULL DEFAULT '{}'
);
`),
		perEngine(`
DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN OLD.at > (CAST(strftime('%s', 'now') AS INTEGER) - 365 * 86400) * 1000
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor_id = OLD.actor_id AND NEW.actor_name = OLD.actor_name
    AND NEW.ip = OLD.ip AND NEW.action = OLD.action AND NEW.object_type = OLD.object_type AND NEW.object_id = OLD.object_id
    AND NEW.unit_id = OLD.unit_id AND NEW.details LIKE '{"redacted":%')
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
`, `
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < (EXTRACT(EPOCH FROM now()) * 1000)::BIGINT - 365::BIGINT * 86400000 THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor_id = OLD.actor_id AND NEW.actor_name = OLD.actor_name
        AND NEW.ip = OLD.ip AND NEW.action = OLD.action AND NEW.object_type = OLD.object_type AND NEW.object_id = OLD.object_id
        AND NEW.unit_id = OLD.unit_id AND NEW.details LIKE '{"redacted":%' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
`),
	},
	down: []step{
		perEngine(`
DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
`, `
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END;
$$ LANGUAGE plpgsql;
`),
		both(`
DROP INDEX widget_visitors_conversation;
DROP INDEX wf_documents_member;
DROP TABLE privacy_runs;
DROP TABLE privacy_holds;
DROP TABLE privacy_retention;
DROP TABLE privacy_consents;
DROP TABLE privacy_consent_texts;
DROP TABLE privacy_erasures;
`),
	},
}
