package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/cucumber/godog"
)

// The issuer's tokenization settings of a card, in the integrator's words: the wallets' CVV2 try counters,
// the card's network profile, push provisioning data, and Visa Click to Pay enrolment. Each acts with the
// scenario's account token and the tenant's x-tenant header, as the vendor's tokenization API asks.
//
//	the card's "Samsung Pay" CVV2 try counter is 3
//	I reset the card's "Samsung Pay" CVV2 try counter
//	the provisioning is refused with "CVV2_TRIES_EXCEEDED"
//	the card has no network profile
//	I set the card's network profile to "XYZ-123"
//	the card's network profile is "XYZ-123"
//	I ask for the card's Google Pay push provisioning data without Visa's client fields
//	I ask for the card's Google Pay push provisioning data with Visa's client fields
//	I enroll the customer in Visa Click to Pay with the card
//	the card's Visa Click to Pay status is "ACTIVE"
//	I remove the customer from Visa Click to Pay
//	the customer is not enrolled in Visa Click to Pay
func (s *Steps) registerTokenConfig(sc *godog.ScenarioContext) {
	sc.Step(`^the card's "([^"]*)" CVV2 try counter is (\d+)$`, s.cvv2Counter)
	sc.Step(`^I reset the card's "([^"]*)" CVV2 try counter$`, s.resetCVV2Counter)
	sc.Step(`^the provisioning is refused with "([^"]*)"$`, s.refusedWith)
	sc.Step(`^the card has no network profile$`, s.noProfile)
	sc.Step(`^I set the card's network profile to "([^"]*)"$`, s.setProfile)
	sc.Step(`^the card's network profile is "([^"]*)"$`, s.profileIs)
	sc.Step(`^I ask for the card's Google Pay push provisioning data (with|without) Visa's client fields$`, s.pushGooglePay)
	sc.Step(`^I enroll the customer in Visa Click to Pay with the card$`, s.clickToPayEnroll)
	sc.Step(`^the card's Visa Click to Pay status is "([^"]*)"$`, s.clickToPayStatus)
	sc.Step(`^I remove the customer from Visa Click to Pay$`, s.clickToPayRemove)
	sc.Step(`^the customer is not enrolled in Visa Click to Pay$`, s.clickToPayNotEnrolled)
}

// walletIDs are the wallets' token requestor ids on the networks.
var walletIDs = map[string]string{"Google Pay": "216", "Apple Pay": "103", "Samsung Pay": "217"}

// counterFields are the wallets' fields in a card's tokenization config.
var counterFields = map[string]string{"Google Pay": "google_try_counter", "Apple Pay": "apple_try_counter", "Samsung Pay": "samsung_try_counter"}

// ownerBid is the issuing entity the Click to Pay steps enroll for.
const ownerBid = "1000052"

// tokenizationCall sends a tokenization API request about the card (rest may name it as %d), with the tenant's x-tenant header; check
// calls leave the last response alone.
func (s *Steps) tokenizationCall(ctx context.Context, method, rest string, body any, check bool) (*exchange, error) {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return nil, err
	}
	var raw []byte
	if body != nil {
		if raw, err = json.Marshal(body); err != nil {
			return nil, err
		}
	}
	h := http.Header{"X-Tenant": {st.tenant}, "X-Owner-Bid": {ownerBid}, "X-Customer-Id": {strconv.FormatInt(c.customer, 10)}}
	if check {
		last := st.last
		defer func() { st.last = last }()
	}
	path := "/cards-tokenization/v1" + rest
	if strings.Contains(rest, "%d") {
		path = fmt.Sprintf(path, c.id)
	}
	return s.do(ctx, st, method, path, raw, h)
}

func (s *Steps) cvv2Counter(ctx context.Context, wallet string, want int) error {
	field, ok := counterFields[wallet]
	if !ok {
		return fmt.Errorf("unknown wallet %q: say Google Pay, Apple Pay or Samsung Pay", wallet)
	}
	ex, err := s.tokenizationCall(ctx, "GET", "/cards/%d/config", nil, true)
	if err != nil {
		return err
	}
	var cfg map[string]any
	if ex.status != http.StatusOK || json.Unmarshal(ex.body, &cfg) != nil {
		return fmt.Errorf("expected the card's tokenization config (200), but %s", ex)
	}
	if text(cfg[field]) != strconv.Itoa(want) {
		return fmt.Errorf("expected the card's %s CVV2 try counter to be %d, but it is %s", wallet, want, text(cfg[field]))
	}
	return nil
}

func (s *Steps) resetCVV2Counter(ctx context.Context, wallet string) error {
	id, ok := walletIDs[wallet]
	if !ok {
		return fmt.Errorf("unknown wallet %q: say Google Pay, Apple Pay or Samsung Pay", wallet)
	}
	ex, err := s.tokenizationCall(ctx, "PATCH", "/cards/%d/config/reset-cvv2-try-counter", map[string]string{"wallet": id}, false)
	if err != nil {
		return err
	}
	if ex.status != http.StatusNoContent {
		return fmt.Errorf("expected the %s CVV2 try counter to be reset (204), but %s", wallet, ex)
	}
	return nil
}

