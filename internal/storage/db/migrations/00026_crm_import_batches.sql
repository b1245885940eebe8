-- +goose Up
-- Import batches of the import wizard (package crm, import_undo.go): one
-- row per import run, with its progress for the wizard's bar, and one row
-- per card the run created or changed, so that the whole batch can be
-- undone. previous holds the card as it was (JSON of crm.MemberInput) for a
-- changed card, '' for a created one; after_at is the card's updated_at as
-- the import left it, so undo leaves alone a card edited since.
CREATE TABLE crm_import_batches (
    id          TEXT PRIMARY KEY,
    unit_id     TEXT NOT NULL,                 -- the importer's home unit: who may see the batch
    user_id     TEXT NOT NULL DEFAULT '',
    user_name   TEXT NOT NULL DEFAULT '',
    file_name   TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,                 -- running, done, failed, undone
    total       INTEGER NOT NULL DEFAULT 0,    -- data rows of the file
    done        INTEGER NOT NULL DEFAULT 0,    -- rows applied so far
    created     INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    errors      INTEGER NOT NULL DEFAULT 0,
    message     TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    finished_at BIGINT NOT NULL DEFAULT 0,
    undone_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX crm_import_batches_unit ON crm_import_batches (unit_id, created_at);

CREATE TABLE crm_import_batch_members (
    batch_id  TEXT NOT NULL REFERENCES crm_import_batches(id) ON DELETE CASCADE,
    member_id TEXT NOT NULL,
    previous  TEXT NOT NULL DEFAULT '',
    after_at  BIGINT NOT NULL,
    PRIMARY KEY (batch_id, member_id)
);

-- +goose Down
DROP TABLE crm_import_batch_members;
DROP TABLE crm_import_batches;
