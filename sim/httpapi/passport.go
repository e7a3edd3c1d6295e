package httpapi

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	genauth "github.com/issuersim/issuersim/gen/auth"
	"github.com/issuersim/issuersim/sim/auth"
	"github.com/issuersim/issuersim/sim/correlation"
	"github.com/issuersim/issuersim/sim/rule"
)

// Passport serves the processor's authentication API (openapi/auth.yaml).
type Passport struct {
	passport *auth.Passport
}

var _ genauth.StrictServerInterface = (*Passport)(nil)

// CreateAccessToken exchanges a server key and secret for a token, scoped to an account when one is sent.
func (p *Passport) CreateAccessToken(ctx context.Context, req genauth.CreateAccessTokenRequestObject) (genauth.CreateAccessTokenResponseObject, error) {
	b := req.Body
	g, err := p.passport.Exchange(ctx, b.ServerKey, b.ServerSecret, deref(b.AccountId))
	switch {
	case errors.Is(err, auth.ErrBadCredentials):
		return genauth.CreateAccessToken401JSONResponse{UnauthorizedJSONResponse: genauth.UnauthorizedJSONResponse{Message: "Invalid credentials"}}, nil
	case errors.Is(err, auth.ErrUnknownAccount):
		return nil, rule.Invalid("/account_id", "exists", "account %d is not in the credential's org", deref(b.AccountId))
	case err != nil:
		return nil, fmt.Errorf("issue access token: %w", err)
	}
	correlation.Assign(ctx, g.Org.ID) // the credentials named the tenant
	programs := make([]int64, 0, len(g.Org.Programs))
	for _, pr := range g.Org.Programs {
		programs = append(programs, pr.ID)
	}
	roles := []string{"cards", "pcicards"}
	resp := genauth.ServerToken{
		Tenant:     &g.Org.ID,
		ServerKey:  &g.ServerKey,
		ProgramIds: &programs,
		Roles:      &roles,
		Token:      &g.Token,
		Refresh:    ptr(""),
	}
	if g.AccountID != 0 {
		resp.AccountId = &g.AccountID
	}
	return genauth.CreateAccessToken201JSONResponse(resp), nil
}

// ExchangeOpenIdToken answers 501 until it is built.
func (*Passport) ExchangeOpenIdToken(context.Context, genauth.ExchangeOpenIdTokenRequestObject) (genauth.ExchangeOpenIdTokenResponseObject, error) {
	return nil, errNotBuilt
}

// CreateOAuthToken is the client-credentials grant: the server key and secret as client_id and client_secret,
// and uid, when sent, the account the token is for.
func (p *Passport) CreateOAuthToken(ctx context.Context, req genauth.CreateOAuthTokenRequestObject) (genauth.CreateOAuthTokenResponseObject, error) {
	b := req.JSONBody
	if b == nil {
		b = req.FormdataBody
	}
	if b == nil {
		return nil, rule.Invalid("/", "required", "a client-credentials body is required")
	}
	var account int64
	if b.Uid != nil {
		var err error
		if account, err = strconv.ParseInt(*b.Uid, 10, 64); err != nil {
			return nil, rule.Invalid("/uid", "pattern", "uid must be an account id")
		}
	}
	g, err := p.passport.Exchange(ctx, b.ClientId, b.ClientSecret, account)
	switch {
	case errors.Is(err, auth.ErrBadCredentials):
		return genauth.CreateOAuthToken401JSONResponse{UnauthorizedJSONResponse: genauth.UnauthorizedJSONResponse{Message: "Invalid credentials"}}, nil
	case errors.Is(err, auth.ErrUnknownAccount):
		return nil, rule.Invalid("/uid", "exists", "account %d is not in the client's org", account)
	case err != nil:
		return nil, fmt.Errorf("issue oauth token: %w", err)
	}
	correlation.Assign(ctx, g.Org.ID)
	ttl := int(p.passport.TTL().Seconds())
	return genauth.CreateOAuthToken200JSONResponse{AccessToken: g.Token, TokenType: "Bearer", ExpiresIn: &ttl, Scope: &b.Scope}, nil
}
