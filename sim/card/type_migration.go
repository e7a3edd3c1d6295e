package card

import (
	"context"
	"errors"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// typePayload is update_type-1's data, as its schema requires it. The vendor's example spells
// card_previous_type as previous_card_type and puts a uuid in cvv_rotation_interval_hours; the schema wins
// (docs/fidelity.md).
type typePayload struct {
	AccountID                int64   `json:"account_id"`
	CustomerID               int64   `json:"customer_id"`
	CardID                   int64   `json:"card_id"`
	CardType                 Type    `json:"card_type"`
	CardPreviousType         Type    `json:"card_previous_type"`
	CVVNextRotationDate      *string `json:"cvv_next_rotation_date"`
	CVVRotationIntervalHours *int    `json:"cvv_rotation_interval_hours"`
	Status                   string  `json:"status"`
}

// MigrateType turns a RECURRING card (a type the vendor deprecated) into a VIRTUAL one, as the processor's
// migration does, and emits update_type-1. Any other type is refused, and so is a migration that would give
// the customer two live VIRTUAL cards of one name.
func (s *Service) MigrateType(ctx context.Context, tenant string, id int64) (Card, error) {
	var c Card
	err := s.update(ctx, tenant, func(tx store.Tx, cards Repository) error {
		var err error
		c, err = cards.Get(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return rule.NotFound(access.FieldCard, "card %d not found", id)
		}
		if err != nil {
			return err
		}
		if c.Type != TypeRecurring {
			return rule.Conflict(access.FieldCard, "type", "card %d is %s: only RECURRING cards migrate to VIRTUAL", id, c.Type)
		}
		if c.Status.Group() == GroupTermination {
			return rule.Conflict(access.FieldCard, "status", "card %d is %s: a terminated card is not migrated", id, c.Status)
		}
		c.Type = TypeVirtual
		if key := c.UniqueKey(); key != "" {
			if other, taken, err := cards.ByUniqueKey(ctx, key); err != nil {
				return err
			} else if taken && other.ID != c.ID {
				return rule.Conflict(access.FieldCard, "unique", "customer %d already has a live VIRTUAL card named %q (%d)", c.CustomerID, c.Name, other.ID)
			}
		}
		if err := cards.Put(ctx, c); err != nil {
			return err
		}
		return announce(tx, c, event.Event{Domain: domain, Name: "update_type", Version: 1, Subject: c.Subject(), Data: typePayload{
			AccountID: c.AccountID, CustomerID: c.CustomerID, CardID: c.ID, CardType: TypeVirtual, CardPreviousType: TypeRecurring,
			CVVRotationIntervalHours: c.CVVRotationIntervalHours, Status: "SUCCESS"}})
	})
	return c, err
}
