package httpapi

import (
	"context"

	"github.com/issuersim/issuersim/gen/cardsonfile"
	"github.com/issuersim/issuersim/gen/d1"
)

// CardsOnFile serves openapi/cardsonfile.yaml. Its operations belong to later work: each answers 501 naming itself.
type CardsOnFile struct{}

var _ cardsonfile.StrictServerInterface = (*CardsOnFile)(nil)

// ListCardsOnFile answers 501 until it is built.
func (CardsOnFile) ListCardsOnFile(context.Context, cardsonfile.ListCardsOnFileRequestObject) (cardsonfile.ListCardsOnFileResponseObject, error) {
	return nil, errNotBuilt
}

// UpdateCardOnFile answers 501 until it is built.
func (CardsOnFile) UpdateCardOnFile(context.Context, cardsonfile.UpdateCardOnFileRequestObject) (cardsonfile.UpdateCardOnFileResponseObject, error) {
	return nil, errNotBuilt
}

// CreateCardOnFile answers 501 until it is built.
func (CardsOnFile) CreateCardOnFile(context.Context, cardsonfile.CreateCardOnFileRequestObject) (cardsonfile.CreateCardOnFileResponseObject, error) {
	return nil, errNotBuilt
}

// GetCardOnFile answers 501 until it is built.
func (CardsOnFile) GetCardOnFile(context.Context, cardsonfile.GetCardOnFileRequestObject) (cardsonfile.GetCardOnFileResponseObject, error) {
	return nil, errNotBuilt
}

// DeleteCardOnFileMetadata answers 501 until it is built.
func (CardsOnFile) DeleteCardOnFileMetadata(context.Context, cardsonfile.DeleteCardOnFileMetadataRequestObject) (cardsonfile.DeleteCardOnFileMetadataResponseObject, error) {
	return nil, errNotBuilt
}

// ListCardValidations answers 501 until it is built.
func (CardsOnFile) ListCardValidations(context.Context, cardsonfile.ListCardValidationsRequestObject) (cardsonfile.ListCardValidationsResponseObject, error) {
	return nil, errNotBuilt
}

// CreateCardValidation answers 501 until it is built.
func (CardsOnFile) CreateCardValidation(context.Context, cardsonfile.CreateCardValidationRequestObject) (cardsonfile.CreateCardValidationResponseObject, error) {
	return nil, errNotBuilt
}

// GetCardValidation answers 501 until it is built.
func (CardsOnFile) GetCardValidation(context.Context, cardsonfile.GetCardValidationRequestObject) (cardsonfile.GetCardValidationResponseObject, error) {
	return nil, errNotBuilt
}

// GetValidationAmount answers 501 until it is built.
func (CardsOnFile) GetValidationAmount(context.Context, cardsonfile.GetValidationAmountRequestObject) (cardsonfile.GetValidationAmountResponseObject, error) {
	return nil, errNotBuilt
}

// SubmitValidationTry answers 501 until it is built.
func (CardsOnFile) SubmitValidationTry(context.Context, cardsonfile.SubmitValidationTryRequestObject) (cardsonfile.SubmitValidationTryResponseObject, error) {
	return nil, errNotBuilt
}

// UpdateCardOnFileV3 answers 501 until it is built.
func (CardsOnFile) UpdateCardOnFileV3(context.Context, cardsonfile.UpdateCardOnFileV3RequestObject) (cardsonfile.UpdateCardOnFileV3ResponseObject, error) {
	return nil, errNotBuilt
}

// CreateCardOnFileV3 answers 501 until it is built.
func (CardsOnFile) CreateCardOnFileV3(context.Context, cardsonfile.CreateCardOnFileV3RequestObject) (cardsonfile.CreateCardOnFileV3ResponseObject, error) {
	return nil, errNotBuilt
}

// D1 serves openapi/d1.yaml. Its operations belong to later work: each answers 501 naming itself.
type D1 struct{}

var _ d1.StrictServerInterface = (*D1)(nil)

// GetAccessToken answers 501 until it is built.
func (D1) GetAccessToken(context.Context, d1.GetAccessTokenRequestObject) (d1.GetAccessTokenResponseObject, error) {
	return nil, errNotBuilt
}

// ListCardOperations answers 501 until it is built.
func (D1) ListCardOperations(context.Context, d1.ListCardOperationsRequestObject) (d1.ListCardOperationsResponseObject, error) {
	return nil, errNotBuilt
}

// GetCardOperation answers 501 until it is built.
func (D1) GetCardOperation(context.Context, d1.GetCardOperationRequestObject) (d1.GetCardOperationResponseObject, error) {
	return nil, errNotBuilt
}

// DeleteCard answers 501 until it is built.
func (D1) DeleteCard(context.Context, d1.DeleteCardRequestObject) (d1.DeleteCardResponseObject, error) {
	return nil, errNotBuilt
}

// RenewCard answers 501 until it is built.
func (D1) RenewCard(context.Context, d1.RenewCardRequestObject) (d1.RenewCardResponseObject, error) {
	return nil, errNotBuilt
}

// ResumeCard answers 501 until it is built.
func (D1) ResumeCard(context.Context, d1.ResumeCardRequestObject) (d1.ResumeCardResponseObject, error) {
	return nil, errNotBuilt
}

// SuspendCard answers 501 until it is built.
func (D1) SuspendCard(context.Context, d1.SuspendCardRequestObject) (d1.SuspendCardResponseObject, error) {
	return nil, errNotBuilt
}
