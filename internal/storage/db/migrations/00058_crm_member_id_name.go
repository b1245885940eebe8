package migrations

// Issue 26: on SQLite, a search by several words of the name checks the
// other words on the folded names of the lead word's cards («иванов ан»:
// about 10,000 cards at 254,000 members). crm_members has a TEXT key, so
// each card was found through the key's index and then read whole from
// the table (its JSON columns included) to compare one column. This index
// holds the id, the folded name and the unit: the count and the page's
// choice read it alone (the count fell from 36–45 to 8–21 ms of CPU in
// the sqlite3 shell on the bench's 254,000 cards). Its keys are UUIDv7,
// so an import appends to it. PostgreSQL names the lead word's cards in
// an array and walks the names' index in order (crm.wordMatches); it
// does not need it.
var crmMemberIDName = goMigration{
	version: 58,
	up:      []step{perEngine(`CREATE INDEX crm_members_id_name ON crm_members(id, name_folded, unit_id);`, ``)},
	down:    []step{perEngine(`DROP INDEX crm_members_id_name;`, ``)},
}
