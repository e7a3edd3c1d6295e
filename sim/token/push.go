package token

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/store"
)

// PushInput is a push-provisioning request, already checked against the contract: the wallet, Visa's client
// fields (Google Pay and Samsung Pay), Mastercard's TAV version, and what the Apple SDK gave the app.
type PushInput struct {
	Wallet                Wallet
	ClientWalletAccountID string
	ClientDeviceID        string
	ClientAppID           string
	ClientWalletProvider  string
	TAVVersion            string // TAV3 or TAV4; Mastercard
	KeyAlias              string // required with TAV4
	// Apple Pay.
	Certificates   []string
	DeviceType     string
	AppVersion     string
	Nonce          string
	NonceSignature string
	ProductType    string
	AuthCode       string // required for Visa
}

// Holder is the cardholder details a wallet shows beside the pushed card.
type Holder struct {
	Name, Address, Country, City, State, Phone, PrintedName, LastFour string
	// HasAddress and HasPhone are false when the processor holds no address or phone for the cardholder
	// (the fixtures hold neither), so those fields are empty.
	HasAddress, HasPhone bool
}

// PushData is a push-provisioning answer: the network's encrypted payload and the cardholder's details. For
// Apple Pay the payload's keys are ephemeralPublicKey, encryptedData and activationData.
type PushData struct {
	Payload map[string]string
	Holder  Holder
}

// Push builds the encrypted card data a wallet's SDK pushes to provision a token for a NORMAL, numbered card
// of the caller's account: a compact JWE (Token) for Visa with Google Pay or Samsung Pay, Mastercard's base64
// issuer-initiated digitization data for Google Pay, and for Apple Pay the card encrypted to an ephemeral
// P-256 key. It refuses what the vendor requires and the request lacks (Visa's four client fields and
// authcode, Mastercard's key_alias with TAV4) and Samsung Pay for a Mastercard card. Nothing is emitted: the
// tokenization events follow when the network provisions the token.
func (s *Service) Push(ctx context.Context, caller access.Caller, cardID int64, in PushInput) (PushData, error) {
	var out PushData
	err := s.update(ctx, caller.Tenant, func(r repos) error {
		c, err := r.ownedCard(ctx, caller, access.Scope{}, cardID)
		if err != nil {
			return err
		}
		d, err := r.st.PCI(r.tx).Get(ctx, c.ID)
		if errors.Is(err, store.ErrNotFound) || !c.Numbered() {
			return rule.Invalid(access.FieldCard, "numbered", "card %d has no PAN yet", c.ID)
		}
		if err != nil {
			return err
		}
		n, ok := NetworkOf(c.Brand)
		switch {
		case !ok:
			return rule.Invalid(access.FieldCard, "network", "card %d is %s: only VISA and MASTERCARD cards are pushed to wallets", c.ID, c.Brand)
		case c.Status != card.StatusNormal:
			return rule.Invalid(access.FieldCard, "status", "card %d is %s: only a NORMAL card is pushed to a wallet", c.ID, c.Status)
		}
		if err := checkPush(n, in); err != nil {
			return err
		}
		set, err := r.tokens.Settings(ctx, c.ID)
		if err != nil {
			return err
		}
		set.Pushes++
		if err := r.tokens.PutSettings(ctx, set); err != nil {
			return err
		}
		out.Holder = holder(r.tx, c)
		seed := fmt.Sprintf("push/%s/%d/%d", r.tx.Org().ID, c.ID, set.Pushes)
		ps := pushSecrets{s: s, seed: seed, tenant: r.tx.Org().ID, pan: d.PAN.Reveal(), c: c, holder: out.Holder, in: in, at: r.tx.Meta().Time}
		switch {
		case in.Wallet == WalletApplePay:
			out.Payload, err = ps.apple(n)
		case n == NetworkVTS:
			out.Payload, err = ps.visa()
		default:
			var iidd string
			iidd, err = ps.mastercard()
			out.Payload = map[string]string{"base64_issuer_initiated_digitization_data": iidd}
		}
		return err
	})
	return out, err
}

