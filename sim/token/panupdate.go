package token

import (
	"context"
	"errors"
	"fmt"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// FieldNewCard is the PAN update's new_card_id.
const FieldNewCard = "/new_card_id"

// MovePAN moves a card's live (ACTIVE and SUSPENDED) tokens to another card of the caller's account, as the
// vendor's PAN update does after a reissue, and emits pan_update-1 with the tokens it moved. The vendor
// accepts it with 202 and reports the outcome in that event; the simulator checks the new card at once, so a
// request it cannot honour is refused and pan_update-1 always says SUCCESS.
func (s *Service) MovePAN(ctx context.Context, caller access.Caller, cardID int64, newCardID *int64) ([]int64, error) {
	if newCardID == nil {
		return nil, rule.Invalid(FieldNewCard, "required", "new_card_id names the card that receives the tokens")
	}
	if *newCardID == cardID {
		return nil, rule.Invalid(FieldNewCard, "different", "new_card_id is card %d itself", cardID)
	}
	var moved []int64
	err := s.update(ctx, caller.Tenant, func(r repos) error {
		old, err := r.ownedCard(ctx, caller, access.Scope{}, cardID)
		if err != nil {
			return err
		}
		fresh, err := r.ownedCard(ctx, caller, access.Scope{}, *newCardID)
		if err != nil {
			return rename(err, FieldNewCard)
		}
		if fresh.Status.Group() == card.GroupTermination {
			return rule.Invalid(FieldNewCard, "status", "card %d is %s: tokens move to a live card", fresh.ID, fresh.Status)
		}
		moved, err = s.move(ctx, r.tx, old, fresh)
		return err
	})
	return moved, err
}

// Reissued is the card service's hook for a reissue asked to update the card's tokens (update_tokens): the
// old card's live tokens move to the new card inside the reissue's transaction, and pan_update-1 tells of it
// after the reissue's own events.
func (s *Service) Reissued(ctx context.Context, tx store.Tx, fresh card.Card) error {
	if fresh.ReissuedCardID == nil {
		return fmt.Errorf("card %d: reissued without the card it replaces", fresh.ID)
	}
	old, err := s.store.Cards(tx).Get(ctx, *fresh.ReissuedCardID)
	if err != nil {
		return fmt.Errorf("card %d replaced by %d: %w", *fresh.ReissuedCardID, fresh.ID, err)
	}
	_, err = s.move(ctx, tx, old, fresh)
	return err
}

// move gives the old card's live tokens to the new card and emits pan_update-1.
func (s *Service) move(ctx context.Context, tx store.Tx, old, fresh card.Card) ([]int64, error) {
	tokens := s.store.Tokens(tx)
	list, err := tokens.ByCard(ctx, old.ID)
	if err != nil {
		return nil, err
	}
	var moved []int64
	for _, t := range list {
		if !t.Live() {
			continue
		}
		t.CardID, t.AccountID, t.CustomerID, t.ProgramID, t.UpdatedAt = fresh.ID, fresh.AccountID, fresh.CustomerID, fresh.ProgramID, now(tx)
		if err := tokens.Put(ctx, t); err != nil {
			return nil, err
		}
		moved = append(moved, t.ID)
	}
	return moved, tx.Emit(panUpdated(old.AccountID, old.ID, fresh.ID, moved))
}

// rename gives a refusal about a card the field that named it.
func rename(err error, field string) error {
	var v *rule.Violation
	if errors.As(err, &v) && v.Field == access.FieldCard {
		v.Field = field
	}
	return err
}
