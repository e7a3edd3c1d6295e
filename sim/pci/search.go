package pci

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"strings"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// EncryptedPAN is a PAN as the vendor's encrypted-PAN endpoints take it: AES-256-GCM under one of the org's AES
// keys, with a 12-byte nonce (iv) and the ciphertext followed by its tag, both base64. The vendor sets the
// scheme up with each client; this is the simulator's (docs/fidelity.md).
type EncryptedPAN struct {
	Data  string // base64 of ciphertext || tag
	IV    string // base64 of the 12-byte nonce
	KeyID string
}

// EncryptPAN enciphers a PAN as EncryptedPAN expects: what an integrator's test does with the fixture key.
func EncryptPAN(key []byte, pan string, nonce []byte) (string, error) {
	gcm, err := gcmOf(key)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(gcm.Seal(nil, nonce, []byte(pan), nil)), nil
}

func gcmOf(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// decryptPAN reads an encrypted PAN; field is where the encrypted PAN sits in the request ("/pan" or
// "/pan/data"), and the key and nonce fields are its siblings.
func decryptPAN(tx store.Tx, e EncryptedPAN, field string) (string, error) {
	parent := strings.TrimSuffix(field, "/data")
	if parent == field {
		parent = ""
	}
	k, ok := tx.Org().Key(e.KeyID, org.KeyAES)
	if !ok {
		return "", rule.Invalid(parent+"/key_id", "exists", "key %s is not an AES key of the org; GET /_sim/fixtures lists its keys", e.KeyID)
	}
	nonce, err := base64.StdEncoding.DecodeString(e.IV)
	if err != nil || len(nonce) != 12 {
		return "", rule.Invalid(parent+"/iv", "format", "iv must be the base64 of a 12-byte nonce")
	}
	ct, err := base64.StdEncoding.DecodeString(e.Data)
	if err != nil {
		return "", rule.Invalid(field, "format", "the encrypted PAN must be base64")
	}
	gcm, err := gcmOf(k.Bytes())
	if err != nil {
		return "", err
	}
	clear, err := gcm.Open(nil, nonce, ct, nil)
	if err != nil {
		return "", rule.Invalid(field, "decrypt", "the PAN does not decrypt under key %s with this iv (AES-256-GCM)", e.KeyID)
	}
	return string(clear), nil
}

// checkPAN refuses a PAN that is not 12 to 19 digits passing the Luhn check.
func checkPAN(pan, field string) error {
	if len(pan) < 12 || len(pan) > 19 || strings.Trim(pan, "0123456789") != "" {
		return rule.Invalid(field, "pattern", "the PAN must be 12 to 19 digits")
	}
	if !fake.LuhnValid(pan) {
		return rule.Invalid(field, "luhn", "the PAN fails the Luhn check")
	}
	return nil
}

// Search finds the tenant's card with the PAN (clear, or encrypted when enc is set).
func (s *Service) Search(ctx context.Context, caller access.Caller, pan string, enc *EncryptedPAN) (card.Card, error) {
	var c card.Card
	err := s.view(ctx, caller.Tenant, func(tx store.Tx, r repos) error {
		if enc != nil {
			var err error
			if pan, err = decryptPAN(tx, *enc, "/pan"); err != nil {
				return err
			}
		}
		if err := checkPAN(pan, "/pan"); err != nil {
			return err
		}
		d, ok, err := r.data.ByPANHash(ctx, fake.PAN(pan).Hash())
		if err != nil {
			return err
		}
		if !ok {
			return rule.NotFound("/pan", "no card of the org has that PAN")
		}
		c, err = r.cards.Get(ctx, d.CardID)
		return err
	})
	return c, err
}
