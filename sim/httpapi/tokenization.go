package httpapi

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/issuersim/issuersim/gen/tokenization"
	"github.com/issuersim/issuersim/sim/access"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/token"
)

// Tokenization serves the processor's network-token API (openapi/tokenization.yaml): each method turns the
// request into one token command and the result into the vendor's response.
type Tokenization struct {
	svc *token.Service
}

var _ tokenization.StrictServerInterface = (*Tokenization)(nil)

// Tokenization answers every business refusal with 400, as the vendor's file documents ("Token not found" is a
// 400 there); who may touch what keeps its 403.
var (
	tokenFields    = vendorFields{access.FieldCard: "cardId", access.FieldAccount: "Authorization", token.FieldNetworkToken: "tokenId"}
	profileFields  = vendorFields{access.FieldCard: "cardId", access.FieldAccount: "Authorization", access.FieldCustomer: "x-customer-id"}
	cardOpFields   = vendorFields{access.FieldCard: "card_id", access.FieldAccount: "Authorization"}
	clickFields    = vendorFields{access.FieldCustomer: "x-customer-id", access.FieldAccount: "Authorization"}
	connectFields  = vendorFields{access.FieldCustomer: "x-customer-id", access.FieldAccount: "x-account-id"}
	assetFields    = vendorFields{}
	panMoveFields  = vendorFields{access.FieldCard: "cardId", access.FieldAccount: "Authorization"}
	pushDataFields = tokenFields
)

// tokenRefusal renames a refusal's field for the operation and makes it the vendor's 400, unless it is a 403.
func tokenRefusal(err error, fields vendorFields) error {
	err = fields.rename(err)
	var v *rule.Violation
	if errors.As(err, &v) && !errors.Is(v.Kind, rule.ErrForbidden) {
		v.Kind = rule.ErrInvalid
	}
	return err
}

// ListNetworkTokens returns a card's tokens and the network's raw list.
func (a *Tokenization) ListNetworkTokens(ctx context.Context, req tokenization.ListNetworkTokensRequestObject) (tokenization.ListNetworkTokensResponseObject, error) {
	who := caller(ctx)
	c, list, err := a.svc.List(ctx, who, req.CardId)
	if err != nil {
		return nil, fmt.Errorf("tokens of card %d: %w", req.CardId, tokenRefusal(err, tokenFields))
	}
	out := tokenization.NetworkTokenList{Tokens: make([]tokenization.NetworkToken, 0, len(list))}
	for _, t := range list {
		out.Tokens = append(out.Tokens, networkTokenOut(who.Tenant, t))
	}
	if n, ok := token.NetworkOf(c.Brand); ok {
		view := token.ListView(n, c, list)
		out.NetworkData = &view
	}
	return tokenization.ListNetworkTokens200JSONResponse(out), nil
}

// GetNetworkToken returns one token with its devices and the network's raw view of it.
func (a *Tokenization) GetNetworkToken(ctx context.Context, req tokenization.GetNetworkTokenRequestObject) (tokenization.GetNetworkTokenResponseObject, error) {
	who := caller(ctx)
	c, t, err := a.svc.Get(ctx, who, req.CardId, req.TokenId)
	if err != nil {
		return nil, fmt.Errorf("token %s of card %d: %w", req.TokenId, req.CardId, tokenRefusal(err, tokenFields))
	}
	base := networkTokenOut(who.Tenant, t)
	devices := make([]tokenization.TokenDevice, 0, len(t.Devices))
	for _, d := range t.Devices {
		if d.Bound {
			devices = append(devices, tokenization.TokenDevice{DeviceId: ptr(d.ID), DeviceIndex: ptr(d.Index)})
		}
	}
	view := token.MDESView(t)
	if t.Network == token.NetworkVTS {
		view = token.VTSView(t, c.LastFour)
	}
	return tokenization.GetNetworkToken200JSONResponse{
		AccountId: base.AccountId, CardId: base.CardId, Devices: &devices, NetworkData: &view, OrgId: base.OrgId,
		PaymentAppInstanceId: base.PaymentAppInstanceId, ProgramId: base.ProgramId, Status: base.Status, Token: base.Token,
		TokenId: base.TokenId, TrackingId: base.TrackingId, UpdatedAt: base.UpdatedAt, WalletId: base.WalletId,
	}, nil
}

