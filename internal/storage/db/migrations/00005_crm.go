package migrations

// The member register (package crm).
var crm = goMigration{
	version: 5,
	up: []step{
		both(`
-- The member registry (package crm). Search columns are folded in Go
-- (fold.String): SQLite's lower() does not fold Cyrillic.

-- One card per unit of the tree; a unit without a row has an empty card.
CREATE TABLE crm_organisations (
    unit_id     TEXT PRIMARY KEY REFERENCES units(id),
    full_name   TEXT NOT NULL DEFAULT '',
    short_name  TEXT NOT NULL DEFAULT '',
    industry    TEXT NOT NULL DEFAULT '',
    employer    TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    chairman    TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    custom      TEXT NOT NULL DEFAULT '{}',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE crm_members (
    id            TEXT PRIMARY KEY,
    unit_id       TEXT NOT NULL REFERENCES units(id),  -- primary organisation
    surname       TEXT NOT NULL,
    given_name    TEXT NOT NULL DEFAULT '',
    patronymic    TEXT NOT NULL DEFAULT '',
    name_folded   TEXT NOT NULL,                 -- "surname given patronymic", folded
    birth_date    TEXT NOT NULL DEFAULT '',      -- YYYY-MM-DD or ''
    sex           TEXT NOT NULL DEFAULT '',
    phones        TEXT NOT NULL DEFAULT '[]',    -- E.164, JSON array; looked up through crm_member_contacts
    emails        TEXT NOT NULL DEFAULT '[]',
    workplace     TEXT NOT NULL DEFAULT '',
    position      TEXT NOT NULL DEFAULT '',
    industry      TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    joined_on     TEXT NOT NULL DEFAULT '',
    left_on       TEXT NOT NULL DEFAULT '',
    left_reason   TEXT NOT NULL DEFAULT '',
    card_number   TEXT NOT NULL DEFAULT '',      -- union card
    discount_card TEXT NOT NULL DEFAULT '',      -- ProfDISCOUNT
    activist      BOOLEAN NOT NULL DEFAULT FALSE,
    flags         TEXT NOT NULL DEFAULT '[]',
    consents      TEXT NOT NULL DEFAULT '{}',
    -- ",email,sms," : mailing channels with consent given, for a LIKE filter
    consent_channels TEXT NOT NULL DEFAULT ',',
    custom        TEXT NOT NULL DEFAULT '{}',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
`),
		collateC("crm_members", "name_folded"),
		both(`
CREATE INDEX crm_members_unit_name ON crm_members(unit_id, name_folded);
CREATE INDEX crm_members_name ON crm_members(name_folded);
CREATE UNIQUE INDEX crm_members_card ON crm_members(card_number) WHERE card_number <> '';
CREATE INDEX crm_members_discount ON crm_members(discount_card) WHERE discount_card <> '';

-- Phones and e-mails of members, for lookup and duplicate control.
CREATE TABLE crm_member_contacts (
    kind      TEXT NOT NULL,   -- phone or email
    value     TEXT NOT NULL,   -- E.164 phone, lower-case e-mail
    member_id TEXT NOT NULL REFERENCES crm_members(id) ON DELETE CASCADE,
    PRIMARY KEY (kind, value, member_id)
);
CREATE INDEX crm_member_contacts_member ON crm_member_contacts(member_id);

-- Every folded word of a member's name: prefix search on any word is an
-- index range scan instead of a LIKE '%…%' over the whole table.
CREATE TABLE crm_member_words (
    word      TEXT NOT NULL,
    member_id TEXT NOT NULL REFERENCES crm_members(id) ON DELETE CASCADE,
    PRIMARY KEY (word, member_id)
);
CREATE INDEX crm_member_words_member ON crm_member_words(member_id);
`),
		collateC("crm_member_words", "word"),
	},
	down: []step{
		both(`
DROP TABLE crm_member_words;
DROP TABLE crm_member_contacts;
DROP TABLE crm_members;
DROP TABLE crm_organisations;
`),
	},
}
