package httpapi

import (
	"context"
	"errors"
	"fmt"

	genauth "github.com/issuersim/issuersim/gen/auth"
	"github.com/issuersim/issuersim/sim/auth"
	"github.com/issuersim/issuersim/sim/rule"
)

// Passport serves the processor's authentication API (openapi/auth.yaml).
type Passport struct {
	passport *auth.Passport
}

var _ genauth.StrictServerInterface = (*Passport)(nil)

// CreateAccessToken exchanges a server key and secret for a token, scoped to an account when one is sent.
func (p *Passport) CreateAccessToken(_ context.Context, req genauth.CreateAccessTokenRequestObject) (genauth.CreateAccessTokenResponseObject, error) {
	b := req.Body
	g, err := p.passport.Exchange(b.ServerKey, b.ServerSecret, deref(b.AccountId))
	switch {
	case errors.Is(err, auth.ErrBadCredentials):
		return genauth.CreateAccessToken401JSONResponse{UnauthorizedJSONResponse: genauth.UnauthorizedJSONResponse{Message: "Invalid credentials"}}, nil
	case errors.Is(err, auth.ErrUnknownAccount):
		return nil, rule.Invalid("/account_id", "exists", "account %d is not in the credential's org", deref(b.AccountId))
	case err != nil:
		return nil, fmt.Errorf("issue access token: %w", err)
	}
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

// CreateOAuthToken answers 501 until it is built.
func (*Passport) CreateOAuthToken(context.Context, genauth.CreateOAuthTokenRequestObject) (genauth.CreateOAuthTokenResponseObject, error) {
	return nil, errNotBuilt
}
