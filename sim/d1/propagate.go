package d1

import (
	"context"
	"fmt"
	"slices"

	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/store"
)

// ProcessorStatusChanged is the card service's hook for a processor card whose status changed: when the D1
// card's issuer propagates processor events, the live D1 card linked to it follows, in the same transaction,
// as the card networks would carry the change to the token platform. A block suspends it, a return to NORMAL
// resumes it, a termination deletes it; each is an operation requested by D1 itself, refused and recorded
// FAILED where the rules say no (a deactivated end user's card is not resumed).
func (s *Service) ProcessorStatusChanged(ctx context.Context, tx store.Tx, pc card.Card) error {
	repo := s.store.D1(tx)
	linked, err := repo.LinkedTo(ctx, pc.ID)
	if err != nil {
		return err
	}
	for _, c := range linked {
		if !c.State.Live() {
			continue
		}
		is, ok := tx.Org().D1Issuer(c.IssuerID)
		if !ok {
			continue
		}
		st, err := settings(ctx, tx, repo, is)
		if err != nil {
			return err
		}
		op, ok := follow(c.State, pc.Status)
		if !st.Propagate || !ok {
			continue
		}
		if _, _, err := s.operate(ctx, tx, repo, &c, op, Requestor{Type: RequestorD1, ID: "D1"}, Reason{Code: ReasonIssuerDecision}); err != nil {
			return fmt.Errorf("propagate processor card %d to D1 card %s: %w", pc.ID, c.ID, err)
		}
	}
	return nil
}

// follow returns the operation that brings a D1 card in step with its processor card's new status, if one does.
func follow(state State, status card.Status) (OperationType, bool) {
	want := Expected(status)
	switch {
	case slices.Contains(want, state):
		return "", false
	case slices.Contains(want, StateSuspended) && state == StateActive:
		return OpSuspend, true
	case slices.Contains(want, StateActive) && state == StateSuspended:
		return OpResume, true
	case slices.Contains(want, StateDeleted):
		return OpDelete, true
	}
	return "", false
}