// UpdateNetworkToken runs an operation on a token.
func (a *Tokenization) UpdateNetworkToken(ctx context.Context, req tokenization.UpdateNetworkTokenRequestObject) (tokenization.UpdateNetworkTokenResponseObject, error) {
	b := req.Body
	in := token.OperationInput{Operation: token.Operation(b.OperationType), Reason: b.OperationReason,
		ActivationCode: deref(b.ActivationCode), OperatorID: deref(b.OperatorId)}
	if _, err := a.svc.Operate(ctx, caller(ctx), req.CardId, req.TokenId, in); err != nil {
		return nil, fmt.Errorf("%s token %s of card %d: %w", b.OperationType, req.TokenId, req.CardId, tokenRefusal(err, tokenFields))
	}
	return tokenization.UpdateNetworkToken200Response{}, nil
}

// UpdateCardTokens runs SUSPEND, RESUME or DELETE on every token of a card that can take it.
func (a *Tokenization) UpdateCardTokens(ctx context.Context, req tokenization.UpdateCardTokensRequestObject) (tokenization.UpdateCardTokensResponseObject, error) {
	b := req.Body
	in := token.OperationInput{Operation: token.Operation(b.OperationType), Reason: b.OperationReason, OperatorID: deref(b.OperatorId)}
	if _, err := a.svc.OperateCard(ctx, caller(ctx), req.CardId, in); err != nil {
		return nil, fmt.Errorf("%s the tokens of card %d: %w", b.OperationType, req.CardId, tokenRefusal(err, cardOpFields))
	}
	return tokenization.UpdateCardTokens200Response{}, nil
}

// UpdateTokenDeviceBinding approves or removes a Visa device binding.
func (a *Tokenization) UpdateTokenDeviceBinding(ctx context.Context, req tokenization.UpdateTokenDeviceBindingRequestObject) (tokenization.UpdateTokenDeviceBindingResponseObject, error) {
	b := req.Body
	in := token.DeviceInput{Operation: token.DeviceOperation(b.OperationType), Reason: string(b.OperationReason),
		ActivationCode: deref(b.ActivationCode), OperatorID: b.OperatorId, Index: b.DeviceIndex}
	ack, err := a.svc.BindDevice(ctx, caller(ctx), req.CardId, req.TokenId, req.DeviceId, in)
	if err != nil {
		return nil, fmt.Errorf("device %s of token %s: %w", req.DeviceId, req.TokenId, tokenRefusal(err, tokenFields))
	}
	return tokenization.UpdateTokenDeviceBinding200JSONResponse{NetworkAck: ack}, nil
}

// UpdateTokensPan moves a card's live tokens to another card (pan_update-1).
func (a *Tokenization) UpdateTokensPan(ctx context.Context, req tokenization.UpdateTokensPanRequestObject) (tokenization.UpdateTokensPanResponseObject, error) {
	if _, err := a.svc.MovePAN(ctx, caller(ctx), req.CardId, req.Body.NewCardId); err != nil {
		return nil, fmt.Errorf("move the tokens of card %d: %w", req.CardId, tokenRefusal(err, panMoveFields))
	}
	return tokenization.UpdateTokensPan202Response{}, nil
}

// GetNetworkCardProfile returns a card's network card profile.
func (a *Tokenization) GetNetworkCardProfile(ctx context.Context, req tokenization.GetNetworkCardProfileRequestObject) (tokenization.GetNetworkCardProfileResponseObject, error) {
	p, err := a.svc.Profile(ctx, caller(ctx), access.Scope{CustomerID: req.Params.XCustomerId}, req.CardId)
	if err != nil {
		return nil, fmt.Errorf("profile of card %d: %w", req.CardId, tokenRefusal(err, profileFields))
	}
	return tokenization.GetNetworkCardProfile200JSONResponse{NetworkCardProfile: p}, nil
}

// AssignNetworkCardProfile links a network card profile to a card.
func (a *Tokenization) AssignNetworkCardProfile(ctx context.Context, req tokenization.AssignNetworkCardProfileRequestObject) (tokenization.AssignNetworkCardProfileResponseObject, error) {
	b := req.Body
	if err := a.svc.AssignProfile(ctx, caller(ctx), req.CardId, b.NetworkCardProfile, deref(b.UpdatePreviousTokens)); err != nil {
		return nil, fmt.Errorf("assign a profile to card %d: %w", req.CardId, tokenRefusal(err, profileFields))
	}
	return tokenization.AssignNetworkCardProfile204Response{}, nil
}

