package pci

import (
	"context"
	"strings"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// PANUpdate is an issuer-defined PAN (encrypted, with the BIN it must start with) and, optionally, PIN (a
// PIN block under the org's first ZPK, or a length for a generated one).
type PANUpdate struct {
	BIN       string
	PAN       EncryptedPAN
	PINBlock  string
	PINLength int
}

// UpdatePAN gives an UNNUMBERED card the issuer's PAN (and PIN, or a generated one), with a generated CVV. A
// nominal card becomes CREATED (PLASTIC) or NORMAL (the other types), a noname card UNBOUND; update-1
// (PAN_UPDATE) announces it. noname says which of the vendor's two endpoints was called: each takes only its
// kind of card.
func (s *Service) UpdatePAN(ctx context.Context, caller access.Caller, scope access.Scope, id int64, noname bool, in PANUpdate) error {
	return s.update(ctx, caller.Tenant, func(tx store.Tx, r repos) error {
		c, err := r.cards.Get(ctx, id)
		if err != nil {
			return rule.NotFound(access.FieldCard, "card %d not found", id)
		}
		if c.BulkID == nil || c.AccountID != 0 { // a bound or nominal card: the usual ownership rules
			if c, err = card.Owned(ctx, tx, r.cards, caller, scope, id); err != nil {
				return err
			}
		}
		switch {
		case noname != (c.BulkID != nil):
			kind := map[bool]string{true: "noname", false: "nominal"}
			return rule.NotAcceptable(access.FieldCard, "kind", "card %d is a %s card: use the %s PAN update", id, kind[c.BulkID != nil], kind[c.BulkID != nil])
		case c.Status != card.StatusUnnumbered:
			return rule.NotAcceptable(access.FieldCard, "status", "card %d is %s: only an UNNUMBERED card takes an issuer-defined PAN", id, c.Status)
		}
		pan, err := decryptPAN(tx, in.PAN, "/pan/data")
		if err != nil {
			return err
		}
		if err := checkPAN(pan, "/pan/data"); err != nil {
			return err
		}
		if in.BIN == "" || !strings.HasPrefix(pan, in.BIN) {
			return rule.Invalid("/pan/bin", "prefix", "the PAN does not start with the BIN %q", in.BIN)
		}
		if _, taken, err := r.data.ByPANHash(ctx, fake.PAN(pan).Hash()); err != nil {
			return err
		} else if taken {
			return rule.NotAcceptable("/pan/data", "unique", "another card of the org has that PAN")
		}
		gen := s.fake.For(tx.Meta().Tenant, "issuer-pan", c.ID)
		d := Data{CardID: c.ID, PAN: fake.PAN(pan), CVV: CVV(gen.Digits(3)), ServiceCode: DefaultServiceCode}
		switch {
		case in.PINBlock != "":
			keyID, err := firstZPK(tx)
			if err != nil {
				return err
			}
			if d.PIN, err = readPINBlock(tx, in.PINBlock, keyID, pan); err != nil {
				return panPINField(err)
			}
			d.PasswordUpdated = true
		default:
			if in.PINLength != 0 {
				c.PINLength = in.PINLength
			}
			d.PIN = PIN(gen.Digits(c.PINLength))
		}
		c.BIN, c.Hash, c.LastFour = in.BIN, d.PAN.Hash(), d.PAN.LastFour()
		switch {
		case noname:
			c.Status = card.StatusUnbound
		case c.Type == card.TypePlastic:
			c.Status = card.StatusCreated
		default:
			c.Status = card.StatusNormal
		}
		c.PreviousStatus = c.Status // UNNUMBERED has no name in the events' status lists
		if err := scheduleRotation(tx, c, &d, tx.Meta().Time); err != nil {
			return err
		}
		if err := r.cards.Put(ctx, c); err != nil {
			return err
		}
		if err := r.data.Put(ctx, d); err != nil {
			return err
		}
		return tx.Emit(card.Updated(c, card.OpPANUpdate))
	})
}

// firstZPK is the org's zone PIN key the PAN update's PIN block is enciphered under: the vendor's request names
// none [inf].
func firstZPK(tx store.Tx) (string, error) {
	for _, k := range tx.Org().Keys {
		if k.Type == org.KeyZPK {
			return k.ID, nil
		}
	}
	return "", rule.Invalid("/pin/pinblock", "key", "the org has no zone PIN key to read a PIN block with")
}

func panPINField(err error) error {
	if v, ok := err.(*rule.Violation); ok && v.Field == "/pinblock" {
		v.Field = "/pin/pinblock"
	}
	return err
}
