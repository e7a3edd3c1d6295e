// Package auth issues and checks the simulator's bearer tokens: JWTs signed with a key derived from the
// instance seed, carrying the tenant (org) and, for account tokens, the account, and expiring on the tenant's
// clock (so advancing one tenant's virtual clock expires only that tenant's tokens).
package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/issuersim/issuersim/sim/clock"
)

// Reasons a token is refused; each answers 401.
var (
	ErrMissing   = errors.New("bearer token missing")
	ErrMalformed = errors.New("bearer token malformed")
	ErrSignature = errors.New("bearer token signature invalid")
	ErrExpired   = errors.New("bearer token expired")
)

// Issuer is this instance's token authority.
const Issuer = "issuersim"

// DefaultTTL is how long a token lives on the simulator's clock; the vendor's OpenID tokens say 3600 s.
const DefaultTTL = time.Hour

// Claims are what a token carries.
type Claims struct {
	Tenant    string `json:"tenant"`
	AccountID int64  `json:"account_id,omitempty"`
	jwt.RegisteredClaims
}

// Authority signs and verifies tokens.
type Authority struct {
	key    []byte
	clocks *clock.Tenants
	ttl    time.Duration
	// verified caches the claims of tokens whose signature checked out (parse); cached counts its entries.
	verified sync.Map
	cached   atomic.Int64
}

// NewAuthority returns an Authority signing with key (HS256); tokens live ttl on their tenant's clock
// (DefaultTTL when zero).
func NewAuthority(key []byte, clocks *clock.Tenants, ttl time.Duration) *Authority {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	return &Authority{key: key, clocks: clocks, ttl: ttl}
}

// TTL returns how long the tokens it issues live.
func (a *Authority) TTL() time.Duration { return a.ttl }

// Issue signs a token for the tenant and, when accountID is non-zero, the account. Tokens are deterministic:
// the same claims at the same clock time give the same token.
func (a *Authority) Issue(tenant string, accountID int64, subject string) (string, time.Time, error) {
	now := a.clocks.For(tenant).Now().Truncate(time.Second)
	exp := now.Add(a.ttl)
	c := Claims{
		Tenant:    tenant,
		AccountID: accountID,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   subject,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(a.key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sign token for %s: %w", tenant, err)
	}
	return s, exp, nil
}

// Verify checks a token's signature, issuer and expiry (on its tenant's clock) and returns its claims.
func (a *Authority) Verify(token string) (Claims, error) {
	c, err := a.parse(token)
	if err != nil {
		return Claims{}, err
	}
	if !a.clocks.For(c.Tenant).Now().Before(c.ExpiresAt.Time) {
		return Claims{}, ErrExpired
	}
	return c, nil
}

// verifiedCap bounds the cache of verified tokens; a full cache starts again empty.
const verifiedCap = 4096

// parse checks a token's signature and claims, once per token: a suite sends the same token with every
// request, and the signature check and claims decoding are most of what authentication costs. The expiry,
// which depends on the tenant's clock, is checked by the caller every time.
func (a *Authority) parse(token string) (Claims, error) {
	if c, ok := a.verified.Load(token); ok {
		return c.(Claims), nil
	}
	var c Claims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return a.key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithoutClaimsValidation(), // issuer and expiry are checked below, the expiry on the tenant's clock
	)
	switch {
	case err == nil:
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return Claims{}, ErrSignature
	default:
		return Claims{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if c.Issuer != Issuer {
		return Claims{}, fmt.Errorf("%w: issuer %q is not %s", ErrMalformed, c.Issuer, Issuer)
	}
	if c.Tenant == "" {
		return Claims{}, fmt.Errorf("%w: no tenant claim", ErrMalformed)
	}
	if c.ExpiresAt == nil {
		return Claims{}, fmt.Errorf("%w: no exp claim", ErrMalformed)
	}
	if a.cached.Add(1) > verifiedCap {
		a.verified.Clear()
		a.cached.Store(1)
	}
	a.verified.Store(token, c)
	return c, nil
}

// Bearer extracts the token from an Authorization header value.
func Bearer(header string) (string, error) {
	if header == "" {
		return "", ErrMissing
	}
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", fmt.Errorf("%w: Authorization must be \"Bearer <token>\"", ErrMalformed)
	}
	return strings.TrimSpace(token), nil
}

type claimsKey struct{}

// WithClaims returns a context carrying the caller's claims.
func WithClaims(ctx context.Context, c Claims) context.Context {
	return context.WithValue(ctx, claimsKey{}, c)
}

// ClaimsFrom returns the caller's claims; ok is false on an unauthenticated route.
func ClaimsFrom(ctx context.Context) (Claims, bool) {
	c, ok := ctx.Value(claimsKey{}).(Claims)
	return c, ok
}
