package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/xuri/excelize/v2"
)

// The crm scenario: build a federation of 20 committees and 2,700 primary
// organisations over the units API, write 254,000 members to an XLSX file,
// import it through the member import endpoint, run the filters and
// searches staff use every day (a page of 50 with the total count), and
// export the whole registry to XLSX while watching the hub's memory.

type crmFlags struct {
	targetFlags
	committees, primaries, members, queries int
	seed                                    uint64
}

func runCRM(ctx context.Context, args []string) error {
	var f crmFlags
	fs := flag.NewFlagSet("crm", flag.ContinueOnError)
	f.register(fs)
	fs.IntVar(&f.committees, "committees", 20, "regional and sector committees")
	fs.IntVar(&f.primaries, "primaries", 2700, "primary organisations")
	fs.IntVar(&f.members, "members", 254000, "members imported")
	fs.IntVar(&f.queries, "queries", 100, "requests of each filter and search kind")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed of the generated federation")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t, err := f.open(ctx, 8)
	if err != nil {
		return err
	}
	var stopOnce sync.Once
	stop := func() { stopOnce.Do(t.stop) }
	defer stop()
	t.client.Timeout = 30 * time.Minute // the import and the export are single long requests
	r := rand.New(rand.NewPCG(f.seed, 2026))

	fed := makeFederation(r, f.committees, f.primaries)
	start := time.Now()
	committeeIDs, primaryIDs, err := createUnits(ctx, t, fed)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "units: %d committees, %d primary organisations in %v\n", len(committeeIDs), len(primaryIDs), time.Since(start).Round(time.Millisecond))

	dir, err := os.MkdirTemp("", "profhub-bench-crm-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "members.xlsx")
	start = time.Now()
	people, err := writeMembersXLSX(file, r, fed, f.members)
	if err != nil {
		return fmt.Errorf("write members: %w", err)
	}
	st, _ := os.Stat(file)
	fmt.Fprintf(os.Stderr, "file: %d members, %.1f MB, written in %v\n", len(people), float64(st.Size())/1e6, time.Since(start).Round(time.Millisecond))

	start = time.Now()
	rep, err := importFile(ctx, t, file)
	if err != nil {
		return err
	}
	importS := time.Since(start).Seconds()
	fmt.Fprintf(os.Stderr, "import: %.1f s: created %d, updated %d, unchanged %d, skipped %d, errors %d\n",
		importS, rep.Created, rep.Updated, rep.Unchanged, rep.Skipped, rep.Errors)
	if rep.Created != f.members {
		return fmt.Errorf("import created %d members of %d: %s", rep.Created, f.members, rep.firstError)
	}

	filterP95, searchP95, err := runQueries(ctx, t, r, f.queries, committeeIDs, primaryIDs, people)
	if err != nil {
		return err
	}

	dupP95, err := timeDuplicates(ctx, t, max(3, f.queries/10))
	if err != nil {
		return err
	}

	exportS, rssMB, rows, err := exportAll(ctx, t, dir)
	if err != nil {
		return err
	}
	if rows != f.members {
		return fmt.Errorf("export has %d members of %d", rows, f.members)
	}
	stop() // the hub's closing lines ("hub log: …") come before the RESULT line
	fmt.Printf("RESULT crm members=%d import_s=%.1f filter_p95_ms=%.1f search_p95_ms=%.1f export_s=%.1f export_rss_mb=%.0f duplicates_p95_ms=%.1f %s\n",
		rows, importS, filterP95, searchP95, exportS, rssMB, dupP95, t.usageFields())
	return nil
}

