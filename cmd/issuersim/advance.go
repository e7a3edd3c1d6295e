package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/issuersim/issuersim/gen/simadminclient"
)

// advance moves a tenant's virtual clock on a running simulator and prints the jobs that ran.
func advance(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var by string
	a, c, err := openAdmin("advance", args, getenv, stderr, true, func(fs *flag.FlagSet) {
		fs.StringVar(&by, "by", "", "how far to move the clock: a Go duration such as 90m or 36h (required)")
	})
	if err != nil || c == nil {
		return err
	}
	if d, err := time.ParseDuration(by); err != nil || d <= 0 {
		return fmt.Errorf("--by %q: must be a positive duration such as 90m or 36h", by)
	}
	r, err := c.AdvanceClockWithResponse(ctx, simadminclient.AdvanceRequest{Tenant: a.tenantParam(), Duration: by})
	if err != nil {
		return fmt.Errorf("advance the clock: %w", err)
	}
	if r.JSON200 == nil {
		return answerError("advance the clock", r.StatusCode(), r.Body)
	}
	res := r.JSON200
	fmt.Fprintf(stdout, "%s is now at %s; %d job(s) ran\n", res.Tenant, res.Now.Format(time.RFC3339), len(res.Ran))
	failed := 0
	for _, j := range res.Ran {
		fmt.Fprintf(stdout, "  %s\n", jobLine(j))
		if j.State == simadminclient.JobStateFailed {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d job(s) failed", failed)
	}
	return nil
}

// jobLine shows one job on a line: id, kind, subject, due time, state and error.
func jobLine(j simadminclient.Job) string {
	s := fmt.Sprintf("#%d %s %s:%s due %s %s", j.Id, j.Kind, j.Subject.Kind, j.Subject.Id, j.Due.Format(time.RFC3339), j.State)
	if j.Error != nil {
		s += ": " + *j.Error
	}
	return s
}
