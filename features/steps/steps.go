// Package steps is issuersim's godog step library: the phrases an integrator's feature files use to drive a
// card processor in the style of Pismo (the simulator, or any server that answers the same way) over plain
// HTTP, and to check its answers and the data events it emitted.
//
// Build it with [New] and register it on each scenario with [Steps.RegisterSteps]:
//
//	s := steps.New("http://127.0.0.1:8080", nil)
//	opts := godog.Options{Paths: []string{"."}, Strict: true}
//	status := godog.TestSuite{ScenarioInitializer: s.RegisterSteps, Options: &opts}.Run()
//
// # Steps
//
// Setting the scene (each fails unless the server agrees):
//
//	I have an account token for account 8675309
//	I have a "VIRTUAL" card named "Groceries" for customer 103625634
//	the card's status has been changed to "LOST"
//
// Acting (each keeps the response for the checks that follow):
//
//	I create a "VIRTUAL" card named "Groceries" for customer 103625634
//	I create a card for customer 103625634 with body:
//	    """
//	    {"type": "VIRTUAL"}
//	    """
//	I get the card
//	I change the card's status to "BLOCKED"
//	I update the card with:
//	    | name | Trips |
//	I activate the card
//	I reissue the card for reason 1
//	the cardholder enters 3 wrong PINs
//	I reset the card's password tries
//	I renew the card's validity for 24 hours
//	I remove the card's validity
//	I create a reissue reason "Upgrade" that need not block the card
//	I bind the card to customer 103625634
//	I set the header "x-cid" to "my-correlation-id"
//	I send "GET" to "/wallet/v1/cards/{card_id}"
//	I send "PUT" to "/wallet/v1/customers/{customer_id}/accounts/{account_id}/cards/{card_id}/status" with body:
//	    """
//	    {"status": "BLOCKED"}
//	    """
//	the clock advances by "90m"
//
// Checking:
//
//	the response status is 201
//	the response has field "status" equal to "NORMAL"
//	the response names the field "/name" with rule "required"
//	the card's status is "NORMAL"
//	the previous card's status is "CANCELED"
//	the card's events are "create-1, update-1"
//	a "create-1" event was emitted for the card
//	no "update-1" event was emitted for the card
//	2 "update-1" events were emitted for the card
//	the last "update-1" event for the card has "card_previous_status" "NORMAL"
//	the last "update-1" event for the card has:
//	    | operation_type       | UPDATE_STATUS_PUT |
//	    | card_previous_status | NORMAL            |
//
// # Meaning
//
// "The card" is the card the scenario created last. Every request carries the scenario's token as a bearer
// token and the headers set with "I set the header"; the card steps add the x-customer-id header of the
// customer they act for, and the generic "I send" steps add the x-customer-id of the scenario's current
// customer (the last one a card was created for), unless a header set it. Paths, bodies and expected values
// may name {card_id}, {account_id}, {customer_id} and {tenant}, which are replaced by the scenario's values.
// "The card's status is" reads the card back with a token of the account that owns it, whichever token the
// scenario holds, and leaves the last response alone, so it may follow a refusal.
//
// A response field is a dotted path into the JSON body, with numbers indexing arrays: "status",
// "errors.0.field". An event field is looked up in the event's data first, then in its envelope: "card_status",
// "cid", "event_type". Values compare as text: strings as they are, numbers and booleans as JSON writes them,
// null as "null".
//
// "a"/"an" event means exactly one, "no" none, a number exactly that many. Events are listed with the
// simulator's GET /_sim/events, for the scenario's tenant and the card's id, so a scenario sees only the events
// of cards it created. "The clock advances" moves the scenario's tenant's virtual clock (the simulator must run
// with --clock) and returns once every job due by then has run; other scenarios' clocks do not move.
//
// The admin calls (tenants, tokens, clock, events, webhook subscriptions) go through the generated client of
// the admin API, gen/simadminclient.
//
// # Webhooks, schemas and consistency
//
// "my webhook endpoint is subscribed to the tenant's events" starts an endpoint of the scenario's own and
// subscribes it; "my webhook endpoint received the card's events …, signed" checks every delivery's signature
// with sim/webhook/verify, waiting at most the library's wait ([WithWait]); receiver.go lists those steps.
// "the card's events match their schemas" validates events against the schemas compiled into this package
// (schema.go); "the last … event for the card agrees with the card as it reads now" compares an event with
// the resource read back (consistency.go). [WithReceiverHost] puts the endpoints where a simulator in a
// container reaches them.
//
// # The other areas
//
// Each area's steps live in a file of their own, whose doc comment on its register function lists its phrases:
// lifecycle.go (the card's life beyond the basics, processor failures), pci.go (PINs, CVV, issuer scripts),
// bulks.go (noname bulks and embossing), cardsonfile.go, tokens.go and tokenconfig.go (network tokens and
// their settings), d1.go (the token platform's card operations and its notifications). A team adds phrases of
// its own in its own scenario initializer, after [Steps.RegisterSteps] (example_test.go shows one).
//
// # Isolation
//
// Scenario state (tenant, token, cards, last response, headers) lives in the context godog passes from step
// to step, created afresh by a Before hook, so scenarios share nothing through the [Steps] value and may run
// concurrently. The same hook asks the simulator for a fresh tenant (POST /_sim/tenants: a copy of the
// fixtures' first org, with its accounts and customers but no cards and no events), so every scenario, and
// every run against a long-lived simulator, starts from the same empty state whatever ran before.
package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/issuersim/issuersim/gen/simadminclient"
)

