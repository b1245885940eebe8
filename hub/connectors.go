package hub

import (
	"net/http"

	"github.com/profhub/profhub/connectors/mail"
	"github.com/profhub/profhub/connectors/sms"
	"github.com/profhub/profhub/connectors/telegram"
	"github.com/profhub/profhub/connectors/telephony"
	"github.com/profhub/profhub/connectors/vk"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/widget"
)

// connector is a channel kind's adapter. newConnectors registers the
// kind's Sender and ChannelHook with the inbox; Routes mounts its webhooks
// (under /hooks/{kind}/…); Start runs its workers (long polling, mailbox
// watchers) and Stop ends them.
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
// reads the inbox. The Telegram and VK connectors are built earlier
// (newMessengers), as mailing's messengers.
func (h *Hub) newConnectors() []connector {
	in := h.Inbox
	h.Telephony = telephony.New(telephony.Deps{Inbox: TelephonyInbox(in), Blobs: h.Blobs, DB: h.DB, Staff: TelephonyStaff(h.Org),
		Members: TelephonyMembers(h.CRM.Members), Log: h.Log, Zone: h.Config.Zone()})
	h.registerChannelKind(inbox.KindTelephony, h.Telephony.Sender(), h.Telephony.CheckChannel)
	h.CRM.Timelines.RegisterTimelineSource("calls", callTimeline{telephony.Timeline{C: h.Telephony}})
	tg, vkc := h.telegram, h.vk
	h.registerChannelKind(inbox.KindTelegram, tg.Sender(), tg.CheckChannel)
	h.registerChannelKind(inbox.KindVK, vkc, vkc.CheckChannel)
	h.CRM.Timelines.RegisterTimelineSource("mailings", h.Mailing.Timeline)
	h.Inbox.Ingestion.SetReplyMatcher(h.Mailing.Replies) // a member's answer to a campaign is linked to it
	site := widget.New(widget.Deps{Inbox: WidgetInbox(in), DB: h.DB, KV: h.KV, Blobs: h.Blobs, Org: h.Org, Config: h.Config, Log: h.Log, Metrics: h.Metrics,
		Mailer: h.mailLate}) // the widget e-mails replies to away visitors through a mail channel
	h.registerChannelKind(inbox.KindWidget, site.Sender(), widget.ValidateChannel)
	h.Mail = mail.New(mail.Deps{Inbox: MailInbox(in), Blobs: h.Blobs, DB: h.DB, Log: h.Log, Bounces: h.Mailing.Suppressions, Senders: h.Mailing.Accounts,
		Replies: calendarReplies{h, widgetReplies{site.MailReplies}}}) // and their replies to those letters join their chats
	h.registerChannelKind(inbox.KindMail, h.Mail.Sender(), h.Mail.CheckChannel)
	h.mailLate.bind(h.Mail)
	text := sms.New(sms.Deps{Inbox: SMSInbox(in), Gateways: smsGateways{h.Mailing.SMSGateways}, Log: h.Log})
	h.registerChannelKind(inbox.KindSMS, text.Sender(), text.CheckChannel)
	return []connector{
		tg,
		vkc,
		h.Mail,
		site,
		h.Telephony,
		text,
	}
}

// newMessengers builds the Telegram and VK connectors, before mailing:
// campaigns send through them (mailing.Deps.Messengers), and they need
// nothing of mailing.
func (h *Hub) newMessengers() {
	h.telegram = telegram.New(telegram.Deps{Inbox: TelegramInbox(h.Inbox), Blobs: h.Blobs, Config: h.Config, Log: h.Log,
		Members: h.CRM.Members, DB: h.DB, Staff: telegramStaff{h}, Office: memberOfficeTG{h}})
	h.vk = vk.New(vk.Deps{Inbox: VKInbox(h.Inbox), Blobs: h.Blobs, Log: h.Log})
	h.vk.SetOffice(memberOfficeVK{h})
}

// registerChannelKind makes s send the replies of channels of kind and
// hook check them when they are created or changed.
func (h *Hub) registerChannelKind(kind string, s inbox.Sender, hook inbox.ChannelHook) {
	h.Inbox.Dispatch.RegisterSender(kind, s)
	h.Inbox.Channels.RegisterHook(kind, hook)
}

// The connectors' views of the inbox: each gets the few services it uses.

// TelegramInbox is what the Telegram connector uses of the inbox.
func TelegramInbox(in *inbox.Services) telegram.Inbox {
	return telegram.Inbox{Ingester: in.Ingestion, Pacer: in.Pacing, ContactLinker: in.Actions, RatingTaker: in.Ratings,
		Threads: in.Ingestion, Lines: in.Lines, Channels: in.Channels}
}

// VKInbox is what the VK connector uses of the inbox.
func VKInbox(in *inbox.Services) vk.Inbox {
	return vk.Inbox{Ingester: in.Ingestion, Threads: in.Ingestion, Channels: in.Channels, RatingTaker: in.Ratings}
}

// MailInbox is what the mail connector uses of the inbox.
func MailInbox(in *inbox.Services) mail.Inbox {
	return mail.Inbox{Ingester: in.Ingestion, AttachmentReader: in.Attachments, DeliveryReporter: in.Dispatch, Channels: in.Channels}
}

// TelephonyInbox is what the telephony connector uses of the inbox.
func TelephonyInbox(in *inbox.Services) telephony.Inbox {
	return telephony.Inbox{Ingester: in.Ingestion, MemberLinker: in.Actions, NoteWriter: in.Dispatch, Notifier: in.Events,
		Lines: in.Lines, Channels: in.Channels, Conversations: in.Conversations}
}

// WidgetInbox is what the website widget uses of the inbox.
func WidgetInbox(in *inbox.Services) widget.Inbox {
	return widget.Inbox{Ingester: in.Ingestion, EventReader: in.Events, ContactSignals: in.Events, Rater: in.Actions,
		AttachmentServer: in.Attachments, Lines: in.Lines, Channels: in.Channels, Conversations: in.Conversations, Supervisor: in.Supervisor,
		Notes: in.Actions}
}
