package httpapi

import (
	"context"
	"fmt"

	"github.com/issuersim/issuersim/gen/pcicards"
	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/correlation"
	"github.com/issuersim/issuersim/sim/pci"
	"github.com/issuersim/issuersim/sim/rule"
)

// PCICards serves the processor's PCI cards API (openapi/pcicards.yaml): each method turns the request into one
// PCI command and the result into the vendor's response. PAN, CVV and PIN reach a response only through
// Reveal, and never a log.
type PCICards struct {
	svc *pci.Service
}

var _ pcicards.StrictServerInterface = (*PCICards)(nil)

var pciFields = vendorFields{access.FieldCard: "cardId", access.FieldAccount: "Authorization"}

// GetCardPciInfo returns a card's PAN, CVV, expiry, service code and rotation data.
func (a *PCICards) GetCardPciInfo(ctx context.Context, req pcicards.GetCardPciInfoRequestObject) (pcicards.GetCardPciInfoResponseObject, error) {
	who := caller(ctx)
	c, d, err := a.svc.Info(ctx, who, req.CardId)
	if err != nil {
		return nil, fmt.Errorf("PCI info of card %d: %w", req.CardId, pciFields.rename(err))
	}
	issued := c.IssuingDate
	return pcicards.GetCardPciInfo200JSONResponse{
		OrgId: who.Tenant, CardId: c.ID, AccountId: &c.AccountID, CorrelationId: optionalString(correlation.From(ctx)),
		Type: pcicards.CardType(c.Type), PrintedName: optionalString(c.PrintedName), ValidUntil: c.ValidUntil,
		ExpirationDate: c.ExpiryYYMM(), CardNumber: d.PAN.Reveal(), IssuingDate: &issued, Cvv: d.CVV.Reveal(),
		ServiceCode: &d.ServiceCode, CvvNextRotationDate: d.CVVNextRotation, CvvRotationIntervalHours: c.CVVRotationIntervalHours,
		PasswordUpdated: d.PasswordUpdated,
	}, nil
}

// GetCardPassword returns a card's PIN.
func (a *PCICards) GetCardPassword(ctx context.Context, req pcicards.GetCardPasswordRequestObject) (pcicards.GetCardPasswordResponseObject, error) {
	who := caller(ctx)
	c, d, err := a.svc.Info(ctx, who, req.CardId)
	if err != nil {
		return nil, fmt.Errorf("password of card %d: %w", req.CardId, pciFields.rename(err))
	}
	return pcicards.GetCardPassword200JSONResponse{OrgId: who.Tenant, CardId: c.ID, AccountId: &c.AccountID,
		CorrelationId: optionalString(correlation.From(ctx)), Pin: d.PIN.Reveal(), PasswordUpdated: d.PasswordUpdated}, nil
}

// ChangeCardPassword sets a card's PIN; 201 with the vendor's bare JSON string.
func (a *PCICards) ChangeCardPassword(ctx context.Context, req pcicards.ChangeCardPasswordRequestObject) (pcicards.ChangeCardPasswordResponseObject, error) {
	if err := a.svc.ChangePassword(ctx, caller(ctx), req.CardId, req.Body.Pin, deref(req.Body.SyncOfflinePin)); err != nil {
		return nil, fmt.Errorf("change the password of card %d: %w", req.CardId, pciFields.rename(err))
	}
	return pcicards.ChangeCardPassword201JSONResponse(fmt.Sprintf("[%s] Card updated", correlation.From(ctx))), nil
}

// UpdatePinFromPinblock sets a card's PIN from a PIN block.
func (a *PCICards) UpdatePinFromPinblock(ctx context.Context, req pcicards.UpdatePinFromPinblockRequestObject) (pcicards.UpdatePinFromPinblockResponseObject, error) {
	b := req.Body
	if err := a.svc.SetPINFromBlock(ctx, caller(ctx), req.CardId, deref(b.Pinblock), deref(b.KeyId), deref(b.SyncOfflinePin)); err != nil {
		return nil, fmt.Errorf("PIN block of card %d: %w", req.CardId, pciFields.rename(err))
	}
	return pcicards.UpdatePinFromPinblock204Response{}, nil
}

