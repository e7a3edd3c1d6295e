package httpapi

import (
	"context"
	"fmt"
	"strconv"

	"github.com/issuersim/issuersim/gen/cards"
	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/rule"
)

// The Cards API's lifecycle operations beyond create and status: update, bind, reissue, activate, password
// tries, validity and reissue reasons. Each turns the request into one card command.

// Where these operations carry the ids a refusal names.
var (
	cardOnlyFields = vendorFields{access.FieldCard: "cardId", access.FieldAccount: "Authorization"}
	patchFields    = vendorFields{access.FieldCustomer: "x-customer-id", access.FieldAccount: "Authorization", access.FieldCard: "cardId"}
	bindFields     = vendorFields{access.FieldCustomer: "x-customer-id", access.FieldAccount: "x-account-id", access.FieldCard: "cardId"}
)

// UpdateCard changes a card's alias, printed name, limit, contactless and ABU flags or metadata.
func (a *Cards) UpdateCard(ctx context.Context, req cards.UpdateCardRequestObject) (cards.UpdateCardResponseObject, error) {
	var in card.UpdateInput
	if b := req.Body; b != nil {
		in = card.UpdateInput{Name: b.Name, PrintedName: b.PrintedName, TransactionLimit: b.TransactionLimit,
			ContactlessEnabled: b.ContactlessEnabled, AbuEnabled: b.AbuEnabled}
		if b.Metadata != nil {
			in.Metadata = *b.Metadata
		}
	}
	c, err := a.svc.Update(ctx, caller(ctx), access.Scope{CustomerID: req.Params.XCustomerId}, req.CardId, in)
	if err != nil {
		return nil, fmt.Errorf("update card %d: %w", req.CardId, patchFields.rename(err))
	}
	issued := c.IssuingDate
	return cards.UpdateCard200JSONResponse{
		Id:                 c.ID,
		Status:             cards.CardStatus(c.Status),
		PrintedName:        optionalString(c.PrintedName),
		Name:               c.Name,
		Type:               cards.CardType(c.Type),
		IssuingDate:        &issued,
		TransactionLimit:   c.TransactionLimit,
		Tracking:           ptr(strconv.Itoa(c.TrackNumber)),
		ContactlessEnabled: &c.ContactlessEnabled,
		AbuEnabled:         &c.AbuEnabled,
	}, nil
}

// BindNonameCard gives an UNBOUND noname card to a customer; 202, bind_card-1 follows.
func (a *Cards) BindNonameCard(ctx context.Context, req cards.BindNonameCardRequestObject) (cards.BindNonameCardResponseObject, error) {
	account, err := strconv.ParseInt(req.Params.XAccountId, 10, 64)
	if err != nil {
		return nil, rule.Invalid("x-account-id", "type", "x-account-id must be an account id")
	}
	var replaces *int64
	if req.Body != nil {
		replaces = req.Body.ReissuedCardId
	}
	scope := access.Scope{AccountID: account, CustomerID: req.Params.XCustomerId}
	if _, err := a.svc.Bind(ctx, caller(ctx), scope, req.CardId, replaces); err != nil {
		return nil, fmt.Errorf("bind card %d: %w", req.CardId, bindFields.rename(err))
	}
	return cards.BindNonameCard202Response{}, nil
}

// ReissueCard replaces a card with a new one; a replayed reissue answers the same new card.
func (a *Cards) ReissueCard(ctx context.Context, req cards.ReissueCardRequestObject) (cards.ReissueCardResponseObject, error) {
	b := req.Body
	in := card.ReissueInput{
		IdempotencyKey:           deref(req.Params.XIdempotencyKey),
		ReasonID:                 b.ReasonId,
		PrintedName:              deref(b.PrintedName),
		CVVRotationIntervalHours: b.CvvRotationIntervalHours,
		EmbossingGroup:           b.EmbossingGroup,
		EmbossingCustomField:     b.EmbossingCustomField,
		ContactlessEnabled:       b.ContactlessEnabled,
		AbuEnabled:               b.AbuEnabled,
		TemplateID:               b.TemplateId,
		ModeType:                 (*string)(b.ModeType),
		UpdateTokens:             deref(b.UpdateTokens),
		Unnumbered:               b.Status != nil,
		Brand:                    string(deref(b.Brand)),
		GeneratePVV:              b.GeneratePvv,
		ExpirationDate:           deref(b.ExpirationDate),
		ValidityPeriodHours:      b.ValidityPeriodHours,
		ATMChangeOnlinePIN:       b.AtmChangeOnlinePinWhenScriptSent,
	}
	if b.PinLength != nil {
		in.PINLength = int(*b.PinLength)
	}
	if b.Metadata != nil {
		in.Metadata = *b.Metadata
	}
	who := caller(ctx)
	c, _, err := a.svc.Reissue(ctx, who, access.Scope{AccountID: req.AccountId, CustomerID: req.CustomerId}, req.CardId, in)
	if err != nil {
		return nil, fmt.Errorf("reissue card %d: %w", req.CardId, cardPathFields.rename(err))
	}
	info := cardInfo(c)
	resp := cards.ReissueCardResponse{
		Id:                   c.ID,
		Status:               cards.CardStatus(c.Status),
		Type:                 cards.CardType(c.Type),
		IssuingDate:          info.IssuingDate,
		ExpirationDate:       info.ExpirationDate,
		PrintedName:          info.PrintedName,
		Name:                 &c.Name,
		Mode:                 &c.Mode,
		TrackNumber:          info.TrackNumber,
		TransactionLimit:     c.TransactionLimit,
		EmbossingCustomField: c.EmbossingCustomField,
		ContactlessEnabled:   &c.ContactlessEnabled,
		AbuEnabled:           &c.AbuEnabled,
		ValidityPeriodHours:  c.ValidityPeriodHours,
		ValidUntil:           c.ValidUntil,
		Program:              cards.IdRef{Id: strconv.FormatInt(c.ProgramID, 10)},
		Org:                  cards.IdRef{Id: who.Tenant},
	}
	resp.Account.Id, resp.Customer.Id = c.AccountID, c.CustomerID
	return cards.ReissueCard200JSONResponse(resp), nil
}

