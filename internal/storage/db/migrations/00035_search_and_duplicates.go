package migrations

// Issue 19's speed: the likely duplicates' index (both engines), and the
// search's filters kept in the index (PostgreSQL; inbox/search_pg.go).
// A GIN index returns matches in no order, and the newest matches in time
// order come from walking the primary key, which tests every row and, for
// a filter on the conversation (an operator, a status, a line), joined
// each match to its conversation: an uncommon word with an operator's
// filter read tens of thousands of rows (p95 219 ms at 1,000,000
// messages). The conversation's line, channel kind, assignee and status
// are now lexemes of the document's tsvector ('@l:<line>', '@k:<kind>',
// '@o:<assignee>', '@s:<status>'), so the GIN index intersects the word
// with the filter, and plain columns beside them say which lexemes to
// replace when the conversation changes (the indexer follows its events).
// The index is rebuilt by the indexer's walk of the messages (about 40 s
// per million on the benchmark machine); SQLite's FTS5 index is unchanged.
var inboxSearchFilters = goMigration{
	version: 35,
	up: []step{
		// The likely duplicates by name and birth date (crm/duplicates.go)
		// group the cards by both; with this index the grouping is one
		// ordered pass and a group's cards one lookup.
		both(`CREATE INDEX crm_members_name_birth ON crm_members(name_folded, birth_date);`),
		postgresOnly(`
ALTER TABLE inbox_search_docs ADD COLUMN line_id TEXT NOT NULL DEFAULT '';
ALTER TABLE inbox_search_docs ADD COLUMN assignee_id TEXT NOT NULL DEFAULT '';
ALTER TABLE inbox_search_docs ADD COLUMN status TEXT NOT NULL DEFAULT '';
CREATE INDEX inbox_search_docs_conversation ON inbox_search_docs(conversation_id);
TRUNCATE inbox_search_docs;
UPDATE inbox_search_state SET backfill_after = '', backfilled = FALSE WHERE name = 'messages';
`),
	},
	down: []step{
		both(`DROP INDEX crm_members_name_birth;`),
		postgresOnly(`
DROP INDEX inbox_search_docs_conversation;
ALTER TABLE inbox_search_docs DROP COLUMN line_id;
ALTER TABLE inbox_search_docs DROP COLUMN assignee_id;
ALTER TABLE inbox_search_docs DROP COLUMN status;
TRUNCATE inbox_search_docs;
UPDATE inbox_search_state SET backfill_after = '', backfilled = FALSE WHERE name = 'messages';
`),
	},
}
