-- +goose Up
-- The unit of the member a name word belongs to (kept by crm.writeIndex
-- and the import): a search's total is counted from the words' index and
-- the units alone (see crm.wordCount). Joined to every member of the
-- scope instead, PostgreSQL scanned the scope for each count.
ALTER TABLE crm_member_words ADD COLUMN unit_id TEXT NOT NULL DEFAULT '';
-- UPDATE … FROM (SQLite 3.33 and later, PostgreSQL) joins once instead of
-- running a subquery per row; the alias needs AS on SQLite.
UPDATE crm_member_words AS w SET unit_id = m.unit_id FROM crm_members m WHERE m.id = w.member_id;
CREATE INDEX crm_member_words_word_unit ON crm_member_words(word, unit_id, member_id);

-- +goose Down
DROP INDEX crm_member_words_word_unit;
ALTER TABLE crm_member_words DROP COLUMN unit_id;
