// Command profhub is the whole hub in one binary: `serve` (the default) runs
// a node; the other subcommands administer an installation from a script.
package main

import (
	"os"
	// The zone database is embedded so that PROFHUB_TIME_ZONE and the
	// users' zones load on hosts without one (scratch images, Windows).
	_ "time/tzdata"
)

func main() {
	os.Exit(run(os.Args[1:], os.Environ(), os.Stdout, os.Stderr))
}
