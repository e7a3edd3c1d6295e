package steps

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cucumber/godog"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"

	"github.com/issuersim/issuersim/gen/simadminclient"
	"github.com/issuersim/issuersim/sim/d1"
	"github.com/issuersim/issuersim/sim/fake"
)

// The token platform (D1) steps. "I am the tenant's D1 issuer" signs an assertion with the tenant's fixture
// key and gets a D1 token; the D1 operations send it instead of the processor token. D1 cards are registered
// for the scenario's last processor card through the admin API.
//
//	I am the tenant's D1 issuer
//	the card is registered with D1 as "c1"
//	the card is registered with D1 as "c1" with an inactive end user
//	the card is registered with D1 as "c1" with a digital card on "PHONE"
//	the tenant's processor changes reach D1
//	I "suspend" the D1 card "c1"
//	I "suspend" the D1 card "c1" with reason code "CARD_LOST"
//	I renew the D1 card "c1" as "c2" in state "ACTIVE"
//	I renew the D1 card "c1" as "c2" in state "ACTIVE" with PAN "4111112200000027" expiring "1230"
//	I list the operations of the D1 card "c1" with "?offset=0&limit=1"
//	I list the operations of the D1 card "c1", 5 at a time after the 2 most recent
//	the D1 card "c1" is "SUSPENDED"
//	the last operation of the D1 card "c1" is a "SUSPEND" that is "FAILED"
//	the drift report lists the D1 card "c1" as "ACTIVE" against "BLOCKED"
//	the drift report is empty
func (s *Steps) registerD1(sc *godog.ScenarioContext) {
	sc.Step(`^I am the tenant's D1 issuer$`, s.beD1Issuer)
	sc.Step(`^the card is registered with D1 as "([^"]*)"( with an inactive end user| with a digital card on "[^"]*")?$`, s.registerD1Card)
	sc.Step(`^the tenant's processor changes reach D1$`, s.propagateToD1)
	sc.Step(`^I "(suspend|resume|delete)" the D1 card "([^"]*)"(?: with reason code "([^"]*)")?$`, s.d1Operation)
	sc.Step(`^I renew the D1 card "([^"]*)" as "([^"]*)" in state "([^"]*)"(?: with PAN "([^"]*)" expiring "([^"]*)")?$`, s.d1Renew)
	sc.Step(`^I list the operations of the D1 card "([^"]*)"(?: with "([^"]*)")?$`, s.d1List)
	sc.Step(`^I list the operations of the D1 card "([^"]*)", (\d+) at a time(?: after the (\d+) most recent)?$`, s.d1Page)
	sc.Step(`^the D1 card "([^"]*)" is "([^"]*)"$`, s.d1CardState)
	sc.Step(`^the last operation of the D1 card "([^"]*)" is an? "([^"]*)" that is "([^"]*)"$`, s.d1LastOperation)
	sc.Step(`^the drift report lists the D1 card "([^"]*)" as "([^"]*)" against "([^"]*)"$`, s.driftListed)
	sc.Step(`^the drift report is empty$`, s.driftEmpty)
}

// d1Issuer is the scenario's D1 identity: the tenant's issuer, its keys and its D1 token.
type d1Issuer struct {
	id        string
	signKey   *ecdsa.PrivateKey
	signKid   string
	encPublic *ecdsa.PublicKey
	encKid    string
	token     string
}

func (s *Steps) beD1Issuer(ctx context.Context) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	r, err := s.admin.ListFixturesWithResponse(ctx)
	if err != nil || r.JSON200 == nil {
		return fmt.Errorf("list the fixtures to find the tenant's D1 issuer: %v", err)
	}
	for _, raw := range r.JSON200.Orgs {
		var o struct {
			ID        string `json:"id"`
			D1Issuers []struct {
				IssuerID      string          `json:"issuer_id"`
				SigningKey    jose.JSONWebKey `json:"signing_key"`
				EncryptionKey jose.JSONWebKey `json:"encryption_key"`
			} `json:"d1_issuers"`
		}
		if err := json.Unmarshal(raw, &o); err != nil {
			return fmt.Errorf("read an org of the fixtures: %w", err)
		}
		if o.ID != st.tenant || len(o.D1Issuers) == 0 {
			continue
		}
		is := o.D1Issuers[0]
		sign, ok1 := is.SigningKey.Key.(*ecdsa.PrivateKey)
		enc, ok2 := is.EncryptionKey.Key.(*ecdsa.PrivateKey)
		if !ok1 || !ok2 {
			return errors.New("the tenant's D1 keys are not EC private keys")
		}
		st.d1 = &d1Issuer{id: is.IssuerID, signKey: sign, signKid: is.SigningKey.KeyID, encPublic: &enc.PublicKey, encKid: is.EncryptionKey.KeyID}
		return s.d1Token(ctx, st)
	}
	return fmt.Errorf("tenant %s has no D1 issuer", st.tenant)
}

