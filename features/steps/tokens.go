package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/cucumber/godog"

	"github.com/issuersim/issuersim/gen/simadminclient"
)

// The network token steps. The card networks' side (provisioning, the cardholder's OTP, the wallet's own
// changes) is played through the simulator's admin API; the issuer's side goes through the tokenization API
// with the scenario's account token. "The token" is the token the scenario's last provisioning made; its
// events are those whose subject is the token (the network's messages before the token exists, and refusals,
// belong to the card). "The network's messages" are the network_call_method of the tenant's notification-1
// and notification_refusal-1 events, oldest first, a refusal written "<method> refused".
func (s *Steps) registerTokens(sc *godog.ScenarioContext) {
	sc.Before(func(ctx context.Context, _ *godog.Scenario) (context.Context, error) {
		return context.WithValue(ctx, tokenKey{}, &tokenState{}), nil
	})
	sc.Step(`^the network provisions a token for the card in "([^"]*)"$`, s.provisionGreen)
	sc.Step(`^the network asks to provision a token for the card in "([^"]*)" with an? (SMS|EMAIL) step-up$`, s.provisionYellow)
	sc.Step(`^the network asks to provision a token for the card and the issuer declines it$`, s.provisionRed)
	sc.Step(`^the network asks to provision a token for the card in "([^"]*)" with a wrong CVV2$`, s.provisionWrongCVV2)
	sc.Step(`^the cardholder enters the OTP the issuer received$`, s.enterOTP)
	sc.Step(`^the cardholder enters a wrong OTP$`, s.enterWrongOTP)
	sc.Step(`^the wallet (suspends|resumes|deletes) the token$`, s.walletUpdate)
	sc.Step(`^I (suspend|resume|delete) the token$`, s.operateToken)
	sc.Step(`^I (suspend|resume|delete) every token of the card$`, s.operateCardTokens)
	sc.Step(`^I reissue the card for reason (\d+), moving its tokens to the new card$`, s.reissueWithTokens)
	sc.Step(`^I move the previous card's tokens to the card$`, s.movePAN)
	sc.Step(`^the network's messages were "([^"]*)"$`, s.networkMessages)
	sc.Step(`^the token's status is "([^"]*)"$`, s.tokenStatus)
	sc.Step(`^the (previous )?card has (\d+) tokens?$`, s.tokenCount)
	sc.Step(`^the card has no active token$`, s.noActiveToken)
	sc.Step(`^the token's events are "([^"]*)"$`, s.tokenEvents)
	sc.Step(`^the last "([^"]*)" event of the token has:$`, s.lastTokenEventTable)
}

type tokenKey struct{}

// tokenState is a scenario's token: the id of the one its last provisioning made.
type tokenState struct{ id string }

func tokenOf(ctx context.Context) (*tokenState, error) {
	ts, ok := ctx.Value(tokenKey{}).(*tokenState)
	if !ok {
		return nil, errors.New("no token state in the context: register the steps with Steps.RegisterSteps")
	}
	return ts, nil
}

func (ts *tokenState) token() (string, error) {
	if ts.id == "" {
		return "", errors.New("the scenario has no token: start with \"the network provisions a token for the card …\"")
	}
	return ts.id, nil
}

// wallets are the wallets in the integrator's words.
var wallets = map[string]simadminclient.ProvisionRequestWallet{
	"Google Pay": simadminclient.WalletGooglePay, "Apple Pay": simadminclient.WalletApplePay, "Samsung Pay": simadminclient.WalletSamsungPay,
}

// provision plays a provisioning of the scenario's card; a provisioning that made a token makes it the token.
func (s *Steps) provision(ctx context.Context, body simadminclient.ProvisionRequest) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	ts, err := tokenOf(ctx)
	if err != nil {
		return err
	}
	body.Tenant = &c.tenant
	r, err := s.admin.ProvisionNetworkTokenWithResponse(ctx, c.id, body)
	if err != nil {
		return fmt.Errorf("provision a token for card %d: %w", c.id, err)
	}
	st.last = &exchange{method: "POST", path: fmt.Sprintf("/_sim/cards/%d/network-tokens", c.id), status: r.StatusCode(), body: r.Body}
	if r.JSON200 == nil {
		return fmt.Errorf("expected the network's provisioning to run, but %s", st.last)
	}
	if r.JSON200.TokenId != nil {
		ts.id = *r.JSON200.TokenId
	}
	return nil
}

