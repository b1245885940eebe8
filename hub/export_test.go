package hub

import "github.com/profhub/profhub/connectors/mail"

// CalendarReplies is the mail connector's reply taker with the calendar's
// answers in front of next, for tests.
func CalendarReplies(h *Hub, next mail.ReplyTaker) mail.ReplyTaker { return calendarReplies{h, next} }
