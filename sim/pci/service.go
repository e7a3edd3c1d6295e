package pci

import (
	"context"
	"errors"
	"strconv"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// repos are the repositories a PCI command works with inside its transaction.
type repos struct {
	cards card.Repository
	data  Repository
}

func (s *Service) update(ctx context.Context, tenant string, fn func(store.Tx, repos) error) error {
	meta := store.NewMeta(ctx, tenant, s.clocks.For(tenant))
	return s.store.Update(ctx, meta, func(tx store.Tx) error {
		return fn(tx, repos{cards: s.store.Cards(tx), data: s.store.PCI(tx)})
	})
}

func (s *Service) view(ctx context.Context, tenant string, fn func(store.Tx, repos) error) error {
	return s.store.View(ctx, tenant, func(tx store.Tx) error {
		return fn(tx, repos{cards: s.store.Cards(tx), data: s.store.PCI(tx)})
	})
}

// load returns a card the caller may touch within the scope and its PCI data; a card whose PCI data does not
// exist yet is the vendor's 404.
func load(ctx context.Context, tx store.Tx, r repos, caller access.Caller, scope access.Scope, id int64) (card.Card, Data, error) {
	c, err := card.Owned(ctx, tx, r.cards, caller, scope, id)
	if err != nil {
		return card.Card{}, Data{}, err
	}
	d, err := r.data.Get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return card.Card{}, Data{}, rule.NotFound(access.FieldCard, "card %d has no PCI data yet: the vendor creates it after the card, and so does the simulator with a PCI delay", id)
	}
	return c, d, err
}

// change runs fn on a card the caller may touch and its PCI data, in one transaction of the tenant, and saves
// the data fn changed; most PCI commands are one call of it.
func (s *Service) change(ctx context.Context, caller access.Caller, id int64, fn func(store.Tx, repos, card.Card, *Data) error) (card.Card, error) {
	var c card.Card
	err := s.update(ctx, caller.Tenant, func(tx store.Tx, r repos) error {
		var d Data
		var err error
		if c, d, err = load(ctx, tx, r, caller, access.Scope{}, id); err != nil {
			return err
		}
		if err := fn(tx, r, c, &d); err != nil {
			return err
		}
		return r.data.Put(ctx, d)
	})
	return c, err
}

// writable refuses PCI changes to a card whose status the vendor's PCI events cannot name (INOPERATIVE is not
// in update_password-1's status list).
func writable(c card.Card) error {
	if c.Status == card.StatusInoperative {
		return rule.Conflict(access.FieldCard, "status", "card %d is INOPERATIVE: renew its validity before changing its PIN", c.ID)
	}
	return nil
}

// seq is a card-scoped number as text, for seeded ids.
func seq(card int64, n int) string { return strconv.FormatInt(card, 10) + "/" + strconv.Itoa(n) }
