package features_test

import (
	"flag"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/issuersim/issuersim/features/steps"
	"github.com/issuersim/issuersim/sim"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/simtest"
)

// opts are the suite's options; -godog.format, -godog.tags, -godog.concurrency and the other -godog.* flags
// override them, so `go test ./features -godog.format pretty,cucumber:report.json,junit:report.xml` writes
// both reports beside the pretty output. The flags are bound to the standard flag set, which `go test`
// parses: godog.BindCommandLineFlags binds them to pflag's, which it does not. Scenarios run four at a time:
// each has a tenant, a clock and a webhook endpoint of its own, so nothing they touch is shared.
var opts = godog.Options{
	Paths:       []string{"."},
	Strict:      true,
	Format:      "pretty",
	Concurrency: 4,
}

func init() {
	godog.BindFlags("godog.", flag.CommandLine, &opts)
}

// TestFeatures runs the feature files against an in-process simulator (seed 1, virtual clock), or against the
// simulator at ISSUERSIM_URL when that is set. ISSUERSIM_RECEIVER_HOST (and ISSUERSIM_RECEIVER_ADVERTISED) put
// the scenarios' webhook endpoints where that simulator reaches them: a container reaches the host at its
// bridge's gateway, 172.17.0.1 on Docker's default network.
func TestFeatures(t *testing.T) {
	baseURL, client := os.Getenv("ISSUERSIM_URL"), http.DefaultClient
	if baseURL == "" {
		baseURL, client = inProcess(t)
	} else {
		t.Logf("running the features against %s", baseURL)
		if token := os.Getenv("ISSUERSIM_ADMIN_TOKEN"); token != "" {
			client = &http.Client{Transport: adminToken{token: token, next: http.DefaultTransport}}
		}
	}
	var options []steps.Option
	if host := os.Getenv("ISSUERSIM_RECEIVER_HOST"); host != "" {
		options = append(options, steps.WithReceiverHost(host, os.Getenv("ISSUERSIM_RECEIVER_ADVERTISED")))
	}
	o := opts
	o.TestingT = t
	suite := godog.TestSuite{
		Name:                "issuersim",
		ScenarioInitializer: steps.New(baseURL, client, options...).RegisterSteps,
		Options:             &o,
	}
	if suite.Run() != 0 {
		t.Fatal("the features failed (see the failed steps above)")
	}
}

// inProcess starts a simulator on a virtual clock, stopped when the test ends.
func inProcess(t *testing.T) (string, *http.Client) {
	t.Helper()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	srv := simtest.Start(t, sim.Config{Seed: 1, Clock: clock.NewVirtual(start)})
	return srv.URL, srv.Client()
}

// adminToken sends the admin token on every admin call (/_sim): a simulator off loopback, such as the image's
// (serve on 0.0.0.0 in its container), requires it there. The vendor APIs keep the scenario's own token.
type adminToken struct {
	token string
	next  http.RoundTripper
}

func (a adminToken) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasPrefix(req.URL.Path, "/_sim/") {
		return a.next.RoundTrip(req)
	}
	req = req.Clone(req.Context())
	req.Header.Set("Authorization", "Bearer "+a.token)
	return a.next.RoundTrip(req)
}
