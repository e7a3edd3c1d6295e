package card

import (
	"context"
	"errors"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// UpdateStatus moves a card of the scope to another status as the lifecycle allows and emits update-1
// (UPDATE_STATUS_PUT).
func (s *Service) UpdateStatus(ctx context.Context, caller access.Caller, scope access.Scope, id int64, to Status) (Card, error) {
	return s.command(ctx, caller, scope, id, updateOf(OpUpdateStatusPut), func(tx store.Tx, cards Repository, c *Card) error {
		change, err := c.UpdateStatus(to, now(tx))
		var te *TransitionError
		if errors.As(err, &te) {
			return rule.Conflict("/status", "transition", "%s", te.Error())
		}
		if err != nil {
			return err
		}
		if err := save(ctx, cards, *c, change, true); err != nil {
			return err
		}
		if c.Status.Group() == GroupTermination {
			if err := scheduleExpiry(tx, *c); err != nil { // a terminated card's validity no longer runs
				return err
			}
		}
		if err := announce(tx, *c, Updated(*c, OpUpdateStatusPut)); err != nil {
			return err
		}
		return s.onStatus.Run(ctx, tx, *c)
	})
}

// Owned returns a card the caller may touch within the scope (every domain that acts on a card asks here): the scope's account must be the caller's, and
// the card that account's and, when the scope names one, that customer's. The card is checked before the
// customer, so another account's card is refused as such whichever customer the request names.
func Owned(ctx context.Context, tx store.Tx, cards Repository, caller access.Caller, scope access.Scope, id int64) (Card, error) {
	if _, err := caller.Resolve(tx.Org(), access.Scope{AccountID: scope.AccountID}); err != nil {
		return Card{}, err
	}
	c, err := cards.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return Card{}, rule.NotFound(access.FieldCard, "card %d not found", id)
	}
	if err != nil {
		return Card{}, err
	}
	if err := caller.Owns(scope, access.FieldCard, c.AccountID, c.CustomerID); err != nil {
		return Card{}, err
	}
	return c, nil
}
