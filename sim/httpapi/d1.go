package httpapi

import (
	"context"
	"fmt"

	"github.com/issuersim/issuersim/gen/d1"
	"github.com/issuersim/issuersim/sim/auth"
	"github.com/issuersim/issuersim/sim/correlation"
	domain "github.com/issuersim/issuersim/sim/d1"
	"github.com/issuersim/issuersim/sim/rule"
)

// D1 serves the token platform's issuer API (openapi/d1.yaml): the token endpoint and the card operations.
// The gateway has checked the D1 token; its subject is the issuer it was issued to.
type D1 struct {
	svc    *domain.Service
	tokens *auth.D1Tokens
}

var _ d1.StrictServerInterface = (*D1)(nil)

// d1Caller is the issuer the request's D1 token names.
func d1Caller(ctx context.Context) domain.Caller {
	c, _ := auth.ClaimsFrom(ctx)
	return domain.Caller{Tenant: c.Tenant, IssuerID: c.Subject}
}

// GetAccessToken exchanges an issuer's signed assertion for a 15-minute access token.
func (a *D1) GetAccessToken(ctx context.Context, req d1.GetAccessTokenRequestObject) (d1.GetAccessTokenResponseObject, error) {
	b := req.JSONBody
	if b == nil {
		b = req.FormdataBody
	}
	if b == nil {
		return nil, rule.Invalid("/", "required", "a JWT-bearer grant body is required")
	}
	g, err := a.tokens.Exchange(ctx, b.Assertion)
	if err != nil {
		return nil, fmt.Errorf("d1 token: %w", err)
	}
	correlation.Assign(ctx, g.Org.ID) // the assertion named the tenant
	ttl := float32(auth.D1TTL.Seconds())
	return d1.GetAccessToken200JSONResponse{AccessToken: &g.Token, TokenType: ptr("Bearer"), ExpiresIn: &ttl, Scope: ptr(auth.D1Scope)}, nil
}

func d1Reason(text *d1.Reason, code *d1.ReasonCode) domain.Reason {
	r := domain.Reason{Text: deref(text)}
	if code != nil {
		r.Code = domain.ReasonCode(*code)
	}
	return r
}

func d1Result(o domain.Operation) d1.OperationResult {
	status := d1.OperationStatus(o.Status)
	return d1.OperationResult{OperationId: &o.ID, Status: &status}
}

// cardOperationReason reads the optional body of suspend, resume and delete.
func cardOperationReason(b *d1.CardOperationRequest) domain.Reason {
	if b == nil {
		return domain.Reason{}
	}
	return d1Reason(b.Reason, b.ReasonCode)
}

// SuspendCard suspends a card.
func (a *D1) SuspendCard(ctx context.Context, req d1.SuspendCardRequestObject) (d1.SuspendCardResponseObject, error) {
	o, err := a.svc.Suspend(ctx, d1Caller(ctx), req.IssuerId, req.CardId, cardOperationReason(req.Body))
	if err != nil {
		return nil, err
	}
	return d1.SuspendCard200JSONResponse(d1Result(o)), nil
}

// ResumeCard resumes a suspended card.
func (a *D1) ResumeCard(ctx context.Context, req d1.ResumeCardRequestObject) (d1.ResumeCardResponseObject, error) {
	o, err := a.svc.Resume(ctx, d1Caller(ctx), req.IssuerId, req.CardId, cardOperationReason(req.Body))
	if err != nil {
		return nil, err
	}
	return d1.ResumeCard200JSONResponse(d1Result(o)), nil
}

// DeleteCard deletes a card and its digital cards.
func (a *D1) DeleteCard(ctx context.Context, req d1.DeleteCardRequestObject) (d1.DeleteCardResponseObject, error) {
	o, err := a.svc.Delete(ctx, d1Caller(ctx), req.IssuerId, req.CardId, cardOperationReason(req.Body))
	if err != nil {
		return nil, err
	}
	return d1.DeleteCard200JSONResponse(d1Result(o)), nil
}

