-- +goose Up
-- Labels (package inbox): coloured marks an administrator defines and
-- operators, rules and macros put on conversations. name_folded keeps two
-- labels from differing only by case.
CREATE TABLE inbox_labels (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL UNIQUE,
    color       TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE TABLE inbox_conversation_labels (
    conversation_id TEXT NOT NULL REFERENCES inbox_conversations(id) ON DELETE CASCADE,
    label_id        TEXT NOT NULL REFERENCES inbox_labels(id) ON DELETE CASCADE,
    added_at        BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, label_id)
);
CREATE INDEX inbox_conversation_labels_label ON inbox_conversation_labels(label_id);

-- Snooze: until this time (ms), or until the contact writes again (a far
-- future value); 0 when the conversation is not snoozed. It keeps its
-- operator meanwhile, so it comes back to them.
ALTER TABLE inbox_conversations ADD COLUMN snoozed_until BIGINT NOT NULL DEFAULT 0;
-- every node looks for snoozes that ended every few seconds: only the
-- snoozed few are indexed
CREATE INDEX inbox_conversations_snoozed ON inbox_conversations(snoozed_until) WHERE snoozed_until <> 0;

-- Automation rules (package automation), run in position order.
-- conditions and actions are JSON lists.
CREATE TABLE automation_rules (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    on_event   TEXT NOT NULL,
    idle_min   INTEGER NOT NULL DEFAULT 0,
    conditions TEXT NOT NULL,
    actions    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- One row per rule and event it fired on: the primary key makes a rule
-- fire once per event whichever node saw it first; the rows per
-- conversation bound how often rules may act on it (the loop guard).
CREATE TABLE automation_fired (
    rule_id         TEXT NOT NULL,
    event_key       TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    at              BIGINT NOT NULL,
    outcome         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (rule_id, event_key)
);
CREATE INDEX automation_fired_conversation ON automation_fired(conversation_id, at);
-- The seq of the inbox event log the rules have been run up to; a node
-- claims the next events by moving it (compare and set).
CREATE TABLE automation_cursor (
    name TEXT PRIMARY KEY,
    seq  BIGINT NOT NULL
);
INSERT INTO automation_cursor (name, seq) SELECT 'events', seq FROM inbox_counter WHERE name = 'events';
-- Macros: saved sequences of actions an operator runs with one click.
CREATE TABLE automation_macros (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    actions    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE automation_macros;
DROP TABLE automation_cursor;
DROP TABLE automation_fired;
DROP TABLE automation_rules;
DROP INDEX inbox_conversations_snoozed;
ALTER TABLE inbox_conversations DROP COLUMN snoozed_until;
DROP TABLE inbox_conversation_labels;
DROP TABLE inbox_labels;