// d1Token signs an assertion for the scenario's issuer, at the tenant's time, and swaps it for a D1 token.
func (s *Steps) d1Token(ctx context.Context, st *scenario) error {
	clk, err := s.admin.GetClockWithResponse(ctx, &simadminclient.GetClockParams{Tenant: &st.tenant})
	if err != nil || clk.JSON200 == nil {
		return fmt.Errorf("read the tenant's clock: %v", err)
	}
	now := clk.JSON200.Now
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{"iss": st.d1.id, "sub": st.d1.id, "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()})
	tok.Header["kid"] = st.d1.signKid
	assertion, err := tok.SignedString(st.d1.signKey)
	if err != nil {
		return fmt.Errorf("sign the assertion: %w", err)
	}
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {assertion}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.baseURL+"/authz/v1/oauth2/token", strings.NewReader(form))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("get a D1 token: %w", err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK || body.AccessToken == "" {
		return fmt.Errorf("expected a D1 token (200), but the token endpoint answered %d", resp.StatusCode)
	}
	st.d1.token = body.AccessToken
	return nil
}

// d1Request sends a D1 call with the scenario's D1 token.
func (s *Steps) d1Request(ctx context.Context, method, cardID, rest string, body any) (*scenario, *exchange, error) {
	st, err := state(ctx)
	if err != nil {
		return nil, nil, err
	}
	if st.d1 == nil {
		return nil, nil, errors.New(`the scenario is no D1 issuer yet: add "I am the tenant's D1 issuer"`)
	}
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	path := "/banking/v1/issuers/" + st.d1.id + "/cards/" + cardID + "/" + rest
	ex, err := s.do(ctx, st, method, path, raw, http.Header{"Authorization": {"Bearer " + st.d1.token}})
	return st, ex, err
}

func (s *Steps) registerD1Card(ctx context.Context, cardID, variant string) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	req := simadminclient.D1CardRequest{Tenant: &st.tenant, CardId: cardID, ProcessorCardId: c.id}
	switch {
	case strings.Contains(variant, "inactive end user"):
		inactive := simadminclient.D1CardRequestEndUserStateINACTIVE
		req.EndUserState = &inactive
	case strings.Contains(variant, "digital card on"):
		device := strings.Trim(strings.TrimPrefix(variant, " with a digital card on "), `"`)
		req.DigitalCards = &[]simadminclient.D1DigitalCardRequest{{DeviceType: &device, TokenRequestorName: ptrTo("Wallet Pay")}}
	}
	r, err := s.admin.ProvisionD1CardWithResponse(ctx, req)
	if err != nil {
		return fmt.Errorf("register the card with D1: %w", err)
	}
	if r.JSON201 == nil {
		return fmt.Errorf("expected the D1 card %s (201), but POST /_sim/d1/cards answered %d %s", cardID, r.StatusCode(), r.Body)
	}
	return nil
}

func ptrTo[T any](v T) *T { return &v }

func (s *Steps) propagateToD1(ctx context.Context) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	if st.d1 == nil {
		return errors.New(`the scenario is no D1 issuer yet: add "I am the tenant's D1 issuer"`)
	}
	r, err := s.admin.UpdateD1IssuerSettingsWithResponse(ctx, st.d1.id, simadminclient.D1SettingsRequest{Tenant: &st.tenant, PropagateProcessorEvents: ptrTo(true)})
	if err != nil || r.JSON200 == nil {
		return fmt.Errorf("turn on propagation: %v", err)
	}
	return nil
}

