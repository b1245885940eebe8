package migrations

// Appeal cards and saved member filters (package crm).
var crmCards = goMigration{
	version: 8,
	up: []step{
		both(`
-- Appeal cards and saved member filters (package crm).

-- Cards of people who are not members: press, partners, prospects.
ALTER TABLE crm_members ADD COLUMN kind TEXT NOT NULL DEFAULT 'member';

-- The name index also carries the id and birth date: the list's order
-- (name, id) and the import's look-up by name and birth date read the
-- index alone.
DROP INDEX crm_members_name;
CREATE INDEX crm_members_name_id ON crm_members(name_folded, id, birth_date);
-- The same for one organisation's members (see crm.subtreeCondition).
DROP INDEX crm_members_unit_name;
CREATE INDEX crm_members_unit_name_id ON crm_members(unit_id, name_folded, id);

-- The last number given to an appeal in a year: numbers are 2026-000123.
CREATE TABLE crm_appeal_counters (
    year  INTEGER PRIMARY KEY,
    last  BIGINT NOT NULL
);

CREATE TABLE crm_appeals (
    id              TEXT PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    unit_id         TEXT NOT NULL REFERENCES units(id),  -- organisation; decides who sees the card
    member_id       TEXT NOT NULL DEFAULT '',            -- '' for a person without a card
    applicant       TEXT NOT NULL DEFAULT '',            -- name as given, for one without a card
    channel         TEXT NOT NULL,                       -- telegram, vk, email, widget, api, phone, letter, visit
    conversation_id TEXT NOT NULL DEFAULT '',
    message_ids     TEXT NOT NULL DEFAULT '[]',          -- inbox messages the appeal was made from
    topic           TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL,
    text            TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    priority        INTEGER NOT NULL DEFAULT 0,
    responsible_id  TEXT NOT NULL DEFAULT '',
    due_on          TEXT NOT NULL DEFAULT '',          -- YYYY-MM-DD or ''
    resolution      TEXT NOT NULL DEFAULT '',
    search_folded   TEXT NOT NULL DEFAULT '',            -- number, subject, topic, applicant; folded
    created_by      TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    closed_at       BIGINT NOT NULL DEFAULT 0
);
`),
		collateC("crm_appeals", "due_on"),
		both(`
CREATE INDEX crm_appeals_unit ON crm_appeals(unit_id, created_at);
CREATE INDEX crm_appeals_member ON crm_appeals(member_id, created_at) WHERE member_id <> '';
CREATE INDEX crm_appeals_conversation ON crm_appeals(conversation_id) WHERE conversation_id <> '';
CREATE INDEX crm_appeals_responsible ON crm_appeals(responsible_id, status);
CREATE INDEX crm_appeals_open_due ON crm_appeals(due_on) WHERE status IN ('new', 'in_progress', 'waiting');

-- The member timeline finds a member's conversations through the inbox
-- contacts linked to them.
CREATE INDEX crm_inbox_contacts_member ON inbox_contacts(member_id) WHERE member_id <> '';

-- Member filters kept by a user; shared ones are seen by everyone whose
-- scope covers the unit they were saved in.
CREATE TABLE crm_saved_filters (
    id          TEXT PRIMARY KEY,
    owner_id    TEXT NOT NULL,
    unit_id     TEXT NOT NULL REFERENCES units(id),
    name        TEXT NOT NULL,
    shared      BOOLEAN NOT NULL DEFAULT FALSE,
    filter      TEXT NOT NULL,                           -- JSON of crm.MemberFilter
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX crm_saved_filters_owner ON crm_saved_filters(owner_id);
CREATE INDEX crm_saved_filters_unit ON crm_saved_filters(unit_id) WHERE shared;

-- Universal lists: an administrator's register (the awards list is the
-- shipped example) and its records, each belonging to a unit.
CREATE TABLE crm_lists (
    id          TEXT PRIMARY KEY,
    unit_id     TEXT NOT NULL REFERENCES units(id),
    name        TEXT NOT NULL,
    fields      TEXT NOT NULL,                           -- JSON of []crm.ListField
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE TABLE crm_list_records (
    id            TEXT PRIMARY KEY,
    list_id       TEXT NOT NULL REFERENCES crm_lists(id) ON DELETE CASCADE,
    unit_id       TEXT NOT NULL REFERENCES units(id),
    vals          TEXT NOT NULL,                         -- JSON object, field key → value
    search_folded TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX crm_list_records_list ON crm_list_records(list_id, created_at);
`),
	},
	down: []step{
		both(`
DROP TABLE crm_list_records;
DROP TABLE crm_lists;
DROP INDEX crm_members_name_id;
CREATE INDEX crm_members_name ON crm_members(name_folded);
DROP INDEX crm_members_unit_name_id;
CREATE INDEX crm_members_unit_name ON crm_members(unit_id, name_folded);
ALTER TABLE crm_members DROP COLUMN kind;
DROP TABLE crm_saved_filters;
DROP INDEX crm_inbox_contacts_member;
DROP TABLE crm_appeals;
DROP TABLE crm_appeal_counters;
`),
	},
}