func wallet(name string) (*simadminclient.ProvisionRequestWallet, error) {
	w, ok := wallets[name]
	if !ok {
		return nil, fmt.Errorf("unknown wallet %q: say Google Pay, Apple Pay or Samsung Pay", name)
	}
	return &w, nil
}

func (s *Steps) provisionGreen(ctx context.Context, name string) error {
	w, err := wallet(name)
	if err != nil {
		return err
	}
	return s.provision(ctx, simadminclient.ProvisionRequest{Wallet: w})
}

func (s *Steps) provisionYellow(ctx context.Context, name, method string) error {
	w, err := wallet(name)
	if err != nil {
		return err
	}
	d, m := simadminclient.DecisionYellow, simadminclient.ProvisionRequestOtpMethod(method)
	return s.provision(ctx, simadminclient.ProvisionRequest{Wallet: w, Decision: &d, OtpMethod: &m})
}

func (s *Steps) provisionRed(ctx context.Context) error {
	d := simadminclient.DecisionRed
	return s.provision(ctx, simadminclient.ProvisionRequest{Decision: &d})
}

func (s *Steps) provisionWrongCVV2(ctx context.Context, name string) error {
	w, err := wallet(name)
	if err != nil {
		return err
	}
	return s.provision(ctx, simadminclient.ProvisionRequest{Wallet: w, Cvv2Valid: new(false)})
}

// stepUp sends the OTP the cardholder typed; the answer is the last response.
func (s *Steps) stepUp(ctx context.Context, otp string) error {
	st, id, err := stateAndToken(ctx)
	if err != nil {
		return err
	}
	r, err := s.admin.CompleteNetworkTokenStepUpWithResponse(ctx, id, simadminclient.StepUpRequest{Tenant: &st.tenant, Otp: otp})
	if err != nil {
		return fmt.Errorf("step-up of token %s: %w", id, err)
	}
	st.last = &exchange{method: "POST", path: "/_sim/network-tokens/" + id + "/step-up", status: r.StatusCode(), body: r.Body}
	return nil
}

// receivedOTP is the OTP of the token's last send_challenge-1, as the issuer received it.
func (s *Steps) receivedOTP(ctx context.Context) (string, error) {
	ts, err := tokenOf(ctx)
	if err != nil {
		return "", err
	}
	evs, err := s.tenantEvents(ctx, "send_challenge-1")
	if err != nil {
		return "", err
	}
	for _, e := range slices.Backward(evs) {
		if id, _ := lookup(e["data"], "token_id"); text(id) == ts.id {
			otp, _ := lookup(e["data"], "otp_value")
			return text(otp), nil
		}
	}
	return "", fmt.Errorf("expected a send_challenge-1 for token %s, but none was emitted", ts.id)
}

func (s *Steps) enterOTP(ctx context.Context) error {
	otp, err := s.receivedOTP(ctx)
	if err != nil {
		return err
	}
	return s.stepUp(ctx, otp)
}

func (s *Steps) enterWrongOTP(ctx context.Context) error {
	otp, err := s.receivedOTP(ctx)
	if err != nil {
		return err
	}
	wrong := []byte(otp) // every digit one higher: never the OTP
	for i, d := range wrong {
		if d >= '0' && d <= '9' {
			wrong[i] = '0' + (d-'0'+1)%10
		}
	}
	return s.stepUp(ctx, string(wrong))
}

var statusOf = map[string]string{"suspend": "SUSPENDED", "resume": "ACTIVE", "delete": "DEACTIVATED",
	"suspends": "SUSPENDED", "resumes": "ACTIVE", "deletes": "DEACTIVATED"}