func (s *Steps) d1Operation(ctx context.Context, verb, cardID, reasonCode string) error {
	var body any
	if reasonCode != "" {
		body = map[string]string{"reasonCode": reasonCode}
	}
	_, _, err := s.d1Request(ctx, "POST", cardID, "operations:"+verb, body)
	return err
}

func (s *Steps) d1Renew(ctx context.Context, cardID, newCardID, newState, pan, exp string) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	body := map[string]string{"newCardId": newCardID, "newCardState": newState}
	if pan != "" {
		if st.d1 == nil {
			return errors.New(`the scenario is no D1 issuer yet: add "I am the tenant's D1 issuer"`)
		}
		jwe, err := d1.Encrypt(d1.CardData{PAN: fake.PAN(pan), Exp: exp}, st.d1.encPublic, st.d1.encKid)
		if err != nil {
			return err
		}
		body["encryptedData"] = jwe
	}
	_, _, err = s.d1Request(ctx, "POST", cardID, "operations:renew", body)
	return err
}

func (s *Steps) d1List(ctx context.Context, cardID, query string) error {
	_, _, err := s.d1Request(ctx, "GET", cardID, "operations"+query, nil)
	return err
}

func (s *Steps) d1CardState(ctx context.Context, cardID, want string) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	r, err := s.admin.ListD1CardsWithResponse(ctx, &simadminclient.ListD1CardsParams{Tenant: &st.tenant})
	if err != nil || r.JSON200 == nil {
		return fmt.Errorf("list the D1 cards: %v", err)
	}
	for _, c := range r.JSON200.Cards {
		if c.CardId == cardID {
			if string(c.State) != want {
				return fmt.Errorf("expected the D1 card %s to be %s, but it is %s", cardID, want, c.State)
			}
			return nil
		}
	}
	return fmt.Errorf("expected a D1 card %s, but the tenant has none", cardID)
}

func (s *Steps) d1LastOperation(ctx context.Context, cardID, operation, status string) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	prev := st.last // a check: the response the scenario acts on stays the one before
	_, ex, err := s.d1Request(ctx, "GET", cardID, "operations?limit=1", nil)
	st.last = prev
	if err != nil {
		return err
	}
	var list struct {
		Operations []struct {
			Operation string `json:"operation"`
			Status    string `json:"status"`
		} `json:"operations"`
	}
	if err := json.Unmarshal(ex.body, &list); err != nil || len(list.Operations) == 0 {
		return fmt.Errorf("expected operations for the D1 card %s, but %s", cardID, ex)
	}
	if got := list.Operations[0]; got.Operation != operation || got.Status != status {
		return fmt.Errorf("expected the last operation of %s to be a %s that is %s, but it is a %s that is %s", cardID, operation, status, got.Operation, got.Status)
	}
	return nil
}

func (s *Steps) drift(ctx context.Context) ([]simadminclient.Drift, error) {
	st, err := state(ctx)
	if err != nil {
		return nil, err
	}
	r, err := s.admin.ListDriftWithResponse(ctx, &simadminclient.ListDriftParams{Tenant: &st.tenant})
	if err != nil || r.JSON200 == nil {
		return nil, fmt.Errorf("read the drift report: %v", err)
	}
	return r.JSON200.Cards, nil
}

func (s *Steps) driftListed(ctx context.Context, cardID, d1State, processorStatus string) error {
	cards, err := s.drift(ctx)
	if err != nil {
		return err
	}
	for _, c := range cards {
		if c.CardId == cardID && string(c.D1State) == d1State && c.ProcessorStatus == processorStatus {
			return nil
		}
	}
	return fmt.Errorf("expected the drift report to list %s as %s against %s, but it lists %+v", cardID, d1State, processorStatus, cards)
}

func (s *Steps) driftEmpty(ctx context.Context) error {
	cards, err := s.drift(ctx)
	if err != nil {
		return err
	}
	if len(cards) != 0 {
		return fmt.Errorf("expected no drift, but the report lists %+v", cards)
	}
	return nil
}

