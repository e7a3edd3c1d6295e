package pci

import (
	"context"
	"strings"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// Info returns a card the caller may touch and its PCI data.
func (s *Service) Info(ctx context.Context, caller access.Caller, id int64) (card.Card, Data, error) {
	var c card.Card
	var d Data
	err := s.view(ctx, caller.Tenant, func(tx store.Tx, r repos) error {
		var err error
		c, d, err = load(ctx, tx, r, caller, access.Scope{}, id)
		return err
	})
	return c, d, err
}

// ChangePassword sets a card's PIN and emits update_password-1; with syncOffline it also queues a SYNC_PIN
// script for the chip (issuer_script-1, script_created).
func (s *Service) ChangePassword(ctx context.Context, caller access.Caller, id int64, pin string, syncOffline bool) error {
	_, err := s.change(ctx, caller, id, func(tx store.Tx, _ repos, c card.Card, d *Data) error {
		if len(pin) < 4 || len(pin) > 6 || strings.Trim(pin, "0123456789") != "" {
			return rule.Invalid("/pin", "pattern", "the PIN must be 4 to 6 digits")
		}
		return s.setPIN(ctx, tx, c, d, PIN(pin), syncOffline)
	})
	return err
}

// setPIN sets a new PIN, announces it, runs the OnPINChanged hooks, and queues the offline PIN sync when asked.
func (s *Service) setPIN(ctx context.Context, tx store.Tx, c card.Card, d *Data, pin PIN, syncOffline bool) error {
	if err := writable(c); err != nil {
		return err
	}
	d.PIN, d.PasswordUpdated = pin, true
	if err := tx.Emit(PasswordChanged(c)); err != nil {
		return err
	}
	if err := s.onPINChanged.Run(ctx, tx, c); err != nil {
		return err
	}
	if syncOffline {
		_, err := s.queue(tx, c, d, "", "SYNC_PIN", "")
		return err
	}
	return nil
}