func (s *Steps) walletUpdate(ctx context.Context, verb string) error {
	st, id, err := stateAndToken(ctx)
	if err != nil {
		return err
	}
	r, err := s.admin.NotifyNetworkTokenUpdateWithResponse(ctx, id, simadminclient.NetworkUpdateRequest{
		Tenant: &st.tenant, Status: simadminclient.NetworkUpdateRequestStatus(statusOf[verb])})
	if err != nil {
		return fmt.Errorf("the wallet %s token %s: %w", verb, id, err)
	}
	st.last = &exchange{method: "POST", path: "/_sim/network-tokens/" + id + "/network-update", status: r.StatusCode(), body: r.Body}
	return nil
}

// tokenCard returns the scenario's card that holds the token now (a PAN update moves it).
// stateAndToken returns the scenario and the id of its current network token.
func stateAndToken(ctx context.Context) (*scenario, string, error) {
	st, err := state(ctx)
	if err != nil {
		return nil, "", err
	}
	ts, err := tokenOf(ctx)
	if err != nil {
		return nil, "", err
	}
	id, err := ts.token()
	if err != nil {
		return nil, "", err
	}
	return st, id, nil
}

func (s *Steps) tokenCard(ctx context.Context, st *scenario, id string) (card, map[string]any, error) {
	for _, c := range slices.Backward(st.cards) {
		list, err := s.cardTokens(ctx, c)
		if err != nil {
			return card{}, nil, err
		}
		for _, t := range list {
			if t["token_id"] == id {
				return c, t, nil
			}
		}
	}
	return card{}, nil, fmt.Errorf("no card of the scenario holds token %s", id)
}

// cardTokens lists a card's tokens with a token of its account, leaving the last response alone.
func (s *Steps) cardTokens(ctx context.Context, c card) ([]map[string]any, error) {
	tok, _, err := s.token(ctx, c.tenant, c.account)
	if err != nil {
		return nil, err
	}
	ex, err := s.do(ctx, &scenario{token: tok}, "GET", fmt.Sprintf("/cards-tokenization/v1/cards/%d/network-tokens", c.id), nil, nil)
	if err != nil {
		return nil, err
	}
	var out struct {
		Tokens []map[string]any `json:"tokens"`
	}
	if ex.status != http.StatusOK || json.Unmarshal(ex.body, &out) != nil {
		return nil, fmt.Errorf("expected card %d's tokens, but %s", c.id, ex)
	}
	return out.Tokens, nil
}

func (s *Steps) operateToken(ctx context.Context, verb string) error {
	st, id, err := stateAndToken(ctx)
	if err != nil {
		return err
	}
	c, _, err := s.tokenCard(ctx, st, id)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{"operation_type": strings.ToUpper(verb), "operation_reason": "requested by the cardholder"})
	_, err = s.do(ctx, st, "POST", fmt.Sprintf("/cards-tokenization/v1/cards/%d/network-tokens/%s", c.id, id), body, nil)
	return err
}

func (s *Steps) operateCardTokens(ctx context.Context, verb string) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{"operation_type": strings.ToUpper(verb), "operation_reason": "requested by the cardholder"})
	_, err = s.do(ctx, st, "POST", fmt.Sprintf("/cards-tokenization/v1/cards/%d", c.id), body, nil)
	return err
}

// reissueWithTokens reissues the card with update_tokens; when it answers 200 the new card becomes the card.
func (s *Steps) reissueWithTokens(ctx context.Context, reason int64) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{"reason_id": reason, "update_tokens": true})
	ex, err := s.do(ctx, st, "POST", cardPath(c, "reissue"), body, nil)
	if err != nil || ex.status != http.StatusOK {
		return err
	}
	var out struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(ex.body, &out); err != nil || out.ID == 0 {
		return fmt.Errorf("expected the new card's id, but %s", ex)
	}
	fresh := c
	fresh.id = out.ID
	st.cards = append(st.cards, fresh)
	return nil
}

func (s *Steps) movePAN(ctx context.Context) error {
	st, prev, err := pickCard(ctx, "previous ")
	if err != nil {
		return err
	}
	c, _ := st.card()
	body, _ := json.Marshal(map[string]any{"new_card_id": c.id})
	_, err = s.do(ctx, st, "POST", fmt.Sprintf("/cards-tokenization/v1/cards/%d/network-tokens/pan-update", prev.id), body, nil)
	return err
}

