package migrations

// Search in what was written in conversations (inbox/search*.go). Each
// engine indexes word stems its own way, so the tables differ; the
// indexer's state is shared SQL.
var inboxSearch = goMigration{
	version: 25,
	up: []step{
		perEngine(`
-- One row per indexed message; id is the message's time in ms times a
-- million plus a number within the millisecond, so that id order is time
-- order, and the row of the FTS5 table below, which keeps only the stems
-- (made in Go: FTS5 has no Russian stemmer), without positions: a search
-- needs every stem, never a phrase.
CREATE TABLE inbox_search_docs (
    id              INTEGER PRIMARY KEY,
    message_id      TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX inbox_search_docs_message ON inbox_search_docs(message_id);
CREATE VIRTUAL TABLE inbox_search USING fts5(terms, content='', detail=none, tokenize='unicode61 remove_diacritics 0');
`, `
-- One row per indexed message, its words as to_tsvector('russian', text);
-- kept apart from inbox_messages so that ingest writes no GIN entries.
-- id is the message's time in ms times a million plus a number within
-- the millisecond: id order is time order.
CREATE TABLE inbox_search_docs (
    id              BIGINT PRIMARY KEY,
    message_id      TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    terms           TSVECTOR NOT NULL
);
CREATE UNIQUE INDEX inbox_search_docs_message ON inbox_search_docs(message_id);
CREATE INDEX inbox_search_docs_terms ON inbox_search_docs USING GIN (terms);
`),
		both(`
-- Where the indexer is: it follows the event log past event_seq, and
-- until backfilled is true it also walks inbox_messages by id past
-- backfill_after (the messages written before it, or whose events were
-- trimmed while it was stopped).
CREATE TABLE inbox_search_state (
    name           TEXT PRIMARY KEY,
    event_seq      BIGINT NOT NULL,
    backfill_after TEXT NOT NULL DEFAULT '',
    backfilled     BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO inbox_search_state (name, event_seq) SELECT 'messages', seq FROM inbox_counter WHERE name = 'events';
`),
	},
	down: []step{
		both(`DROP TABLE inbox_search_state;`),
		perEngine(`DROP TABLE inbox_search; DROP TABLE inbox_search_docs;`, `DROP TABLE inbox_search_docs;`),
	},
}
