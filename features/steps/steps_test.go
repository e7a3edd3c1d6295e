package steps_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/issuersim/issuersim/features/steps"
	"github.com/issuersim/issuersim/sim"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/simtest"
)

// start runs a simulator on a virtual clock for one test.
func start(t *testing.T) (string, *http.Client) {
	t.Helper()
	srv := simtest.Start(t, sim.Config{Seed: 1, Clock: clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	return srv.URL, srv.Client()
}

// failures runs one feature with the library and returns the error message of each failed step, read from the
// cucumber report.
func failures(t *testing.T, lib *steps.Steps, feature string) []string {
	t.Helper()
	var report bytes.Buffer
	opts := godog.Options{
		Format:          "cucumber",
		Output:          &report,
		Strict:          true,
		FeatureContents: []godog.Feature{{Name: "test.feature", Contents: []byte(feature)}},
	}
	godog.TestSuite{ScenarioInitializer: lib.RegisterSteps, Options: &opts}.Run()
	var features []struct {
		Elements []struct {
			Steps []struct {
				Result struct {
					Status string `json:"status"`
					Error  string `json:"error_message"`
				} `json:"result"`
			} `json:"steps"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(report.Bytes(), &features); err != nil {
		t.Fatalf("the cucumber report: %v\n%s", err, report.String())
	}
	var out []string
	for _, f := range features {
		for _, e := range f.Elements {
			for _, s := range e.Steps {
				if s.Result.Status != "passed" {
					out = append(out, s.Result.Status+": "+s.Result.Error)
				}
			}
		}
	}
	return out
}

const scene = `Feature: wrong expectations
  Scenario: a blocked card
    Given I have an account token for account 8675309
    And my webhook endpoint is subscribed to the tenant's events
    And I have a "VIRTUAL" card named "Everyday" for customer 103625634
    When I change the card's status to "BLOCKED"
    Then %s
`

// TestWrongEventFails proves that a scenario expecting other events than the card's fails, and that the
// message names the events expected and those received, in the log and at the webhook endpoint.
func TestWrongEventFails(t *testing.T) {
	base, client := start(t)
	lib := steps.New(base, client, steps.WithWait(2*time.Second))
	for _, tc := range []struct {
		name, step string
		want       []string // the message must name each
	}{
		{"the log's sequence", `the card's events are "create-1, rotate_cvv-1"`,
			[]string{"create-1, rotate_cvv-1", "create-1(NORMAL) update-1(BLOCKED)"}},
		{"one event too many", `the card's events are "create-1, update-1, update-1"`,
			[]string{"create-1, update-1, update-1", "create-1(NORMAL) update-1(BLOCKED)"}},
		{"at the webhook endpoint", `my webhook endpoint received the card's events "create-1, update_password-1", signed`,
			[]string{"create-1, update_password-1", "create-1(NORMAL) update-1(BLOCKED)"}},
		{"a count", `2 "update-1" events were emitted for the card`,
			[]string{"expected 2 update-1", "got 1"}},
		{"a field", `the last "update-1" event for the card has "card_status" "LOST"`,
			[]string{`"card_status" = "LOST"`, `got "BLOCKED"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := failures(t, lib, strings.Replace(scene, "%s", tc.step, 1))
			if len(got) != 1 {
				t.Fatalf("failed steps %q, want the last one alone", got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got[0], w) {
					t.Errorf("the failure %q does not name %q", got[0], w)
				}
			}
		})
	}
}

// TestRightEventsPass is the counterpart: the same scenario with the right expectations passes every step,
// the webhook checks included.
func TestRightEventsPass(t *testing.T) {
	base, client := start(t)
	lib := steps.New(base, client)
	right := strings.Replace(scene, "%s", `the card's events are "create-1, update-1"
    And my webhook endpoint received the card's events "create-1, update-1", signed
    And my webhook endpoint received every event of the tenant, signed
    And the card's events match their schemas
    And the last "update-1" event for the card agrees with the card as it reads now`, 1)
	if got := failures(t, lib, right); len(got) != 0 {
		t.Fatalf("failed steps: %q", got)
	}
}

// TestOptions checks the options refuse what cannot work.
func TestOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  steps.Option
		ok   bool
	}{
		{"a loopback receiver", steps.WithReceiverHost("127.0.0.1", ""), true},
		{"a gateway receiver named by another host", steps.WithReceiverHost("172.17.0.1", "host.docker.internal"), true},
		{"a host name to listen on", steps.WithReceiverHost("example.org", ""), false},
		{"an empty host", steps.WithReceiverHost("", ""), false},
		{"a wait", steps.WithWait(time.Second), true},
		{"no wait", steps.WithWait(0), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); (r == nil) != tc.ok {
					t.Fatalf("New with the option: panic %v, want ok=%v", r, tc.ok)
				}
			}()
			steps.New("http://127.0.0.1:8080", nil, tc.opt)
		})
	}
}