func (s *Steps) networkMessages(ctx context.Context, want string) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	r, err := s.admin.ListEventsWithResponse(ctx, &simadminclient.ListEventsParams{Tenant: &st.tenant})
	if err != nil {
		return fmt.Errorf("list the tenant's events: %w", err)
	}
	if r.JSON200 == nil {
		return fmt.Errorf("expected the tenant's events, but GET /_sim/events answered %d %s", r.StatusCode(), r.Body)
	}
	var got []string
	for _, raw := range r.JSON200.Events {
		var e struct {
			Type string `json:"event_type"`
			Data struct {
				Method string `json:"network_call_method"`
			} `json:"data"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			return fmt.Errorf("an event is not JSON: %w", err)
		}
		switch e.Type {
		case "notification-1":
			got = append(got, e.Data.Method)
		case "notification_refusal-1":
			got = append(got, e.Data.Method+" refused")
		}
	}
	if strings.Join(got, ", ") != strings.Join(ids(want), ", ") {
		return fmt.Errorf("expected the network's messages to be %s, got %s", want, strings.Join(got, ", "))
	}
	return nil
}

func (s *Steps) tokenStatus(ctx context.Context, want string) error {
	st, id, err := stateAndToken(ctx)
	if err != nil {
		return err
	}
	_, t, err := s.tokenCard(ctx, st, id)
	if err != nil {
		return err
	}
	if t["status"] != want {
		return fmt.Errorf("expected token %s to be %s, got %v", id, want, t["status"])
	}
	return nil
}

func (s *Steps) tokenCount(ctx context.Context, which string, want int) error {
	_, c, err := pickCard(ctx, which)
	if err != nil {
		return err
	}
	list, err := s.cardTokens(ctx, c)
	if err != nil {
		return err
	}
	if len(list) != want {
		return fmt.Errorf("expected card %d to have %d token(s), got %d: %v", c.id, want, len(list), list)
	}
	return nil
}

func (s *Steps) noActiveToken(ctx context.Context) error {
	_, c, err := pickCard(ctx, "")
	if err != nil {
		return err
	}
	list, err := s.cardTokens(ctx, c)
	if err != nil {
		return err
	}
	for _, t := range list {
		if t["status"] == "ACTIVE" {
			return fmt.Errorf("expected card %d to have no ACTIVE token, but it has %v", c.id, t)
		}
	}
	return nil
}

// ownEvents lists the events whose subject is the token, oldest first.
func (s *Steps) ownEvents(ctx context.Context) ([]map[string]any, error) {
	st, id, err := stateAndToken(ctx)
	if err != nil {
		return nil, err
	}
	subject := "token:" + id
	r, err := s.admin.ListEventsWithResponse(ctx, &simadminclient.ListEventsParams{Tenant: &st.tenant, Subject: &subject})
	if err != nil {
		return nil, fmt.Errorf("list the events of token %s: %w", id, err)
	}
	if r.JSON200 == nil {
		return nil, fmt.Errorf("expected the events of token %s, but GET /_sim/events answered %d %s", id, r.StatusCode(), r.Body)
	}
	out := make([]map[string]any, 0, len(r.JSON200.Events))
	for _, raw := range r.JSON200.Events {
		var e map[string]any
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("an event of token %s is not JSON: %w", id, err)
		}
		out = append(out, e)
	}
	return out, nil
}

func (s *Steps) tokenEvents(ctx context.Context, want string) error {
	evs, err := s.ownEvents(ctx)
	if err != nil {
		return err
	}
	var got []string
	for _, e := range evs {
		got = append(got, fmt.Sprint(e["event_type"]))
	}
	if strings.Join(got, ", ") != strings.Join(ids(want), ", ") {
		return fmt.Errorf("expected the token's events to be %s, got %s", want, strings.Join(got, ", "))
	}
	return nil
}

func (s *Steps) lastTokenEventTable(ctx context.Context, eventType string, table *godog.Table) error {
	evs, err := s.ownEvents(ctx)
	if err != nil {
		return err
	}
	for _, e := range slices.Backward(evs) {
		if e["event_type"] == eventType {
			st, _ := state(ctx)
			return checkEventTable(st, e, eventType, table)
		}
	}
	return fmt.Errorf("expected a %s event of the token, but none was emitted", eventType)
}