// createUnits makes the committees under the root and the primary
// organisations under them, eight requests at a time.
func createUnits(ctx context.Context, t *target, fed federation) ([]string, []string, error) {
	var me struct {
		User struct {
			UnitID string `json:"unit_id"`
		} `json:"user"`
	}
	if _, err := t.call(ctx, t.token, "GET", "/api/v1/me", nil, &me); err != nil {
		return nil, nil, err
	}
	create := func(parent, kind, name string) (string, error) {
		var u struct {
			ID string `json:"id"`
		}
		_, err := t.call(ctx, t.token, "POST", "/api/v1/units", map[string]string{"parent_id": parent, "kind": kind, "name": name}, &u)
		return u.ID, err
	}
	committees := make([]string, len(fed.committees))
	for i, name := range fed.committees {
		id, err := create(me.User.UnitID, "committee", name)
		if err != nil {
			return nil, nil, err
		}
		committees[i] = id
	}
	primaries := make([]string, len(fed.primaries))
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(fed.primaries) {
					return
				}
				p := fed.primaries[i]
				id, err := create(committees[p.committee], "primary", p.name)
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				primaries[i] = id
			}
		})
	}
	wg.Wait()
	return committees, primaries, firstErr
}

type importSummary struct {
	Created, Updated, Unchanged, Skipped, Errors int
	Rows                                         []struct {
		Row     int    `json:"row"`
		Result  string `json:"result"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"rows"`
	firstError string
}

func importFile(ctx context.Context, t *target, path string) (importSummary, error) {
	fh, err := os.Open(path)
	if err != nil {
		return importSummary{}, err
	}
	defer fh.Close()
	req, err := http.NewRequestWithContext(ctx, "POST", t.base+"/api/v1/crm/members/import?format=xlsx", fh)
	if err != nil {
		return importSummary{}, err
	}
	st, _ := fh.Stat()
	req.ContentLength = st.Size()
	req.Header.Set("Authorization", "Bearer "+t.token)
	req.Header.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	var rep importSummary
	if err := t.do(req, &rep); err != nil {
		return rep, fmt.Errorf("import: %w", err)
	}
	for _, row := range rep.Rows {
		if row.Result == "error" {
			rep.firstError = fmt.Sprintf("row %d: %s: %s", row.Row, row.Field, row.Message)
			break
		}
	}
	return rep, nil
}

// timeDuplicates times the page of likely duplicates (the whole
// federation's, as its administrator sees it): each request pairs every
// card by phone, e-mail, and name with birth date. It returns the 95th
// percentile in milliseconds.
func timeDuplicates(ctx context.Context, t *target, n int) (float64, error) {
	var ms []float64
	pairs := 0
	for range n {
		var page struct {
			Pairs []struct{} `json:"pairs"`
		}
		start := time.Now()
		if _, err := t.call(ctx, t.token, "GET", "/api/v1/crm/members/duplicates?limit=100", nil, &page); err != nil {
			return 0, fmt.Errorf("duplicates: %w", err)
		}
		ms = append(ms, float64(time.Since(start).Microseconds())/1000)
		pairs = len(page.Pairs)
	}
	fmt.Fprintf(os.Stderr, "query %-16s p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms  (%d pairs on the page)\n",
		"duplicates", pct(ms, 50), pct(ms, 95), pct(ms, 100), pairs)
	return pct(ms, 95), nil
}

// runQueries times the list endpoint: filters (a whole committee, one
// primary organisation) and searches (a surname, a phone written another
// way than stored), each a page of 50 with the total count. It returns the
// 95th percentiles in milliseconds.
func runQueries(ctx context.Context, t *target, r *rand.Rand, n int, committees, primaries []string, people []person) (float64, float64, error) {
	var filters, searches []float64
	timed := func(q url.Values) (float64, int, error) {
		q.Set("limit", "50")
		start := time.Now()
		var page struct {
			Members []struct{} `json:"members"`
			Total   int        `json:"total"`
		}
		_, err := t.call(ctx, t.token, "GET", "/api/v1/crm/members?"+q.Encode(), nil, &page)
		return float64(time.Since(start).Microseconds()) / 1000, page.Total, err
	}
	kinds := []struct {
		name  string
		into  *[]float64
		query func() url.Values
	}{
		{"committee", &filters, func() url.Values { return url.Values{"unit_id": {committees[r.IntN(len(committees))]}} }},
		{"primary", &filters, func() url.Values { return url.Values{"unit_id": {primaries[r.IntN(len(primaries))]}} }},
		// Not one of the standard filters of the RESULT line: sorting a
		// committee by joining date reads every card of the committee.
		{"committee+status", nil, func() url.Values {
			return url.Values{"unit_id": {committees[r.IntN(len(committees))]}, "status": {"member"}, "sort": {"-joined_on"}}
		}},
		{"surname", &searches, func() url.Values {
			p := people[r.IntN(len(people))]
			return url.Values{"q": {strings.ToLower(strings.ReplaceAll(p.surname, "ё", "е"))}}
		}},
		{"surname+name", &searches, func() url.Values {
			p := people[r.IntN(len(people))]
			return url.Values{"q": {p.surname + " " + p.name[:4]}}
		}},
		{"phone", &searches, func() url.Values {
			return url.Values{"q": {phoneShape(people[r.IntN(len(people))].phone, 1+r.IntN(3))}}
		}},
	}
	for _, k := range kinds {
		var own []float64
		totals := 0
		for range n {
			ms, total, err := timed(k.query())
			if err != nil {
				return 0, 0, fmt.Errorf("%s: %w", k.name, err)
			}
			if total == 0 {
				return 0, 0, fmt.Errorf("%s: a query found nothing", k.name)
			}
			own = append(own, ms)
			totals += total
		}
		if k.into != nil {
			*k.into = append(*k.into, own...)
		}
		fmt.Fprintf(os.Stderr, "query %-16s p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms  (%d found on average)\n",
			k.name, pct(own, 50), pct(own, 95), pct(own, 100), totals/n)
	}
	return pct(filters, 95), pct(searches, 95), nil
}

func pct(xs []float64, p float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	i := int(float64(len(s))*p/100+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}

// exportAll downloads the XLSX of every member, samples the hub's
// resident memory meanwhile, and counts the rows of the file.
func exportAll(ctx context.Context, t *target, dir string) (secs, rssGrowthMB float64, rows int, err error) {
	base := rssBytes(t.hubPID)
	var peak atomic.Int64
	peak.Store(base)
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if v := rssBytes(t.hubPID); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	}()
	start := time.Now()
	path := filepath.Join(dir, "export.xlsx")
	err = t.download(ctx, "/api/v1/crm/members/export?format=xlsx", path)
	secs = time.Since(start).Seconds()
	close(done)
	if err != nil {
		return 0, 0, 0, err
	}
	if t.hubPID == 0 {
		fmt.Fprintln(os.Stderr, "export: the hub runs elsewhere (no --hub-pid); its memory is not measured")
	}
	rssGrowthMB = float64(peak.Load()-base) / (1 << 20)
	st, _ := os.Stat(path)
	fmt.Fprintf(os.Stderr, "export: %.1f s, %.1f MB, resident memory %.0f → %.0f MB\n", secs, float64(st.Size())/1e6,
		float64(base)/(1<<20), float64(peak.Load())/(1<<20))
	rows, err = countRows(path)
	return secs, rssGrowthMB, rows - 1, err
}

func countRows(path string) (int, error) {
	x, err := excelize.OpenFile(path)
	if err != nil {
		return 0, err
	}
	defer x.Close()
	rs, err := x.Rows(x.GetSheetName(0))
	if err != nil {
		return 0, err
	}
	defer rs.Close()
	n := 0
	for rs.Next() {
		n++
	}
	return n, rs.Error()
}

// rssBytes is a process's resident set size, from /proc (0 elsewhere).
func rssBytes(pid int) int64 {
	fh, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func (t *target) download(ctx context.Context, path, to string) error {
	req, err := http.NewRequestWithContext(ctx, "GET", t.base+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+t.token)
	resp, err := t.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	fh, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(fh, resp.Body); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}

// do sends req and decodes a JSON answer into out.
func (t *target) do(req *http.Request, out any) error {
	resp, err := t.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, b)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}
