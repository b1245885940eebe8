-- +goose Up
-- The console's side panel (package crm, conversation_panel.go).
--
-- A proposed link of a conversation's contact to a member card (the
-- phone or e-mail a widget visitor gave matches the card) that an
-- operator dismissed: that card is not proposed for that contact again.
CREATE TABLE crm_link_dismissals (
    contact_id  TEXT NOT NULL,
    member_id   TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (contact_id, member_id)
);

-- The custom values of conversations (custom fields of the entity
-- "conversation"), kept by the CRM beside the inbox's own table.
CREATE TABLE crm_conversation_custom (
    conversation_id TEXT PRIMARY KEY,
    custom          TEXT NOT NULL DEFAULT '{}',
    updated_by      TEXT NOT NULL DEFAULT '',
    updated_at      BIGINT NOT NULL
);

-- +goose Down
DROP TABLE crm_conversation_custom;
DROP TABLE crm_link_dismissals;