// ActivateCard makes a PLASTIC card NORMAL.
func (a *Cards) ActivateCard(ctx context.Context, req cards.ActivateCardRequestObject) (cards.ActivateCardResponseObject, error) {
	if req.Params.XCustomerId != req.CustomerId {
		return nil, rule.Forbidden("x-customer-id", "customer", "x-customer-id %d is not the path's customer %d", req.Params.XCustomerId, req.CustomerId)
	}
	scope := access.Scope{AccountID: req.AccountId, CustomerID: req.CustomerId}
	if _, err := a.svc.Activate(ctx, caller(ctx), scope, req.CardId); err != nil {
		return nil, fmt.Errorf("activate card %d: %w", req.CardId, cardPathFields.rename(err))
	}
	return cards.ActivateCard200JSONResponse{Message: "The card was successfully unblocked"}, nil
}

// ResetPasswordTries sets a card's wrong-PIN counter back to zero.
func (a *Cards) ResetPasswordTries(ctx context.Context, req cards.ResetPasswordTriesRequestObject) (cards.ResetPasswordTriesResponseObject, error) {
	if _, err := a.svc.ResetPasswordTries(ctx, caller(ctx), req.CardId); err != nil {
		return nil, fmt.Errorf("reset password tries of card %d: %w", req.CardId, cardOnlyFields.rename(err))
	}
	return cards.ResetPasswordTries200JSONResponse{Success: true}, nil
}

// IncreasePasswordTries counts a wrong PIN.
func (a *Cards) IncreasePasswordTries(ctx context.Context, req cards.IncreasePasswordTriesRequestObject) (cards.IncreasePasswordTriesResponseObject, error) {
	if _, err := a.svc.IncreasePasswordTries(ctx, caller(ctx), req.CardId, req.Body.BlockCardExceedsCounter); err != nil {
		return nil, fmt.Errorf("increase password tries of card %d: %w", req.CardId, cardOnlyFields.rename(err))
	}
	return cards.IncreasePasswordTries200JSONResponse{Success: "Incremented password tries counter"}, nil
}

// RenewCardValidity gives a card a new validity period.
func (a *Cards) RenewCardValidity(ctx context.Context, req cards.RenewCardValidityRequestObject) (cards.RenewCardValidityResponseObject, error) {
	c, err := a.svc.RenewValidity(ctx, caller(ctx), req.CardId, req.Body.ValidityPeriodHours)
	if err != nil {
		return nil, fmt.Errorf("renew validity of card %d: %w", req.CardId, cardOnlyFields.rename(err))
	}
	return cards.RenewCardValidity200JSONResponse{Id: c.ID, Status: cards.CardStatus(c.Status),
		ValidityPeriodHours: *c.ValidityPeriodHours, ValidUntil: *c.ValidUntil}, nil
}

// DeleteCardValidity removes a card's validity period.
func (a *Cards) DeleteCardValidity(ctx context.Context, req cards.DeleteCardValidityRequestObject) (cards.DeleteCardValidityResponseObject, error) {
	if _, err := a.svc.CancelValidity(ctx, caller(ctx), req.CardId); err != nil {
		return nil, fmt.Errorf("delete validity of card %d: %w", req.CardId, cardOnlyFields.rename(err))
	}
	return cards.DeleteCardValidity204Response{}, nil
}

// CreateReissueReason adds a reissue reason to the tenant.
func (a *Cards) CreateReissueReason(ctx context.Context, req cards.CreateReissueReasonRequestObject) (cards.CreateReissueReasonResponseObject, error) {
	b := req.Body
	r := org.ReissueReason{Description: b.Description, MustBlock: b.MustBlock, MustCharge: b.MustCharge,
		Type: deref(b.Type), Enabled: b.Enabled == nil || *b.Enabled}
	if b.Cost != nil {
		r.Cost = float64(*b.Cost)
	}
	r, err := a.svc.CreateReason(ctx, caller(ctx), r)
	if err != nil {
		return nil, fmt.Errorf("create reissue reason: %w", err)
	}
	return cards.CreateReissueReason201JSONResponse(reasonOut(r)), nil
}

// UpdateReissueReason changes a reissue reason of the tenant.
func (a *Cards) UpdateReissueReason(ctx context.Context, req cards.UpdateReissueReasonRequestObject) (cards.UpdateReissueReasonResponseObject, error) {
	b := req.Body
	p := card.ReasonPatch{Description: b.Description, MustBlock: b.MustBlock, MustCharge: b.MustCharge, Type: b.Type, Enabled: b.Enabled}
	if b.Cost != nil {
		cost := float64(*b.Cost)
		p.Cost = &cost
	}
	r, err := a.svc.UpdateReason(ctx, caller(ctx), req.Id, p)
	if err != nil {
		return nil, fmt.Errorf("update reissue reason %d: %w", req.Id, err)
	}
	return cards.UpdateReissueReason200JSONResponse(reasonOut(r)), nil
}

func reasonOut(r org.ReissueReason) cards.ReissueReason {
	cost := float32(r.Cost)
	out := cards.ReissueReason{Id: r.ID, Description: r.Description, MustBlock: r.MustBlock, MustCharge: r.MustCharge, Cost: &cost, Enabled: r.Enabled}
	if r.Type != "" {
		out.Type = &r.Type
	}
	return out
}