// UpdateNetworkCardProfile replaces a card's network card profile.
func (a *Tokenization) UpdateNetworkCardProfile(ctx context.Context, req tokenization.UpdateNetworkCardProfileRequestObject) (tokenization.UpdateNetworkCardProfileResponseObject, error) {
	err := a.svc.ReplaceProfile(ctx, caller(ctx), access.Scope{CustomerID: req.Params.XCustomerId}, req.CardId, req.Body.NetworkCardProfile)
	if err != nil {
		return nil, fmt.Errorf("replace the profile of card %d: %w", req.CardId, tokenRefusal(err, profileFields))
	}
	return tokenization.UpdateNetworkCardProfile204Response{}, nil
}

// GetCardTokenConfig returns a card's wallet CVV2 try counters.
func (a *Tokenization) GetCardTokenConfig(ctx context.Context, req tokenization.GetCardTokenConfigRequestObject) (tokenization.GetCardTokenConfigResponseObject, error) {
	tries, err := a.svc.Config(ctx, caller(ctx), req.CardId)
	if err != nil {
		return nil, fmt.Errorf("config of card %d: %w", req.CardId, tokenRefusal(err, tokenFields))
	}
	return tokenization.GetCardTokenConfig200JSONResponse{GoogleTryCounter: ptr(tries[token.WalletGooglePay]),
		AppleTryCounter: ptr(tries[token.WalletApplePay]), SamsungTryCounter: ptr(tries[token.WalletSamsungPay])}, nil
}

// ResetCvv2TryCounter sets a card's wallet CVV2 try counter back to zero.
func (a *Tokenization) ResetCvv2TryCounter(ctx context.Context, req tokenization.ResetCvv2TryCounterRequestObject) (tokenization.ResetCvv2TryCounterResponseObject, error) {
	var w token.Wallet
	if req.Body.Wallet != nil {
		w, _ = token.WalletByID(string(*req.Body.Wallet)) // the contract's enum holds only the three ids
	}
	if err := a.svc.ResetCVV2Tries(ctx, caller(ctx), req.CardId, w); err != nil {
		return nil, fmt.Errorf("reset the CVV2 tries of card %d: %w", req.CardId, tokenRefusal(err, tokenFields))
	}
	return tokenization.ResetCvv2TryCounter204Response{}, nil
}

// CreateGooglePayPushData returns Google Pay's push-provisioning payload.
func (a *Tokenization) CreateGooglePayPushData(ctx context.Context, req tokenization.CreateGooglePayPushDataRequestObject) (tokenization.CreateGooglePayPushDataResponseObject, error) {
	b := req.Body
	in := token.PushInput{Wallet: token.WalletGooglePay, ClientWalletAccountID: deref(b.ClientWalletAccountId),
		ClientDeviceID: deref(b.ClientDeviceId), ClientAppID: deref(b.ClientAppId), ClientWalletProvider: deref(b.ClientWalletProvider),
		TAVVersion: string(deref(b.TavVersion)), KeyAlias: deref(b.KeyAlias)}
	d, err := a.svc.Push(ctx, caller(ctx), req.CardId, in)
	if err != nil {
		return nil, fmt.Errorf("google pay data of card %d: %w", req.CardId, tokenRefusal(err, pushDataFields))
	}
	return tokenization.CreateGooglePayPushData200JSONResponse(walletPushOut(d)), nil
}

// CreateSamsungPayPushData returns Samsung Pay's push-provisioning payload (Visa cards).
func (a *Tokenization) CreateSamsungPayPushData(ctx context.Context, req tokenization.CreateSamsungPayPushDataRequestObject) (tokenization.CreateSamsungPayPushDataResponseObject, error) {
	b := req.Body
	in := token.PushInput{Wallet: token.WalletSamsungPay, ClientWalletAccountID: deref(b.ClientWalletAccountId),
		ClientDeviceID: deref(b.ClientDeviceId), ClientAppID: deref(b.ClientAppId), ClientWalletProvider: deref(b.ClientWalletProvider)}
	d, err := a.svc.Push(ctx, caller(ctx), req.CardId, in)
	if err != nil {
		return nil, fmt.Errorf("samsung pay data of card %d: %w", req.CardId, tokenRefusal(err, pushDataFields))
	}
	return tokenization.CreateSamsungPayPushData200JSONResponse(walletPushOut(d)), nil
}

