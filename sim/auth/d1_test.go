package auth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/issuersim/issuersim/fixtures"
	"github.com/issuersim/issuersim/sim/auth"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/rule"
)

// dir serves the default fixtures' orgs.
type dir struct{ orgs []org.Org }

func (d dir) Org(_ context.Context, id string) (org.Org, error) {
	for _, o := range d.orgs {
		if o.ID == id {
			return o, nil
		}
	}
	return org.Org{}, org.ErrUnknown
}
func (d dir) Orgs(context.Context) ([]org.Org, error) { return d.orgs, nil }
func (d dir) AddOrg(context.Context, org.Org) error   { return errors.New("read-only") }

// TestD1Exchange walks one valid assertion and one broken assertion per row through the JWT-bearer grant, and
// checks the rule each refusal names.
func TestD1Exchange(t *testing.T) {
	d, err := org.Parse(fixtures.Default, fake.New(1))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clocks := clock.NewTenants(clock.NewVirtual(now))
	tokens := auth.NewD1Tokens([]byte("d1"), clocks, dir{d.Orgs})
	issuer := d.Orgs[0].D1Issuers[0]
	key := issuer.SigningKey.Key.(*ecdsa.PrivateKey)
	stranger, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	sign := func(claims jwt.MapClaims, kid string, k *ecdsa.PrivateKey) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodES256, claims)
		if kid != "" {
			tok.Header["kid"] = kid
		}
		s, err := tok.SignedString(k)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	claims := func(mut func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"iss": issuer.IssuerID, "sub": issuer.IssuerID, "exp": now.Add(10 * time.Minute).Unix(), "aud": "https://api.d1.thalescloud.io"}
		if mut != nil {
			mut(c)
		}
		return c
	}
	kid := issuer.SigningKey.KeyID
	g, err := tokens.Exchange(context.Background(), sign(claims(nil), kid, key))
	if err != nil {
		t.Fatalf("valid assertion: %v", err)
	}
	if g.Org.ID != d.Orgs[0].ID || g.IssuerID != issuer.IssuerID || !g.Expires.Equal(now.Add(auth.D1TTL)) {
		t.Errorf("grant = %+v", g)
	}
	c, err := tokens.Authority().Verify(g.Token)
	if err != nil || c.Tenant != d.Orgs[0].ID || c.Subject != issuer.IssuerID {
		t.Errorf("the issued token verifies as %+v, %v", c, err)
	}
	for _, tc := range []struct {
		name, assertion, rule string
	}{
		{"not a JWT", "abc", "format"},
		{"no iss", sign(claims(func(c jwt.MapClaims) { delete(c, "iss") }), kid, key), "iss"},
		{"unknown issuer", sign(claims(func(c jwt.MapClaims) { c["iss"], c["sub"] = "NOBODY0001", "NOBODY0001" }), kid, key), "iss"},
		{"no kid", sign(claims(nil), "", key), "kid"},
		{"another kid", sign(claims(nil), "someone-else", key), "kid"},
		{"another key", sign(claims(nil), kid, stranger), "signature"},
		{"sub is not iss", sign(claims(func(c jwt.MapClaims) { c["sub"] = "SECONDBK01" }), kid, key), "sub"},
		{"no exp", sign(claims(func(c jwt.MapClaims) { delete(c, "exp") }), kid, key), "exp"},
		{"expired", sign(claims(func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Second).Unix() }), kid, key), "exp"},
		{"exp beyond 15 minutes", sign(claims(func(c jwt.MapClaims) { c["exp"] = now.Add(16 * time.Minute).Unix() }), kid, key), "exp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tokens.Exchange(context.Background(), tc.assertion)
			var v *rule.Violation
			if !errors.As(err, &v) || v.Field != "/assertion" || v.Rule != tc.rule || !errors.Is(err, rule.ErrInvalid) {
				t.Fatalf("err = %v (%+v), want /assertion %s", err, v, tc.rule)
			}
		})
	}
	// A HS256 assertion (alg confusion) is refused, whatever key it claims.
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(nil))
	hs.Header["kid"] = kid
	forged, _ := hs.SignedString([]byte("secret"))
	if _, err := tokens.Exchange(context.Background(), forged); err == nil {
		t.Error("an HS256 assertion was accepted")
	}
	// D1 tokens live 15 minutes on the tenant's clock.
	clk, _ := clocks.Virtual(d.Orgs[0].ID)
	clk.Advance(auth.D1TTL)
	if _, err := tokens.Authority().Verify(g.Token); !errors.Is(err, auth.ErrExpired) {
		t.Errorf("after 15 minutes: %v, want expired", err)
	}
}
