-- +goose Up
-- Contact labels (package inbox): the conversation labels' catalogue put on
-- a contact, shown on every conversation of theirs and on the linked
-- member's card.
CREATE TABLE inbox_contact_labels (
    contact_id TEXT NOT NULL REFERENCES inbox_contacts(id) ON DELETE CASCADE,
    label_id   TEXT NOT NULL REFERENCES inbox_labels(id) ON DELETE CASCADE,
    added_at   BIGINT NOT NULL,
    PRIMARY KEY (contact_id, label_id)
);
CREATE INDEX inbox_contact_labels_label ON inbox_contact_labels(label_id);

-- Saved views of the console's list filter, a user's own or shared with
-- their unit (package sharing's rule, as crm_saved_filters).
CREATE TABLE inbox_saved_views (
    id          TEXT PRIMARY KEY,
    owner_id    TEXT NOT NULL,
    unit_id     TEXT NOT NULL REFERENCES units(id),
    name        TEXT NOT NULL,
    shared      BOOLEAN NOT NULL DEFAULT FALSE,
    filter      TEXT NOT NULL,                           -- JSON of inbox.ViewFilter
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX inbox_saved_views_owner ON inbox_saved_views(owner_id);
CREATE INDEX inbox_saved_views_unit ON inbox_saved_views(unit_id) WHERE shared;

-- +goose Down
DROP TABLE inbox_saved_views;
DROP TABLE inbox_contact_labels;
