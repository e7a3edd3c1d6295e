package card

import (
	"context"
	"errors"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/store"
)

// Activate makes a PLASTIC CREATED card NORMAL and emits update-1 (ACTIVATE). When the card replaced one in a
// reissue that kept the old card usable (REISSUED), the old card is CANCELED now, with its own update-1.
func (s *Service) Activate(ctx context.Context, caller access.Caller, scope access.Scope, id int64) (Card, error) {
	return s.command(ctx, caller, scope, id, updateOf(OpActivate), func(tx store.Tx, cards Repository, c *Card) error {
		change, err := c.Activate(now(tx))
		if err != nil {
			return err
		}
		if err := save(ctx, cards, *c, change, true); err != nil {
			return err
		}
		if err := announce(tx, *c, Updated(*c, OpActivate)); err != nil {
			return err
		}
		if c.ReissuedCardID == nil {
			return nil
		}
		old, err := cards.Get(ctx, *c.ReissuedCardID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		retired, changed := old.Retire(now(tx))
		if !changed {
			return nil
		}
		if err := save(ctx, cards, old, retired, true); err != nil {
			return err
		}
		if err := scheduleExpiry(tx, old); err != nil {
			return err
		}
		return announce(tx, old, Updated(old, OpReissue))
	})
}
