package org

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"fmt"
	"regexp"
	"strings"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/issuersim/issuersim/sim/fake"
)

// D1Issuer is the org as an issuer of the token platform (Thales D1): its issuer id, the key pair it signs
// token assertions with (ES256; D1 keeps the public half under its kid), and the key pair D1 holds for it, to
// which the issuer encrypts card data (ECDH-ES). Both are EC P-256 JWKs with their private parts, so a test can
// sign assertions and the simulator can decrypt.
type D1Issuer struct {
	IssuerID      string          `json:"issuer_id"`
	SigningKey    jose.JSONWebKey `json:"signing_key"`
	EncryptionKey jose.JSONWebKey `json:"encryption_key"`
	// NotificationURL is the base URL of the issuer's receiver of D1's card-operation notifications (D1 posts
	// to <base>/notifications/d1/v2/issuers/{issuerId}/cards); empty sends none until the admin API sets one.
	NotificationURL string `json:"notification_url,omitempty"`
	// PropagateProcessorEvents makes a status change of a linked processor card reach its D1 card, as the
	// card networks would carry it; the admin API can change it per tenant.
	PropagateProcessorEvents bool `json:"propagate_processor_events,omitempty"`
}

// SigningPublicKey returns the public key the issuer's assertions are checked with.
func (i D1Issuer) SigningPublicKey() *ecdsa.PublicKey {
	return &i.SigningKey.Key.(*ecdsa.PrivateKey).PublicKey // checkD1 proved the type
}

// DecryptionKey returns D1's private key for the issuer's encrypted data.
func (i D1Issuer) DecryptionKey() *ecdsa.PrivateKey {
	return i.EncryptionKey.Key.(*ecdsa.PrivateKey) // checkD1 proved the type
}

// D1Issuer returns the org's D1 issuer with that id.
func (o *Org) D1Issuer(id string) (D1Issuer, bool) {
	for _, i := range o.D1Issuers {
		if i.IssuerID == id {
			return i, true
		}
	}
	return D1Issuer{}, false
}

// d1IssuerID is the vendor's issuer id: exactly 10 characters; letters and digits only is our choice [inf].
var d1IssuerID = regexp.MustCompile(`^[A-Za-z0-9]{10}$`)

// checkD1 validates the org's D1 issuers; seen holds the ids (prefixed d1:) of every org checked so far, since a
// token assertion names only the issuer and must find one org.
func (o *Org) checkD1(seen map[string]bool) error {
	for i, is := range o.D1Issuers {
		if !d1IssuerID.MatchString(is.IssuerID) {
			return fmt.Errorf("d1_issuers[%d].issuer_id: must be exactly 10 letters or digits", i)
		}
		if seen["d1:"+is.IssuerID] {
			return fmt.Errorf("d1_issuers[%d].issuer_id: used by another issuer", i)
		}
		seen["d1:"+is.IssuerID] = true
		for name, k := range map[string]jose.JSONWebKey{"signing_key": is.SigningKey, "encryption_key": is.EncryptionKey} {
			if err := checkP256(k); err != nil {
				return fmt.Errorf("d1_issuers[%d].%s: %v", i, name, err)
			}
		}
		if u := is.NotificationURL; u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return fmt.Errorf("d1_issuers[%d].notification_url: must be an http or https URL", i)
		}
	}
	return nil
}

func checkP256(k jose.JSONWebKey) error {
	priv, ok := k.Key.(*ecdsa.PrivateKey)
	switch {
	case !ok:
		return fmt.Errorf("must be an EC private key (kty EC with d)")
	case priv.Curve != elliptic.P256():
		return fmt.Errorf("must be on curve P-256")
	case k.KeyID == "":
		return fmt.Errorf("kid is required")
	}
	return nil
}

// tenantD1Issuers returns the org's D1 issuers for a tenant copied from it: the same keys under new issuer ids
// derived from the seed and the tenant, since an issuer id must name one tenant.
func (o *Org) tenantD1Issuers(src *fake.Source, tenant string) []D1Issuer {
	out := make([]D1Issuer, 0, len(o.D1Issuers))
	for _, is := range o.D1Issuers {
		id := strings.ToUpper(strings.ReplaceAll(src.UUID("d1-issuer", tenant, is.IssuerID), "-", ""))
		is.IssuerID = "T" + id[:9]
		out = append(out, is)
	}
	return out
}
