package features_test

import (
	"context"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/issuersim/issuersim/features/steps"
	"github.com/issuersim/issuersim/sim"
	"github.com/issuersim/issuersim/sim/clock"
)

// opts are the suite's options; -godog.format, -godog.tags and the other -godog.* flags override them, so
// `go test ./features -godog.format junit:report.xml` writes a JUnit report. The flags are bound to the
// standard flag set, which `go test` parses: godog.BindCommandLineFlags binds them to pflag's, which it
// does not.
var opts = godog.Options{
	Paths:  []string{"."},
	Strict: true,
	Format: "pretty",
}

func init() {
	godog.BindFlags("godog.", flag.CommandLine, &opts)
}

// TestFeatures runs the feature files against an in-process simulator (seed 1, virtual clock), or against the
// simulator at ISSUERSIM_URL when that is set.
func TestFeatures(t *testing.T) {
	baseURL, client := os.Getenv("ISSUERSIM_URL"), http.DefaultClient
	if baseURL == "" {
		baseURL, client = inProcess(t)
	} else {
		t.Logf("running the features against %s", baseURL)
	}
	o := opts
	o.TestingT = t
	suite := godog.TestSuite{
		Name:                "issuersim",
		ScenarioInitializer: steps.New(baseURL, client).RegisterSteps,
		Options:             &o,
	}
	if suite.Run() != 0 {
		t.Fatal("the features failed (see the failed steps above)")
	}
}

// inProcess starts a simulator on a virtual clock behind an httptest server, stopped when the test ends.
func inProcess(t *testing.T) (string, *http.Client) {
	t.Helper()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s, err := sim.New(sim.Config{Seed: 1, Clock: clock.NewVirtual(start)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = s.Run(ctx); close(done) }()
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() { srv.Close(); cancel(); <-done })
	return srv.URL, srv.Client()
}
