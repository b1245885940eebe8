// Command profhub-bench loads a hub the way real clients do, over HTTP and
// WebSocket, and prints a RESULT line per scenario. With no flags a
// scenario starts its own hub on embedded defaults in a temporary
// directory; --url points it at a running hub, and --database-url /
// --redis-url start its hub on PostgreSQL and Redis.
//
//	profhub-bench ingest [flags]
//	profhub-bench calls [flags]
//	profhub-bench crm [flags]
//	profhub-bench widget [flags]
//	profhub-bench mailing [flags]
//	profhub-bench search [flags]
//	profhub-bench routing [flags]
//	profhub-bench privacy [flags]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
)

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" {
		fmt.Fprintln(os.Stderr, "usage: profhub-bench ingest|calls|crm|widget|mailing|search|routing|privacy [flags]   (profhub-bench SCENARIO -h for flags)")
		os.Exit(2)
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	if path := os.Getenv("PROFHUB_BENCH_CPUPROFILE"); path != "" && os.Args[1] != "hub" {
		// The client's profile; with --in-process it shows the hub too.
		// A hub of its own inherits the variable and must not write the
		// same file: PROFHUB_BENCH_PPROF profiles it.
		f, err := os.Create(path)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	var err error
	switch os.Args[1] {
	case "ingest":
		err = runIngest(ctx, os.Args[2:])
	case "calls":
		err = runCalls(ctx, os.Args[2:])
	case "crm":
		err = runCRM(ctx, os.Args[2:])
	case "widget":
		err = runWidget(ctx, os.Args[2:])
	case "hub":
		err = runHub(ctx, os.Args[2:])
	case "mailing":
		err = runMailing(ctx, os.Args[2:])
	case "search":
		err = runSearch(ctx, os.Args[2:])
	case "routing":
		err = runRouting(ctx, os.Args[2:])
	case "privacy":
		err = runPrivacy(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown scenario %q", os.Args[1])
	}
	if err != nil && err != flag.ErrHelp {
		fmt.Fprintln(os.Stderr, "profhub-bench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}
