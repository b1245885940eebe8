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
//
// What a connector needs is a constructor dependency (its Deps), except
// where construction runs in a circle. The mail connector is reached
// through h.mailLate (see lateMail). The registrations below add to
// services built earlier what is built from them: the CRM's member
// timeline takes calls and mailings from telephony and mailing, which
// read the CRM; the inbox's campaign reply matcher is mailing, which
// reads the inbox. Mailing's messengers could be a mailing.Deps field
// (the bots do not need mailing); they wait for mailing's split.
func (h *Hub) newConnectors() []connector {
	h.Telephony = telephony.New(telephony.Deps{Inbox: h.Inbox, Blobs: h.Blobs, DB: h.DB, Staff: TelephonyStaff(h.Org),
		Members: TelephonyMembers(h.CRM.Members), Log: h.Log})
	h.CRM.Timelines.RegisterTimelineSource("calls", callTimeline{telephony.Timeline{C: h.Telephony}})
	h.CRM.Timelines.RegisterTimelineSource("documents", workflow.Timeline{S: h.Docs.Journal})
	tg := telegram.New(telegram.Deps{Inbox: h.Inbox, Blobs: h.Blobs, Config: h.Config, Log: h.Log, Members: h.CRM.Members, DB: h.DB})
	vkc := vk.New(vk.Deps{Inbox: h.Inbox, Blobs: h.Blobs, Log: h.Log})
	h.Mailing.RegisterMessenger(mailing.ChannelTelegram, tg) // campaigns over the inbox's bots and communities
	h.Mailing.RegisterMessenger(mailing.ChannelVK, vkc)
	h.CRM.Timelines.RegisterTimelineSource("mailings", mailing.Timeline{S: h.Mailing})
	h.Inbox.SetReplyMatcher(h.Mailing) // a member's answer to a campaign is linked to it
	site := widget.New(widget.Deps{Inbox: h.Inbox, DB: h.DB, KV: h.KV, Blobs: h.Blobs, Org: h.Org, Config: h.Config, Log: h.Log,
		Mailer: h.mailLate}) // the widget e-mails replies to away visitors through a mail channel
	h.Mail = mail.New(mail.Deps{Inbox: h.Inbox, Blobs: h.Blobs, DB: h.DB, Log: h.Log, Bounces: h.Mailing, Senders: h.Mailing,
		Replies: widgetReplies{site}}) // and their replies to those letters join their chats
	h.mailLate.bind(h.Mail)
	return []connector{
		tg,
		vkc,
		h.Mail,
		site,
		h.Telephony,
	}
}
