package token

import (
	"context"

	"github.com/issuersim/issuersim/sim/access"
)

// Config returns a card's wallet CVV2 try counters.
func (s *Service) Config(ctx context.Context, caller access.Caller, cardID int64) (map[Wallet]int, error) {
	var tries map[Wallet]int
	err := s.view(ctx, caller.Tenant, func(r repos) error {
		if _, err := r.ownedCard(ctx, caller, access.Scope{}, cardID); err != nil {
			return err
		}
		set, err := r.tokens.Settings(ctx, cardID)
		tries = set.Clone().CVV2Tries
		return err
	})
	if tries == nil {
		tries = map[Wallet]int{}
	}
	return tries, err
}

// ResetCVV2Tries sets a card's CVV2 try counter of one wallet back to zero, or of every wallet when wallet is
// empty [inf: the vendor's body makes the wallet optional], so its provisionings are no longer refused.
func (s *Service) ResetCVV2Tries(ctx context.Context, caller access.Caller, cardID int64, wallet Wallet) error {
	return s.update(ctx, caller.Tenant, func(r repos) error {
		if _, err := r.ownedCard(ctx, caller, access.Scope{}, cardID); err != nil {
			return err
		}
		set, err := r.tokens.Settings(ctx, cardID)
		if err != nil {
			return err
		}
		if wallet == "" {
			set.CVV2Tries = nil
		} else {
			delete(set.CVV2Tries, wallet)
		}
		return r.tokens.PutSettings(ctx, set)
	})
}
