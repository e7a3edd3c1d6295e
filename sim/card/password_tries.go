package card

import (
	"context"
	"fmt"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/store"
)

// ResetPasswordTries sets a card's wrong-PIN counter back to zero. A BLOCKED card becomes NORMAL with update-1
// (RESET_PASSWORD_TRIES); NORMAL, PENDING and WARNING cards reset without an event; any other status answers the
// vendor's 406.
func (s *Service) ResetPasswordTries(ctx context.Context, caller access.Caller, id int64) (Card, error) {
	return s.command(ctx, caller, access.Scope{}, id, updateOf(OpResetPasswordTries), func(tx store.Tx, cards Repository, c *Card) error {
		change, changed, err := c.ResetPasswordTries(now(tx))
		if err != nil {
			return err
		}
		if err := save(ctx, cards, *c, change, changed); err != nil || !changed {
			return err
		}
		return announce(tx, *c, Updated(*c, OpResetPasswordTries))
	})
}

// IncreasePasswordTries counts a wrong PIN. When the count reaches the program's maximum and block is set, the
// card becomes BLOCKED with update-1 (INCREASE_PASSWORD_TRIES_EXCEEDED); otherwise only the counter moves.
func (s *Service) IncreasePasswordTries(ctx context.Context, caller access.Caller, id int64, block bool) (Card, error) {
	return s.command(ctx, caller, access.Scope{}, id, updateOf(OpIncreasePasswordTries), func(tx store.Tx, cards Repository, c *Card) error {
		prog, ok := tx.Org().Program(c.ProgramID)
		if !ok {
			return fmt.Errorf("card %d: program %d missing from the fixtures", c.ID, c.ProgramID)
		}
		change, blocked := c.IncreasePasswordTries(prog, block, now(tx))
		if err := save(ctx, cards, *c, change, blocked); err != nil || !blocked {
			return err
		}
		return announce(tx, *c, Updated(*c, OpIncreasePasswordTries))
	})
}
