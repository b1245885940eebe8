package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/profhub/profhub/mailing/mailingtest"
)

// The mailing scenario: an e-mail campaign to an imported list of N
// recipients, sent by the hub to a local SMTP sink that counts distinct
// Message-IDs and recipients. The clock runs from the start action to the
// campaign's "finished" (ledger build included); missing and dup are read
// at the sink.

type mailingFlags struct {
	targetFlags
	recipients int
	conns      int
	sinkListen string
	sinkHost   string
}

func runMailing(ctx context.Context, args []string) error {
	var f mailingFlags
	fs := flag.NewFlagSet("mailing", flag.ContinueOnError)
	f.register(fs)
	fs.IntVar(&f.recipients, "recipients", 254000, "recipients of the campaign")
	fs.IntVar(&f.conns, "conns", 8, "SMTP connections of the campaign's account")
	fs.StringVar(&f.sinkListen, "sink", "127.0.0.1:0", "address the SMTP sink listens on")
	fs.StringVar(&f.sinkHost, "sink-host", "", "host the hub reaches the sink at (default: the sink's address)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sink, err := mailingtest.Start(f.sinkListen)
	if err != nil {
		return err
	}
	defer sink.Close()
	t, err := f.open(ctx, 4)
	if err != nil {
		return err
	}
	defer t.stop()
	host, portStr, _ := net.SplitHostPort(sink.Addr)
	if f.sinkHost != "" {
		host = f.sinkHost
	}
	port, _ := strconv.Atoi(portStr)
	var acc struct{ ID string }
	if _, err := t.call(ctx, t.token, "POST", "/api/v1/mailing/accounts", map[string]any{"name": "bench sink", "host": host,
		"port": port, "tls": "none", "from_address": "news@union.example.org", "from_name": "Федерация профсоюзов",
		"connections": f.conns}, &acc); err != nil {
		return err
	}
	var list struct{ ID string }
	if _, err := t.call(ctx, t.token, "POST", "/api/v1/mailing/lists", map[string]string{"name": "bench"}, &list); err != nil {
		return err
	}
	loadStart := time.Now()
	for start := 0; start < f.recipients; start += 20000 {
		var entries []map[string]any
		for i := start; i < min(f.recipients, start+20000); i++ {
			entries = append(entries, map[string]any{"name": fmt.Sprintf("Кузнецова Мария Ивановна %d", i),
				"email": fmt.Sprintf("r%d@members.example.net", i), "organisation": "ППО завода «Прогресс»",
				"card_number": fmt.Sprintf("%07d", i), "consents": []string{"email"}})
		}
		if _, err := t.call(ctx, t.token, "POST", "/api/v1/mailing/lists/"+list.ID+"/entries", map[string]any{"entries": entries}, nil); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "list of %d loaded in %s\n", f.recipients, time.Since(loadStart).Round(time.Millisecond))
	html := mailingtest.Newsletter()
	var c struct{ ID string }
	if _, err := t.call(ctx, t.token, "POST", "/api/v1/mailing/campaigns", map[string]any{"name": "Бенчмарк", "kind": "informational",
		"channels": []string{"email"}, "segments": []map[string]string{{"list_id": list.ID}}, "accounts": []string{acc.ID},
		"content": map[string]string{"subject": mailingtest.NewsletterSubject, "html": html}}, &c); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "campaign %s: %d bytes of HTML template, %d SMTP connections\n", c.ID, len(html), f.conns)
	start := time.Now()
	if _, err := t.call(ctx, t.token, "POST", "/api/v1/mailing/campaigns/"+c.ID+"/start", nil, nil); err != nil {
		return err
	}
	var last int64
	for {
		var st struct {
			Status string
			Alert  string
		}
		if _, err := t.call(ctx, t.token, "GET", "/api/v1/mailing/campaigns/"+c.ID, nil, &st); err != nil {
			return err
		}
		if st.Status == "finished" {
			break
		}
		if st.Status != "running" {
			return fmt.Errorf("campaign is %s: %s", st.Status, st.Alert)
		}
		if n := sink.Accepted(); n/20000 != last/20000 {
			fmt.Fprintf(os.Stderr, "  %d sent, %.0f/s\n", n, float64(n)/time.Since(start).Seconds())
			last = n
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	total := time.Since(start)
	got := sink.Counts()
	missing := f.recipients - got.Recipients
	fmt.Printf("RESULT mailing recipients=%d rate=%.0f total_s=%.1f rss_mb=%.0f missing=%d dup=%d %s\n",
		got.Recipients, float64(got.Recipients)/total.Seconds(), total.Seconds(), t.hubUsage().peakRSSMB, missing, got.Duplicates, t.usageFields())
	if got.Mismatched > 0 {
		fmt.Fprintf(os.Stderr, "%d copies with a different Message-ID\n", got.Mismatched)
	}
	return nil
}
