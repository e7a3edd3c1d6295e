package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/rule"
)

// D1TTL is how long a D1 access token lives, and how far ahead an assertion's exp may reach: 15 minutes, as
// the vendor documents both.
const D1TTL = 15 * time.Minute

// D1Scope is the scope a D1 access token is granted [inf: the vendor's example lists account and consumer
// scopes; card operations need a card scope].
const D1Scope = "d1-api:card:full"

// D1Tokens is the token platform's OAuth API: it exchanges an issuer's signed assertion (the JWT-bearer grant)
// for an access token of its own authority, so a processor token never opens a D1 route nor the reverse.
type D1Tokens struct {
	authority *Authority
	orgs      org.Directory
	clocks    *clock.Tenants
}

// NewD1Tokens returns the D1 token endpoint's logic, signing its tokens with key; orgs hold the issuers.
func NewD1Tokens(key []byte, clocks *clock.Tenants, orgs org.Directory) *D1Tokens {
	return &D1Tokens{authority: NewAuthority(key, clocks, D1TTL), orgs: orgs, clocks: clocks}
}

// Authority returns the authority that signs and verifies D1 access tokens; their subject is the issuer id.
func (d *D1Tokens) Authority() *Authority { return d.authority }

// D1Grant is an access token issued to an issuer.
type D1Grant struct {
	Org      org.Org
	IssuerID string
	Token    string
	Expires  time.Time
}

// assertionClaims are the claims of an issuer's assertion: iss and sub are the issuer id, exp is required.
type assertionClaims struct {
	jwt.RegisteredClaims
}

// Exchange checks an assertion as D1 does (ES256, a kid naming the issuer's registered key, iss = sub = the
// issuer id, exp present and at most 15 minutes ahead on the issuer's tenant's clock) and issues a token for
// the issuer. A refused assertion is a rule violation on /assertion naming what failed.
func (d *D1Tokens) Exchange(ctx context.Context, assertion string) (D1Grant, error) {
	var claims assertionClaims
	tok, _, err := jwt.NewParser().ParseUnverified(assertion, &claims)
	if err != nil {
		return D1Grant{}, rule.Invalid("/assertion", "format", "assertion is not a JWT")
	}
	if claims.Issuer == "" {
		return D1Grant{}, rule.Invalid("/assertion", "iss", "assertion has no iss: it must be the issuer id")
	}
	o, issuer, err := d.issuer(ctx, claims.Issuer)
	if err != nil {
		return D1Grant{}, err
	}
	kid, _ := tok.Header["kid"].(string)
	switch {
	case kid == "":
		return D1Grant{}, rule.Invalid("/assertion", "kid", "assertion header has no kid: it must name the issuer's registered key")
	case kid != issuer.SigningKey.KeyID:
		return D1Grant{}, rule.Invalid("/assertion", "kid", "kid %q is not a key registered for issuer %s", kid, issuer.IssuerID)
	}
	_, err = jwt.ParseWithClaims(assertion, &claims, func(*jwt.Token) (any, error) { return issuer.SigningPublicKey(), nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodES256.Alg()}),
		jwt.WithoutClaimsValidation(), // exp is checked below, on the tenant's clock
	)
	switch {
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return D1Grant{}, rule.Invalid("/assertion", "signature", "assertion is not signed ES256 with the key %s", kid)
	case err != nil:
		return D1Grant{}, rule.Invalid("/assertion", "format", "assertion does not verify: %v", err)
	}
	now := d.clocks.For(o.ID).Now()
	switch {
	case claims.Subject != claims.Issuer:
		return D1Grant{}, rule.Invalid("/assertion", "sub", "sub must be the issuer id, as iss is")
	case claims.ExpiresAt == nil:
		return D1Grant{}, rule.Invalid("/assertion", "exp", "assertion has no exp")
	case !now.Before(claims.ExpiresAt.Time):
		return D1Grant{}, rule.Invalid("/assertion", "exp", "assertion expired at %s", claims.ExpiresAt.UTC().Format(time.RFC3339))
	case claims.ExpiresAt.After(now.Add(D1TTL)):
		return D1Grant{}, rule.Invalid("/assertion", "exp", "exp may be at most 15 minutes ahead")
	}
	token, exp, err := d.authority.Issue(o.ID, 0, issuer.IssuerID)
	if err != nil {
		return D1Grant{}, err
	}
	return D1Grant{Org: o, IssuerID: issuer.IssuerID, Token: token, Expires: exp}, nil
}

// issuer finds the org that holds the issuer id.
func (d *D1Tokens) issuer(ctx context.Context, id string) (org.Org, org.D1Issuer, error) {
	orgs, err := d.orgs.Orgs(ctx)
	if err != nil {
		return org.Org{}, org.D1Issuer{}, fmt.Errorf("look up issuer %s: %w", id, err)
	}
	for _, o := range orgs {
		if is, ok := o.D1Issuer(id); ok {
			return o, is, nil
		}
	}
	return org.Org{}, org.D1Issuer{}, rule.Invalid("/assertion", "iss", "no issuer %q is registered", id)
}
