package cardonfile

import (
	"context"
	"slices"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/store"
)

// Filter narrows a wallet listing: statuses and processor card types (an external card has no type); empty
// lists take everything.
type Filter struct {
	Statuses []Status
	Types    []string
}

// List returns the stored cards of the caller's account the filter selects, by uuid.
func (s *Service) List(ctx context.Context, caller access.Caller, f Filter) ([]CardOnFile, error) {
	var out []CardOnFile
	err := s.view(ctx, caller.Tenant, func(tx store.Tx, r Repository) error {
		if _, err := caller.Resolve(tx.Org(), access.Scope{}); err != nil {
			return err
		}
		wallet, err := r.ByAccount(ctx, caller.AccountID)
		if err != nil {
			return err
		}
		for _, c := range wallet {
			if (len(f.Statuses) == 0 || slices.Contains(f.Statuses, c.Status)) && (len(f.Types) == 0 || slices.Contains(f.Types, c.CardType)) {
				out = append(out, c)
			}
		}
		return nil
	})
	return out, err
}

// Get returns a stored card of the caller's account with its PAN.
func (s *Service) Get(ctx context.Context, caller access.Caller, id string) (CardOnFile, Vault, error) {
	var c CardOnFile
	var v Vault
	err := s.view(ctx, caller.Tenant, func(tx store.Tx, r Repository) error {
		var err error
		if c, err = load(ctx, tx, r, caller, id); err != nil {
			return err
		}
		v, err = r.Vault(ctx, id)
		return err
	})
	return c, v, err
}
