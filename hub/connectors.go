package hub

import (
	"net/http"

	"github.com/profhub/profhub/connectors/mail"
	"github.com/profhub/profhub/connectors/telegram"
	"github.com/profhub/profhub/connectors/telephony"
	"github.com/profhub/profhub/connectors/vk"
	"github.com/profhub/profhub/mailing"
	"github.com/profhub/profhub/widget"
	"github.com/profhub/profhub/workflow"
)

// connector is a channel kind's adapter. Its constructor registers the
// kind's Sender and ChannelHook with the inbox engine; Routes mounts its
// webhooks (under /hooks/{kind}/…); Start runs its workers (long polling,
// mailbox watchers) and Stop ends them.
type connector interface {
	Routes(mux *http.ServeMux)
	Start()
	Stop()
}

// newConnectors builds every channel connector of this node. Add one line
// per channel kind.
func (h *Hub) newConnectors() []connector {
	h.Telephony = telephony.New(telephony.Deps{Inbox: h.Inbox, Blobs: h.Blobs, DB: h.DB, Org: h.Org,
		Members: TelephonyMembers(h.CRM.Members), Log: h.Log})
	h.CRM.Timelines.RegisterTimelineSource("calls", callTimeline{telephony.Timeline{C: h.Telephony}})
	mailer := mail.New(mail.Deps{Inbox: h.Inbox, Blobs: h.Blobs, DB: h.DB, Log: h.Log, Bounces: h.Mailing.Suppressions, Senders: h.Mailing.Accounts})
	h.Mail = mailer
	h.Docs.Mail.SetMailer(documentMailer{mailer}, h.Config.BaseURL) // outgoing documents dispatched by e-mail
	h.CRM.Timelines.RegisterTimelineSource("documents", workflow.Timeline{S: h.Docs.Journal})
	tg := telegram.New(telegram.Deps{Inbox: h.Inbox, Blobs: h.Blobs, Config: h.Config, Log: h.Log, Members: h.CRM.Members, DB: h.DB})
	vkc := vk.New(vk.Deps{Inbox: h.Inbox, Blobs: h.Blobs, Log: h.Log})
	h.Mailing.Messengers.RegisterMessenger(mailing.ChannelTelegram, tg) // campaigns over the inbox's bots and communities
	h.Mailing.Messengers.RegisterMessenger(mailing.ChannelVK, vkc)
	h.CRM.Timelines.RegisterTimelineSource("mailings", h.Mailing.Timeline)
	h.Inbox.SetReplyMatcher(h.Mailing.Replies) // a member's answer to a campaign is linked to it
	site := widget.New(widget.Deps{Inbox: h.Inbox, DB: h.DB, KV: h.KV, Blobs: h.Blobs, Org: h.Org, Config: h.Config, Log: h.Log,
		Mailer: mailer}) // the widget e-mails replies to away visitors through a mail channel
	mailer.TakeRepliesWith(widgetReplies{site}) // and their replies to those letters join their chats
	return []connector{
		tg,
		vkc,
		mailer,
		site,
		h.Telephony,
	}
}
