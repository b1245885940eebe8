-- +goose Up
-- Typed custom fields (package crm, custom_field.go): an administrator
-- defines them per entity (member, organisation, appeal, conversation)
-- with a type, a required flag and a scope: the whole federation
-- (unit_id '') or one unit's subtree. Values live in the cards' own
-- "custom" JSON under the field's key; a retired field keeps its values
-- and leaves the forms.
CREATE TABLE crm_custom_fields (
    id          TEXT PRIMARY KEY,
    entity      TEXT NOT NULL,                 -- member, organisation, appeal, conversation
    field_key   TEXT NOT NULL,                 -- the key in the cards' custom JSON
    label       TEXT NOT NULL,
    kind        TEXT NOT NULL,                 -- text, number, date, choice, bool
    choices     TEXT NOT NULL DEFAULT '[]',    -- JSON array, for choice
    required    BOOLEAN NOT NULL DEFAULT FALSE,
    unit_id     TEXT NOT NULL DEFAULT '',      -- '' the whole federation, else this unit's subtree
    sort_order  INTEGER NOT NULL DEFAULT 0,
    retired_at  BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX crm_custom_fields_key ON crm_custom_fields (entity, field_key);

-- Archived member cards: out of the list, the exports and the mailings
-- until restored. A table of its own rather than a column, so that the
-- list's counts stay index-only (the card id is in every index they read).
CREATE TABLE crm_member_archive (
    member_id   TEXT PRIMARY KEY REFERENCES crm_members(id) ON DELETE CASCADE,
    archived_at BIGINT NOT NULL
);

-- An archived organisation card (a primary organisation wound up).
ALTER TABLE crm_organisations ADD COLUMN archived_at BIGINT NOT NULL DEFAULT 0;

-- Appeals carry custom values as member and organisation cards do.
ALTER TABLE crm_appeals ADD COLUMN custom TEXT NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE crm_appeals DROP COLUMN custom;
ALTER TABLE crm_organisations DROP COLUMN archived_at;
DROP TABLE crm_member_archive;
DROP TABLE crm_custom_fields;
