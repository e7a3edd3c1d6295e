package card

import (
	"context"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// A card's modes, programs, ATC and automatic updater: the rest of the vendor's Cards surface for a card's
// life. None of these changes the card's status.

// Modes returns a card's modes.
func (s *Service) Modes(ctx context.Context, caller access.Caller, id int64) ([]Mode, error) {
	c, err := s.Get(ctx, caller, access.Scope{}, id)
	return c.Modes, err
}

// AddMode makes the card a combination card: it adds the mode the card lacks, on the card's program, account
// and customer. A card with both modes is refused.
func (s *Service) AddMode(ctx context.Context, caller access.Caller, scope access.Scope, id int64) (Mode, error) {
	var added Mode
	err := s.change(ctx, caller, scope, id, func(tx store.Tx, c *Card) error {
		kind := ModeCredit
		if c.mode(ModeCredit) != nil {
			kind = ModeDebit
		}
		if c.mode(kind) != nil {
			return rule.Conflict(access.FieldCard, "mode", "card %d already has a CREDIT and a DEBIT mode", c.ID)
		}
		added = Mode{ID: int64(len(c.Modes)) + 1, Kind: kind, ProgramID: c.ProgramID, AccountID: c.AccountID, CustomerID: c.CustomerID}
		c.Modes = append(c.Modes, added)
		return nil
	})
	return added, err
}

// SetModeSuspended suspends a card's mode or makes it ACTIVE again.
func (s *Service) SetModeSuspended(ctx context.Context, caller access.Caller, scope access.Scope, id, modeID int64, suspended bool) error {
	return s.change(ctx, caller, scope, id, func(tx store.Tx, c *Card) error {
		m, err := c.modeByID(modeID)
		if err != nil {
			return err
		}
		m.Suspended = suspended
		return nil
	})
}

// MigrateProgram moves a card, and its original mode, to another program of the org; the OnMigrated hooks
// follow it there (the embossing pipeline announces embossing_card_ingress-1, CARD_PROGRAM_MIGRATION).
func (s *Service) MigrateProgram(ctx context.Context, caller access.Caller, scope access.Scope, id, programID int64) error {
	return s.change(ctx, caller, scope, id, func(tx store.Tx, c *Card) error {
		if err := checkMigration(tx, *c, c.ProgramID, programID); err != nil {
			return err
		}
		c.ProgramID = programID
		if len(c.Modes) > 0 {
			c.Modes[0].ProgramID = programID
		}
		return s.onMigrated.Run(ctx, tx, *c)
	})
}

// MigrateModeProgram moves one mode of a card to another program of the org.
func (s *Service) MigrateModeProgram(ctx context.Context, caller access.Caller, id, modeID, programID int64) error {
	return s.change(ctx, caller, access.Scope{}, id, func(tx store.Tx, c *Card) error {
		m, err := c.modeByID(modeID)
		if err != nil {
			return err
		}
		if err := checkMigration(tx, *c, m.ProgramID, programID); err != nil {
			return err
		}
		m.ProgramID = programID
		if m.ID == 1 {
			c.ProgramID = programID
		}
		return nil
	})
}

// ResetATC sets the card's ATC back to zero.
func (s *Service) ResetATC(ctx context.Context, caller access.Caller, id int64) error {
	return s.change(ctx, caller, access.Scope{}, id, func(tx store.Tx, c *Card) error {
		c.ATC = 0
		return nil
	})
}

// SetAutomaticUpdater opts a card in to or out of the networks' automatic updaters: a VISA card in or out of
// the Visa Automatic Updater; a MASTERCARD card only out, which turns Mastercard's ABU off.
func (s *Service) SetAutomaticUpdater(ctx context.Context, caller access.Caller, id int64, in bool) error {
	return s.change(ctx, caller, access.Scope{}, id, func(tx store.Tx, c *Card) error {
		switch {
		case c.Brand == "VISA":
			c.VisaUpdater = in
		case !in && c.Brand == "MASTERCARD":
			c.AbuEnabled = false
		case in:
			return rule.Conflict(access.FieldCard, "brand", "card %d is %s: only VISA cards opt in to the Visa Automatic Updater", c.ID, c.Brand)
		}
		return nil
	})
}

// change runs fn on a card the caller may touch within the scope and saves it.
func (s *Service) change(ctx context.Context, caller access.Caller, scope access.Scope, id int64, fn func(store.Tx, *Card) error) error {
	_, err := s.command(ctx, caller, scope, id, nil, func(tx store.Tx, cards Repository, c *Card) error {
		if err := fn(tx, c); err != nil {
			return err
		}
		return cards.Put(ctx, *c)
	})
	return err
}

func checkMigration(tx store.Tx, c Card, from, to int64) error {
	if _, ok := tx.Org().Program(to); !ok {
		return rule.NotFound("/new_program_id", "program %d is not a program of the org", to)
	}
	switch {
	case to == from:
		return rule.NotAcceptable("/new_program_id", "program", "the card is on program %d already", to)
	case c.Status.Group() == GroupTermination:
		return rule.NotAcceptable(access.FieldCard, "status", "card %d is %s: a terminated card is not migrated", c.ID, c.Status)
	}
	return nil
}

func (c *Card) mode(kind ModeKind) *Mode {
	for i := range c.Modes {
		if c.Modes[i].Kind == kind {
			return &c.Modes[i]
		}
	}
	return nil
}

func (c *Card) modeByID(id int64) (*Mode, error) {
	for i := range c.Modes {
		if c.Modes[i].ID == id {
			return &c.Modes[i], nil
		}
	}
	return nil, rule.NotFound("modeId", "card %d has no mode %d", c.ID, id)
}
