package card

import (
	"context"
	"slices"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/store"
)

// Get returns a card of the scope (the caller's account, and the scope's customer when named).
func (s *Service) Get(ctx context.Context, caller access.Caller, scope access.Scope, id int64) (Card, error) {
	var c Card
	err := s.view(ctx, caller.Tenant, func(tx store.Tx, cards Repository) error {
		var err error
		c, err = Owned(ctx, tx, cards, caller, scope, id)
		return err
	})
	return c, err
}

// History returns a card's status changes as the vendor lists them: changes only, newest first, so the
// status the card was created with is not among them.
func (s *Service) History(ctx context.Context, caller access.Caller, scope access.Scope, id int64) ([]StatusChange, error) {
	var out []StatusChange
	err := s.view(ctx, caller.Tenant, func(tx store.Tx, cards Repository) error {
		if _, err := Owned(ctx, tx, cards, caller, scope, id); err != nil {
			return err
		}
		changes, err := cards.StatusChanges(ctx, id)
		slices.Reverse(changes)
		out = changes
		return err
	})
	return out, err
}

// ListFilter selects and pages cards. Empty Statuses means CREATED, NORMAL and BLOCKED; AllStatuses lifts the
// status filter. PerPage 0 returns everything.
type ListFilter struct {
	Statuses    []Status
	AllStatuses bool
	Types       []Type
	Modes       []string
	Page        int
	PerPage     int
}

// defaultStatuses are the statuses a card list shows when the request names none.
var defaultStatuses = []Status{StatusCreated, StatusNormal, StatusBlocked}

// matches reports whether a card passes the filter.
func (f ListFilter) matches(c Card) bool {
	statuses := f.Statuses
	if len(statuses) == 0 {
		statuses = defaultStatuses
	}
	switch {
	case !f.AllStatuses && !slices.Contains(statuses, c.Status),
		len(f.Types) > 0 && !slices.Contains(f.Types, c.Type),
		len(f.Modes) > 0 && !slices.Contains(f.Modes, c.Mode):
		return false
	}
	return true
}

// List returns the scope's cards that match the filter, oldest first, one page of them. It reads the owner's
// index and stops at the end of the page, so its cost follows the page asked for, not the tenant's cards.
func (s *Service) List(ctx context.Context, caller access.Caller, scope access.Scope, f ListFilter) ([]Card, error) {
	var out []Card
	err := s.view(ctx, caller.Tenant, func(tx store.Tx, cards Repository) error {
		owner, err := caller.Resolve(tx.Org(), scope)
		if err != nil {
			return err
		}
		skip := f.Page * f.PerPage
		for c, err := range cards.Owned(ctx, owner.Account.ID, owner.Customer.ID) {
			if err != nil {
				return err
			}
			if !f.matches(c) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			out = append(out, c)
			if f.PerPage > 0 && len(out) == f.PerPage {
				return nil
			}
		}
		return nil
	})
	return out, err
}