// Steps drives one server. It holds no scenario state, so one value serves every scenario.
type Steps struct {
	baseURL string
	client  *http.Client
	admin   *simadminclient.ClientWithResponses

	receiverHost       string        // where the scenarios' webhook endpoints listen (receiver.go)
	receiverAdvertised string        // the host subscriptions name them by
	wait               time.Duration // how long a step waits for an asynchronous delivery
	schemas            schemaCache   // the event schemas, compiled on first use (schema.go)
}

// New returns a step library that sends its requests to baseURL (such as "http://127.0.0.1:8080") with
// client, or with http.DefaultClient when client is nil, changed by the options. A malformed URL or an
// invalid option is a programming error: New panics with its reason.
func New(baseURL string, client *http.Client, opts ...Option) *Steps {
	if client == nil {
		client = http.DefaultClient
	}
	baseURL = strings.TrimRight(baseURL, "/")
	admin, err := simadminclient.NewClientWithResponses(baseURL, simadminclient.WithHTTPClient(client))
	if err != nil {
		panic(fmt.Sprintf("steps: admin client for %q: %v", baseURL, err)) // only a malformed URL gets here
	}
	s := &Steps{baseURL: baseURL, client: client, admin: admin, receiverHost: "127.0.0.1", receiverAdvertised: "127.0.0.1", wait: DefaultWait}
	for _, o := range opts {
		if err := o(s); err != nil {
			panic("steps: " + err.Error())
		}
	}
	return s
}

