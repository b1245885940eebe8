package migrations

// Appeal categories, co-executors, comments, files, history and deadline
// notices (package crm); files in universal lists.
var crmAppeals = goMigration{
	version: 21,
	up: []step{
		both(`
-- Appeal categories with deadlines, co-executors, comments, files, history
-- and deadline notices (package crm); files in universal lists.

-- Appeal categories: each with its deadline (SLA) in calendar or working
-- days; an appeal's due date is taken from its category when it is filed.
CREATE TABLE crm_appeal_categories (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    name_folded  TEXT NOT NULL UNIQUE,
    sla_days     INTEGER NOT NULL,
    working_days BOOLEAN NOT NULL DEFAULT FALSE,   -- Monday to Friday only
    disabled     BOOLEAN NOT NULL DEFAULT FALSE,   -- kept for old appeals, not offered
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

ALTER TABLE crm_appeals ADD COLUMN category_id TEXT NOT NULL DEFAULT '';
-- The due date a reminder / an overdue notice was sent for: each is sent
-- once per deadline (a moved deadline is noticed again), and the mark is
-- set in SQL with the notice, so restarts and several nodes send it once.
ALTER TABLE crm_appeals ADD COLUMN reminded_for TEXT NOT NULL DEFAULT '';
ALTER TABLE crm_appeals ADD COLUMN overdue_for TEXT NOT NULL DEFAULT '';
CREATE INDEX crm_appeals_category ON crm_appeals(category_id, created_at) WHERE category_id <> '';

-- Co-executors: staff who work an appeal beside the responsible person
-- and see it as they do.
CREATE TABLE crm_appeal_executors (
    appeal_id TEXT NOT NULL REFERENCES crm_appeals(id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (appeal_id, user_id)
);
CREATE INDEX crm_appeal_executors_user ON crm_appeal_executors(user_id);

-- Internal notes of the staff on an appeal.
CREATE TABLE crm_appeal_comments (
    id          TEXT PRIMARY KEY,
    appeal_id   TEXT NOT NULL REFERENCES crm_appeals(id) ON DELETE CASCADE,
    author_id   TEXT NOT NULL DEFAULT '',
    author_name TEXT NOT NULL,
    text        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX crm_appeal_comments_appeal ON crm_appeal_comments(appeal_id, id);

-- Files of an appeal; the bytes are in the blob store.
CREATE TABLE crm_appeal_files (
    id           TEXT PRIMARY KEY,
    appeal_id    TEXT NOT NULL REFERENCES crm_appeals(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    blob_key     TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  BIGINT NOT NULL
);
CREATE INDEX crm_appeal_files_appeal ON crm_appeal_files(appeal_id, id);

-- The card's history: who changed what, from which value to which.
CREATE TABLE crm_appeal_events (
    id         TEXT PRIMARY KEY,
    appeal_id  TEXT NOT NULL REFERENCES crm_appeals(id) ON DELETE CASCADE,
    at         BIGINT NOT NULL,
    actor_id   TEXT NOT NULL DEFAULT '',
    actor_name TEXT NOT NULL,
    action     TEXT NOT NULL,                 -- create | update | comment | file | notice
    details    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX crm_appeal_events_appeal ON crm_appeal_events(appeal_id, id);

-- Files kept in universal-list records ("file" fields). A file is uploaded
-- first (record_id '') and then named in a record's values.
CREATE TABLE crm_list_files (
    id           TEXT PRIMARY KEY,
    list_id      TEXT NOT NULL REFERENCES crm_lists(id) ON DELETE CASCADE,
    field_key    TEXT NOT NULL,
    record_id    TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL,
    blob_key     TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  BIGINT NOT NULL
);
CREATE INDEX crm_list_files_record ON crm_list_files(record_id) WHERE record_id <> '';
`),
		perEngine(
			// SQLite
			`
-- Appeal deadline notices travel the workflow's notification list: a
-- notice is about a document or (document_id NULL) an appeal. SQLite
-- cannot drop NOT NULL in place, so the table is rebuilt.
CREATE TABLE wf_notifications_new (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    document_id TEXT REFERENCES wf_documents(id),
    appeal_id   TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    at          BIGINT NOT NULL,
    read_at     BIGINT NOT NULL DEFAULT 0,
    mail_state  TEXT NOT NULL DEFAULT 'none'
);
INSERT INTO wf_notifications_new (id, user_id, document_id, kind, text, at, read_at, mail_state)
    SELECT id, user_id, document_id, kind, text, at, read_at, mail_state FROM wf_notifications;
DROP TABLE wf_notifications;
ALTER TABLE wf_notifications_new RENAME TO wf_notifications;
CREATE INDEX wf_notifications_user ON wf_notifications(user_id, id);
CREATE INDEX wf_notifications_mail ON wf_notifications(mail_state) WHERE mail_state = 'pending';
`,
			// PostgreSQL
			`
-- Appeal deadline notices travel the workflow's notification list: a
-- notice is about a document or (document_id NULL) an appeal.
ALTER TABLE wf_notifications ALTER COLUMN document_id DROP NOT NULL;
ALTER TABLE wf_notifications ADD COLUMN appeal_id TEXT NOT NULL DEFAULT '';
`),
	},
	down: []step{
		both(`
DELETE FROM wf_notifications WHERE document_id IS NULL;
`),
		perEngine(
			// SQLite
			`
CREATE TABLE wf_notifications_old (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    document_id TEXT NOT NULL REFERENCES wf_documents(id),
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    at          BIGINT NOT NULL,
    read_at     BIGINT NOT NULL DEFAULT 0,
    mail_state  TEXT NOT NULL DEFAULT 'none'
);
INSERT INTO wf_notifications_old SELECT id, user_id, document_id, kind, text, at, read_at, mail_state FROM wf_notifications;
DROP TABLE wf_notifications;
ALTER TABLE wf_notifications_old RENAME TO wf_notifications;
CREATE INDEX wf_notifications_user ON wf_notifications(user_id, id);
CREATE INDEX wf_notifications_mail ON wf_notifications(mail_state) WHERE mail_state = 'pending';
`,
			// PostgreSQL
			`
ALTER TABLE wf_notifications DROP COLUMN appeal_id;
ALTER TABLE wf_notifications ALTER COLUMN document_id SET NOT NULL;
`),
		both(`
DROP TABLE crm_list_files;
DROP TABLE crm_appeal_events;
DROP TABLE crm_appeal_files;
DROP TABLE crm_appeal_comments;
DROP TABLE crm_appeal_executors;
DROP INDEX crm_appeals_category;
ALTER TABLE crm_appeals DROP COLUMN overdue_for;
ALTER TABLE crm_appeals DROP COLUMN reminded_for;
ALTER TABLE crm_appeals DROP COLUMN category_id;
DROP TABLE crm_appeal_categories;
`),
	},
}