// GetPinblock returns a card's PIN as a PIN block under the requested key.
func (a *PCICards) GetPinblock(ctx context.Context, req pcicards.GetPinblockRequestObject) (pcicards.GetPinblockResponseObject, error) {
	who := caller(ctx)
	c, d, block, err := a.svc.PINBlock(ctx, who, req.CardId, req.Params.KeyId)
	if err != nil {
		return nil, fmt.Errorf("PIN block of card %d: %w", req.CardId, pciFields.rename(err))
	}
	return pcicards.GetPinblock200JSONResponse{CardId: c.ID, AccountId: &c.AccountID, OrgId: who.Tenant,
		CorrelationId: optionalString(correlation.From(ctx)), Pinblock: block.String(), KeyId: req.Params.KeyId,
		PasswordUpdated: d.PasswordUpdated}, nil
}

// RotateCardCvv gives a VIRTUAL card a new CVV now.
func (a *PCICards) RotateCardCvv(ctx context.Context, req pcicards.RotateCardCvvRequestObject) (pcicards.RotateCardCvvResponseObject, error) {
	var code string
	if req.Body != nil {
		code = deref(req.Body.ServiceCode)
	}
	if err := a.svc.RotateCVV(ctx, caller(ctx), req.CardId, code); err != nil {
		return nil, fmt.Errorf("rotate the CVV of card %d: %w", req.CardId, pciFields.rename(err))
	}
	return pcicards.RotateCardCvv200JSONResponse{Success: true}, nil
}

// ChangeCvvRotation sets a VIRTUAL card's CVV rotation interval.
func (a *PCICards) ChangeCvvRotation(ctx context.Context, req pcicards.ChangeCvvRotationRequestObject) (pcicards.ChangeCvvRotationResponseObject, error) {
	c, err := a.svc.ChangeRotation(ctx, caller(ctx), req.CardId, req.Body.CvvRotationIntervalHours)
	if err != nil {
		return nil, fmt.Errorf("CVV rotation of card %d: %w", req.CardId, pciFields.rename(err))
	}
	return pcicards.ChangeCvvRotation200JSONResponse{Id: c.ID, CvvRotationIntervalHours: *c.CVVRotationIntervalHours}, nil
}

// DeleteCvvRotation stops a VIRTUAL card's automatic CVV rotation.
func (a *PCICards) DeleteCvvRotation(ctx context.Context, req pcicards.DeleteCvvRotationRequestObject) (pcicards.DeleteCvvRotationResponseObject, error) {
	if err := a.svc.DeleteRotation(ctx, caller(ctx), req.CardId); err != nil {
		return nil, fmt.Errorf("CVV rotation of card %d: %w", req.CardId, pciFields.rename(err))
	}
	return pcicards.DeleteCvvRotation204Response{}, nil
}

// ValidateNonameCvv checks a noname card's CVV: 204 when it matches.
func (a *PCICards) ValidateNonameCvv(ctx context.Context, req pcicards.ValidateNonameCvvRequestObject) (pcicards.ValidateNonameCvvResponseObject, error) {
	if err := a.svc.ValidateNonameCVV(ctx, caller(ctx), req.CardId, req.Body.Cvv); err != nil {
		return nil, fmt.Errorf("validate the CVV of card %d: %w", req.CardId, pciFields.rename(err))
	}
	return pcicards.ValidateNonameCvv204Response{}, nil
}

// AppendIssuerScript queues a registered script for the card's chip.
func (a *PCICards) AppendIssuerScript(ctx context.Context, req pcicards.AppendIssuerScriptRequestObject) (pcicards.AppendIssuerScriptResponseObject, error) {
	who, err := scriptCaller(ctx, req.Params.XAccountId)
	if err != nil {
		return nil, err
	}
	c, sc, err := a.svc.AppendScript(ctx, who, req.CardId, req.Body.ScriptId)
	if err != nil {
		return nil, fmt.Errorf("script for card %d: %w", req.CardId, pciFields.rename(err))
	}
	return pcicards.AppendIssuerScript200JSONResponse(scriptOut(who, c, sc)), nil
}

// AppendUpdatePinScript queues an update-PIN script for the card's chip.
func (a *PCICards) AppendUpdatePinScript(ctx context.Context, req pcicards.AppendUpdatePinScriptRequestObject) (pcicards.AppendUpdatePinScriptResponseObject, error) {
	who, err := scriptCaller(ctx, req.Params.XAccountId)
	if err != nil {
		return nil, err
	}
	b := req.Body
	c, sc, err := a.svc.AppendPINScript(ctx, who, req.CardId, pci.PINScriptInput{ScriptID: b.ScriptId, PIN: deref(b.Pin), PINBlock: deref(b.PinBlock), KeyID: deref(b.KeyId)})
	if err != nil {
		return nil, fmt.Errorf("update-PIN script for card %d: %w", req.CardId, pciFields.rename(err))
	}
	return pcicards.AppendUpdatePinScript200JSONResponse(scriptOut(who, c, sc)), nil
}