// RegisterSteps registers the library's hooks and steps on a scenario.
func (s *Steps) RegisterSteps(sc *godog.ScenarioContext) {
	sc.Before(s.freshTenant)

	sc.Step(`^I have an account token for account (\d+)$`, s.haveToken)
	sc.Step(`^I have an? "([^"]*)" card named "([^"]*)" for customer (\d+)$`, s.haveCard)
	sc.Step(`^the card's status has been changed to "([^"]*)"$`, s.haveStatus)

	sc.Step(`^I create an? "([^"]*)" card named "([^"]*)" for customer (\d+)$`, s.createCard)
	sc.Step(`^I create a card for customer (\d+) with body:$`, s.createCardWithBody)
	sc.Step(`^I get the card$`, s.getCard)
	sc.Step(`^I change the card's status to "([^"]*)"$`, s.changeStatus)
	sc.Step(`^I set the header "([^"]*)" to "([^"]*)"$`, s.setHeader)
	sc.Step(`^I send "([^"]*)" to "([^"]*)"$`, s.send)
	sc.Step(`^I send "([^"]*)" to "([^"]*)" with body:$`, s.sendWithBody)
	sc.Step(`^the clock advances by "([^"]*)"$`, s.advanceClock)

	sc.Step(`^the response status is (\d+)$`, s.responseStatus)
	sc.Step(`^the response has field "([^"]*)" equal to "([^"]*)"$`, s.responseField)
	sc.Step(`^the response names the field "([^"]*)" with rule "([^"]*)"$`, s.responseFault)
	sc.Step(`^the (previous )?card's status is "([^"]*)"$`, s.cardStatus)
	sc.Step(`^(an?|no|\d+) "([^"]*)" events? (?:was|were) emitted for the (previous )?card$`, s.eventCount)
	sc.Step(`^the last "([^"]*)" event for the (previous )?card has "([^"]*)" "([^"]*)"$`, s.lastEventField)
	sc.Step(`^the last "([^"]*)" event for the (previous )?card has:$`, s.lastEventTable)
	sc.Step(`^the (previous )?card's events are "([^"]*)"$`, s.eventSequence)
	s.registerLifecycle(sc)
	s.registerPCI(sc)
	s.registerBulks(sc)
	s.registerCardsOnFile(sc)
	s.registerD1(sc)
	s.registerD1Reads(sc)
	s.registerTokens(sc)
	s.registerTokenConfig(sc)
	s.registerReceiver(sc)
	s.registerSchemas(sc)
	s.registerConsistency(sc)
}

// scenario is one scenario's state; it travels in the context.
type scenario struct {
	tenant     string
	token      string
	account    int64
	customer   int64
	headers    http.Header      // set by "I set the header", sent with every request
	cards      []card           // created by the scenario, oldest first
	reasons    map[string]int64 // reissue reasons the scenario created, by description
	orgToken   string           // a token without an account, for bulks; asked for on first use
	bulk       string           // the bulk the scenario created last
	stored     string           // the card on file the scenario stored last
	validation string           // the validation of it the scenario started last
	last       *exchange        // the last request the scenario sent and its response
	d1         *d1Issuer        // the tenant's D1 issuer, once the scenario is it (d1.go)
	hook       *receiver        // the scenario's webhook endpoint, once a step started it (receiver.go)
}

type stateKey struct{}

// card is a card the scenario created, with what reading it back needs.
type card struct {
	id       int64
	tenant   string
	account  int64
	customer int64
}

// exchange is one request and its response.
type exchange struct {
	method, path string
	status       int
	body         []byte
}

func (e *exchange) String() string {
	return fmt.Sprintf("%s %s answered %d %s", e.method, e.path, e.status, bytes.TrimSpace(e.body))
}

func state(ctx context.Context) (*scenario, error) {
	st, ok := ctx.Value(stateKey{}).(*scenario)
	if !ok {
		return nil, errors.New("no scenario state in the context: register the steps with Steps.RegisterSteps")
	}
	return st, nil
}

// stateAndCard returns the scenario's state and the card it created last.
func stateAndCard(ctx context.Context) (*scenario, card, error) {
	st, err := state(ctx)
	if err != nil {
		return nil, card{}, err
	}
	c, err := st.card()
	return st, c, err
}

func (st *scenario) card() (card, error) {
	return st.pick("")
}

// pick returns the card a step names: "" the card the scenario created last, "previous " the one before it
// (after a reissue, the card the new one replaced).
func (st *scenario) pick(which string) (card, error) {
	n := len(st.cards)
	if which == "previous " {
		if n < 2 {
			return card{}, errors.New("the scenario has no previous card: it created fewer than two")
		}
		return st.cards[n-2], nil
	}
	if n == 0 {
		return card{}, errors.New("the scenario has not created a card yet")
	}
	return st.cards[n-1], nil
}

