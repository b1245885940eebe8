package inbox_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
)

// BenchmarkReportYear: the year's report of 100,000 conversations (each
// with a question and an answer) on two lines, one with working hours,
// four channels and twenty operators, as the reports page asks for it.
//
//	go test ./inbox -run '^$' -bench ReportYear -benchtime 3x
func BenchmarkReportYear(b *testing.B) {
	const total = 100_000
	n := hubtest.Start(b)
	ctx := b.Context()
	var channels []string
	for i := range 2 {
		l := inbox.DefaultLine()
		l.Name, l.UnitID = fmt.Sprintf("Линия %d", i+1), n.System.UnitID
		if i == 0 { // weekdays 9 to 18: the working-time timings walk its days
			l.Hours = inbox.WorkingHours{Week: map[string][]inbox.Period{}}
			for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
				l.Hours.Week[d] = []inbox.Period{{From: "09:00", To: "18:00"}}
			}
		}
		line, err := n.Inbox.Lines.Create(ctx, n.System, l)
		if err != nil {
			b.Fatal(err)
		}
		for j := range 2 {
			ch, _, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindAPI, Name: fmt.Sprintf("Канал %d.%d", i+1, j+1)})
			if err != nil {
				b.Fatal(err)
			}
			channels = append(channels, ch.ID)
		}
	}
	var ops []string
	for i := range 20 {
		ops = append(ops, n.AddUser(b, fmt.Sprintf("bench.op%d", i), access.Operator, n.System.UnitID, "password-bench").ID)
	}
	start := time.Now().AddDate(-1, 0, 1).Truncate(24 * time.Hour)
	past := make([]inbox.PastConversation, 0, 10_000)
	for i := range total {
		past = append(past, inbox.PastConversation{ChannelID: channels[i%len(channels)], OperatorID: ops[i%len(ops)],
			ContactName: fmt.Sprintf("Член профсоюза %d", i%5000), Subject: "Вопрос", Question: "Вопрос", Answer: "Ответ",
			Created: start.Add(time.Duration(i) * 315 * time.Second), Wait: time.Duration(i%600) * time.Second,
			FirstResponse: time.Duration(600+i%900) * time.Second, Closed: time.Duration(3600+i%7200) * time.Second, Rating: i % 6})
		if len(past) == cap(past) {
			if err := n.Inbox.Stats.AddHistory(ctx, past); err != nil {
				b.Fatal(err)
			}
			past = past[:0]
		}
	}
	f := inbox.StatsFilter{From: start, To: start.AddDate(0, 0, 366)}
	b.ResetTimer()
	for b.Loop() {
		st, err := n.Inbox.Stats.Report(ctx, n.System, f)
		if err != nil || st.Total.Received != total || len(st.Operators) != 20 {
			b.Fatalf("report: %d received, %d operators, %v", st.Total.Received, len(st.Operators), err)
		}
	}
}
