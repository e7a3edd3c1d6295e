package d1

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/store"
)

// Drift is a D1 card whose state disagrees with its processor card's status: the two systems the vendor asks
// issuers to change in step (processor first, then D1) have come apart.
type Drift struct {
	Card            Card
	ProcessorStatus card.Status
	// Expected are the D1 states that would agree with the processor card.
	Expected []State
}

// Drifts lists the tenant's D1 cards whose state disagrees with their processor card's status, by issuer and
// card id. A REPLACED card is history and is not compared; a DELETED card is, since a processor card still
// live behind a deleted D1 card has lost its tokens.
func (s *Service) Drifts(ctx context.Context, tenant string) ([]Drift, error) {
	var out []Drift
	err := s.store.View(ctx, tenant, func(tx store.Tx) error {
		cards, err := s.store.D1(tx).Cards(ctx)
		if err != nil {
			return err
		}
		for _, c := range cards {
			if c.State == StateReplaced || c.ProcessorCardID == 0 {
				continue
			}
			pc, err := s.store.Cards(tx).Get(ctx, c.ProcessorCardID)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if want := Expected(pc.Status); !slices.Contains(want, c.State) {
				out = append(out, Drift{Card: c, ProcessorStatus: pc.Status, Expected: want})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("compare the D1 cards of %s with the processor's: %w", tenant, err)
	}
	return out, nil
}

// Cards returns the tenant's D1 cards, by issuer and card id.
func (s *Service) Cards(ctx context.Context, tenant string) ([]Card, error) {
	var out []Card
	err := s.store.View(ctx, tenant, func(tx store.Tx) error {
		var err error
		out, err = s.store.D1(tx).Cards(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list the D1 cards of %s: %w", tenant, err)
	}
	return out, nil
}