// pickCard returns the scenario's state and the card a step names (see pick).
func pickCard(ctx context.Context, which string) (*scenario, card, error) {
	st, err := state(ctx)
	if err != nil {
		return nil, card{}, err
	}
	c, err := st.pick(which)
	return st, c, err
}

// expand replaces {card_id}, {account_id}, {customer_id} and {tenant} with the scenario's values.
func (st *scenario) expand(s string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	pairs := []string{
		"{account_id}", strconv.FormatInt(st.account, 10),
		"{customer_id}", strconv.FormatInt(st.customer, 10),
		"{tenant}", st.tenant,
	}
	if c, err := st.card(); err == nil {
		pairs = append(pairs, "{card_id}", strconv.FormatInt(c.id, 10))
	}
	if c, err := st.pick("previous "); err == nil {
		pairs = append(pairs, "{previous_card_id}", strconv.FormatInt(c.id, 10))
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// do sends a request with the scenario's token and headers plus extra, and keeps the exchange as the last one.
func (s *Steps) do(ctx context.Context, st *scenario, method, path string, body []byte, extra http.Header) (*exchange, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.baseURL+path, rd)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if st.token != "" {
		req.Header.Set("Authorization", "Bearer "+st.token)
	}
	for k, v := range extra {
		req.Header[k] = v
	}
	for k, v := range st.headers {
		req.Header[k] = v
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the response: %w", method, path, err)
	}
	ex := &exchange{method: method, path: path, status: resp.StatusCode, body: out}
	st.last = ex
	return ex, nil
}

func customerHeader(id int64) http.Header {
	return http.Header{"X-Customer-Id": {strconv.FormatInt(id, 10)}}
}

// freshTenant starts a scenario: new state in the context, and a tenant of its own, named after the scenario
// so that its id is the same run after run.
func (s *Steps) freshTenant(ctx context.Context, sc *godog.Scenario) (context.Context, error) {
	name := truncate(sc.Name, 100)
	r, err := s.admin.CreateTenantWithResponse(ctx, simadminclient.TenantRequest{Name: &name})
	if err != nil {
		return ctx, fmt.Errorf("create a fresh tenant: %w", err)
	}
	if r.JSON201 == nil {
		return ctx, fmt.Errorf("expected a fresh tenant (201), but POST /_sim/tenants answered %d %s", r.StatusCode(), r.Body)
	}
	return context.WithValue(ctx, stateKey{}, &scenario{tenant: r.JSON201.Tenant, headers: http.Header{}}), nil
}

func truncate(s string, n int) string {
	if s == "" {
		return "scenario"
	}
	if len(s) > n {
		return s[:n]
	}
	return s
}

// token asks the simulator for a token of the account in the tenant (the default tenant when empty).
func (s *Steps) token(ctx context.Context, tenant string, account int64) (tok, gotTenant string, err error) {
	req := simadminclient.TokenRequest{AccountId: &account}
	if tenant != "" {
		req.Tenant = &tenant
	}
	r, err := s.admin.IssueTestTokenWithResponse(ctx, req)
	if err != nil {
		return "", "", fmt.Errorf("a token for account %d: %w", account, err)
	}
	if r.JSON200 == nil {
		return "", "", fmt.Errorf("expected a token for account %d, but POST /_sim/tokens answered %d %s", account, r.StatusCode(), r.Body)
	}
	return r.JSON200.Token, r.JSON200.Tenant, nil
}

func (s *Steps) haveToken(ctx context.Context, account int64) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	tok, tenant, err := s.token(ctx, st.tenant, account)
	if err != nil {
		return err
	}
	st.token, st.tenant, st.account = tok, tenant, account
	return nil
}

func (s *Steps) createCard(ctx context.Context, typ, name string, customer int64) error {
	body, _ := json.Marshal(map[string]string{"type": typ, "name": name})
	_, err := s.create(ctx, customer, body)
	return err
}