// refusedWith checks the last provisioning was refused with the code among its custom codes.
func (s *Steps) refusedWith(ctx context.Context, code string) error {
	_, ex, err := lastExchange(ctx)
	if err != nil {
		return err
	}
	var out struct {
		Outcome     string   `json:"outcome"`
		CustomCodes []string `json:"custom_codes"`
	}
	if json.Unmarshal(ex.body, &out) != nil || out.Outcome != "REFUSED" || !slices.Contains(out.CustomCodes, code) {
		return fmt.Errorf("expected the provisioning to be refused with %s, but %s", code, ex)
	}
	return nil
}

func (s *Steps) noProfile(ctx context.Context) error {
	ex, err := s.tokenizationCall(ctx, "GET", "/cards/%d/network-tokens/profile", nil, false)
	if err != nil {
		return err
	}
	if ex.status != http.StatusBadRequest {
		return fmt.Errorf("expected the card to have no network profile (400), but %s", ex)
	}
	return s.responseFault(ctx, "cardId", "profile")
}

func (s *Steps) setProfile(ctx context.Context, profile string) error {
	ex, err := s.tokenizationCall(ctx, "POST", "/cards/%d/network-tokens/profile", map[string]string{"network_card_profile": profile}, false)
	if err != nil {
		return err
	}
	if ex.status != http.StatusNoContent {
		return fmt.Errorf("expected the card's network profile to be set (204), but %s", ex)
	}
	return nil
}

func (s *Steps) profileIs(ctx context.Context, want string) error {
	ex, err := s.tokenizationCall(ctx, "GET", "/cards/%d/network-tokens/profile", nil, true)
	if err != nil {
		return err
	}
	var out struct {
		Profile string `json:"network_card_profile"`
	}
	if ex.status != http.StatusOK || json.Unmarshal(ex.body, &out) != nil || out.Profile != want {
		return fmt.Errorf("expected the card's network profile to be %q, but %s", want, ex)
	}
	return nil
}

// pushGooglePay asks for Google Pay push provisioning data; Visa's client fields are those its token
// requestor needs (wallet account, device, app and provider ids).
func (s *Steps) pushGooglePay(ctx context.Context, with string) error {
	body := map[string]string{"client_device_id": "device-1"}
	if with == "with" {
		body = map[string]string{"client_wallet_account_id": "ABC-198", "client_device_id": "device-1", "client_app_id": "app", "client_wallet_provider": "40010075338"}
	}
	_, err := s.tokenizationCall(ctx, "POST", "/cards/%d/network-tokens/push-provisioning/wallets/googlepay", body, false)
	return err
}

func (s *Steps) clickToPayEnroll(ctx context.Context) error {
	_, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	body := map[string]any{
		"owner_bid": ownerBid,
		"card_information": map[string]any{"card_id": c.id, "billing_address": map[string]string{
			"city": "Recife", "country_code": "BRA", "address_line1": "Rua da Aurora 1"}},
		"customer_information": map[string]any{"locale": "pt_BR", "emails": []string{"ada@example.com"}, "phones": []string{"5581999999999"}},
	}
	ex, err := s.tokenizationCall(ctx, "POST", "/clicktopay/visa/enroll/customer", body, false)
	if err != nil {
		return err
	}
	if ex.status != http.StatusAccepted {
		return fmt.Errorf("expected the customer to be enrolled in Visa Click to Pay (202), but %s", ex)
	}
	return nil
}

func (s *Steps) clickToPayStatus(ctx context.Context, want string) error {
	_, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	ex, err := s.tokenizationCall(ctx, "GET", "/clicktopay/visa/data", nil, true)
	if err != nil {
		return err
	}
	var out struct {
		Cards []struct {
			CardID json.Number `json:"card_id"`
			Status string      `json:"status"`
		} `json:"cards_status"`
	}
	if ex.status != http.StatusOK || json.Unmarshal(ex.body, &out) != nil {
		return fmt.Errorf("expected the customer's Visa Click to Pay data (200), but %s", ex)
	}
	for _, card := range out.Cards {
		if card.CardID.String() == strconv.FormatInt(c.id, 10) || len(out.Cards) == 1 && card.CardID == "" {
			if card.Status != want {
				return fmt.Errorf("expected the card's Visa Click to Pay status to be %s, but it is %s", want, card.Status)
			}
			return nil
		}
	}
	return fmt.Errorf("expected the card among the customer's Visa Click to Pay cards, but %s", ex)
}

func (s *Steps) clickToPayRemove(ctx context.Context) error {
	ex, err := s.tokenizationCall(ctx, "POST", "/clicktopay/visa/delete/customer", map[string]string{"owner_bid": ownerBid}, false)
	if err != nil {
		return err
	}
	if ex.status != http.StatusAccepted {
		return fmt.Errorf("expected the customer to leave Visa Click to Pay (202), but %s", ex)
	}
	return nil
}

func (s *Steps) clickToPayNotEnrolled(ctx context.Context) error {
	ex, err := s.tokenizationCall(ctx, "GET", "/clicktopay/visa/data", nil, false)
	if err != nil {
		return err
	}
	if ex.status != http.StatusBadRequest {
		return fmt.Errorf("expected the customer not to be enrolled in Visa Click to Pay (400), but %s", ex)
	}
	if err := s.responseFault(ctx, "x-customer-id", "enrolled"); err != nil {
		return errors.New("expected the refusal to say the customer is not enrolled: " + err.Error())
	}
	return nil
}