// RenewCard replaces a card with newCardId in newCardState.
func (a *D1) RenewCard(ctx context.Context, req d1.RenewCardRequestObject) (d1.RenewCardResponseObject, error) {
	b := req.Body
	o, err := a.svc.Renew(ctx, d1Caller(ctx), req.IssuerId, req.CardId, domain.Renewal{
		NewCardID: b.NewCardId, NewCardState: domain.State(b.NewCardState), EncryptedData: deref(b.EncryptedData),
		Reason: d1Reason(b.Reason, b.ReasonCode)})
	if err != nil {
		return nil, err
	}
	return d1.RenewCard200JSONResponse(d1Result(o)), nil
}

// ListCardOperations lists a card's operations, newest first.
func (a *D1) ListCardOperations(ctx context.Context, req d1.ListCardOperationsRequestObject) (d1.ListCardOperationsResponseObject, error) {
	offset, limit := 0, 10
	if req.Params.Offset != nil {
		offset = *req.Params.Offset
	}
	if req.Params.Limit != nil {
		limit = *req.Params.Limit
	}
	p, err := a.svc.Operations(ctx, d1Caller(ctx), req.IssuerId, req.CardId, offset, limit)
	if err != nil {
		return nil, err
	}
	out := d1.CardOperationList{Operations: make([]d1.CardOperation, 0, len(p.Operations)), RemainingOperations: &p.Remaining}
	for _, o := range p.Operations {
		out.Operations = append(out.Operations, d1Operation(o, false))
	}
	return d1.ListCardOperations200JSONResponse(out), nil
}

// GetCardOperation returns one operation, with the digital card's details when asked for a DIGITIZE one.
func (a *D1) GetCardOperation(ctx context.Context, req d1.GetCardOperationRequestObject) (d1.GetCardOperationResponseObject, error) {
	o, err := a.svc.Operation(ctx, d1Caller(ctx), req.IssuerId, req.CardId, req.OperationId)
	if err != nil {
		return nil, err
	}
	return d1.GetCardOperation200JSONResponse(d1Operation(o, deref(req.Params.DigitalCardInfo))), nil
}

// d1Operation is an operation as D1's log shows it. A RENEW's details name the new card and its state, a
// DIGITIZE's the digital card, with the device and token requestor when digitalCardInfo is asked [inf: the
// vendor's ten details variants are not published].
func d1Operation(o domain.Operation, digitalCardInfo bool) d1.CardOperation {
	out := d1.CardOperation{
		OperationId:   o.ID,
		Operation:     d1.OperationType(o.Type),
		Status:        d1.OperationStatus(o.Status),
		CardId:        &o.CardID,
		StartTime:     o.Start.UTC().Format(domain.TimeFormat),
		RequestorType: d1.RequestorType(o.Requestor.Type),
		RequestorId:   o.Requestor.ID,
		Reason:        optionalString(o.Reason.Text),
		ErrorCode:     optionalString(o.ErrorCode),
		Error:         optionalString(o.Error),
	}
	if o.End != nil {
		out.EndTime = ptr(o.End.UTC().Format(domain.TimeFormat))
	}
	if o.Reason.Code != "" {
		out.ReasonCode = ptr(d1.ReasonCode(o.Reason.Code))
	}
	details := d1.OtherDetails{}
	switch {
	case o.Type == domain.OpRenew:
		details["newCardId"], details["newCardState"] = o.NewCardID, string(o.NewCardState)
	case o.DigitalCard != nil:
		dc := o.DigitalCard
		details["digitalCardId"] = dc.ID
		if digitalCardInfo {
			details["deviceType"], details["deviceName"] = dc.DeviceType, dc.DeviceName
			details["tokenRequestorId"], details["tokenRequestorName"] = dc.TokenRequestorID, dc.TokenRequestorName
		}
	}
	if len(details) > 0 {
		var d d1.OperationDetails
		if err := d.FromOtherDetails(details); err == nil { // a map of strings always marshals
			out.Details = &d
		}
	}
	return out
}
