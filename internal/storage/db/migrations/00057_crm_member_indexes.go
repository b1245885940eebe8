package migrations

// Issue 26: two indexes less for the import to write. Each new card wrote
// an entry into crm_members_name_birth and one per word of its name into
// crm_member_words_word_unit, which other indexes already served:
//
//   - crm_members_name_birth (name_folded, birth_date) duplicates the
//     leading column of crm_members_name_id (name_folded, id, birth_date),
//     which also holds the birth date: the import's look-up by name and
//     birth date and the duplicate check of a card read that index alone.
//     The likely-duplicates report groups by (name_folded, birth_date):
//     PostgreSQL hashes the groups either way; SQLite reads the names in
//     order and sorts each run of one name by birth date (a temporary
//     B-tree for the GROUP BY), which costs little against one more index
//     entry per card written.
//   - crm_member_words had the key (word, member_id) and an index
//     crm_member_words_word_unit (word, unit_id, member_id) over the same
//     word ranges. The key is now (word, unit_id, member_id) and the second
//     index is gone: a member's words all carry its unit (crm.writeIndex,
//     the import), so the key is as unique as before, and the search's and
//     the count's word ranges read it as they read the index.
//
// SQLite cannot change a primary key in place: the words' table is
// rebuilt, with its columns in the same order.
var crmMemberIndexes = goMigration{
	version: 57,
	up: []step{
		both(`DROP INDEX crm_members_name_birth;`),
		perEngine(`
CREATE TABLE crm_member_words_new (
    word      TEXT NOT NULL,
    member_id TEXT NOT NULL REFERENCES crm_members(id) ON DELETE CASCADE,
    unit_id   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (word, unit_id, member_id)
);
INSERT INTO crm_member_words_new (word, member_id, unit_id) SELECT word, member_id, unit_id FROM crm_member_words;
DROP TABLE crm_member_words;
ALTER TABLE crm_member_words_new RENAME TO crm_member_words;
CREATE INDEX crm_member_words_member ON crm_member_words(member_id);
`, `
DROP INDEX crm_member_words_word_unit;
ALTER TABLE crm_member_words DROP CONSTRAINT crm_member_words_pkey;
ALTER TABLE crm_member_words ADD CONSTRAINT crm_member_words_pkey PRIMARY KEY (word, unit_id, member_id);
`),
	},
	down: []step{
		perEngine(`
CREATE TABLE crm_member_words_old (
    word      TEXT NOT NULL,
    member_id TEXT NOT NULL REFERENCES crm_members(id) ON DELETE CASCADE,
    unit_id   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (word, member_id)
);
INSERT INTO crm_member_words_old (word, member_id, unit_id) SELECT word, member_id, unit_id FROM crm_member_words;
DROP TABLE crm_member_words;
ALTER TABLE crm_member_words_old RENAME TO crm_member_words;
CREATE INDEX crm_member_words_member ON crm_member_words(member_id);
CREATE INDEX crm_member_words_word_unit ON crm_member_words(word, unit_id, member_id);
`, `
ALTER TABLE crm_member_words DROP CONSTRAINT crm_member_words_pkey;
ALTER TABLE crm_member_words ADD CONSTRAINT crm_member_words_pkey PRIMARY KEY (word, member_id);
CREATE INDEX crm_member_words_word_unit ON crm_member_words(word, unit_id, member_id);
`),
		both(`CREATE INDEX crm_members_name_birth ON crm_members(name_folded, birth_date);`),
	},
}
