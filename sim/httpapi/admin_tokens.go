package httpapi

import (
	"context"
	"fmt"
	"strings"

	"github.com/issuersim/issuersim/gen/simadmin"
	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/token"
)

// adminTokenFields names the path parameters the admin's network calls refuse.
var adminTokenFields = vendorFields{access.FieldCard: "cardId", token.FieldNetworkToken: "tokenId"}

// ProvisionNetworkToken plays a card network provisioning a token for the card.
func (a *Admin) ProvisionNetworkToken(ctx context.Context, req simadmin.ProvisionNetworkTokenRequestObject) (simadmin.ProvisionNetworkTokenResponseObject, error) {
	var b simadmin.ProvisionRequest
	if req.Body != nil {
		b = *req.Body
	}
	tenant, err := a.tenant(ctx, b.Tenant, "/tenant")
	if err != nil {
		return nil, err
	}
	in := token.ProvisionInput{Network: token.Network(strings.ToLower(string(deref(b.Network)))), Decision: token.DecisionGreen,
		Wallet: token.WalletGooglePay, OTPMethod: "SMS", ISO: deref(b.Iso), CVV2Valid: true, DeviceID: deref(b.DeviceId)}
	if b.Decision != nil {
		in.Decision = token.Decision(*b.Decision)
	}
	if b.Wallet != nil {
		in.Wallet = token.Wallet(*b.Wallet)
	}
	if b.OtpMethod != nil {
		in.OTPMethod = string(*b.OtpMethod)
	}
	if b.Cvv2Valid != nil {
		in.CVV2Valid = *b.Cvv2Valid
	}
	res, err := a.tokens.Provision(ctx, tenant, req.CardId, in)
	if err != nil {
		return nil, fmt.Errorf("provision a token for card %d: %w", req.CardId, adminTokenFields.rename(err))
	}
	return simadmin.ProvisionNetworkToken200JSONResponse(provisionOut(tenant, res)), nil
}

// CompleteNetworkTokenStepUp plays the cardholder entering a yellow path's OTP.
func (a *Admin) CompleteNetworkTokenStepUp(ctx context.Context, req simadmin.CompleteNetworkTokenStepUpRequestObject) (simadmin.CompleteNetworkTokenStepUpResponseObject, error) {
	tenant, err := a.tenant(ctx, req.Body.Tenant, "/tenant")
	if err != nil {
		return nil, err
	}
	res, err := a.tokens.CompleteStepUp(ctx, tenant, req.TokenId, req.Body.Otp)
	if err != nil {
		return nil, fmt.Errorf("step-up of token %s: %w", req.TokenId, adminTokenFields.rename(err))
	}
	return simadmin.CompleteNetworkTokenStepUp200JSONResponse(provisionOut(tenant, res)), nil
}

// NotifyNetworkTokenUpdate plays the network telling of a token's new status.
func (a *Admin) NotifyNetworkTokenUpdate(ctx context.Context, req simadmin.NotifyNetworkTokenUpdateRequestObject) (simadmin.NotifyNetworkTokenUpdateResponseObject, error) {
	tenant, err := a.tenant(ctx, req.Body.Tenant, "/tenant")
	if err != nil {
		return nil, err
	}
	res, err := a.tokens.NetworkUpdate(ctx, tenant, req.TokenId, token.Status(req.Body.Status))
	if err != nil {
		return nil, fmt.Errorf("network update of token %s: %w", req.TokenId, adminTokenFields.rename(err))
	}
	return simadmin.NotifyNetworkTokenUpdate200JSONResponse(provisionOut(tenant, res)), nil
}

// provisionOut is what a played network exchange did, as the admin API reports it.
func provisionOut(tenant string, r token.Result) simadmin.ProvisionResult {
	out := simadmin.ProvisionResult{Tenant: tenant, CardId: r.CardID, Outcome: simadmin.ProvisionResultOutcome(r.Outcome),
		NetworkCalls: make([]string, 0, len(r.Calls))}
	for _, c := range r.Calls {
		out.NetworkCalls = append(out.NetworkCalls, string(c))
	}
	if r.Token != nil {
		out.TokenId = ptr(fmt.Sprint(r.Token.ID))
		out.Status = ptr(simadmin.ProvisionResultStatus(r.Token.Status))
	}
	if len(r.CustomCodes) > 0 {
		out.CustomCodes = &r.CustomCodes
	}
	return out
}
