package steps_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"time"

	"github.com/cucumber/godog"

	"github.com/issuersim/issuersim/features/steps"
	"github.com/issuersim/issuersim/sim"
	"github.com/issuersim/issuersim/sim/clock"
)

// A QA team's own feature (testdata/my_cards.feature) run with the step library. Against a running
// simulator, pass its URL to New instead (steps.New("http://127.0.0.1:8080", nil)); a simulator in a
// container also needs steps.WithReceiverHost with an address the container reaches.
func Example() {
	s, err := sim.New(sim.Config{Seed: 1, Clock: clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = s.Run(ctx); close(done) }() // webhook delivery
	srv := httptest.NewServer(s.Handler())
	defer func() { srv.Close(); stop(); <-done }()

	lib := steps.New(srv.URL, srv.Client())
	opts := godog.Options{Paths: []string{"testdata/my_cards.feature"}, Strict: true, Format: "progress", Output: io.Discard}
	status := godog.TestSuite{Name: "our cards", ScenarioInitializer: lib.RegisterSteps, Options: &opts}.Run()
	fmt.Println("status", status)
	// Output: status 0
}
