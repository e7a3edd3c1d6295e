package embossing

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/pci"
	"github.com/issuersim/issuersim/sim/pinblock"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// Cipher modes of the encrypted embossing data.
const (
	// CBC is v1: AES-256-CBC with PKCS#7 padding under the caller's 16-byte IV.
	CBC = "CBC"
	// GCM is v2: AES-256-GCM with a 12-byte nonce the simulator draws from the seed, the org id as AAD, and the
	// tag appended to the ciphertext.
	GCM = "GCM"
)

// GenerateInput is a request for a card's encrypted embossing data.
type GenerateInput struct {
	Kind   Kind
	CardID int64
	KeyID  string
	// Mode is CBC (v1, IV given) or GCM (v2, nonce drawn).
	Mode string
	IV   string // hex, v1 only
}

// Generated is a card's encrypted embossing data.
type Generated struct {
	Card card.Card
	// IV is the hex IV (v1, as given) or GCM nonce (v2).
	IV string
	// Data is the base64 ciphertext of the card's embossing data (CardData as JSON).
	Data string
}

// CardData is what encrypted embossing data holds, as the vendor lists it. PAN, CVVs and PIN block are clear
// inside the ciphertext only.
type CardData struct {
	CardNumber           string `json:"card_number"`
	PrintedName          string `json:"printed_name"`
	ExpirationDate       string `json:"expiration_date"`
	PINBlock             string `json:"pinblock"`
	CVV                  string `json:"cvv"`
	CVV2                 string `json:"cvv2"`
	ICVV                 string `json:"icvv"`
	Track1MagneticStripe string `json:"track1_magnetic_stripe"`
	Track2MagneticStripe string `json:"track2_magnetic_stripe"`
	Track1Chip           string `json:"track1_chip"`
	Track2Chip           string `json:"track2_chip"`
	ServiceCodeCVV1      string `json:"service_code_cvv1"`
	ServiceCodeCVV2      string `json:"service_code_cvv2"`
	ServiceCodeICVV      string `json:"service_code_icvv"`
}

// Service codes the CVV2 and iCVV are computed with, by card scheme convention.
const (
	serviceCodeCVV2 = "000"
	serviceCodeICVV = "999"
)

// Generate returns a card's embossing data encrypted under one of the org's AES keys, for an issuer that
// embosses its own cards; the card counts as embossed and embossing-1 tells of it (trigger origin API). It needs
// an enabled on-demand configuration for the card's program, as the vendor does.
func (s *Service) Generate(ctx context.Context, caller access.Caller, in GenerateInput) (Generated, error) {
	var out Generated
	err := s.update(ctx, caller.Tenant, func(tx store.Tx, emb Repository) error {
		key, ok := tx.Org().Key(in.KeyID, org.KeyAES)
		if !ok {
			return rule.Invalid("/key_id", "exists", "key %s is not an AES key of the org; GET /_sim/fixtures lists its keys", in.KeyID)
		}
		c, r, err := s.load(ctx, tx, caller, in.Kind, in.CardID)
		if err != nil {
			return err
		}
		cfg, ok := onDemand(tx.Org(), r)
		if !ok {
			return rule.NotFound("/card_id", "not found configurations ondemand to org: no enabled on-demand %s configuration embosses program %d", kind(r), r.ProgramID)
		}
		d, err := s.store.PCI(tx).Get(ctx, c.ID)
		if err != nil {
			return fmt.Errorf("card %d: PCI data: %w", c.ID, err)
		}
		plain, err := s.cardData(tx.Org().ID, c, d)
		if err != nil {
			return err
		}
		r.Fetched++
		out = Generated{Card: c}
		switch in.Mode {
		case CBC:
			out.IV = in.IV
			out.Data, err = encryptCBC(key.Bytes(), in.IV, plain)
		default:
			nonce := s.fake.Key(fmt.Sprintf("embossing nonce/%s/%d/%d", tx.Org().ID, c.ID, r.Fetched))[:12]
			out.IV = hex.EncodeToString(nonce)
			out.Data, err = encryptGCM(key.Bytes(), nonce, []byte(tx.Org().ID), plain)
		}
		if err != nil {
			return err
		}
		now := tx.Meta().Time
		r.History = append(r.History, Entry{ConfigID: cfg.ID, Group: cfg.Name, Embosser: cfg.EmbosserName, AddressID: clonePtr(r.AddressID),
			TriggerOrigin: OriginAPI, TriggerType: TriggerOnDemand, GenerationDate: now, EmbossingTime: now, Reembossing: r.Reembossing})
		if err := tx.Emit(embossed(r, cfg, "", "")); err != nil {
			return err
		}
		r.State, r.Reembossing, r.UpdatedAt = StateEmbossed, false, now
		return emb.Put(ctx, r)
	})
	return out, err
}

