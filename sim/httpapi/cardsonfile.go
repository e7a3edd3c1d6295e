package httpapi

import (
	"context"
	"fmt"
	"time"

	"github.com/issuersim/issuersim/gen/cardsonfile"
	"github.com/issuersim/issuersim/sim/cardonfile"
	"github.com/issuersim/issuersim/sim/rule"
)

// CardsOnFile serves openapi/cardsonfile.yaml, the wallet in sim/cardonfile. The v2 and v3 paths of create and
// update are the same commands. The PAN reaches only getCardOnFile's response, and never a log.
type CardsOnFile struct {
	svc *cardonfile.Service
}

var _ cardsonfile.StrictServerInterface = (*CardsOnFile)(nil)

func (a *CardsOnFile) create(ctx context.Context, b *cardsonfile.CreateCardOnFileRequest, skip *bool) (cardsonfile.CreateCardOnFileResponse, error) {
	in := cardonfile.CreateInput{UUID: deref(b.CardStoredUuid), CardName: b.CardName, PrintedName: b.Name, PAN: b.Pan, CVV: b.Cvv,
		ExpirationDate: b.ExpirationDate, Acquirer: deref(b.Acquirer), CardProfile: deref(b.CardProfile),
		DefaultCard: deref(b.DefaultCard), DocumentNumber: deref(b.DocumentNumber), Verified: deref(b.Verified),
		Metadata: b.Metadata, SkipValidation: deref(skip)}
	c, err := a.svc.Create(ctx, caller(ctx), in)
	if err != nil {
		return cardsonfile.CreateCardOnFileResponse{}, fmt.Errorf("store a card on file: %w", err)
	}
	return cardsonfile.CreateCardOnFileResponse{CardStoredUuid: c.UUID}, nil
}

// CreateCardOnFile stores a card in the account's wallet.
func (a *CardsOnFile) CreateCardOnFile(ctx context.Context, req cardsonfile.CreateCardOnFileRequestObject) (cardsonfile.CreateCardOnFileResponseObject, error) {
	out, err := a.create(ctx, req.Body, req.Params.SkipValidation)
	if err != nil {
		return nil, err
	}
	return cardsonfile.CreateCardOnFile200JSONResponse(out), nil
}

// CreateCardOnFileV3 is CreateCardOnFile at the v3 path.
func (a *CardsOnFile) CreateCardOnFileV3(ctx context.Context, req cardsonfile.CreateCardOnFileV3RequestObject) (cardsonfile.CreateCardOnFileV3ResponseObject, error) {
	out, err := a.create(ctx, (*cardsonfile.CreateCardOnFileRequest)(req.Body), req.Params.SkipValidation)
	if err != nil {
		return nil, err
	}
	return cardsonfile.CreateCardOnFileV3200JSONResponse(out), nil
}

func (a *CardsOnFile) update(ctx context.Context, b *cardsonfile.UpdateCardOnFileRequest) error {
	in := cardonfile.UpdateInput{CardName: b.CardName, CardProfile: b.CardProfile, Metadata: b.Metadata}
	if b.Status != nil {
		st := cardonfile.Status(*b.Status)
		in.Status = &st
	}
	if err := a.svc.Update(ctx, caller(ctx), b.CardStoredUuid, in); err != nil {
		return fmt.Errorf("update card on file %s: %w", b.CardStoredUuid, vendorFields{"uuid": "/card_stored_uuid"}.rename(err))
	}
	return nil
}

// UpdateCardOnFile changes a stored card; 200 without a body.
func (a *CardsOnFile) UpdateCardOnFile(ctx context.Context, req cardsonfile.UpdateCardOnFileRequestObject) (cardsonfile.UpdateCardOnFileResponseObject, error) {
	if err := a.update(ctx, req.Body); err != nil {
		return nil, err
	}
	return cardsonfile.UpdateCardOnFile200Response{}, nil
}

// UpdateCardOnFileV3 is UpdateCardOnFile at the v3 path.
func (a *CardsOnFile) UpdateCardOnFileV3(ctx context.Context, req cardsonfile.UpdateCardOnFileV3RequestObject) (cardsonfile.UpdateCardOnFileV3ResponseObject, error) {
	if err := a.update(ctx, (*cardsonfile.UpdateCardOnFileRequest)(req.Body)); err != nil {
		return nil, err
	}
	return cardsonfile.UpdateCardOnFileV3200Response{}, nil
}