// The D1 steps that read an operation back and check the events and notifications of a D1 card:
//
//	I "suspend" the D1 card "c1" with the processor's token
//	I read the operation I did last on the D1 card "c1"
//	the operation read is a "SUSPEND" that is "SUCCESSFUL"
//	the operations listed are "RESUME, SUSPEND"
//	2 more operations remain
//	the D1 card "c1"'s events are "card_operation-1, card_operation-1"
//	the D1 card "c1"'s events match their schemas
//	the last "card_operation-1" event of the D1 card "c1" agrees with its operation as it reads now
func (s *Steps) registerD1Reads(sc *godog.ScenarioContext) {
	sc.Step(`^I "(suspend|resume|delete)" the D1 card "([^"]*)" with the processor's token$`, s.d1WithProcessorToken)
	sc.Step(`^I read the operation I did last on the D1 card "([^"]*)"$`, s.d1ReadLast)
	sc.Step(`^the operation read is an? "([^"]*)" that is "([^"]*)"$`, s.d1OperationRead)
	sc.Step(`^the operations listed are "([^"]*)"$`, s.d1Listed)
	sc.Step(`^no operation is listed$`, s.d1NoneListed)
	sc.Step(`^(\d+) more operations? remains?$`, s.d1Remaining)
	sc.Step(`^the D1 card "([^"]*)"'s events are "([^"]*)"$`, s.d1Events)
	sc.Step(`^the D1 card "([^"]*)"'s events match their schemas$`, s.d1Schemas)
	sc.Step(`^the last "([^"]*)" event of the D1 card "([^"]*)" agrees with its operation as it reads now$`, s.d1Agrees)
}

func (s *Steps) d1WithProcessorToken(ctx context.Context, verb, cardID string) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	issuer := "SANDBOXB01"
	if st.d1 != nil {
		issuer = st.d1.id
	}
	_, err = s.do(ctx, st, "POST", "/banking/v1/issuers/"+issuer+"/cards/"+cardID+"/operations:"+verb, nil, nil)
	return err
}

// lastOperationID is the operationId of the scenario's last D1 operation response.
func lastOperationID(st *scenario) (string, error) {
	if st.last == nil {
		return "", errors.New("the scenario has not sent a D1 operation yet")
	}
	var out struct {
		OperationID string `json:"operationId"`
	}
	if json.Unmarshal(st.last.body, &out) != nil || out.OperationID == "" {
		return "", fmt.Errorf("expected the last answer to name an operation, but %s", st.last)
	}
	return out.OperationID, nil
}

func (s *Steps) d1ReadLast(ctx context.Context, cardID string) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	id, err := lastOperationID(st)
	if err != nil {
		return err
	}
	_, _, err = s.d1Request(ctx, "GET", cardID, "operations/"+id, nil)
	return err
}

func (s *Steps) d1OperationRead(ctx context.Context, operation, status string) error {
	_, ex, err := lastExchange(ctx)
	if err != nil {
		return err
	}
	var op struct {
		Operation string `json:"operation"`
		Status    string `json:"status"`
	}
	if ex.status != http.StatusOK || json.Unmarshal(ex.body, &op) != nil {
		return fmt.Errorf("expected an operation (200), but %s", ex)
	}
	if op.Operation != operation || op.Status != status {
		return fmt.Errorf("expected a %s that is %s, but %s", operation, status, ex)
	}
	return nil
}

// listed decodes the last answer as a page of the operations log.
func listed(ctx context.Context) (ops []string, remaining int, err error) {
	_, ex, err := lastExchange(ctx)
	if err != nil {
		return nil, 0, err
	}
	var page struct {
		Operations []struct {
			Operation string `json:"operation"`
		} `json:"operations"`
		Remaining int `json:"remainingOperations"`
	}
	if ex.status != http.StatusOK || json.Unmarshal(ex.body, &page) != nil {
		return nil, 0, fmt.Errorf("expected a page of operations (200), but %s", ex)
	}
	for _, o := range page.Operations {
		ops = append(ops, o.Operation)
	}
	return ops, page.Remaining, nil
}

func (s *Steps) d1Listed(ctx context.Context, want string) error {
	ops, _, err := listed(ctx)
	if err != nil {
		return err
	}
	if strings.Join(ops, ", ") != strings.Join(splitList(want), ", ") {
		return fmt.Errorf("expected the operations %s, but the page lists %s", want, strings.Join(ops, ", "))
	}
	return nil
}