// onDemand returns the enabled on-demand configuration for the record's program and kind: its own when it is
// one, else the first listed.
func onDemand(o *org.Org, r Record) (org.EmbossingConfig, bool) {
	if cfg, ok := o.EmbossingConfig(r.ConfigID); ok && cfg.Enable && cfg.OnDemand {
		return cfg, true
	}
	for _, cfg := range o.Embossing {
		if cfg.Enable && cfg.OnDemand && cfg.Type == kind(r) && cfg.Serves(r.ProgramID) {
			return cfg, true
		}
	}
	return org.EmbossingConfig{}, false
}

// cardData is the card's embossing data as JSON: the PIN block is the clear ISO 9564 format-0 block, the CVV1
// and iCVV are seeded per card, and the tracks follow the ISO 7813 layout.
func (s *Service) cardData(orgID string, c card.Card, d pci.Data) ([]byte, error) {
	pan := d.PAN.Reveal()
	block, err := pinblock.Format0(d.PIN.Reveal(), pan)
	if err != nil {
		return nil, fmt.Errorf("card %d: PIN block: %w", c.ID, err)
	}
	gen := s.fake.For(orgID, "embossing cvv", c.ID)
	cvv1, icvv := gen.Digits(3), gen.Digits(3)
	exp, name := c.ExpiryYYMM(), trackName(c.PrintedName)
	track1 := func(v string) string {
		return "B" + pan + "^" + name + "^" + exp + d.ServiceCode + "0000" + v + "000000?"
	}
	track2 := func(v string) string { return pan + "=" + exp + d.ServiceCode + "0000" + v + "00000?" }
	return json.Marshal(CardData{
		CardNumber: pan, PrintedName: c.PrintedName, ExpirationDate: exp, PINBlock: block.String(),
		CVV: cvv1, CVV2: d.CVV.Reveal(), ICVV: icvv,
		Track1MagneticStripe: track1(cvv1), Track2MagneticStripe: track2(cvv1), Track1Chip: track1(icvv), Track2Chip: track2(icvv),
		ServiceCodeCVV1: d.ServiceCode, ServiceCodeCVV2: serviceCodeCVV2, ServiceCodeICVV: serviceCodeICVV,
	})
}

// trackName writes a printed name as track 1 carries it: SURNAME/GIVEN NAMES, at most 26 characters.
func trackName(printed string) string {
	parts := strings.Fields(strings.ToUpper(printed))
	if len(parts) == 0 {
		return " /"
	}
	name := parts[len(parts)-1] + "/" + strings.Join(parts[:len(parts)-1], " ")
	if len(name) > 26 {
		name = name[:26]
	}
	return name
}

func encryptCBC(key []byte, ivHex string, plain []byte) (string, error) {
	iv, err := hex.DecodeString(ivHex)
	if err != nil || len(iv) != aes.BlockSize {
		return "", rule.Invalid("/iv", "format", "iv must be 16 bytes in hex (32 hex digits)")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	padded := append(bytes.Clone(plain), bytes.Repeat([]byte{byte(pad)}, pad)...)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(padded, padded)
	return base64.StdEncoding.EncodeToString(padded), nil
}

func encryptGCM(key, nonce, aad, plain []byte) (string, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(gcm.Seal(nil, nonce, plain, aad)), nil
}

// DecryptCBC reads v1 encrypted embossing data, as an integrator's test does with the fixture key.
func DecryptCBC(key []byte, ivHex, data string) ([]byte, error) {
	iv, err := hex.DecodeString(ivHex)
	if err != nil {
		return nil, fmt.Errorf("iv is not hex: %w", err)
	}
	if len(iv) != aes.BlockSize {
		return nil, fmt.Errorf("iv is %d bytes, want %d", len(iv), aes.BlockSize)
	}
	ct, err := base64.StdEncoding.DecodeString(data)
	if err != nil || len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("ciphertext is not whole AES blocks")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(ct, ct)
	pad := int(ct[len(ct)-1])
	if pad == 0 || pad > aes.BlockSize {
		return nil, fmt.Errorf("bad padding")
	}
	return ct[:len(ct)-pad], nil
}

// DecryptGCM reads v2 encrypted embossing data with the org id as AAD.
func DecryptGCM(key []byte, nonceHex, data, orgID string) ([]byte, error) {
	nonce, err := hex.DecodeString(nonceHex)
	if err != nil {
		return nil, fmt.Errorf("nonce is not hex: %w", err)
	}
	ct, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return nil, fmt.Errorf("data is not base64: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	if len(nonce) != gcm.NonceSize() {
		return nil, fmt.Errorf("nonce is %d bytes, want %d", len(nonce), gcm.NonceSize())
	}
	return gcm.Open(nil, nonce, ct, []byte(orgID))
}
