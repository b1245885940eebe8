package audit

// Histories show people by full name, never by login. Rows written
// before the person-name change recorded the login as the actor's name
// (and some, by the command line or a token, no user id), so the name is
// resolved when the row is read: the user by id, else the user whose
// login the row recorded; the recorded name only when it names no user
// ("system", a channel).

// ActorSQL is two SQL columns for a row whose actor is idCol and nameCol
// (columns of the caller's query, never input): the full name of the
// user it names (empty when none) and the recorded name. Actor makes the name shown.
func ActorSQL(idCol, nameCol string) string {
	return `COALESCE((SELECT ax.full_name FROM users ax WHERE ax.id = ` + idCol + ` AND ` + idCol + ` <> ''),
		(SELECT ax.full_name FROM users ax WHERE ax.login = ` + nameCol + `), ''), ` + nameCol
}

// Actor is the name a history shows, from ActorSQL's two columns: the
// user's full name ("Иванова Мария Петровна", as the cards' histories
// show people), or the recorded name.
func Actor(fullName, recorded string) string {
	if fullName != "" {
		return fullName
	}
	return recorded
}