// CreateApplePayPushData returns Apple Pay's push-provisioning payload.
func (a *Tokenization) CreateApplePayPushData(ctx context.Context, req tokenization.CreateApplePayPushDataRequestObject) (tokenization.CreateApplePayPushDataResponseObject, error) {
	b := req.Body
	in := token.PushInput{Wallet: token.WalletApplePay, Certificates: b.ApplePublicCertificateB64, DeviceType: string(b.DeviceType),
		AppVersion: b.AppVersion, Nonce: b.Nonce, NonceSignature: b.NonceSignature, ProductType: deref(b.ProductType),
		TAVVersion: string(deref(b.TavVersion)), KeyAlias: deref(b.KeyAlias), AuthCode: deref(b.Authcode)}
	d, err := a.svc.Push(ctx, caller(ctx), req.CardId, in)
	if err != nil {
		return nil, fmt.Errorf("apple pay data of card %d: %w", req.CardId, tokenRefusal(err, pushDataFields))
	}
	h := d.Holder
	out := tokenization.CreateApplePayPushData200JSONResponse{}
	out.PushData = &struct {
		ActivationData     *string `json:"activationData,omitempty"`
		EncryptedData      *string `json:"encryptedData,omitempty"`
		EphemeralPublicKey *string `json:"ephemeralPublicKey,omitempty"`
	}{ptr(d.Payload["activationData"]), ptr(d.Payload["encryptedData"]), ptr(d.Payload["ephemeralPublicKey"])}
	out.AdditionalInfo = &struct {
		Address        *string `json:"address,omitempty"`
		City           *string `json:"city,omitempty"`
		Country        *string `json:"country,omitempty"`
		HasAddressInfo *bool   `json:"has_address_info,omitempty"`
		HasPhoneInfo   *bool   `json:"has_phone_info,omitempty"`
		Last4Digits    *string `json:"last_4_digits,omitempty"`
		Name           *string `json:"name,omitempty"`
		Phone          *string `json:"phone,omitempty"`
		PrintedName    *string `json:"printed_name,omitempty"`
		State          *string `json:"state,omitempty"`
	}{&h.Address, &h.City, &h.Country, &h.HasAddress, &h.HasPhone, &h.LastFour, &h.Name, &h.Phone, &h.PrintedName, &h.State}
	return out, nil
}

// EnrollClickToPayCustomer enrolls a customer and a card in Visa Click to Pay.
func (a *Tokenization) EnrollClickToPayCustomer(ctx context.Context, req tokenization.EnrollClickToPayCustomerRequestObject) (tokenization.EnrollClickToPayCustomerResponseObject, error) {
	b := req.Body
	in := token.EnrollInput{OwnerBID: b.OwnerBid, CardID: b.CardInformation.CardId, Address: addressIn(b.CardInformation.BillingAddress),
		Customer: customerIn(b.CustomerInformation)}
	if err := a.svc.Enroll(ctx, caller(ctx), req.Params.XCustomerId, in); err != nil {
		return nil, fmt.Errorf("enroll customer %d in click to pay: %w", req.Params.XCustomerId, tokenRefusal(err, clickFields))
	}
	return tokenization.EnrollClickToPayCustomer202Response{}, nil
}

// EnrollClickToPayCard adds a card to an enrolled customer.
func (a *Tokenization) EnrollClickToPayCard(ctx context.Context, req tokenization.EnrollClickToPayCardRequestObject) (tokenization.EnrollClickToPayCardResponseObject, error) {
	b := req.Body
	if err := a.svc.EnrollCard(ctx, caller(ctx), req.Params.XCustomerId, b.OwnerBid, b.CardId, addressIn(b.BillingAddress)); err != nil {
		return nil, fmt.Errorf("enroll card %d in click to pay: %w", b.CardId, tokenRefusal(err, clickFields))
	}
	return tokenization.EnrollClickToPayCard202Response{}, nil
}