// ListCardsOnFile lists the account's stored cards, narrowed by status and card type.
func (a *CardsOnFile) ListCardsOnFile(ctx context.Context, req cardsonfile.ListCardsOnFileRequestObject) (cardsonfile.ListCardsOnFileResponseObject, error) {
	var f cardonfile.Filter
	for _, s := range deref(req.Params.Status) {
		f.Statuses = append(f.Statuses, cardonfile.Status(s))
	}
	f.Types = deref(req.Params.Type)
	list, err := a.svc.List(ctx, caller(ctx), f)
	if err != nil {
		return nil, fmt.Errorf("list cards on file: %w", err)
	}
	out := make(cardsonfile.ListCardsOnFile200JSONResponse, len(list))
	for i, c := range list {
		out[i] = cardsonfile.CardOnFile{Uuid: c.UUID, CardName: &c.CardName, CardProfile: optionalString(c.CardProfile),
			CardStatus: cardsonfile.CardOnFileStatus(c.Status), CreationDate: &c.CreatedAt, DefaultCard: &c.DefaultCard,
			DocumentNumber: optionalString(c.DocumentNumber), ExpirationDate: &c.ExpirationDate, IssuerCard: &c.IssuerCard,
			Last4Digits: &c.Last4, Metadata: c.Metadata, Network: ptr(cardsonfile.CardNetwork(c.Network)),
			PrintedName: optionalString(c.PrintedName), Verified: &c.Verified, PismoCardId: nonZero(c.PismoCardID),
			CustomerId: nonZero(c.CustomerID), ProgramId: nonZero(c.ProgramID)}
	}
	return out, nil
}

// GetCardOnFile returns the stored card with its PAN, in a one-element array as the vendor does.
func (a *CardsOnFile) GetCardOnFile(ctx context.Context, req cardsonfile.GetCardOnFileRequestObject) (cardsonfile.GetCardOnFileResponseObject, error) {
	c, v, err := a.svc.Get(ctx, caller(ctx), req.Cardid)
	if err != nil {
		return nil, fmt.Errorf("get card on file %s: %w", req.Cardid, vendorFields{"uuid": "cardid"}.rename(err))
	}
	return cardsonfile.GetCardOnFile200JSONResponse{{
		Acquirer: optionalString(c.Acquirer), CardName: &c.CardName, CardProfile: optionalString(c.CardProfile),
		CardStatus: ptr(cardsonfile.CardOnFileStatus(c.Status)), CreationDate: &c.CreatedAt, DefaultCard: &c.DefaultCard,
		DocumentNumber: optionalString(c.DocumentNumber), ExpirationDate: &c.ExpirationDate, First6Digits: &c.First6,
		IssuerCard: &c.IssuerCard, Last4Digits: &c.Last4, Network: ptr(cardsonfile.CardNetwork(c.Network)),
		Pan: ptr(v.PAN.Reveal()), PrintedName: optionalString(c.PrintedName), Metadata: c.Metadata, Verified: &c.Verified,
		PismoCardId: nonZero(c.PismoCardID), CustomerId: nonZero(c.CustomerID), ProgramId: nonZero(c.ProgramID),
	}}, nil
}

// DeleteCardOnFileMetadata clears a stored card's metadata; 204.
func (a *CardsOnFile) DeleteCardOnFileMetadata(ctx context.Context, req cardsonfile.DeleteCardOnFileMetadataRequestObject) (cardsonfile.DeleteCardOnFileMetadataResponseObject, error) {
	if err := a.svc.DeleteMetadata(ctx, caller(ctx), req.Uuid); err != nil {
		return nil, fmt.Errorf("delete the metadata of card on file %s: %w", req.Uuid, err)
	}
	return cardsonfile.DeleteCardOnFileMetadata204Response{}, nil
}

// CreateCardValidation charges the stored card an amount to read back; 201.
func (a *CardsOnFile) CreateCardValidation(ctx context.Context, req cardsonfile.CreateCardValidationRequestObject) (cardsonfile.CreateCardValidationResponseObject, error) {
	var in cardonfile.ValidationInput
	if req.Body != nil {
		in = cardonfile.ValidationInput{ExpirationHours: deref(req.Body.ExpirationHours), RemainingTries: deref(req.Body.RemainingTries)}
	}
	_, v, err := a.svc.StartValidation(ctx, caller(ctx), req.Uuid, in)
	if err != nil {
		return nil, fmt.Errorf("validate card on file %s: %w", req.Uuid, err)
	}
	return cardsonfile.CreateCardValidation201JSONResponse(validation(v)), nil
}

