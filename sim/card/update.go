package card

import (
	"context"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// UpdateInput is a PATCH of a card's data: nil fields are left as they are.
type UpdateInput struct {
	Name               *string
	PrintedName        *string
	TransactionLimit   *string
	ContactlessEnabled *bool
	AbuEnabled         *bool
	Metadata           map[string]any // nil: unchanged
}

// Update changes a card's data and emits update-1 (UPDATE_STATUS_PATCH). A VIRTUAL card's new alias must be
// free among the customer's live VIRTUAL cards; a PLASTIC card's alias stays PLASTIC; transaction_limit applies
// to VIRTUAL cards only.
func (s *Service) Update(ctx context.Context, caller access.Caller, scope access.Scope, id int64, in UpdateInput) (Card, error) {
	return s.command(ctx, caller, scope, id, updateOf(OpUpdateStatusPatch), func(tx store.Tx, cards Repository, c *Card) error {
		if err := CheckLimits(nil, "", in.Metadata, now(tx), c.ExpirationDate); err != nil {
			return err
		}
		if in.TransactionLimit != nil && c.Type != TypeVirtual {
			return rule.Invalid("/transaction_limit", "type", "transaction_limit applies to VIRTUAL cards only; card %d is %s", c.ID, c.Type)
		}
		if in.Name != nil && c.Type != TypePlastic && *in.Name != c.Name {
			key := uniqueKey(c.Type, c.CustomerID, *in.Name, c.Status)
			if other, taken, err := cards.ByUniqueKey(ctx, key); err != nil {
				return err
			} else if taken && key != "" && other.ID != c.ID {
				return rule.Conflict("/name", "unique", "customer %d already has a live VIRTUAL card named %q (%d)", c.CustomerID, *in.Name, other.ID)
			}
			c.Name = *in.Name
		}
		if in.PrintedName != nil {
			c.PrintedName = *in.PrintedName
		}
		if in.TransactionLimit != nil {
			c.TransactionLimit = in.TransactionLimit
		}
		if in.ContactlessEnabled != nil {
			c.ContactlessEnabled = *in.ContactlessEnabled
		}
		if in.AbuEnabled != nil {
			c.AbuEnabled = *in.AbuEnabled
		}
		if in.Metadata != nil {
			c.Metadata = CloneMetadata(in.Metadata)
		}
		c.PreviousStatus = c.Status
		if err := cards.Put(ctx, *c); err != nil {
			return err
		}
		return announce(tx, *c, Updated(*c, OpUpdateStatusPatch))
	})
}
