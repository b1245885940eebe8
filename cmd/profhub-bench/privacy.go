package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The privacy scenario times the subject report of 152-FZ (issue 25: under
// a minute at 254,000 members): it imports --members members as the crm
// scenario does, finds --reports of them by phone the way a secretary
// would, opens each card (an access-log row the report must then list),
// and downloads each member's report as XLSX and as the printable page,
// timed from the request to the last byte.
//
//	RESULT privacy members=… reports=… xlsx_p50_s=… xlsx_max_s=… html_max_s=…

func runPrivacy(ctx context.Context, args []string) error {
	var f struct {
		targetFlags
		committees, primaries, members, reports int
		seed                                    uint64
	}
	fs := flag.NewFlagSet("privacy", flag.ContinueOnError)
	f.register(fs)
	fs.IntVar(&f.committees, "committees", 20, "regional and sector committees")
	fs.IntVar(&f.primaries, "primaries", 2700, "primary organisations")
	fs.IntVar(&f.members, "members", 254000, "members imported")
	fs.IntVar(&f.reports, "reports", 10, "members whose report is made")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed of the generated federation")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t, err := f.open(ctx, 4)
	if err != nil {
		return err
	}
	var stopOnce sync.Once
	stop := func() { stopOnce.Do(t.stop) }
	defer stop()
	t.client.Timeout = 30 * time.Minute
	r := rand.New(rand.NewPCG(f.seed, 152))
	fed := makeFederation(r, f.committees, f.primaries)
	if _, _, err := createUnits(ctx, t, fed); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "profhub-bench-privacy-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "members.xlsx")
	people, err := writeMembersXLSX(file, r, fed, f.members)
	if err != nil {
		return err
	}
	start := time.Now()
	rep, err := importFile(ctx, t, file)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "import: %d members in %.1f s\n", rep.Created, time.Since(start).Seconds())

	var xlsx, html []float64
	for i := 0; i < f.reports; i++ {
		p := people[r.IntN(len(people))]
		var page struct {
			Members []struct{ ID string } `json:"members"`
		}
		if _, err := t.call(ctx, t.token, "GET", "/api/v1/crm/members?"+url.Values{"q": {p.phone}, "limit": {"1"}}.Encode(), nil, &page); err != nil {
			return err
		}
		if len(page.Members) == 0 {
			return fmt.Errorf("no member found by the phone %s", p.phone)
		}
		id := page.Members[0].ID
		if _, err := t.call(ctx, t.token, "GET", "/api/v1/crm/members/"+id, nil, nil); err != nil {
			return err
		}
		for _, kind := range []struct {
			format string
			into   *[]float64
		}{{"xlsx", &xlsx}, {"html", &html}} {
			start := time.Now()
			if err := t.download(ctx, "/api/v1/privacy/members/"+id+"/report?format="+kind.format, filepath.Join(dir, "report."+kind.format)); err != nil {
				return err
			}
			*kind.into = append(*kind.into, time.Since(start).Seconds())
		}
		st, _ := os.Stat(filepath.Join(dir, "report.xlsx"))
		fmt.Fprintf(os.Stderr, "report %d: xlsx %.2f s (%d bytes), html %.2f s\n", i+1, xlsx[len(xlsx)-1], st.Size(), html[len(html)-1])
	}
	fields := t.usageFields()
	stop()
	fmt.Printf("RESULT privacy members=%d reports=%d xlsx_p50_s=%.2f xlsx_max_s=%.2f html_max_s=%.2f %s\n",
		rep.Created, len(xlsx), pct(xlsx, 50), pct(xlsx, 100), pct(html, 100), fields)
	return nil
}
