-- +goose Up
-- Tasks (package tasks): one person (created_by) gives a task to another
-- (assignee_id), with co-executors and observers in task_people. due_on is
-- the deadline's day in the installation's zone; due_days, when above 0,
-- says it was given as that many working days of the production calendar.
-- source_kind/source_id link the task to what it came from (an appeal, a
-- document, a conversation, a calendar event); source_title is what the
-- link reads, as it was when the task was set. overdue_on is the deadline
-- whose overdue notice was sent, so a task is reported once per overdue.
CREATE TABLE tasks (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    assignee_id  TEXT NOT NULL,
    status       TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    due_days     INTEGER NOT NULL DEFAULT 0,
    source_kind  TEXT NOT NULL DEFAULT '',
    source_id    TEXT NOT NULL DEFAULT '',
    source_title TEXT NOT NULL DEFAULT '',
    overdue_on   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    done_at      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX tasks_assignee ON tasks (assignee_id, status);
CREATE INDEX tasks_creator ON tasks (created_by, status);
CREATE INDEX tasks_source ON tasks (source_kind, source_id);
CREATE INDEX tasks_due ON tasks (status, due_on);

-- Co-executors ('co') and observers ('observer').
CREATE TABLE task_people (
    task_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    role    TEXT NOT NULL,
    PRIMARY KEY (task_id, user_id)
);
CREATE INDEX task_people_user ON task_people (user_id, role);

CREATE TABLE task_checklist (
    id       TEXT PRIMARY KEY,
    task_id  TEXT NOT NULL,
    position INTEGER NOT NULL,
    text     TEXT NOT NULL,
    done     BOOLEAN NOT NULL DEFAULT FALSE,
    done_by  TEXT NOT NULL DEFAULT '',
    done_at  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX task_checklist_task ON task_checklist (task_id, position);

CREATE TABLE task_comments (
    id         TEXT PRIMARY KEY,
    task_id    TEXT NOT NULL,
    author_id  TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX task_comments_task ON task_comments (task_id, created_at);

-- Files: the bytes are in the blob store under blob_key.
CREATE TABLE task_files (
    id           TEXT PRIMARY KEY,
    task_id      TEXT NOT NULL,
    name         TEXT NOT NULL,
    blob_key     TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  BIGINT NOT NULL
);
CREATE INDEX task_files_task ON task_files (task_id);

-- Every change: who, when, what (action and a short note).
CREATE TABLE task_history (
    id      TEXT PRIMARY KEY,
    task_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    action  TEXT NOT NULL,
    note    TEXT NOT NULL DEFAULT '',
    at      BIGINT NOT NULL
);
CREATE INDEX task_history_task ON task_history (task_id, at);

-- +goose Down
DROP TABLE task_history;
DROP TABLE task_files;
DROP TABLE task_comments;
DROP TABLE task_checklist;
DROP TABLE task_people;
DROP TABLE tasks;
