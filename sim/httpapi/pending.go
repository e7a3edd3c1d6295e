package httpapi

import (
	"context"

	"github.com/issuersim/issuersim/gen/d1"
	"github.com/issuersim/issuersim/gen/tokenization"
)

// Tokenization serves openapi/tokenization.yaml. Its operations belong to later work: each answers 501 naming itself.
type Tokenization struct{}

var _ tokenization.StrictServerInterface = (*Tokenization)(nil)

// GetCardTokenConfig answers 501 until it is built.
func (Tokenization) GetCardTokenConfig(context.Context, tokenization.GetCardTokenConfigRequestObject) (tokenization.GetCardTokenConfigResponseObject, error) {
	return nil, errNotBuilt
}

// ResetCvv2TryCounter answers 501 until it is built.
func (Tokenization) ResetCvv2TryCounter(context.Context, tokenization.ResetCvv2TryCounterRequestObject) (tokenization.ResetCvv2TryCounterResponseObject, error) {
	return nil, errNotBuilt
}

// ListNetworkTokens answers 501 until it is built.
func (Tokenization) ListNetworkTokens(context.Context, tokenization.ListNetworkTokensRequestObject) (tokenization.ListNetworkTokensResponseObject, error) {
	return nil, errNotBuilt
}

// UpdateTokensPan answers 501 until it is built.
func (Tokenization) UpdateTokensPan(context.Context, tokenization.UpdateTokensPanRequestObject) (tokenization.UpdateTokensPanResponseObject, error) {
	return nil, errNotBuilt
}

// GetNetworkCardProfile answers 501 until it is built.
func (Tokenization) GetNetworkCardProfile(context.Context, tokenization.GetNetworkCardProfileRequestObject) (tokenization.GetNetworkCardProfileResponseObject, error) {
	return nil, errNotBuilt
}

// AssignNetworkCardProfile answers 501 until it is built.
func (Tokenization) AssignNetworkCardProfile(context.Context, tokenization.AssignNetworkCardProfileRequestObject) (tokenization.AssignNetworkCardProfileResponseObject, error) {
	return nil, errNotBuilt
}

// UpdateNetworkCardProfile answers 501 until it is built.
func (Tokenization) UpdateNetworkCardProfile(context.Context, tokenization.UpdateNetworkCardProfileRequestObject) (tokenization.UpdateNetworkCardProfileResponseObject, error) {
	return nil, errNotBuilt
}

// CreateApplePayPushData answers 501 until it is built.
func (Tokenization) CreateApplePayPushData(context.Context, tokenization.CreateApplePayPushDataRequestObject) (tokenization.CreateApplePayPushDataResponseObject, error) {
	return nil, errNotBuilt
}

// CreateGooglePayPushData answers 501 until it is built.
func (Tokenization) CreateGooglePayPushData(context.Context, tokenization.CreateGooglePayPushDataRequestObject) (tokenization.CreateGooglePayPushDataResponseObject, error) {
	return nil, errNotBuilt
}

// CreateSamsungPayPushData answers 501 until it is built.
func (Tokenization) CreateSamsungPayPushData(context.Context, tokenization.CreateSamsungPayPushDataRequestObject) (tokenization.CreateSamsungPayPushDataResponseObject, error) {
	return nil, errNotBuilt
}

// GetNetworkToken answers 501 until it is built.
func (Tokenization) GetNetworkToken(context.Context, tokenization.GetNetworkTokenRequestObject) (tokenization.GetNetworkTokenResponseObject, error) {
	return nil, errNotBuilt
}

// UpdateNetworkToken answers 501 until it is built.
func (Tokenization) UpdateNetworkToken(context.Context, tokenization.UpdateNetworkTokenRequestObject) (tokenization.UpdateNetworkTokenResponseObject, error) {
	return nil, errNotBuilt
}

// UpdateTokenDeviceBinding answers 501 until it is built.
func (Tokenization) UpdateTokenDeviceBinding(context.Context, tokenization.UpdateTokenDeviceBindingRequestObject) (tokenization.UpdateTokenDeviceBindingResponseObject, error) {
	return nil, errNotBuilt
}

// UpdateCardTokens answers 501 until it is built.
func (Tokenization) UpdateCardTokens(context.Context, tokenization.UpdateCardTokensRequestObject) (tokenization.UpdateCardTokensResponseObject, error) {
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
