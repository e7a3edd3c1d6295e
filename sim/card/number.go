package card

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/issuersim/issuersim/sim/job"
	"github.com/issuersim/issuersim/sim/store"
)

// JobNumber is the job kind that generates a card's PCI data after the PCI delay and emits create-1, which the
// vendor sends only once that data exists. Its subject is the card.
const JobNumber = "card.number"

// Numberer gives a card its PCI data, in the transaction that numbers it, and sets the card's hash and last
// four digits. The PCI domain (package pci) is the card service's Numberer.
type Numberer interface {
	Number(ctx context.Context, tx store.Tx, c *Card) error
}

// number has the card numbered and emits create-1.
func (s *Service) number(ctx context.Context, tx store.Tx, c *Card) error {
	if err := s.pci.Number(ctx, tx, c); err != nil {
		return fmt.Errorf("number card %d: %w", c.ID, err)
	}
	if err := tx.Emit(Created(*c)); err != nil {
		return err
	}
	return s.onNumbered.Run(ctx, tx, *c)
}

// RunNumber runs a JobNumber job: it numbers the card unless that has happened already.
func (s *Service) RunNumber(ctx context.Context, tx store.Tx, j job.Job) error {
	id, err := strconv.ParseInt(j.Subject.ID, 10, 64)
	if err != nil {
		return fmt.Errorf("%s job %d: subject %s is not a card", j.Kind, j.ID, j.Subject)
	}
	cards := s.store.Cards(tx)
	c, err := cards.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil // nothing left to number
	}
	if err != nil || c.Numbered() {
		return err
	}
	if err := s.number(ctx, tx, &c); err != nil {
		return err
	}
	return cards.Put(ctx, c)
}

// Hooks are called in order; the first error stops them and fails the command.
type Hooks []Hook

// Run calls the hooks on the card.
func (hooks Hooks) Run(ctx context.Context, tx store.Tx, c Card) error {
	for _, hook := range hooks {
		if err := hook(ctx, tx, c); err != nil {
			return err
		}
	}
	return nil
}