// SyncOfflinePin queues the offline PIN sync for the card's chip.
func (a *PCICards) SyncOfflinePin(ctx context.Context, req pcicards.SyncOfflinePinRequestObject) (pcicards.SyncOfflinePinResponseObject, error) {
	if err := a.svc.SyncOfflinePIN(ctx, caller(ctx), req.CardId); err != nil {
		return nil, fmt.Errorf("sync the offline PIN of card %d: %w", req.CardId, pciFields.rename(err))
	}
	return pcicards.SyncOfflinePin204Response{}, nil
}

// scriptCaller checks the scripts' x-account-id against the token.
func scriptCaller(ctx context.Context, header string) (access.Caller, error) {
	who := caller(ctx)
	if header != fmt.Sprint(who.AccountID) {
		return who, rule.Forbidden("x-account-id", "account", "x-account-id %s is not the token's account", header)
	}
	return who, nil
}

func scriptOut(who access.Caller, c card.Card, sc pci.Script) pcicards.ScriptResponse {
	return pcicards.ScriptResponse{CardScriptId: sc.ID, OrgId: who.Tenant, CardId: c.ID, AccountId: c.AccountID,
		ScriptId: sc.ScriptID, CreatedAt: sc.CreatedAt.UTC().Format("2006-01-02T15:04:05.000"), Applied: sc.State == pci.ScriptApplied}
}

// SearchCardByPan finds the org's card by its PAN in clear.
func (a *PCICards) SearchCardByPan(ctx context.Context, req pcicards.SearchCardByPanRequestObject) (pcicards.SearchCardByPanResponseObject, error) {
	c, err := a.svc.Search(ctx, caller(ctx), req.Body.Pan, nil)
	if err != nil {
		return nil, fmt.Errorf("search by PAN: %w", err)
	}
	return pcicards.SearchCardByPan200JSONResponse(searchOut(c)), nil
}

// SearchCardByEncryptedPan finds the org's card by its encrypted PAN.
func (a *PCICards) SearchCardByEncryptedPan(ctx context.Context, req pcicards.SearchCardByEncryptedPanRequestObject) (pcicards.SearchCardByEncryptedPanResponseObject, error) {
	b := req.Body
	c, err := a.svc.Search(ctx, caller(ctx), "", &pci.EncryptedPAN{Data: b.Pan, IV: b.Iv, KeyID: b.KeyId})
	if err != nil {
		return nil, fmt.Errorf("search by encrypted PAN: %w", err)
	}
	return pcicards.SearchCardByEncryptedPan200JSONResponse(searchOut(c)), nil
}

// SearchCardByEncryptedPanV3 is the vendor's version 3 of the encrypted search; it answers as version 2.
func (a *PCICards) SearchCardByEncryptedPanV3(ctx context.Context, req pcicards.SearchCardByEncryptedPanV3RequestObject) (pcicards.SearchCardByEncryptedPanV3ResponseObject, error) {
	b := req.Body
	c, err := a.svc.Search(ctx, caller(ctx), "", &pci.EncryptedPAN{Data: b.Pan, IV: b.Iv, KeyID: b.KeyId})
	if err != nil {
		return nil, fmt.Errorf("search by encrypted PAN: %w", err)
	}
	return pcicards.SearchCardByEncryptedPanV3200JSONResponse(searchOut(c)), nil
}

func searchOut(c card.Card) pcicards.CardSearchResult {
	return pcicards.CardSearchResult{CardId: c.ID, AccountId: c.AccountID, CustomerId: c.CustomerID}
}

// UpdateNominalCardPan gives an UNNUMBERED nominal card the issuer's PAN and PIN.
func (a *PCICards) UpdateNominalCardPan(ctx context.Context, req pcicards.UpdateNominalCardPanRequestObject) (pcicards.UpdateNominalCardPanResponseObject, error) {
	err := a.svc.UpdatePAN(ctx, caller(ctx), access.Scope{CustomerID: req.Params.XCustomerId}, req.CardId, false, panUpdate(*req.Body))
	if err != nil {
		return nil, fmt.Errorf("PAN of card %d: %w", req.CardId, patchFields.rename(err))
	}
	return pcicards.UpdateNominalCardPan202Response{}, nil
}

