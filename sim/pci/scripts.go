package pci

import (
	"context"
	"slices"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// queue adds a script to the card's queue (state created) and emits issuer_script-1 (script_created). A
// script of type UPDATE_PIN carries the PIN it sets when applied.
func (s *Service) queue(tx store.Tx, c card.Card, d *Data, scriptID, typ string, pin PIN) (Script, error) {
	sc := Script{
		ID:        s.fake.UUID("card-script", tx.Meta().Tenant, seq(c.ID, len(d.Scripts)+1)),
		ScriptID:  scriptID,
		Type:      typ,
		State:     ScriptCreated,
		PIN:       pin,
		CreatedAt: tx.Meta().Time,
	}
	d.Scripts = append(d.Scripts, sc)
	return sc, tx.Emit(ScriptChanged(c, sc))
}

// registered returns the org's registered script with the id.
func registered(tx store.Tx, id string) (string, error) {
	sc, ok := tx.Org().Script(id)
	if !ok {
		return "", rule.Invalid("/script_id", "exists", "script %s is not registered for the org; GET /_sim/fixtures lists its scripts", id)
	}
	return sc.Type, nil
}

// AppendScript queues one of the org's registered scripts for the card's chip.
func (s *Service) AppendScript(ctx context.Context, caller access.Caller, id int64, scriptID string) (card.Card, Script, error) {
	var sc Script
	c, err := s.change(ctx, caller, id, func(tx store.Tx, _ repos, c card.Card, d *Data) error {
		typ, err := registered(tx, scriptID)
		if err != nil {
			return err
		}
		sc, err = s.queue(tx, c, d, scriptID, typ, "")
		return err
	})
	return c, sc, err
}

// PINScriptInput is the PIN an update-PIN script sets: clear, or a PIN block under a ZPK.
type PINScriptInput struct {
	ScriptID string
	PIN      string
	PINBlock string
	KeyID    string
}

// AppendPINScript queues an UPDATE_PIN script that sets the card's PIN on the chip; when the chip applies it,
// the PIN changes and update_password-1 follows.
func (s *Service) AppendPINScript(ctx context.Context, caller access.Caller, id int64, in PINScriptInput) (card.Card, Script, error) {
	var sc Script
	c, err := s.change(ctx, caller, id, func(tx store.Tx, _ repos, c card.Card, d *Data) error {
		if _, err := registered(tx, in.ScriptID); err != nil {
			return err
		}
		if err := writable(c); err != nil {
			return err
		}
		var err error
		pin := PIN(in.PIN)
		switch {
		case in.PINBlock != "":
			if pin, err = readPINBlock(tx, in.PINBlock, in.KeyID, d.PAN.Reveal()); err != nil {
				return pinBlockField(err)
			}
		case in.PIN == "":
			return rule.Invalid("/pin", "required", "an update-PIN script needs the PIN: pin, or pin_block with key_id")
		}
		sc, err = s.queue(tx, c, d, in.ScriptID, "UPDATE_PIN", pin)
		return err
	})
	return c, sc, err
}

// pinBlockField points a PIN block refusal at the script body's pin_block field.
func pinBlockField(err error) error {
	if v, ok := err.(*rule.Violation); ok && v.Field == "/pinblock" {
		v.Field = "/pin_block"
	}
	return err
}

// SyncOfflinePIN queues a SYNC_PIN script that brings the chip's offline PIN in line with the card's PIN.
func (s *Service) SyncOfflinePIN(ctx context.Context, caller access.Caller, id int64) error {
	_, err := s.change(ctx, caller, id, func(tx store.Tx, _ repos, c card.Card, d *Data) error {
		_, err := s.queue(tx, c, d, "", "SYNC_PIN", "")
		return err
	})
	return err
}

// Outcomes of a chip authorisation for the scripts it was sent.
const (
	OutcomeApplied  = ScriptApplied
	OutcomeFailed   = ScriptFailed
	OutcomeCanceled = ScriptCanceled
)

// ChipSeen simulates the card at a chip authorisation: every created script is sent (issuer_script-1
// script_sent) and then ends as outcome (script_applied, script_failed or script_canceled). An applied
// UPDATE_PIN script sets the card's PIN and emits update_password-1. It returns the scripts it moved.
func (s *Service) ChipSeen(ctx context.Context, tenant string, id int64, outcome string) ([]Script, error) {
	if !slices.Contains([]string{OutcomeApplied, OutcomeFailed, OutcomeCanceled}, outcome) {
		return nil, rule.Invalid("/outcome", "enum", "outcome %q must be applied, failed or canceled", outcome)
	}
	var moved []Script
	err := s.update(ctx, tenant, func(tx store.Tx, r repos) error {
		c, err := r.cards.Get(ctx, id)
		if err != nil {
			return rule.NotFound("cardId", "card %d not found in tenant %s", id, tenant)
		}
		d, err := r.data.Get(ctx, id)
		if err != nil {
			return rule.NotFound("cardId", "card %d has no PCI data, so no chip", id)
		}
		for i := range d.Scripts {
			sc := &d.Scripts[i]
			if sc.State != ScriptCreated {
				continue
			}
			for _, state := range []string{ScriptSent, outcome} {
				sc.State = state
				if err := tx.Emit(ScriptChanged(c, *sc)); err != nil {
					return err
				}
			}
			if sc.Type == "UPDATE_PIN" && outcome == OutcomeApplied {
				d.PIN, d.PasswordUpdated = sc.PIN, true
				if err := tx.Emit(PasswordChanged(c)); err != nil {
					return err
				}
			}
			sc.PIN = "" // a script's PIN is kept only until it is applied
			moved = append(moved, *sc)
		}
		return r.data.Put(ctx, d)
	})
	return moved, err
}
