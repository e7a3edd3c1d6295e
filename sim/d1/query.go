package d1

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// Page is a page of a card's operations log, newest first, and how many older ones are left.
type Page struct {
	Operations []Operation
	Remaining  int
}

// Operations lists a card's operations newest first: offset skips the most recent ones, limit caps the page.
// An unknown card has an empty log, as the vendor answers.
func (s *Service) Operations(ctx context.Context, caller Caller, issuerID, cardID string, offset, limit int) (Page, error) {
	var p Page
	err := s.store.View(ctx, caller.Tenant, func(tx store.Tx) error {
		if _, err := issuer(tx, caller, issuerID); err != nil {
			return err
		}
		ops, err := s.store.D1(tx).Operations(ctx, issuerID, cardID)
		if err != nil {
			return err
		}
		slices.Reverse(ops)
		p = paginate(ops, offset, limit)
		return nil
	})
	if err != nil {
		return Page{}, fmt.Errorf("list the operations of card %s: %w", cardID, err)
	}
	return p, nil
}

// paginate cuts one page out of a newest-first list.
func paginate(ops []Operation, offset, limit int) Page {
	start := min(offset, len(ops))
	end := min(start+limit, len(ops))
	return Page{Operations: ops[start:end], Remaining: len(ops) - end}
}

// Operation returns one operation of a card; one of another card, or removed after three months, is not found.
func (s *Service) Operation(ctx context.Context, caller Caller, issuerID, cardID, operationID string) (Operation, error) {
	var o Operation
	err := s.store.View(ctx, caller.Tenant, func(tx store.Tx) error {
		if _, err := issuer(tx, caller, issuerID); err != nil {
			return err
		}
		var err error
		o, err = s.store.D1(tx).Operation(ctx, operationID)
		if errors.Is(err, store.ErrNotFound) || err == nil && o.CardKey() != Key(issuerID, cardID) {
			return rule.NotFound("operationId", "operation %s of card %s not found (operations leave the log after three months)", operationID, cardID)
		}
		return err
	})
	if err != nil {
		return Operation{}, fmt.Errorf("get operation %s: %w", operationID, err)
	}
	return o, nil
}
