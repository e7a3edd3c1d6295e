package main

import (
	"context"
	"fmt"
	"io"

	"github.com/issuersim/issuersim/gen/simadminclient"
)

// jobs lists a tenant's pending and failed jobs on a running simulator, by due time.
func jobs(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	a, c, err := openAdmin("jobs", args, getenv, stderr, true, nil)
	if err != nil || c == nil {
		return err
	}
	r, err := c.ListJobsWithResponse(ctx, &simadminclient.ListJobsParams{Tenant: a.tenantParam()})
	if err != nil {
		return fmt.Errorf("list jobs: %w", err)
	}
	if r.JSON200 == nil {
		return answerError("list jobs", r.StatusCode(), r.Body)
	}
	fmt.Fprintf(stdout, "%s: %d job(s)\n", r.JSON200.Tenant, len(r.JSON200.Jobs))
	for _, j := range r.JSON200.Jobs {
		fmt.Fprintf(stdout, "  %s\n", jobLine(j))
	}
	return nil
}
