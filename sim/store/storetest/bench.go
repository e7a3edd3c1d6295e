package storetest

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
)

// BenchCommitWithEvent measures one transaction writing a card and sealing, validating and logging its
// update-1, on a backend open returns for the default fixtures: the same work on every backend, so their
// figures compare.
func BenchCommitWithEvent(b *testing.B, open func(d org.Dataset, sealer *event.Sealer) Backend) {
	src := fake.New(1)
	d, err := org.Parse(fixtures.Default, src)
	if err != nil {
		b.Fatal(err)
	}
	v, err := event.NewValidator()
	if err != nil {
		b.Fatal(err)
	}
	s := open(d, event.NewSealer(src, v))
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