// GetClickToPayCardStatus lists the status of an enrolled customer's cards.
func (a *Tokenization) GetClickToPayCardStatus(ctx context.Context, req tokenization.GetClickToPayCardStatusRequestObject) (tokenization.GetClickToPayCardStatusResponseObject, error) {
	p := req.Params
	list, err := a.svc.ClickToPayCards(ctx, caller(ctx), p.XCustomerId, p.XOwnerBid)
	if err != nil {
		return nil, fmt.Errorf("click to pay cards of customer %d: %w", p.XCustomerId, tokenRefusal(err, clickFields))
	}
	if len(list) == 0 {
		return tokenization.GetClickToPayCardStatus204Response{}, nil
	}
	out := tokenization.GetClickToPayCardStatus200JSONResponse{CustomerId: p.XCustomerId}
	for _, c := range list {
		st := tokenization.ClickToPayCardStatusStatusDISABLED
		if c.Active {
			st = tokenization.ClickToPayCardStatusStatusACTIVE
		}
		out.CardsStatus = append(out.CardsStatus, tokenization.ClickToPayCardStatus{CardId: c.CardID, Status: st})
	}
	return out, nil
}

// UpdateClickToPayCustomer replaces the enrolled customer's details the body sends.
func (a *Tokenization) UpdateClickToPayCustomer(ctx context.Context, req tokenization.UpdateClickToPayCustomerRequestObject) (tokenization.UpdateClickToPayCustomerResponseObject, error) {
	b := req.Body
	var cust *token.Customer
	if b.CustomerInformation != nil {
		c := customerIn(*b.CustomerInformation)
		cust = &c
	}
	if err := a.svc.UpdateCustomer(ctx, caller(ctx), req.Params.XCustomerId, b.OwnerBid, cust); err != nil {
		return nil, fmt.Errorf("update click to pay customer %d: %w", req.Params.XCustomerId, tokenRefusal(err, clickFields))
	}
	return tokenization.UpdateClickToPayCustomer202Response{}, nil
}

// UpdateClickToPayBillingAddress sets the billing address of enrolled cards.
func (a *Tokenization) UpdateClickToPayBillingAddress(ctx context.Context, req tokenization.UpdateClickToPayBillingAddressRequestObject) (tokenization.UpdateClickToPayBillingAddressResponseObject, error) {
	updates := make([]token.BillingUpdate, 0, len(req.Body.Cards))
	for _, c := range req.Body.Cards {
		updates = append(updates, token.BillingUpdate{OwnerBID: c.OwnerBid, CardID: c.CardId, Address: addressIn(c.BillingAddress)})
	}
	if err := a.svc.UpdateBilling(ctx, caller(ctx), req.Params.XCustomerId, updates); err != nil {
		return nil, fmt.Errorf("update click to pay billing of customer %d: %w", req.Params.XCustomerId, tokenRefusal(err, clickFields))
	}
	return tokenization.UpdateClickToPayBillingAddress202Response{}, nil
}

// DeleteClickToPayCustomer ends a customer's enrollment.
func (a *Tokenization) DeleteClickToPayCustomer(ctx context.Context, req tokenization.DeleteClickToPayCustomerRequestObject) (tokenization.DeleteClickToPayCustomerResponseObject, error) {
	if err := a.svc.DeleteCustomer(ctx, caller(ctx), req.Params.XCustomerId, req.Body.OwnerBid); err != nil {
		return nil, fmt.Errorf("delete click to pay customer %d: %w", req.Params.XCustomerId, tokenRefusal(err, clickFields))
	}
	return tokenization.DeleteClickToPayCustomer202Response{}, nil
}

// DeleteClickToPayCard removes a card from a customer's enrollment.
func (a *Tokenization) DeleteClickToPayCard(ctx context.Context, req tokenization.DeleteClickToPayCardRequestObject) (tokenization.DeleteClickToPayCardResponseObject, error) {
	b := req.Body
	if err := a.svc.DeleteCard(ctx, caller(ctx), req.Params.XCustomerId, b.OwnerBid, b.CardId); err != nil {
		return nil, fmt.Errorf("delete click to pay card %d: %w", b.CardId, tokenRefusal(err, clickFields))
	}
	return tokenization.DeleteClickToPayCard202Response{}, nil
}

