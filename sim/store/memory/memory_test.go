package memory_test

import (
	"testing"

	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/store"
	"github.com/issuersim/issuersim/sim/store/memory"
	"github.com/issuersim/issuersim/sim/store/storetest"
)

// TestConformance runs the stores' conformance suite against the memory store.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, d org.Dataset, sealer *event.Sealer, obs store.Observer) storetest.Backend {
		s, err := memory.New(d, memory.Options{Sealer: sealer, Observers: []store.Observer{obs}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// TestNewNeedsASealer names the missing option.
func TestNewNeedsASealer(t *testing.T) {
	if _, err := memory.New(org.Dataset{}, memory.Options{}); err == nil {
		t.Fatal("New without a sealer succeeded")
	}
}

// BenchmarkCommitWithEvent measures one transaction writing a card and sealing, validating and logging its event.
func BenchmarkCommitWithEvent(b *testing.B) {
	storetest.BenchCommitWithEvent(b, func(d org.Dataset, sealer *event.Sealer) storetest.Backend {
		s, err := memory.New(d, memory.Options{Sealer: sealer})
		if err != nil {
			b.Fatal(err)
		}
		return s
	})
}