func (s *Steps) createCardWithBody(ctx context.Context, customer int64, doc *godog.DocString) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	_, err = s.create(ctx, customer, []byte(st.expand(doc.Content)))
	return err
}

// create sends a create-card request for the customer and, when the card was created, makes it the card.
func (s *Steps) create(ctx context.Context, customer int64, body []byte) (*exchange, error) {
	st, err := state(ctx)
	if err != nil {
		return nil, err
	}
	st.customer = customer
	ex, err := s.do(ctx, st, "POST", "/wallet/v2/cards", body, customerHeader(customer))
	if err != nil {
		return nil, err
	}
	if ex.status == http.StatusCreated || ex.status == http.StatusOK {
		var c struct {
			ID int64 `json:"id"`
		}
		if err := json.Unmarshal(ex.body, &c); err != nil || c.ID == 0 {
			return nil, fmt.Errorf("expected a card with an id, but %s", ex)
		}
		st.cards = append(st.cards, card{id: c.ID, tenant: st.tenant, account: st.account, customer: customer})
	}
	if ex.status == http.StatusInternalServerError {
		// A creation the processor failed keeps the card without its card data; its create-1 names it.
		evs, err := s.listEvents(ctx, simadminclient.ListEventsParams{Tenant: &st.tenant, EventType: ptrTo("create-1")}, "the tenant's create-1 events")
		if err != nil {
			return nil, err
		}
		if n := len(evs); n > 0 {
			if data, _ := evs[n-1]["data"].(map[string]any); data["status"] == "FAILURE" {
				if id, ok := data["card_id"].(float64); ok && !st.hasCard(int64(id)) {
					st.cards = append(st.cards, card{id: int64(id), tenant: st.tenant, account: st.account, customer: customer})
				}
			}
		}
	}
	return ex, nil
}

// hasCard reports whether the scenario holds the card already.
func (st *scenario) hasCard(id int64) bool {
	for _, c := range st.cards {
		if c.id == id {
			return true
		}
	}
	return false
}

func (s *Steps) haveCard(ctx context.Context, typ, name string, customer int64) error {
	body, _ := json.Marshal(map[string]string{"type": typ, "name": name})
	ex, err := s.create(ctx, customer, body)
	if err != nil {
		return err
	}
	if ex.status != http.StatusCreated {
		return fmt.Errorf("expected the %s card %q to be created (201), but %s", typ, name, ex)
	}
	return nil
}

func (s *Steps) getCard(ctx context.Context) error {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return err
	}
	_, err = s.do(ctx, st, "GET", fmt.Sprintf("/wallet/v1/cards/%d", c.id), nil, customerHeader(c.customer))
	return err
}

func (s *Steps) changeStatus(ctx context.Context, status string) error {
	_, err := s.putStatus(ctx, status)
	return err
}

func (s *Steps) putStatus(ctx context.Context, status string) (*exchange, error) {
	st, c, err := stateAndCard(ctx)
	if err != nil {
		return nil, err
	}
	body, _ := json.Marshal(map[string]string{"status": status})
	return s.do(ctx, st, "PUT", statusPath(c), body, nil)
}

func statusPath(c card) string {
	return fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards/%d/status", c.customer, c.account, c.id)
}

func (s *Steps) haveStatus(ctx context.Context, status string) error {
	ex, err := s.putStatus(ctx, status)
	if err != nil {
		return err
	}
	if ex.status != http.StatusOK {
		return fmt.Errorf("expected the card's status to change to %s (200), but %s", status, ex)
	}
	return nil
}

func (s *Steps) setHeader(ctx context.Context, name, value string) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	st.headers.Set(name, st.expand(value))
	return nil
}

func (s *Steps) send(ctx context.Context, method, path string) error {
	return s.sendBody(ctx, method, path, nil)
}

func (s *Steps) sendWithBody(ctx context.Context, method, path string, doc *godog.DocString) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	return s.sendBody(ctx, method, path, []byte(st.expand(doc.Content)))
}