// UpdateNonameCardPan gives an UNNUMBERED noname card the issuer's PAN and PIN.
func (a *PCICards) UpdateNonameCardPan(ctx context.Context, req pcicards.UpdateNonameCardPanRequestObject) (pcicards.UpdateNonameCardPanResponseObject, error) {
	if err := a.svc.UpdatePAN(ctx, caller(ctx), access.Scope{}, req.CardId, true, panUpdate(*req.Body)); err != nil {
		return nil, fmt.Errorf("PAN of card %d: %w", req.CardId, pciFields.rename(err))
	}
	return pcicards.UpdateNonameCardPan202Response{}, nil
}

func panUpdate(b pcicards.PanUpdateRequest) pci.PANUpdate {
	in := pci.PANUpdate{BIN: b.Pan.Bin, PAN: pci.EncryptedPAN{Data: b.Pan.Data, IV: b.Pan.Iv, KeyID: b.Pan.KeyId}}
	if b.Pin != nil {
		in.PINBlock = deref(b.Pin.Pinblock)
		if b.Pin.PinLength != nil {
			in.PINLength = int(*b.Pin.PinLength)
		}
	}
	return in
}

// AssignBenefitSegment gives a card a benefit segment.
func (a *PCICards) AssignBenefitSegment(ctx context.Context, req pcicards.AssignBenefitSegmentRequestObject) (pcicards.AssignBenefitSegmentResponseObject, error) {
	res, err := a.svc.AssignSegment(ctx, caller(ctx), req.Body.CardId, req.Body.Segments)
	if err != nil {
		return nil, fmt.Errorf("assign a segment: %w", err)
	}
	return pcicards.AssignBenefitSegment200JSONResponse(benefitsOut(res)), nil
}

// ReplaceBenefitSegment replaces a card's benefit segment.
func (a *PCICards) ReplaceBenefitSegment(ctx context.Context, req pcicards.ReplaceBenefitSegmentRequestObject) (pcicards.ReplaceBenefitSegmentResponseObject, error) {
	b := req.Body
	res, err := a.svc.ReplaceSegment(ctx, caller(ctx), b.CardId, b.OldSegmentCode, b.NewSegmentCode)
	if err != nil {
		return nil, fmt.Errorf("replace a segment: %w", err)
	}
	return pcicards.ReplaceBenefitSegment200JSONResponse(benefitsOut(res)), nil
}

// CancelBenefitSegment cancels a card's benefit segment.
func (a *PCICards) CancelBenefitSegment(ctx context.Context, req pcicards.CancelBenefitSegmentRequestObject) (pcicards.CancelBenefitSegmentResponseObject, error) {
	res, err := a.svc.CancelSegment(ctx, caller(ctx), req.Body.CardId, req.Body.Code)
	if err != nil {
		return nil, fmt.Errorf("cancel a segment: %w", err)
	}
	return pcicards.CancelBenefitSegment200JSONResponse(benefitsOut(res)), nil
}

// ReplaceBenefitCard moves a customer's benefits to another card.
func (a *PCICards) ReplaceBenefitCard(ctx context.Context, req pcicards.ReplaceBenefitCardRequestObject) (pcicards.ReplaceBenefitCardResponseObject, error) {
	b := req.Body
	res, err := a.svc.MoveBenefits(ctx, caller(ctx), req.Params.XCustomerId, b.OldCardId, b.NewCardId)
	if err != nil {
		return nil, fmt.Errorf("move benefits: %w", vendorFields{access.FieldCustomer: "x-customer-id"}.rename(err))
	}
	return pcicards.ReplaceBenefitCard200JSONResponse(benefitsOut(res)), nil
}

// FreezeCardBenefits freezes or unfreezes a card's benefits.
func (a *PCICards) FreezeCardBenefits(ctx context.Context, req pcicards.FreezeCardBenefitsRequestObject) (pcicards.FreezeCardBenefitsResponseObject, error) {
	if err := a.svc.FreezeBenefits(ctx, caller(ctx), req.Body.CardId, req.Body.FreezingEnabled); err != nil {
		return nil, fmt.Errorf("freeze benefits: %w", err)
	}
	return pcicards.FreezeCardBenefits204Response{}, nil
}

func benefitsOut(r pci.BenefitResult) pcicards.BenefitsResponse {
	out := pcicards.BenefitsResponse{Bundles: r.Bundles, NetworkCorrelationId: r.NetworkCorrelationID}
	if out.Bundles == nil {
		out.Bundles = []string{}
	}
	return out
}
