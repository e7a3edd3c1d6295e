package d1

import (
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"regexp"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/rule"
)

// CardData is the plaintext of renew's encryptedData: the new card's PAN and expiry (MMYY), the PAN sequence
// number for AMEX, and the auxiliary PAN and expiry of a co-badged card. PANs print masked everywhere.
type CardData struct {
	PAN          fake.PAN
	Exp          string
	PSN          string
	AuxiliaryPAN fake.PAN
	AuxiliaryExp string
}

// cardDataJSON is CardData on the wire; fake.PAN masks itself in JSON, so the plaintext is read as strings.
type cardDataJSON struct {
	PAN          string `json:"pan"`
	Exp          string `json:"exp"`
	PSN          string `json:"psn,omitempty"`
	AuxiliaryPAN string `json:"auxiliaryPan,omitempty"`
	AuxiliaryExp string `json:"auxiliaryExp,omitempty"`
}

var (
	panDigits    = regexp.MustCompile(`^[0-9]{10,19}$`)
	auxPANDigits = regexp.MustCompile(`^[0-9]{1,19}$`)
	mmyy         = regexp.MustCompile(`^(0[1-9]|1[0-2])[0-9]{2}$`)
	psnDigits    = regexp.MustCompile(`^[0-9]{2}$`)
)

// Encrypt writes card data as D1 expects it from an issuer: a compact JWE, ECDH-ES key agreement with A256GCM,
// under D1's public key named by kid. The simulator's tests and the step library's users encrypt with it.
func Encrypt(d CardData, pub *ecdsa.PublicKey, kid string) (string, error) {
	plain, err := json.Marshal(cardDataJSON{PAN: d.PAN.Reveal(), Exp: d.Exp, PSN: d.PSN, AuxiliaryPAN: d.AuxiliaryPAN.Reveal(), AuxiliaryExp: d.AuxiliaryExp})
	if err != nil {
		return "", err
	}
	enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.ECDH_ES, Key: pub, KeyID: kid}, nil)
	if err != nil {
		return "", fmt.Errorf("encrypt card data: %w", err)
	}
	obj, err := enc.Encrypt(plain)
	if err != nil {
		return "", fmt.Errorf("encrypt card data: %w", err)
	}
	return obj.CompactSerialize()
}

// Decrypt reads renew's encryptedData with D1's key for the issuer (kid names it) and checks the plaintext as
// the vendor lays it out. Each refusal names /encryptedData or one of its fields and the rule, never a value.
func Decrypt(compact string, key *ecdsa.PrivateKey, kid string) (CardData, error) {
	const field = "/encryptedData"
	obj, err := jose.ParseEncrypted(compact, []jose.KeyAlgorithm{jose.ECDH_ES}, []jose.ContentEncryption{jose.A256GCM})
	if err != nil {
		return CardData{}, rule.Invalid(field, "jwe", "encryptedData must be a compact JWE with alg ECDH-ES and enc A256GCM")
	}
	if obj.Header.KeyID != kid {
		return CardData{}, rule.Invalid(field, "kid", "encryptedData's kid %q is not D1's key %s for this issuer", obj.Header.KeyID, kid)
	}
	plain, err := obj.Decrypt(key)
	if err != nil {
		return CardData{}, rule.Invalid(field, "decrypt", "encryptedData does not decrypt with D1's key %s", kid)
	}
	var in cardDataJSON
	if err := json.Unmarshal(plain, &in); err != nil {
		return CardData{}, rule.Invalid(field, "json", "encryptedData's plaintext must be a JSON object")
	}
	switch {
	case !panDigits.MatchString(in.PAN):
		return CardData{}, rule.Invalid(field+"/pan", "pattern", "pan must be 10 to 19 digits")
	case !mmyy.MatchString(in.Exp):
		return CardData{}, rule.Invalid(field+"/exp", "pattern", "exp must be 4 digits, MMYY")
	case in.PSN != "" && !psnDigits.MatchString(in.PSN):
		return CardData{}, rule.Invalid(field+"/psn", "pattern", "psn must be 2 digits")
	case in.AuxiliaryPAN != "" && !auxPANDigits.MatchString(in.AuxiliaryPAN):
		return CardData{}, rule.Invalid(field+"/auxiliaryPan", "pattern", "auxiliaryPan must be up to 19 digits")
	case in.AuxiliaryExp != "" && !mmyy.MatchString(in.AuxiliaryExp):
		return CardData{}, rule.Invalid(field+"/auxiliaryExp", "pattern", "auxiliaryExp must be 4 digits, MMYY")
	case (in.AuxiliaryPAN == "") != (in.AuxiliaryExp == ""):
		return CardData{}, rule.Invalid(field+"/auxiliaryExp", "required", "auxiliaryPan and auxiliaryExp come together, for a co-badged card")
	}
	return CardData{PAN: fake.PAN(in.PAN), Exp: in.Exp, PSN: in.PSN, AuxiliaryPAN: fake.PAN(in.AuxiliaryPAN), AuxiliaryExp: in.AuxiliaryExp}, nil
}