func (s *Steps) sendBody(ctx context.Context, method, path string, body []byte) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	var extra http.Header
	if st.customer != 0 {
		extra = customerHeader(st.customer)
	}
	_, err = s.do(ctx, st, strings.ToUpper(method), st.expand(path), body, extra)
	return err
}

func lastExchange(ctx context.Context) (*scenario, *exchange, error) {
	st, err := state(ctx)
	if err != nil {
		return nil, nil, err
	}
	if st.last == nil {
		return nil, nil, errors.New("the scenario has not sent a request yet")
	}
	return st, st.last, nil
}

func (s *Steps) responseStatus(ctx context.Context, want int) error {
	_, ex, err := lastExchange(ctx)
	if err != nil {
		return err
	}
	if ex.status != want {
		return fmt.Errorf("expected status %d, but %s", want, ex)
	}
	return nil
}

func (s *Steps) responseField(ctx context.Context, field, want string) error {
	st, ex, err := lastExchange(ctx)
	if err != nil {
		return err
	}
	want = st.expand(want)
	var doc any
	if err := json.Unmarshal(ex.body, &doc); err != nil {
		return fmt.Errorf("expected a JSON body with %q = %q, but %s", field, want, ex)
	}
	got, ok := lookup(doc, field)
	if !ok {
		return fmt.Errorf("expected field %q = %q, but the field is missing: %s", field, want, ex)
	}
	if text(got) != want {
		return fmt.Errorf("expected field %q = %q, got %q: %s", field, want, text(got), ex)
	}
	return nil
}