func (s *Steps) d1NoneListed(ctx context.Context) error {
	ops, _, err := listed(ctx)
	if err != nil {
		return err
	}
	if len(ops) != 0 {
		return fmt.Errorf("expected no operation, but the page lists %s", strings.Join(ops, ", "))
	}
	return nil
}

func (s *Steps) d1Remaining(ctx context.Context, want int) error {
	_, remaining, err := listed(ctx)
	if err != nil {
		return err
	}
	if remaining != want {
		return fmt.Errorf("expected %d more operations, but %d remain", want, remaining)
	}
	return nil
}

// d1Subject is the event log's subject of a D1 card of the scenario's issuer.
func d1Subject(st *scenario, cardID string) (string, error) {
	if st.d1 == nil {
		return "", errors.New(`the scenario is no D1 issuer yet: add "I am the tenant's D1 issuer"`)
	}
	return d1.SubjectCard + ":" + st.d1.id + "/" + cardID, nil
}

func (s *Steps) d1CardEvents(ctx context.Context, cardID string) (*scenario, []map[string]any, error) {
	st, err := state(ctx)
	if err != nil {
		return nil, nil, err
	}
	subject, err := d1Subject(st, cardID)
	if err != nil {
		return nil, nil, err
	}
	evs, err := s.subjectEvents(ctx, st, subject)
	return st, evs, err
}

func (s *Steps) d1Events(ctx context.Context, cardID, want string) error {
	_, evs, err := s.d1CardEvents(ctx, cardID)
	if err != nil {
		return err
	}
	return matchSequence("the D1 card "+cardID+"'s", evs, want)
}

func (s *Steps) d1Schemas(ctx context.Context, cardID string) error {
	_, evs, err := s.d1CardEvents(ctx, cardID)
	if err != nil {
		return err
	}
	return s.checkSchemas("the D1 card "+cardID+"'s", evs)
}

// d1Agrees compares the D1 card's last event of the type with its operation as Get operation returns it now,
// on every field they share.
func (s *Steps) d1Agrees(ctx context.Context, eventType, cardID string) error {
	st, evs, err := s.d1CardEvents(ctx, cardID)
	if err != nil {
		return err
	}
	var ev map[string]any
	for i := len(evs) - 1; i >= 0 && ev == nil; i-- {
		if evs[i]["event_type"] == eventType {
			ev = evs[i]
		}
	}
	if ev == nil {
		return fmt.Errorf("expected a %s event of the D1 card %s, but its events are %s", eventType, cardID, types(evs))
	}
	data, _ := ev["data"].(map[string]any)
	id, _ := data["operationId"].(string)
	last := st.last
	defer func() { st.last = last }()
	_, ex, err := s.d1Request(ctx, "GET", cardID, "operations/"+id, nil)
	if err != nil {
		return err
	}
	var op map[string]any
	if ex.status != http.StatusOK || json.Unmarshal(ex.body, &op) != nil {
		return fmt.Errorf("expected to read operation %s of the D1 card %s back (200), but %s", id, cardID, ex)
	}
	var shared, diffs []string
	for _, field := range sortedKeys(data) {
		got, ok := op[field]
		if !ok {
			continue
		}
		shared = append(shared, field)
		if !sameValue(data[field], got) {
			diffs = append(diffs, fmt.Sprintf("%s is %s in the event but %s as it reads now", field, text(data[field]), text(got)))
		}
	}
	if len(shared) < minShared {
		return fmt.Errorf("the D1 card %s's last %s event shares only %d fields with its operation (%s)", cardID, eventType, len(shared), strings.Join(shared, ", "))
	}
	if len(diffs) > 0 {
		return fmt.Errorf("the D1 card %s's last %s event disagrees with its operation as it reads now: %s", cardID, eventType, strings.Join(diffs, "; "))
	}
	return nil
}

// d1Page lists a page of the operations log: limit operations, after the offset most recent ones.
func (s *Steps) d1Page(ctx context.Context, cardID, limit, offset string) error {
	q := "?limit=" + limit
	if offset != "" {
		q += "&offset=" + offset
	}
	return s.d1List(ctx, cardID, q)
}