// ListEligibleTokenRequestors returns the Mastercard token requestors enabled for the account ranges.
func (a *Tokenization) ListEligibleTokenRequestors(ctx context.Context, req tokenization.ListEligibleTokenRequestorsRequestObject) (tokenization.ListEligibleTokenRequestorsResponseObject, error) {
	list, err := a.svc.EligibleRequestors(ctx, caller(ctx).Tenant, req.Body.Accounts)
	if err != nil {
		return nil, fmt.Errorf("eligible token requestors: %w", tokenRefusal(err, assetFields))
	}
	out := tokenization.ListEligibleTokenRequestors200JSONResponse{TokenRequestors: make([]tokenization.TokenRequestor, 0, len(list))}
	for _, e := range list {
		out.TokenRequestors = append(out.TokenRequestors, requestorOut(e))
	}
	return out, nil
}

// PushAccountsToTokenRequestor gives a token requestor a push account receipt for a Mastercard card.
func (a *Tokenization) PushAccountsToTokenRequestor(ctx context.Context, req tokenization.PushAccountsToTokenRequestorRequestObject) (tokenization.PushAccountsToTokenRequestorResponseObject, error) {
	b := req.Body
	in := token.PushAccountsInput{CardID: b.CardId, RequestorID: b.TokenRequestorId, HolderName: deref(b.Accounts.HolderDetails.Name),
		IssuerInitiatedData: deref(b.RequestIssuerInitiatedDigitizationData)}
	scope := access.Scope{AccountID: req.Params.XAccountId, CustomerID: req.Params.XCustomerId}
	rec, methods, err := a.svc.PushAccounts(ctx, caller(ctx), scope, in)
	if err != nil {
		return nil, fmt.Errorf("push card %d to requestor %s: %w", b.CardId, b.TokenRequestorId, tokenRefusal(err, connectFields))
	}
	receipt := tokenization.PushAccountReceipt{PushAccountId: rec.AccountID, PushAccountReceipt: rec.Receipt}
	if rec.IssuerInitiatedData != "" {
		receipt.IssuerInitiatedDigitizationData = &rec.IssuerInitiatedData
	}
	return tokenization.PushAccountsToTokenRequestor200JSONResponse{PushAccountReceipts: &[]tokenization.PushAccountReceipt{receipt},
		AvailablePushMethods: pushMethodsOut(methods), TokenRequestorSignatureSupport: ptr(false)}, nil
}

// GetTokenRequestorAsset returns a token requestor's logo.
func (a *Tokenization) GetTokenRequestorAsset(_ context.Context, req tokenization.GetTokenRequestorAssetRequestObject) (tokenization.GetTokenRequestorAssetResponseObject, error) {
	asset, err := token.RequestorAsset(req.AssetId)
	if err != nil {
		return nil, fmt.Errorf("asset %s: %w", req.AssetId, tokenRefusal(err, assetFields))
	}
	return tokenization.GetTokenRequestorAsset200JSONResponse{MediaContents: []tokenization.MediaContent{
		{Type: tokenization.MediaSVG, Data: base64.StdEncoding.EncodeToString(asset.SVG)},
		{Type: tokenization.MediaPNG, Data: base64.StdEncoding.EncodeToString(asset.PNG), Height: ptr("100"), Width: ptr("100")},
	}}, nil
}

// networkTokenOut is a token as the vendor lists it.
func networkTokenOut(tenant string, t token.Token) tokenization.NetworkToken {
	at := t.UpdatedAt.UTC().Truncate(time.Second)
	key := &tokenization.TokenKey{}
	key.Key = &struct {
		PanRef         *string                                 `json:"pan_ref,omitempty"`
		PaymentNetwork *tokenization.TokenKeyKeyPaymentNetwork `json:"payment_network,omitempty"`
		TokenRef       *string                                 `json:"token_ref,omitempty"`
	}{ptr(t.PANRef), ptr(tokenization.TokenKeyKeyPaymentNetwork(t.Network)), ptr(t.TokenRef)}
	return tokenization.NetworkToken{
		Token: key, TokenId: fmt.Sprint(t.ID), CardId: t.CardID, WalletId: ptr(t.Wallet.ID()), AccountId: ptr(t.AccountID),
		ProgramId: ptr(t.ProgramID), OrgId: ptr(tenant), PaymentAppInstanceId: ptr(t.PaymentAppInstanceID),
		TrackingId: ptr(t.TrackingID), Status: tokenization.TokenStatus(t.Status), UpdatedAt: &at,
	}
}

