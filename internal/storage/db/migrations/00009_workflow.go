package migrations

// Document workflow (package workflow).
var workflow = goMigration{
	version: 9,
	up: []step{
		both(`
-- Document workflow (package workflow): registries with their number
-- formats and gap-free counters, documents, versioned attachments,
-- process definitions (data, versioned), tasks, history, notifications
-- and templates. Times are BIGINT milliseconds (db.Now).

-- One registry of each kind per unit; its format is set by an administrator.
CREATE TABLE wf_registries (
    id             TEXT PRIMARY KEY,
    unit_id        TEXT NOT NULL REFERENCES units(id),
    kind           TEXT NOT NULL,            -- internal | incoming | outgoing
    format         TEXT NOT NULL,            -- e.g. "ВХ-{year}/{seq:4}-{medium}"
    paper_mark     TEXT NOT NULL,
    electronic_mark TEXT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (unit_id, kind)
);

-- The last sequence number given per registry and year; incremented in the
-- registering transaction, so a rolled-back registration leaves no gap.
CREATE TABLE wf_counters (
    registry_id TEXT NOT NULL REFERENCES wf_registries(id),
    year        INTEGER NOT NULL,
    last_seq    BIGINT NOT NULL,
    PRIMARY KEY (registry_id, year)
);

-- Process definitions: every save is a new version; documents keep theirs.
CREATE TABLE wf_definitions (
    id         TEXT NOT NULL,
    version    INTEGER NOT NULL,
    body       TEXT NOT NULL,                -- JSON, see workflow.Definition
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE wf_documents (
    id               TEXT PRIMARY KEY,
    unit_id          TEXT NOT NULL REFERENCES units(id),
    registry_id      TEXT NOT NULL REFERENCES wf_registries(id),
    kind             TEXT NOT NULL,
    number           TEXT NOT NULL,
    seq              BIGINT NOT NULL,
    year             INTEGER NOT NULL,
    medium           TEXT NOT NULL,          -- paper | electronic
    title            TEXT NOT NULL,
    summary          TEXT NOT NULL DEFAULT '',
    correspondent    TEXT NOT NULL DEFAULT '', -- sender (incoming) or recipient (outgoing)
    correspondent_folded TEXT NOT NULL DEFAULT '', -- fold.String(correspondent), for the journal filter
    orig_number      TEXT NOT NULL DEFAULT '',
    orig_date        TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD
    doc_date         TEXT NOT NULL DEFAULT '',
    received_on      TEXT NOT NULL DEFAULT '',
    delivery         TEXT NOT NULL DEFAULT '', -- how received / to be sent
    priority         INTEGER NOT NULL DEFAULT 0, -- 0 normal, 1 high, 2 urgent
    deadline         BIGINT NOT NULL DEFAULT 0,
    search_folded    TEXT NOT NULL,
    process_id       TEXT NOT NULL,
    process_version  INTEGER NOT NULL,
    step             TEXT NOT NULL,
    status           TEXT NOT NULL,          -- active | closed | rejected
    state_version    BIGINT NOT NULL,        -- bumped by every transition: one decision wins
    signed_at        BIGINT NOT NULL DEFAULT 0,
    signed_by        TEXT NOT NULL DEFAULT '',
    rejection_reason TEXT NOT NULL DEFAULT '',
    resolution       TEXT NOT NULL DEFAULT '{}',
    dispatch         TEXT NOT NULL DEFAULT '{}',
    member_id        TEXT NOT NULL DEFAULT '',
    org_unit_id      TEXT NOT NULL DEFAULT '',
    appeal_id        TEXT NOT NULL DEFAULT '',
    related_id       TEXT NOT NULL DEFAULT '',  -- e.g. the incoming letter an outgoing one answers
    created_by       TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (registry_id, number),
    UNIQUE (registry_id, year, seq)
);
`),
		collateC("wf_documents", "correspondent_folded"),
		collateC("wf_documents", "search_folded"),
		both(`
CREATE INDEX wf_documents_unit ON wf_documents(unit_id, created_at);
CREATE INDEX wf_documents_status ON wf_documents(status, deadline);

CREATE TABLE wf_attachments (
    id           TEXT PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES wf_documents(id),
    name         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    blob_key     TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    signed       BOOLEAN NOT NULL DEFAULT FALSE, -- the version the chairman signed: fixed
    uploaded_by  TEXT NOT NULL,
    uploaded_at  BIGINT NOT NULL,
    UNIQUE (document_id, name, version)
);

CREATE TABLE wf_tasks (
    id          TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES wf_documents(id),
    step        TEXT NOT NULL,
    assignee_id TEXT NOT NULL REFERENCES users(id),
    status      TEXT NOT NULL,               -- open | done | cancelled
    deadline    BIGINT NOT NULL DEFAULT 0,
    decision    TEXT NOT NULL DEFAULT '',
    comment     TEXT NOT NULL DEFAULT '',
    report      TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    done_at     BIGINT NOT NULL DEFAULT 0,
    reminded_at BIGINT NOT NULL DEFAULT 0,
    escalated_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX wf_tasks_assignee ON wf_tasks(assignee_id, status, deadline);
CREATE INDEX wf_tasks_document ON wf_tasks(document_id, status);
CREATE INDEX wf_tasks_open_deadline ON wf_tasks(status, deadline);

-- The document's history: every registration, decision, comment, upload.
CREATE TABLE wf_events (
    id          TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES wf_documents(id),
    at          BIGINT NOT NULL,
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    step        TEXT NOT NULL DEFAULT '',
    to_step     TEXT NOT NULL DEFAULT '',
    comment     TEXT NOT NULL DEFAULT '',
    details     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX wf_events_document ON wf_events(document_id, id);

CREATE TABLE wf_notifications (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    document_id TEXT NOT NULL REFERENCES wf_documents(id),
    kind        TEXT NOT NULL,               -- task | decision | reminder | overdue
    text        TEXT NOT NULL,
    at          BIGINT NOT NULL,
    read_at     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX wf_notifications_user ON wf_notifications(user_id, id);

CREATE TABLE wf_templates (
    id         TEXT PRIMARY KEY,
    unit_id    TEXT NOT NULL REFERENCES units(id),
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    fields     TEXT NOT NULL DEFAULT '{}',   -- pre-filled DocumentInput fields
    files      TEXT NOT NULL DEFAULT '[]',   -- [{name, blob_key, size, sha256, content_type}]
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
`),
	},
	down: []step{
		both(`
DROP TABLE wf_templates;
DROP TABLE wf_notifications;
DROP TABLE wf_events;
DROP TABLE wf_tasks;
DROP TABLE wf_attachments;
DROP TABLE wf_documents;
DROP TABLE wf_definitions;
DROP TABLE wf_counters;
DROP TABLE wf_registries;
`),
	},
}