// checkPush applies the vendor's per-network requirements.
func checkPush(n Network, in PushInput) error {
	if in.Wallet == WalletSamsungPay && n != NetworkVTS {
		return rule.Invalid(access.FieldCard, "network", "Samsung Pay push provisioning is Visa-only")
	}
	if n == NetworkMDES {
		if in.TAVVersion == "TAV4" && in.KeyAlias == "" {
			return rule.Invalid("/key_alias", "required", "key_alias is required for Mastercard with TAV4")
		}
		return nil
	}
	if in.Wallet == WalletApplePay {
		switch {
		case in.AuthCode == "":
			return rule.Invalid("/authcode", "required", "authcode is required for Visa")
		case strings.Trim(in.AuthCode, "0") == "":
			return rule.Invalid("/authcode", "zeros", "authcode must not be all zeros")
		}
		return nil
	}
	for _, f := range []struct{ name, v string }{
		{"/client_wallet_account_id", in.ClientWalletAccountID}, {"/client_device_id", in.ClientDeviceID},
		{"/client_app_id", in.ClientAppID}, {"/client_wallet_provider", in.ClientWalletProvider},
	} {
		if f.v == "" {
			return rule.Invalid(f.name, "required", "%s is required for Visa", strings.TrimPrefix(f.name, "/"))
		}
	}
	return nil
}

// holder returns the cardholder's details: the customer's name, the card's printed name and last four; the
// fixtures hold no address or phone.
func holder(tx store.Tx, c card.Card) Holder {
	h := Holder{PrintedName: c.PrintedName, LastFour: c.LastFour}
	if acct, ok := tx.Org().Account(c.AccountID); ok {
		if cust, ok := acct.Customer(c.CustomerID); ok {
			h.Name = cust.Name
		}
	}
	return h
}

// pushSecrets builds one push-provisioning payload from its seed.
type pushSecrets struct {
	s      *Service
	seed   string
	tenant string
	pan    string
	c      card.Card
	holder Holder
	in     PushInput
	at     time.Time
}

func (p pushSecrets) expiry() (month, year string) {
	yymm := p.c.ExpiryYYMM()
	return yymm[2:], "20" + yymm[:2]
}

// visa returns Visa's encrypted payload: a compact JWE under the issuer's shared-secret key.
func (p pushSecrets) visa() (map[string]string, error) {
	month, year := p.expiry()
	payload, err := json.Marshal(map[string]any{
		"accountNumber": p.pan, "name": p.holder.Name, "expirationDate": map[string]string{"month": month, "year": year},
		"clientWalletAccountID": p.in.ClientWalletAccountID, "clientDeviceID": p.in.ClientDeviceID,
		"clientAppID": p.in.ClientAppID, "clientWalletProvider": p.in.ClientWalletProvider,
	})
	if err != nil {
		return nil, err
	}
	kek := p.s.key("vts-push-kek/" + p.tenant)
	kid := sha256.Sum256(kek)
	header := map[string]any{"channelSecurityContext": "SHARED_SECRET", "iat": strconv.FormatInt(p.at.Unix(), 10),
		"kid": strings.ToUpper(hex.EncodeToString(kid[:8])), "typ": "JOSE"}
	tok, err := jwe(kek, p.s.key(p.seed+"/cek"), p.s.nonce(p.seed+"/wrap"), p.s.nonce(p.seed+"/content"), header, payload)
	return map[string]string{"Token": tok}, err
}