// responseFault checks the response's errors list (the vendor's way of answering a mistake) names the field
// with the rule.
func (s *Steps) responseFault(ctx context.Context, field, rule string) error {
	_, ex, err := lastExchange(ctx)
	if err != nil {
		return err
	}
	var fault struct {
		Errors []struct {
			Field string `json:"field"`
			Rule  string `json:"rule"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(ex.body, &fault); err != nil {
		return fmt.Errorf("expected an error naming field %q with rule %q, but %s", field, rule, ex)
	}
	for _, e := range fault.Errors {
		if e.Field == field && e.Rule == rule {
			return nil
		}
	}
	return fmt.Errorf("expected an error naming field %q with rule %q, but %s", field, rule, ex)
}

// cardStatus reads the card back, with a token of the account that owns it (whichever token the scenario holds
// now), and checks its status; the read does not replace the last response.
func (s *Steps) cardStatus(ctx context.Context, which, want string) error {
	_, c, err := pickCard(ctx, which)
	if err != nil {
		return err
	}
	tok, _, err := s.token(ctx, c.tenant, c.account)
	if err != nil {
		return err
	}
	ex, err := s.do(ctx, &scenario{token: tok}, "GET", fmt.Sprintf("/wallet/v1/cards/%d", c.id), nil, customerHeader(c.customer))
	if err != nil {
		return err
	}
	var got struct {
		Status string `json:"status"`
	}
	if ex.status != http.StatusOK || json.Unmarshal(ex.body, &got) != nil {
		return fmt.Errorf("expected to read card %d back with status %s, but %s", c.id, want, ex)
	}
	if got.Status != want {
		return fmt.Errorf("expected card %d to have status %s, got %s: %s", c.id, want, got.Status, ex)
	}
	return nil
}

// events lists the events of the given type (every type when empty) the simulator emitted for a card of the
// scenario (see pick), oldest first.
func (s *Steps) events(ctx context.Context, eventType, which string) ([]map[string]any, error) {
	_, c, err := pickCard(ctx, which)
	if err != nil {
		return nil, err
	}
	params := simadminclient.ListEventsParams{CardId: &c.id}
	if eventType != "" {
		params.EventType = &eventType
	}
	if c.tenant != "" {
		params.Tenant = &c.tenant
	}
	return s.listEvents(ctx, params, fmt.Sprintf("the %s events of card %d", eventType, c.id))
}

// listEvents lists events through the admin API and decodes them; what names them in errors.
func (s *Steps) listEvents(ctx context.Context, params simadminclient.ListEventsParams, what string) ([]map[string]any, error) {
	r, err := s.admin.ListEventsWithResponse(ctx, &params)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", what, err)
	}
	if r.JSON200 == nil {
		return nil, fmt.Errorf("expected the list of %s, but GET /_sim/events answered %d %s", what, r.StatusCode(), r.Body)
	}
	out := make([]map[string]any, 0, len(r.JSON200.Events))
	for _, raw := range r.JSON200.Events {
		var e map[string]any
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("one of %s is not JSON: %w", what, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// subjectEvents lists the scenario tenant's events about a subject (kind:id).
func (s *Steps) subjectEvents(ctx context.Context, st *scenario, subject string) ([]map[string]any, error) {
	return s.listEvents(ctx, simadminclient.ListEventsParams{Tenant: &st.tenant, Subject: &subject}, "the events of "+subject)
}

func (s *Steps) eventCount(ctx context.Context, count, eventType, which string) error {
	want := 1
	switch count {
	case "a", "an":
	case "no":
		want = 0
	default:
		n, err := strconv.Atoi(count)
		if err != nil {
			return fmt.Errorf("event count %q: %w", count, err)
		}
		want = n
	}
	evs, err := s.events(ctx, eventType, which)
	if err != nil {
		return err
	}
	if len(evs) != want {
		return fmt.Errorf("expected %d %s event(s) for the card, got %d: %s", want, eventType, len(evs), brief(evs))
	}
	return nil
}

func (s *Steps) lastEvent(ctx context.Context, eventType, which string) (map[string]any, error) {
	evs, err := s.events(ctx, eventType, which)
	if err != nil {
		return nil, err
	}
	if len(evs) == 0 {
		return nil, fmt.Errorf("expected a %s event for the card, but none was emitted", eventType)
	}
	return evs[len(evs)-1], nil
}

func (s *Steps) lastEventField(ctx context.Context, eventType, which, field, want string) error {
	ev, err := s.lastEvent(ctx, eventType, which)
	if err != nil {
		return err
	}
	st, _ := state(ctx)
	return checkEventField(ev, eventType, field, st.expand(want))
}

func (s *Steps) lastEventTable(ctx context.Context, eventType, which string, table *godog.Table) error {
	ev, err := s.lastEvent(ctx, eventType, which)
	if err != nil {
		return err
	}
	st, _ := state(ctx)
	return checkEventTable(st, ev, eventType, table)
}

// checkEventTable checks each row of a two-column table (field, value) against the event.
func checkEventTable(st *scenario, ev map[string]any, eventType string, table *godog.Table) error {
	var errs []error
	for _, row := range table.Rows {
		if len(row.Cells) != 2 {
			return fmt.Errorf("each row of the table names a field and its value; got %d cells", len(row.Cells))
		}
		if err := checkEventField(ev, eventType, row.Cells[0].Value, st.expand(row.Cells[1].Value)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// checkEventField looks the field up in the event's data, then in its envelope, then, for a plain name, at
// any depth of the data where exactly one field has that name (walletId is network_data.walletId).
func checkEventField(ev map[string]any, eventType, field, want string) error {
	got, ok := lookup(ev["data"], field)
	if !ok {
		got, ok = lookup(ev, field)
	}
	raw, _ := json.Marshal(ev)
	if !ok && !strings.Contains(field, ".") {
		var paths []string
		got, paths = findNested(ev["data"], field, "")
		switch len(paths) {
		case 1:
			ok = true
		case 0:
		default:
			return fmt.Errorf("the last %s event has %d fields named %q (%s): name one by its path", eventType, len(paths), field, strings.Join(paths, ", "))
		}
	}
	if !ok {
		return fmt.Errorf("expected the last %s event to have %q = %q, but the field is missing: %s", eventType, field, want, raw)
	}
	if text(got) != want {
		return fmt.Errorf("expected the last %s event to have %q = %q, got %q: %s", eventType, field, want, text(got), raw)
	}
	return nil
}

// lookup follows a dotted path through a decoded JSON document; numeric parts index arrays.
func lookup(doc any, path string) (any, bool) {
	cur := doc
	for part := range strings.SplitSeq(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[part]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(v) {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// findNested returns the value of the fields named name below doc's top level, and their dotted paths.
func findNested(doc any, name, prefix string) (any, []string) {
	var found any
	var paths []string
	visit := func(key string, v any) {
		if got, p := findNested(v, name, key+"."); len(p) > 0 {
			found, paths = got, append(paths, p...)
		}
	}
	switch v := doc.(type) {
	case map[string]any:
		for _, k := range sortedKeys(v) {
			if prefix != "" && k == name {
				found, paths = v[k], append(paths, prefix+k)
				continue
			}
			visit(prefix+k, v[k])
		}
	case []any:
		for i, item := range v {
			visit(prefix+strconv.Itoa(i), item)
		}
	}
	return found, paths
}

// text renders a decoded JSON value for comparison: strings as they are, a list of strings or numbers as
// its items separated by ", ", anything else as JSON.
func text(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if list, ok := v.([]any); ok && len(list) > 0 {
		parts := make([]string, 0, len(list))
		for _, item := range list {
			switch item.(type) {
			case string, float64, bool:
				parts = append(parts, text(item))
			default:
				b, _ := json.Marshal(v)
				return string(b)
			}
		}
		return strings.Join(parts, ", ")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// brief lists events as "type(card status)" for error messages.
func brief(evs []map[string]any) string {
	parts := make([]string, 0, len(evs))
	for _, e := range evs {
		status, _ := lookup(e["data"], "card_status")
		parts = append(parts, fmt.Sprintf("%v(%v)", e["event_type"], status))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// advanceClock moves the scenario's tenant's virtual clock and waits for every job due by then.
func (s *Steps) advanceClock(ctx context.Context, duration string) error {
	st, err := state(ctx)
	if err != nil {
		return err
	}
	if _, err := time.ParseDuration(duration); err != nil {
		return fmt.Errorf("%q is not a duration such as 90m or 36h: %w", duration, err)
	}
	r, err := s.admin.AdvanceClockWithResponse(ctx, simadminclient.AdvanceRequest{Tenant: &st.tenant, Duration: duration})
	if err != nil {
		return fmt.Errorf("advance the clock by %s: %w", duration, err)
	}
	if r.JSON200 == nil {
		return fmt.Errorf("expected the clock to advance by %s, but POST /_sim/clock/advance answered %d %s", duration, r.StatusCode(), r.Body)
	}
	for _, j := range r.JSON200.Ran {
		if j.State == simadminclient.JobStateFailed {
			return fmt.Errorf("the %s job for %s:%s failed while the clock advanced: %s", j.Kind, j.Subject.Kind, j.Subject.Id, deref(j.Error))
		}
	}
	return nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// eventSequence checks the types of every event of a card, in the order they were emitted.
func (s *Steps) eventSequence(ctx context.Context, which, want string) error {
	evs, err := s.events(ctx, "", which)
	if err != nil {
		return err
	}
	return matchSequence("the "+which+"card's", evs, want)
}

// matchSequence checks the types of events, in order, against a comma-separated list.
func matchSequence(whose string, evs []map[string]any, want string) error {
	var got []string
	for _, e := range evs {
		got = append(got, fmt.Sprint(e["event_type"]))
	}
	var expected []string
	for part := range strings.SplitSeq(want, ",") {
		if p := strings.TrimSpace(part); p != "" {
			expected = append(expected, p)
		}
	}
	if strings.Join(got, ", ") != strings.Join(expected, ", ") {
		return fmt.Errorf("expected %s events to be %s, got %s", whose, strings.Join(expected, ", "), brief(evs))
	}
	return nil
}
