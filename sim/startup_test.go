package sim_test

import (
	"context"
	"testing"

	"github.com/issuersim/issuersim/sim"
)

// TestEveryContractLoads: New returns before the contracts have loaded; Ready waits for them, and every
// embedded contract loads and routes under the prefixes its mount declares.
func TestEveryContractLoads(t *testing.T) {
	s, err := sim.New(sim.Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Ready(context.Background()); err != nil {
		t.Fatal(err)
	}
}
