package main

import (
	"context"
	"fmt"
	"io"
)

// health checks that a simulator serves: it exits 0 and prints its version and clock, or fails. A container
// image built FROM scratch has no curl, so its health check runs this.
func health(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	a, c, err := openAdmin("health", args, getenv, stderr, false, nil)
	if err != nil || c == nil {
		return err
	}
	r, err := c.GetHealthWithResponse(ctx)
	if err != nil {
		return fmt.Errorf("health of %s: %w", a.url, err)
	}
	if r.JSON200 == nil {
		return answerError("health", r.StatusCode(), r.Body)
	}
	fmt.Fprintf(stdout, "%s issuersim %s, clock %s\n", r.JSON200.Status, r.JSON200.Version, r.JSON200.Clock.Format("2006-01-02T15:04:05Z07:00"))
	return nil
}
