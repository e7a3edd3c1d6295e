// Command issuersim runs the card-issuing simulator: `issuersim serve` starts the processor and D1 APIs on one
// port from the embedded contracts and fixtures.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/issuersim/issuersim/sim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, errUsage) {
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "issuersim:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

const usage = `issuersim: a deterministic, stateful card-issuing simulator

Usage:
  issuersim serve [flags]      serve every API on one port (issuersim serve -h lists the flags)
  issuersim health [--url]     check that a simulator serves (exit 0) and print its version and clock
  issuersim advance --by 90m   move a tenant's virtual clock and run the jobs that fall due (--tenant, --url)
  issuersim jobs               list a tenant's pending and failed jobs (--tenant, --url)
  issuersim events             list a tenant's events, or follow them live (--follow, --type, --subject, --json)
  issuersim listen --forward-to http://127.0.0.1:3000/hooks
                               forward each new event to your endpoint, signed, one line per event
  issuersim trigger <flow>     run a named flow (card.blocked, bulk.started, …; --list) and print its events
  issuersim coverage           list the scenarios that prove each seed 000 row and D1 operation; fail on a gap
  issuersim version            print the version

--url defaults to ISSUERSIM_URL, then http://127.0.0.1:8080.
`

// run dispatches a subcommand; getenv supplies ISSUERSIM_* defaults so tests need not touch the process env.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr)
	case "health":
		return health(ctx, args[1:], getenv, stdout, stderr)
	case "advance":
		return advance(ctx, args[1:], getenv, stdout, stderr)
	case "jobs":
		return jobs(ctx, args[1:], getenv, stdout, stderr)
	case "events":
		return events(ctx, args[1:], getenv, stdout, stderr)
	case "listen":
		return listen(ctx, args[1:], getenv, stdout, stderr)
	case "trigger":
		return trigger(ctx, args[1:], getenv, stdout, stderr)
	case "coverage":
		return coverageCmd(ctx, args[1:], getenv, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "issuersim", sim.Version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", args[0], usage)
	return errUsage
}
