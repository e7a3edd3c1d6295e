package card

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/store"
)

// RenewValidity gives a card a new validity of hours from now and emits update-1 (CARD_VALIDITY_RENEWAL, or
// TEMPORARY_CARD_RENEWAL_EVENT for a TEMPORARY card); an INOPERATIVE card becomes NORMAL. The card's expiry job
// moves to the new valid_until.
func (s *Service) RenewValidity(ctx context.Context, caller access.Caller, id int64, hours int) (Card, error) {
	return s.command(ctx, caller, access.Scope{}, id, func(c Card) event.Event { return Updated(c, renewalOperation(c)) }, func(tx store.Tx, cards Repository, c *Card) error {
		op, change, changed, err := c.RenewValidity(hours, now(tx))
		if err != nil {
			return err
		}
		if err := save(ctx, cards, *c, change, changed); err != nil {
			return err
		}
		if err := scheduleExpiry(tx, *c); err != nil {
			return err
		}
		return announce(tx, *c, Updated(*c, op))
	})
}

// CancelValidity removes a card's validity period, and its expiry job, and emits update-1
// (CARD_VALIDITY_CANCEL); the card's status stays.
func (s *Service) CancelValidity(ctx context.Context, caller access.Caller, id int64) (Card, error) {
	return s.command(ctx, caller, access.Scope{}, id, updateOf(OpValidityCancel), func(tx store.Tx, cards Repository, c *Card) error {
		if err := c.CancelValidity(); err != nil {
			return err
		}
		if err := cards.Put(ctx, *c); err != nil {
			return err
		}
		if err := scheduleExpiry(tx, *c); err != nil {
			return err
		}
		return announce(tx, *c, Updated(*c, OpValidityCancel))
	})
}

// RunValidityExpiry runs a JobValidityExpiry job: the card becomes INOPERATIVE with update-1
// (TEMPORARY_CARD_INOPERATIVE_EVENT) unless its validity was renewed, removed or ended another way since.
func (s *Service) RunValidityExpiry(ctx context.Context, tx store.Tx, j job.Job) error {
	id, err := strconv.ParseInt(j.Subject.ID, 10, 64)
	if err != nil {
		return fmt.Errorf("%s job %d: subject %s is not a card", j.Kind, j.ID, j.Subject)
	}
	cards := s.store.Cards(tx)
	c, err := cards.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	change, expired := c.Expire(j.Due, now(tx))
	if !expired {
		return nil
	}
	if err := save(ctx, cards, c, change, true); err != nil {
		return err
	}
	return announce(tx, c, Updated(c, OpTemporaryCardInoperative))
}