// mastercard returns Mastercard's issuer-initiated digitization data: base64 of the JSON whose funding account
// info carries the card encrypted under a one-time key, with the TAV.
func (p pushSecrets) mastercard() (string, error) {
	month, year := p.expiry()
	plain, err := json.Marshal(map[string]any{
		"cardAccountData":   map[string]string{"accountNumber": p.pan, "expiryMonth": month, "expiryYear": year[2:]},
		"accountHolderData": map[string]string{"accountHolderName": p.holder.Name},
		"source":            "ACCOUNT_ON_FILE",
	})
	if err != nil {
		return "", err
	}
	kek, cek, iv := p.s.key("mdes-push-kek/"+p.tenant), p.s.key(p.seed+"/cek"), p.s.nonce(p.seed+"/content")
	sealed, err := seal(cek, iv, plain, nil)
	if err != nil {
		return "", err
	}
	wrapped, err := seal(kek, p.s.nonce(p.seed+"/wrap"), cek, nil)
	if err != nil {
		return "", err
	}
	fingerprint := sha256.Sum256(kek)
	doc, err := json.MarshalIndent(map[string]any{
		"fundingAccountInfo": map[string]any{"encryptedPayload": map[string]string{
			"encryptedData": hex.EncodeToString(sealed), "publicKeyFingerprint": hex.EncodeToString(fingerprint[:]),
			"encryptedKey": hex.EncodeToString(wrapped), "oaepHashingAlgorithm": "SHA512", "iv": hex.EncodeToString(iv),
		}},
		"tokenizationAuthenticationValue": p.tav(),
	}, "", "  ")
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(doc), nil
}

// tav is Mastercard's Tokenization Authentication Value: base64 of the issuer's signed approval of the PAN.
func (p pushSecrets) tav() string {
	version := p.in.TAVVersion
	if version == "" {
		version = "TAV3"
	}
	until := p.at.Add(30 * time.Minute).UTC().Format(time.RFC3339)
	doc := map[string]string{"version": version, "dataValidUntilTimestamp": until,
		"signature": hex.EncodeToString(mac(p.s.key("tav/"+p.tenant), p.pan, until, p.in.KeyAlias))}
	if p.in.KeyAlias != "" {
		doc["keyAlias"] = p.in.KeyAlias
	}
	raw, _ := json.Marshal(doc) // a map of strings always marshals
	return base64.StdEncoding.EncodeToString(raw)
}

// apple returns Apple Pay's payload: the card, nonce and nonce signature encrypted with a key agreed between
// an ephemeral P-256 key and Apple's certificate key (a seeded stand-in when the certificates hold none), and
// the network's activation data.
func (p pushSecrets) apple(n Network) (map[string]string, error) {
	eph, err := p.s.p256Key(p.seed + "/ephemeral")
	if err != nil {
		return nil, err
	}
	recipient := applePublicKey(p.in.Certificates)
	if recipient == nil {
		stand, err := p.s.p256Key("apple-pay-recipient/" + p.tenant)
		if err != nil {
			return nil, err
		}
		recipient = stand.PublicKey()
	}
	shared, err := eph.ECDH(recipient)
	if err != nil {
		return nil, fmt.Errorf("apple pay key agreement: %w", err)
	}
	key := sha256.Sum256(append(shared, []byte("issuersim apple pay")...))
	month, year := p.expiry()
	plain, err := json.Marshal(map[string]string{"primaryAccountNumber": p.pan, "expiration": month + "/" + year[2:],
		"name": p.holder.Name, "nonce": p.in.Nonce, "nonceSignature": p.in.NonceSignature})
	if err != nil {
		return nil, err
	}
	sealed, err := seal(key[:], make([]byte, 12), plain, nil)
	if err != nil {
		return nil, err
	}
	activation := map[string]string{"version": "2", "tokenizationAuthenticationValue": p.tav()}
	if n == NetworkVTS {
		activation = map[string]string{"version": "2", "authcode": p.in.AuthCode,
			"signature": hex.EncodeToString(mac(p.s.key("vts-activation/"+p.tenant), p.pan, p.in.AuthCode, p.in.Nonce))}
	}
	act, err := json.Marshal(activation)
	if err != nil {
		return nil, err
	}
	return map[string]string{
		"ephemeralPublicKey": base64.StdEncoding.EncodeToString(eph.PublicKey().Bytes()),
		"encryptedData":      base64.StdEncoding.EncodeToString(sealed),
		"activationData":     base64.StdEncoding.EncodeToString(act),
	}, nil
}
