package pci

import (
	"context"
	"errors"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/pinblock"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// zpk returns the org's zone PIN key with the id; field names where the id was sent.
func zpk(tx store.Tx, keyID, field string) ([]byte, error) {
	if keyID == "" {
		return nil, rule.Invalid(field, "required", "a key id is required with a PIN block")
	}
	k, ok := tx.Org().Key(keyID, org.KeyZPK)
	if !ok {
		return nil, rule.Invalid(field, "exists", "key %s is not a zone PIN key of the org; GET /_sim/fixtures lists its keys", keyID)
	}
	return k.Bytes(), nil
}

// readPINBlock decrypts an ISO 9564 format-0 PIN block under the org's ZPK and reads the PIN for the PAN.
func readPINBlock(tx store.Tx, block, keyID string, pan string) (PIN, error) {
	if block == "" {
		return "", rule.Invalid("/pinblock", "required", "a PIN block is required")
	}
	key, err := zpk(tx, keyID, "/key_id")
	if err != nil {
		return "", err
	}
	b, err := pinblock.Parse(block)
	if err != nil {
		return "", rule.Invalid("/pinblock", "format", "%s", err.Error())
	}
	clear, err := pinblock.Decrypt(b, key)
	if err != nil {
		return "", rule.Invalid("/key_id", "key", "%s", err.Error())
	}
	pin, err := pinblock.PIN(clear, pan)
	if errors.Is(err, pinblock.ErrFormat) {
		return "", rule.Invalid("/pinblock", "format", "%s: is it enciphered under key %s, for this card's PAN?", err.Error(), keyID)
	}
	if err != nil {
		return "", rule.Invalid("/pinblock", "format", "%s", err.Error())
	}
	if len(pin) > 6 {
		return "", rule.Invalid("/pinblock", "pin_length", "the block holds a PIN of %d digits; cards take 4 to 6", len(pin))
	}
	return PIN(pin), nil
}

// SetPINFromBlock sets a card's PIN from a PIN block enciphered under the org's ZPK keyID, for the card's PAN,
// and emits update_password-1 (and, with syncOffline, queues the offline PIN sync).
func (s *Service) SetPINFromBlock(ctx context.Context, caller access.Caller, id int64, block, keyID string, syncOffline bool) error {
	_, err := s.change(ctx, caller, id, func(tx store.Tx, _ repos, c card.Card, d *Data) error {
		pin, err := readPINBlock(tx, block, keyID, d.PAN.Reveal())
		if err != nil {
			return err
		}
		return s.setPIN(ctx, tx, c, d, pin, syncOffline)
	})
	return err
}

// PINBlock returns a card's PIN as a format-0 PIN block enciphered under the org's ZPK keyID.
func (s *Service) PINBlock(ctx context.Context, caller access.Caller, id int64, keyID string) (card.Card, Data, pinblock.Block, error) {
	var c card.Card
	var d Data
	var out pinblock.Block
	err := s.view(ctx, caller.Tenant, func(tx store.Tx, r repos) error {
		var err error
		if c, d, err = load(ctx, tx, r, caller, access.Scope{}, id); err != nil {
			return err
		}
		key, err := zpk(tx, keyID, "key-id")
		if err != nil {
			return err
		}
		if d.PIN == "" {
			return rule.Conflict(access.FieldCard, "pin", "card %d has no PIN", id)
		}
		clear, err := pinblock.Format0(d.PIN.Reveal(), d.PAN.Reveal())
		if err != nil {
			return err
		}
		out, err = pinblock.Encrypt(clear, key)
		return err
	})
	return c, d, out, err
}
