package inbox

// The HTTP handler types: each holds only the services its handlers call
// (the *_routes.go files); routes.go builds them and is the table of
// contents of the inbox API.

type lineHandlers struct{ Lines *Lines }

type channelHandlers struct{ Channels *Channels }

type presenceHandlers struct{ Presence *Presence }

type conversationHandlers struct{ Conversations *Conversations }

type supervisorHandlers struct{ Supervisor *Supervisor }

type routingHandlers struct{ Routing *Routing }

type actionHandlers struct{ Actions *Actions }

type dispatchHandlers struct{ Dispatch *Dispatch }

type attachmentHandlers struct{ Attachments *Attachments }

type eventHandlers struct {
	Events   *Events
	Presence *Presence // the console's pings keep its operator present
}

type apiChannelHandlers struct {
	Ingestion *Ingestion
	Dispatch  *Dispatch // replies collected by pull
}

type quickAnswerHandlers struct{ QuickAnswers *QuickAnswers }

type statsHandlers struct{ Stats *Statistics }