// ListCardValidations lists a stored card's validations.
func (a *CardsOnFile) ListCardValidations(ctx context.Context, req cardsonfile.ListCardValidationsRequestObject) (cardsonfile.ListCardValidationsResponseObject, error) {
	c, _, err := a.svc.Get(ctx, caller(ctx), req.Uuid)
	if err != nil {
		return nil, fmt.Errorf("validations of card on file %s: %w", req.Uuid, err)
	}
	out := make(cardsonfile.ListCardValidations200JSONResponse, len(c.Validations))
	for i, v := range c.Validations {
		out[i] = validation(v)
	}
	return out, nil
}

// GetCardValidation returns one validation with its tries.
func (a *CardsOnFile) GetCardValidation(ctx context.Context, req cardsonfile.GetCardValidationRequestObject) (cardsonfile.GetCardValidationResponseObject, error) {
	v, err := a.svc.Validation(ctx, caller(ctx), req.Uuid, req.Validationid)
	if err != nil {
		return nil, fmt.Errorf("validation %s of card on file %s: %w", req.Validationid, req.Uuid, err)
	}
	base := validation(v)
	tries := make([]cardsonfile.ValidationTry, len(v.Tries))
	for i, t := range v.Tries {
		tries[i] = cardsonfile.ValidationTry{Date: t.At, Amount: float32(t.AmountCents) / 100}
	}
	return cardsonfile.GetCardValidation200JSONResponse{Uuid: base.Uuid, Type: base.Type, Status: cardsonfile.CardValidationWithTriesStatus(base.Status),
		ExpirationHours: base.ExpirationHours, RemainingTries: base.RemainingTries, InclusionDate: base.InclusionDate,
		ExpirationDate: base.ExpirationDate, ActivationDate: base.ActivationDate, CancellationDate: base.CancellationDate,
		RefundedAt: base.RefundedAt, RefundId: base.RefundId, Tries: &tries}, nil
}

// GetValidationAmount returns the amount a validation charged.
func (a *CardsOnFile) GetValidationAmount(ctx context.Context, req cardsonfile.GetValidationAmountRequestObject) (cardsonfile.GetValidationAmountResponseObject, error) {
	v, err := a.svc.Validation(ctx, caller(ctx), req.Uuid, req.Validationid)
	if err != nil {
		return nil, fmt.Errorf("amount of validation %s: %w", req.Validationid, err)
	}
	return cardsonfile.GetValidationAmount200JSONResponse{ValidationAmount: float32(v.Amount())}, nil
}

// SubmitValidationTry records a reading of a validation's amount; 204.
func (a *CardsOnFile) SubmitValidationTry(ctx context.Context, req cardsonfile.SubmitValidationTryRequestObject) (cardsonfile.SubmitValidationTryResponseObject, error) {
	var at *time.Time
	if d := req.Body.Date; d != nil {
		t, err := time.Parse("02/01/2006", *d)
		if err != nil {
			return nil, rule.Invalid("/date", "format", "date must be dd/mm/yyyy, got %q", *d)
		}
		at = &t
	}
	if err := a.svc.SubmitTry(ctx, caller(ctx), req.Uuid, req.Validationid, float64(req.Body.Amount), at); err != nil {
		return nil, fmt.Errorf("try validation %s: %w", req.Validationid, err)
	}
	return cardsonfile.SubmitValidationTry204Response{}, nil
}

func validation(v cardonfile.Validation) cardsonfile.CardValidation {
	out := cardsonfile.CardValidation{Uuid: v.UUID, Type: cardsonfile.ValidationType(v.Type), Status: cardsonfile.CardValidationStatus(v.Status),
		ExpirationHours: v.ExpirationHours, RemainingTries: v.RemainingTries, InclusionDate: &v.StartedAt, ExpirationDate: &v.ExpiresAt,
		ActivationDate: v.ActivatedAt, CancellationDate: v.CanceledAt, RefundedAt: v.RefundedAt, RefundId: optionalString(v.RefundID)}
	return out
}
