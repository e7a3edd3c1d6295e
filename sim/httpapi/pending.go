package httpapi

import (
	"context"

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