// walletPushOut is Google Pay's and Samsung Pay's push-provisioning answer.
func walletPushOut(d token.PushData) tokenization.WalletPushData {
	data := make(map[string]any, len(d.Payload))
	for k, v := range d.Payload {
		data[k] = v
	}
	h := d.Holder
	return tokenization.WalletPushData{PushData: &data, HasAddressInfo: &h.HasAddress, HasPhoneInfo: &h.HasPhone,
		AdditionalInfo: &tokenization.AdditionalInfo{Name: &h.Name, Address: &h.Address, Country: &h.Country, City: &h.City,
			State: &h.State, Phone: &h.Phone, PrintedName: &h.PrintedName, Last4Digits: &h.LastFour}}
}

func addressIn(a *tokenization.ClickToPayAddress) *token.Address {
	if a == nil {
		return nil
	}
	return &token.Address{Line1: deref(a.AddressLine1), Line2: deref(a.AddressLine2), Line3: deref(a.AddressLine3),
		City: deref(a.City), State: deref(a.State), PostalCode: deref(a.PostalCode), CountryCode: deref(a.CountryCode)}
}

func customerIn(c tokenization.ClickToPayCustomerInfo) token.Customer {
	out := token.Customer{Locale: c.Locale, FirstName: deref(c.FirstName), MiddleName: deref(c.MiddleName),
		LastName: deref(c.LastName), CountryCode: deref(c.CountryCode)}
	if c.Emails != nil {
		out.Emails = make([]string, 0, len(*c.Emails))
		for _, e := range *c.Emails {
			out.Emails = append(out.Emails, string(e))
		}
	}
	if c.Phones != nil {
		out.Phones = append([]string{}, *c.Phones...)
	}
	if c.NationalIdentifiers != nil {
		for _, n := range *c.NationalIdentifiers {
			out.NationalIDs = append(out.NationalIDs, token.NationalID{Type: string(n.Type), Value: n.Value})
		}
	}
	if c.Consent != nil {
		at, _ := time.Parse(time.RFC3339, c.Consent.TimeOfConsent) // the contract's pattern is RFC 3339
		out.Consent = &token.Consent{Time: at, Version: deref(c.Consent.Version), Presenter: deref(c.Consent.Presenter)}
	}
	return out
}

func requestorOut(e token.Eligible) tokenization.TokenRequestor {
	holder := make([]tokenization.TokenRequestorSupportedAccountHolderData, 0, len(e.HolderData))
	for _, h := range e.HolderData {
		holder = append(holder, tokenization.TokenRequestorSupportedAccountHolderData(h))
	}
	supported := make([]tokenization.TokenRequestorSupportedPushMethods, 0, len(e.PushMethods))
	for _, m := range e.PushMethods {
		supported = append(supported, tokenization.TokenRequestorSupportedPushMethods(m.Type))
	}
	out := tokenization.TokenRequestor{TokenRequestorId: e.ID, Name: e.Name, ConsumerFacingEntityName: e.DisplayName,
		TokenRequestorType: tokenization.TokenRequestorTokenRequestorType(e.Type), EnabledAccountRanges: e.Ranges,
		ImageAssetId: ptr(e.AssetID), SupportedPushMethods: &supported, SupportsMultiplePushedCards: ptr(e.MultipleCards),
		SupportedAccountHolderData: &holder, SupportsCardHolderAuthentication: ptr(e.CardholderAuth),
		SupportsTokenConnect: ptr(e.TokenConnect), AvailablePushMethods: pushMethodsOut(e.PushMethods),
		SupportIssuerInitiatedDigitizationData: ptr(e.IssuerInitiatedData)}
	if e.WalletID != "" {
		out.WalletId = &e.WalletID
	}
	return out
}

func pushMethodsOut(ms []token.PushMethod) *[]tokenization.PushMethod {
	out := make([]tokenization.PushMethod, 0, len(ms))
	for _, m := range ms {
		out = append(out, tokenization.PushMethod{Type: tokenization.PushMethodType(m.Type), Uri: m.URI})
	}
	return &out
}
