package memory_test

import (
	"context"
	"testing"
	"time"

	"github.com/issuersim/issuersim/fixtures"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
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
	src := fake.New(1)
	d, _ := org.Parse(fixtures.Default, src)
	v, _ := event.NewValidator()
	s, err := memory.New(d, memory.Options{Sealer: event.NewSealer(src, v)})
	if err != nil {
		b.Fatal(err)
	}
	meta := store.Meta{Tenant: d.Orgs[0].ID, CID: "bench", Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	ctx := context.Background()
	for b.Loop() {
		err := s.Update(ctx, meta, func(tx store.Tx) error {
			cards := s.Cards(tx)
			id, err := cards.NextID(ctx)
			if err != nil {
				return err
			}
			c := card.Card{ID: id, AccountID: 8675309, CustomerID: 103625634, ProgramID: 3001, Type: card.TypeVirtual,
				Status: card.StatusNormal, PreviousStatus: card.StatusNormal, Name: "a", ContactlessEnabled: true,
				IssuingDate: meta.Time}
			if err := cards.Put(ctx, c); err != nil {
				return err
			}
			return tx.Emit(card.Updated(c, card.OpUpdateStatusPut))
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
