package sim_test

import (
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/issuersim/issuersim/fixtures"
	"github.com/issuersim/issuersim/sim"
	"github.com/issuersim/issuersim/sim/d1"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/org"
)

// d1Client drives the default tenant's D1 issuer over HTTP: it signs assertions with the fixture key, holds a
// D1 token, and makes processor cards to register with D1.
type d1Client struct {
	h      *harness
	t      *testing.T
	issuer org.D1Issuer
	token  string
	cards  *cardClient
	n      int // processor cards made
}

func newD1Client(t *testing.T, h *harness) *d1Client {
	t.Helper()
	d, err := org.Parse(fixtures.Default, fake.New(1))
	if err != nil {
		t.Fatal(err)
	}
	c := &d1Client{h: h, t: t, issuer: d.Orgs[0].D1Issuers[0], cards: h.cards(t, virtualAcct, virtualCust)}
	c.token = c.getToken(c.assertion(nil))
	return c
}

// assertion signs the JWT-bearer assertion, changed by mut.
func (c *d1Client) assertion(mut func(jwt.MapClaims)) string {
	now := c.now()
	claims := jwt.MapClaims{"iss": c.issuer.IssuerID, "sub": c.issuer.IssuerID, "exp": now.Add(10 * time.Minute).Unix(), "iat": now.Unix()}
	if mut != nil {
		mut(claims)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, claims)
	tok.Header["kid"] = c.issuer.SigningKey.KeyID
	s, err := tok.SignedString(c.issuer.SigningKey.Key.(*ecdsa.PrivateKey))
	if err != nil {
		c.t.Fatal(err)
	}
	return s
}

func (c *d1Client) now() time.Time {
	r := c.h.do("GET", "/_sim/clock?tenant="+tenantA, nil, nil)
	var clk struct {
		Now time.Time `json:"now"`
	}
	if err := json.Unmarshal(r.body, &clk); err != nil {
		c.t.Fatal(err)
	}
	return clk.Now
}

// getToken exchanges an assertion for a token with a form body, and fails unless it gets one.
func (c *d1Client) getToken(assertion string) string {
	c.t.Helper()
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {assertion}}.Encode()
	r := c.h.do("POST", "/authz/v1/oauth2/token", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, form)
	if r.status != 200 {
		c.t.Fatalf("token: %d %s", r.status, r.body)
	}
	return r.json(c.t)["access_token"].(string)
}

// register makes a VIRTUAL processor card and registers it with D1 as cardID; extra fields go in the body.
func (c *d1Client) register(cardID string, extra map[string]any) int64 {
	c.t.Helper()
	c.n++
	pid := c.cards.create(map[string]any{"name": fmt.Sprintf("d1 card %d", c.n), "type": "VIRTUAL"})
	body := map[string]any{"tenant": tenantA, "card_id": cardID, "processor_card_id": pid}
	for k, v := range extra {
		body[k] = v
	}
	if r := c.h.do("POST", "/_sim/d1/cards", nil, body); r.status != 201 {
		c.t.Fatalf("register %s: %d %s", cardID, r.status, r.body)
	}
	return pid
}

// path is a card's D1 path: the vendor's /banking/v1 one.
func (c *d1Client) path(cardID, rest string) string {
	return "/banking/v1/issuers/" + c.issuer.IssuerID + "/cards/" + cardID + "/" + rest
}

// op calls a card operation (suspend, resume, delete, renew) with body (nil: none).
func (c *d1Client) op(cardID, verb string, body any) response {
	c.t.Helper()
	return c.h.do("POST", c.path(cardID, "operations:"+verb), bearer(c.token), body)
}

// log lists a card's operations with the query.
func (c *d1Client) log(cardID, query string) map[string]any {
	c.t.Helper()
	r := c.h.do("GET", c.path(cardID, "operations")+query, bearer(c.token), nil)
	if r.status != 200 {
		c.t.Fatalf("operations of %s: %d %s", cardID, r.status, r.body)
	}
	return r.json(c.t)
}

// latest returns a card's newest operation.
func (c *d1Client) latest(cardID string) map[string]any {
	c.t.Helper()
	ops := c.log(cardID, "?limit=1")["operations"].([]any)
	if len(ops) == 0 {
		c.t.Fatalf("card %s has no operations", cardID)
	}
	return ops[0].(map[string]any)
}

// state returns a D1 card's state as the admin API lists it.
func (c *d1Client) card(cardID string) map[string]any {
	c.t.Helper()
	r := c.h.do("GET", "/_sim/d1/cards?tenant="+tenantA, nil, nil)
	for _, x := range r.json(c.t)["cards"].([]any) {
		if m := x.(map[string]any); m["card_id"] == cardID {
			return m
		}
	}
	c.t.Fatalf("no D1 card %s", cardID)
	return nil
}

// TestD1Token covers the JWT-bearer grant over HTTP, and which tokens open which routes.
func TestD1Token(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := newD1Client(t, h)
	c.register("tok-card", nil)

	jsonBody := map[string]any{"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": c.assertion(nil)}
	r := h.do("POST", "/authz/v1/oauth2/token", map[string]string{"x-correlation-id": "tok-1"}, jsonBody)
	m := r.json(t)
	if r.status != 200 || m["token_type"] != "Bearer" || m["expires_in"] != 900.0 || m["scope"] == "" || r.header.Get("x-correlation-id") != "tok-1" {
		t.Fatalf("JSON grant: %d %s %v", r.status, r.body, r.header)
	}
	for _, tc := range []struct {
		name  string
		body  any
		field string
		rule  string
	}{
		{"wrong grant type", map[string]any{"grant_type": "client_credentials", "assertion": c.assertion(nil)}, "/grant_type", "enum"},
		{"no assertion", map[string]any{"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer"}, "/assertion", "required"},
		{"sub is not iss", map[string]any{"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": c.assertion(func(m jwt.MapClaims) { m["sub"] = "SECONDBK01" })}, "/assertion", "sub"},
		{"exp too far", map[string]any{"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": c.assertion(func(m jwt.MapClaims) { m["exp"] = c.now().Add(time.Hour).Unix() })}, "/assertion", "exp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do("POST", "/authz/v1/oauth2/token", nil, tc.body)
			if r.status != 400 || !names(t, r, tc.field, tc.rule) {
				t.Fatalf("%d %s, want 400 naming %s %s", r.status, r.body, tc.field, tc.rule)
			}
		})
	}

	processor := h.token(tenantA, 0)
	list := c.path("tok-card", "operations")
	for _, tc := range []struct {
		name, method, path string
		headers            map[string]string
		status             int
		rule               string
	}{
		{"no token", "GET", list, nil, 401, "required"},
		{"a processor token on D1", "GET", list, bearer(processor), 401, "signature"},
		{"a D1 token on the processor", "GET", "/wallet/v1/cards/1", bearer(c.token, "x-customer-id", fmt.Sprint(virtualCust)), 401, "signature"},
		{"another issuer's path", "GET", "/banking/v1/issuers/SECONDBK01/cards/tok-card/operations", bearer(c.token), 403, "issuer"},
		{"the D1 token on its issuer", "GET", list, bearer(c.token), 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do(tc.method, tc.path, tc.headers, nil)
			if r.status != tc.status || (tc.rule != "" && !names(t, r, "", tc.rule)) {
				t.Fatalf("%d %s, want %d %s", r.status, r.body, tc.status, tc.rule)
			}
			if tc.status >= 400 && strings.HasPrefix(tc.path, "/banking") && r.json(t)["error"] == nil {
				t.Errorf("error not in D1's shape: %s", r.body)
			}
		})
	}
	h.advance(tenantA, "15m")
	if r := h.do("GET", list, bearer(c.token), nil); r.status != 401 || !names(t, r, "Authorization", "expired") {
		t.Errorf("after 15 minutes: %d %s, want 401 expired", r.status, r.body)
	}
}

// names reports whether an error body names the field (any when empty) with the rule.
func names(t *testing.T, r response, field, rule string) bool {
	t.Helper()
	var body struct {
		Errors []struct{ Field, Rule string } `json:"errors"`
	}
	_ = json.Unmarshal(r.body, &body)
	for _, e := range body.Errors {
		if (field == "" || e.Field == field) && e.Rule == rule {
			return true
		}
	}
	return false
}

// TestD1OperationsPerState walks every issuer operation over every card state, through the API: an allowed one
// answers 200 SUCCESSFUL and moves the card, a refused one answers 403 and is recorded FAILED with its error.
func TestD1OperationsPerState(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := newD1Client(t, h)
	n := 0
	// setup makes a card in the state.
	setup := func(state string) string {
		n++
		id := fmt.Sprintf("state-%d", n)
		switch state {
		case "ACTIVE", "INACTIVE":
			c.register(id, map[string]any{"state": state})
		case "SUSPENDED":
			c.register(id, nil)
			if r := c.op(id, "suspend", map[string]any{"reasonCode": "CARD_LOST"}); r.status != 200 {
				t.Fatalf("suspend: %d %s", r.status, r.body)
			}
		case "DELETED":
			c.register(id, nil)
			if r := c.op(id, "delete", nil); r.status != 200 {
				t.Fatalf("delete: %d %s", r.status, r.body)
			}
		case "REPLACED":
			c.register(id, nil)
			if r := c.op(id, "renew", map[string]any{"newCardId": id + "-new", "newCardState": "ACTIVE"}); r.status != 200 {
				t.Fatalf("renew: %d %s", r.status, r.body)
			}
		}
		return id
	}
	allowed := map[string]map[string]string{ // verb -> state -> state after
		"suspend": {"ACTIVE": "SUSPENDED"},
		"resume":  {"SUSPENDED": "ACTIVE"},
		"delete":  {"ACTIVE": "DELETED", "INACTIVE": "DELETED", "SUSPENDED": "DELETED"},
		"renew":   {"ACTIVE": "REPLACED", "INACTIVE": "REPLACED", "SUSPENDED": "REPLACED"},
	}
	for _, verb := range []string{"suspend", "resume", "delete", "renew"} {
		for _, state := range []string{"ACTIVE", "INACTIVE", "SUSPENDED", "DELETED", "REPLACED"} {
			t.Run(verb+" "+state, func(t *testing.T) {
				id := setup(state)
				var body any
				if verb == "renew" {
					body = map[string]any{"newCardId": id + "-next", "newCardState": "INACTIVE"}
				}
				r := c.op(id, verb, body)
				last := c.latest(id)
				after, ok := allowed[verb][state]
				if !ok {
					if r.status != 403 || !names(t, r, "cardId", "state") {
						t.Fatalf("%d %s, want 403 naming cardId state", r.status, r.body)
					}
					if last["operation"] != strings.ToUpper(verb) || last["status"] != "FAILED" || last["errorCode"] != d1.CodeCardState || last["error"] == "" {
						t.Errorf("refusal recorded as %v", last)
					}
					if got := c.card(id)["state"]; got != state {
						t.Errorf("a refused %s changed the card to %s", verb, got)
					}
					return
				}
				res := r.json(t)
				if r.status != 200 || res["status"] != "SUCCESSFUL" || res["operationId"] != last["operationId"] {
					t.Fatalf("%d %s (latest %v)", r.status, r.body, last)
				}
				if last["status"] != "SUCCESSFUL" || last["requestorType"] != "ISSUER" || last["requestorId"] != c.issuer.IssuerID || last["reasonCode"] != "ISSUER_DECISION" {
					t.Errorf("recorded as %v", last)
				}
				if got := c.card(id)["state"]; got != after {
					t.Errorf("card is %s, want %s", got, after)
				}
			})
		}
	}
}

// TestD1ReasonCodes covers the reason codes that fit or not per operation and state, and the end user rule.
func TestD1ReasonCodes(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := newD1Client(t, h)
	for i, tc := range []struct {
		name      string
		suspendAs string // "" leaves the card ACTIVE
		endUser   string
		verb      string
		reason    string
		status    int
		rule      string
	}{
		{"suspend for a lost card", "", "", "suspend", "CARD_LOST", 200, ""},
		{"suspend for a stolen card", "", "", "suspend", "CARD_STOLEN", 200, ""},
		{"suspend for a broken card", "", "", "suspend", "CARD_BROKEN", 200, ""},
		{"suspend because it was found", "", "", "suspend", "CARD_FOUND", 403, "reason_code"},
		{"resume a lost card found", "CARD_LOST", "", "resume", "CARD_FOUND", 200, ""},
		{"resume a stolen card found", "CARD_STOLEN", "", "resume", "CARD_FOUND", 403, "reason_code"},
		{"resume a stolen card by decision", "CARD_STOLEN", "", "resume", "ISSUER_DECISION", 200, ""},
		{"resume for a loss", "CARD_LOST", "", "resume", "CARD_LOST", 403, "reason_code"},
		{"resume of a deactivated end user", "CARD_LOST", "INACTIVE", "resume", "", 403, "end_user"},
		{"delete for a loss", "", "", "delete", "CARD_LOST", 403, "reason_code"},
		{"renew for a theft", "", "", "renew", "CARD_STOLEN", 403, "reason_code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := fmt.Sprintf("reason-%d", i)
			extra := map[string]any{}
			if tc.endUser != "" {
				extra["end_user_state"] = tc.endUser
			}
			c.register(id, extra)
			if tc.suspendAs != "" {
				if r := c.op(id, "suspend", map[string]any{"reasonCode": tc.suspendAs}); r.status != 200 {
					t.Fatalf("suspend: %d %s", r.status, r.body)
				}
			}
			body := map[string]any{"reason": "customer called"}
			if tc.reason != "" {
				body["reasonCode"] = tc.reason
			}
			if tc.verb == "renew" {
				body["newCardId"], body["newCardState"] = id+"-new", "ACTIVE"
			}
			r := c.op(id, tc.verb, body)
			if r.status != tc.status || (tc.rule != "" && !names(t, r, "", tc.rule)) {
				t.Fatalf("%d %s, want %d %s", r.status, r.body, tc.status, tc.rule)
			}
			last := c.latest(id)
			want := tc.reason
			if want == "" {
				want = "ISSUER_DECISION"
			}
			if last["reasonCode"] != want || last["reason"] != "customer called" {
				t.Errorf("recorded reason %v %v, want %s", last["reasonCode"], last["reason"], want)
			}
			if (tc.status == 200) != (last["status"] == "SUCCESSFUL") {
				t.Errorf("recorded status %v for a %d", last["status"], tc.status)
			}
		})
	}
}

// TestD1Constraints breaks one constraint of seed 004 per row, on the vendor's and on the seed's bare paths, and
// checks the 400 names the field and the rule.
func TestD1Constraints(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := newD1Client(t, h)
	c.register("card-1", nil)
	iss := c.issuer.IssuerID
	base := "/banking/v1/issuers/" + iss + "/cards/card-1/"
	long := strings.Repeat("a", 65)
	renew := func(mut func(map[string]any)) map[string]any {
		b := map[string]any{"newCardId": "card-2", "newCardState": "ACTIVE"}
		mut(b)
		return b
	}
	for _, tc := range []struct {
		name, method, path string
		headers            map[string]string
		body               any
		field, rule        string
	}{
		{"issuerId of 9", "POST", "/banking/v1/issuers/ABCDEFGHI/cards/card-1/operations:suspend", nil, nil, "issuerId", "minLength"},
		{"issuerId of 11", "POST", "/banking/v1/issuers/ABCDEFGHIJK/cards/card-1/operations:suspend", nil, nil, "issuerId", "maxLength"},
		{"issuerId of 9, bare path", "POST", "/issuers/ABCDEFGHI/cards/card-1/operations:resume", nil, nil, "issuerId", "minLength"},
		{"cardId pattern", "POST", "/banking/v1/issuers/" + iss + "/cards/card.1/operations:suspend", nil, nil, "cardId", "pattern"},
		{"cardId of 49", "POST", "/banking/v1/issuers/" + iss + "/cards/" + strings.Repeat("c", 49) + "/operations:delete", nil, nil, "cardId", "maxLength"},
		{"x-correlation-id pattern", "POST", base + "operations:suspend", map[string]string{"x-correlation-id": "a/b"}, nil, "x-correlation-id", "pattern"},
		{"x-correlation-id of 65", "GET", base + "operations", map[string]string{"x-correlation-id": long}, nil, "x-correlation-id", "maxLength"},
		{"reason pattern", "POST", base + "operations:suspend", nil, map[string]any{"reason": "lost!"}, "/reason", "pattern"},
		{"reason of 65", "POST", "/issuers/" + iss + "/cards/card-1/operations:suspend", nil, map[string]any{"reason": long}, "/reason", "maxLength"},
		{"reasonCode enum", "POST", base + "operations:delete", nil, map[string]any{"reasonCode": "CARD_MISLAID"}, "/reasonCode", "enum"},
		{"renew without newCardId", "POST", base + "operations:renew", nil, map[string]any{"newCardState": "ACTIVE"}, "/newCardId", "required"},
		{"renew without newCardState", "POST", base + "operations:renew", nil, map[string]any{"newCardId": "card-2"}, "/newCardState", "required"},
		{"newCardState enum", "POST", base + "operations:renew", nil, renew(func(b map[string]any) { b["newCardState"] = "SUSPENDED" }), "/newCardState", "enum"},
		{"newCardId pattern", "POST", base + "operations:renew", nil, renew(func(b map[string]any) { b["newCardId"] = "card 2" }), "/newCardId", "pattern"},
		{"newCardProductId of 49", "POST", base + "operations:renew", nil, renew(func(b map[string]any) { b["newCardProductId"] = strings.Repeat("p", 49) }), "/newCardProductId", "maxLength"},
		{"encryptedData of 4 parts", "POST", base + "operations:renew", nil, renew(func(b map[string]any) { b["encryptedData"] = "a.b.c.d" }), "/encryptedData", "pattern"},
		{"encryptedData over 8192", "POST", base + "operations:renew", nil, renew(func(b map[string]any) { b["encryptedData"] = "a.b.c.d." + strings.Repeat("e", 8190) }), "/encryptedData", "maxLength"},
		{"renew without a body", "POST", base + "operations:renew", nil, nil, "/", "required"},
		{"offset -1", "GET", base + "operations?offset=-1", nil, nil, "offset", "minimum"},
		{"limit 0", "GET", base + "operations?limit=0", nil, nil, "limit", "minimum"},
		{"limit 51", "GET", base + "operations?limit=51", nil, nil, "limit", "maximum"},
		{"limit not a number", "GET", "/issuers/" + iss + "/cards/card-1/operations?limit=ten", nil, nil, "limit", "type"},
		{"operationId pattern", "GET", base + "operations/op.1", nil, nil, "operationId", "pattern"},
		{"operationId of 65", "GET", base + "operations/" + long, nil, nil, "operationId", "maxLength"},
		{"digitalCardInfo not a boolean", "GET", base + "operations/op1?digitalCardInfo=maybe", nil, nil, "digitalCardInfo", "type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			headers := bearer(c.token)
			for k, v := range tc.headers {
				headers[k] = v
			}
			r := h.do(tc.method, tc.path, headers, tc.body)
			if r.status != 400 || !names(t, r, tc.field, tc.rule) {
				t.Fatalf("%d %s, want 400 naming %s %s", r.status, r.body, tc.field, tc.rule)
			}
			if r.json(t)["error"] == nil {
				t.Errorf("not D1's error shape: %s", r.body)
			}
		})
	}
	// The limits themselves pass, on both path spaces, and an absent reasonCode means ISSUER_DECISION.
	for _, p := range []string{base + "operations?limit=1", base + "operations?limit=50", "/issuers/" + iss + "/cards/card-1/operations?offset=0"} {
		if r := h.do("GET", p, bearer(c.token), nil); r.status != 200 {
			t.Errorf("GET %s: %d %s", p, r.status, r.body)
		}
	}
	ok := strings.Repeat("x", 64)
	if r := h.do("POST", "/issuers/"+iss+"/cards/card-1/operations:suspend", bearer(c.token, "x-correlation-id", "run 7.a_b-"+ok[:53]), map[string]any{"reason": strings.Repeat("r", 64)}); r.status != 200 || r.header.Get("x-correlation-id") != "run 7.a_b-"+ok[:53] {
		t.Errorf("64-character reason and correlation id: %d %s %v", r.status, r.body, r.header)
	}
	if got := c.latest("card-1")["reasonCode"]; got != "ISSUER_DECISION" {
		t.Errorf("default reasonCode %v", got)
	}
	// An unknown card has an empty log, but an operation on it is 404.
	if m := c.log("nobody", ""); len(m["operations"].([]any)) != 0 || m["remainingOperations"] != 0.0 {
		t.Errorf("log of an unknown card: %v", m)
	}
	if r := c.op("nobody", "suspend", nil); r.status != 404 || !names(t, r, "cardId", "exists") {
		t.Errorf("suspend of an unknown card: %d %s", r.status, r.body)
	}
}

// TestD1Pagination covers the log's paging: newest first, default 10, limit 1 and 50, offset past the end and
// remainingOperations.
func TestD1Pagination(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := newD1Client(t, h)
	c.register("pages", nil) // REGISTER
	for i := range 12 {      // 12 more: SUSPEND, RESUME, ...
		verb := "suspend"
		if i%2 == 1 {
			verb = "resume"
		}
		if r := c.op("pages", verb, map[string]any{"reason": fmt.Sprintf("step %d", i)}); r.status != 200 {
			t.Fatalf("%s: %d %s", verb, r.status, r.body)
		}
	}
	all := c.log("pages", "?limit=50")["operations"].([]any)
	if len(all) != 13 || all[0].(map[string]any)["reason"] != "step 11" || all[12].(map[string]any)["operation"] != "REGISTER" {
		t.Fatalf("the whole log is not newest first: %v", all)
	}
	for _, tc := range []struct {
		query     string
		n         int
		remaining int
		first     int // index into all
	}{
		{"", 10, 3, 0},
		{"?limit=1", 1, 12, 0},
		{"?limit=50", 13, 0, 0},
		{"?offset=2&limit=5", 5, 6, 2},
		{"?offset=12&limit=5", 1, 0, 12},
		{"?offset=13", 0, 0, -1},
		{"?offset=100&limit=1", 0, 0, -1},
	} {
		t.Run(tc.query, func(t *testing.T) {
			m := c.log("pages", tc.query)
			ops := m["operations"].([]any)
			if len(ops) != tc.n || m["remainingOperations"] != float64(tc.remaining) {
				t.Fatalf("%d operations, %v remaining; want %d, %d", len(ops), m["remainingOperations"], tc.n, tc.remaining)
			}
			if tc.first >= 0 && ops[0].(map[string]any)["operationId"] != all[tc.first].(map[string]any)["operationId"] {
				t.Errorf("page starts at %v, want %v", ops[0], all[tc.first])
			}
		})
	}
}

// TestD1Retention proves operations leave the log three months after they started, as a job on the tenant's
// clock: one second before, they are there.
func TestD1Retention(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := newD1Client(t, h)
	c.register("old", nil)
	first := c.latest("old")["operationId"].(string)
	h.advance(tenantA, "720h") // 30 days
	c.token = c.getToken(c.assertion(nil))
	if r := c.op("old", "suspend", nil); r.status != 200 {
		t.Fatalf("suspend: %d %s", r.status, r.body)
	}
	// 2026-01-01 plus three months is 2026-04-01: 90 days on.
	h.advance(tenantA, "1439h59m59s") // 90 days less a second after the first
	c.token = c.getToken(c.assertion(nil))
	if n := len(c.log("old", "")["operations"].([]any)); n != 2 {
		t.Fatalf("a second before three months: %d operations, want 2", n)
	}
	ran := h.advance(tenantA, "1s")
	if len(ran.Ran) != 1 || ran.Ran[0].Kind != d1.JobRetention {
		t.Errorf("the advance ran %+v, want one %s", ran.Ran, d1.JobRetention)
	}
	ops := c.log("old", "")["operations"].([]any)
	if len(ops) != 1 || ops[0].(map[string]any)["operation"] != "SUSPEND" {
		t.Fatalf("after three months: %v, want only the SUSPEND", ops)
	}
	if r := h.do("GET", c.path("old", "operations/"+first), bearer(c.token), nil); r.status != 404 || !names(t, r, "operationId", "exists") {
		t.Errorf("get the removed operation: %d %s", r.status, r.body)
	}
}

// TestD1RenewWithEncryptedData sends the new card's data as a JWE the issuer encrypts to D1's fixture key: the
// simulator decrypts it, the new card takes the digital cards and the data, and a JWE D1 cannot read is 400.
func TestD1RenewWithEncryptedData(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := newD1Client(t, h)
	c.register("old-card", map[string]any{"digital_cards": []map[string]any{{"token_requestor_name": "Wallet Pay", "device_type": "PHONE", "device_name": "Ana's phone"}}})
	pub := &c.issuer.DecryptionKey().PublicKey
	kid := c.issuer.EncryptionKey.KeyID
	seal := func(d d1.CardData, k *ecdsa.PublicKey, kid string) string {
		s, err := d1.Encrypt(d, k, kid)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	other := c.issuer.SigningPublicKey()
	for _, tc := range []struct {
		name, jwe, field, rule string
	}{
		{"another key", seal(d1.CardData{PAN: "4111112200000027", Exp: "1230"}, other, kid), "/encryptedData", "decrypt"},
		{"another kid", seal(d1.CardData{PAN: "4111112200000027", Exp: "1230"}, pub, "nobody"), "/encryptedData", "kid"},
		{"short pan", seal(d1.CardData{PAN: "411111220", Exp: "1230"}, pub, kid), "/encryptedData/pan", "pattern"},
		{"exp not MMYY", seal(d1.CardData{PAN: "4111112200000027", Exp: "3012"}, pub, kid), "/encryptedData/exp", "pattern"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.op("old-card", "renew", map[string]any{"newCardId": "new-card", "newCardState": "ACTIVE", "encryptedData": tc.jwe})
			if r.status != 400 || !names(t, r, tc.field, tc.rule) || strings.Contains(string(r.body), "4111112200000027") {
				t.Fatalf("%d %s, want 400 naming %s %s", r.status, r.body, tc.field, tc.rule)
			}
		})
	}
	if n := len(c.log("old-card", "")["operations"].([]any)); n != 2 {
		t.Errorf("a bad request was recorded: %d operations, want REGISTER and DIGITIZE", n)
	}
	jwe := seal(d1.CardData{PAN: "4111112200000027", Exp: "1230"}, pub, kid)
	r := c.op("old-card", "renew", map[string]any{"newCardId": "new-card", "newCardState": "INACTIVE", "encryptedData": jwe, "newCardProductId": "same-product"})
	if r.status != 200 {
		t.Fatalf("renew: %d %s", r.status, r.body)
	}
	old, next := c.card("old-card"), c.card("new-card")
	if old["state"] != "REPLACED" || old["replaced_by"] != "new-card" || len(old["digital_cards"].([]any)) != 0 {
		t.Errorf("old card %v", old)
	}
	if next["state"] != "INACTIVE" || next["last_four"] != "0027" || next["expiry"] != "1230" || len(next["digital_cards"].([]any)) != 1 || next["processor_card_id"] != old["processor_card_id"] {
		t.Errorf("new card %v", next)
	}
	last := c.latest("old-card")
	details := last["details"].(map[string]any)
	if last["operation"] != "RENEW" || details["newCardId"] != "new-card" || details["newCardState"] != "INACTIVE" {
		t.Errorf("renew recorded as %v", last)
	}
	// The new card id is now live: renewing another card into it is refused and recorded.
	c.register("third", nil)
	if r := c.op("third", "renew", map[string]any{"newCardId": "new-card", "newCardState": "ACTIVE"}); r.status != 403 || !names(t, r, "/newCardId", "unique") {
		t.Errorf("renew into a live card: %d %s", r.status, r.body)
	}
	if got := c.latest("third"); got["status"] != "FAILED" || got["errorCode"] != d1.CodeCardExists {
		t.Errorf("refused renew recorded as %v", got)
	}
}

// TestD1DigitalCardInfo proves get operation adds the digital card's device and token requestor to a DIGITIZE
// operation only when digitalCardInfo is true, and that delete removes the digital cards.
func TestD1DigitalCardInfo(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := newD1Client(t, h)
	c.register("tokens", map[string]any{"digital_cards": []map[string]any{{"token_requestor_id": "40010030273", "token_requestor_name": "Wallet Pay", "device_type": "PHONE", "device_name": "Ana's phone"}}})
	digitize := c.latest("tokens")
	if digitize["operation"] != "DIGITIZE" || digitize["requestorType"] != "USER" || digitize["requestorId"] != fmt.Sprint(virtualCust) {
		t.Fatalf("digitize recorded as %v", digitize)
	}
	get := func(query string) map[string]any {
		r := h.do("GET", c.path("tokens", "operations/"+digitize["operationId"].(string))+query, bearer(c.token), nil)
		if r.status != 200 {
			t.Fatalf("get: %d %s", r.status, r.body)
		}
		return r.json(t)["details"].(map[string]any)
	}
	if d := get(""); d["digitalCardId"] == nil || d["deviceName"] != nil {
		t.Errorf("without digitalCardInfo: %v", d)
	}
	if d := get("?digitalCardInfo=true"); d["deviceName"] != "Ana's phone" || d["tokenRequestorName"] != "Wallet Pay" || d["tokenRequestorId"] != "40010030273" {
		t.Errorf("with digitalCardInfo: %v", d)
	}
	if r := h.do("GET", "/banking/v1/issuers/"+c.issuer.IssuerID+"/cards/other/operations/"+digitize["operationId"].(string), bearer(c.token), nil); r.status != 404 {
		t.Errorf("another card's operation: %d %s", r.status, r.body)
	}
	if r := c.op("tokens", "suspend", nil); r.status != 200 || len(c.card("tokens")["digital_cards"].([]any)) != 1 {
		t.Errorf("suspend touched the digital cards: %v", c.card("tokens"))
	}
	if r := c.op("tokens", "delete", nil); r.status != 200 || len(c.card("tokens")["digital_cards"].([]any)) != 0 {
		t.Errorf("delete left the digital cards: %v", c.card("tokens"))
	}
}

// TestD1Notifications proves each operation's outcome is posted to the issuer's receiver in D1's body, retried
// on the tenant's clock like a webhook, and shown with its attempts in the delivery log; without a receiver
// nothing is sent.
func TestD1Notifications(t *testing.T) {
	type got struct {
		path, cid string
		body      []byte
	}
	var mu sync.Mutex
	var received []got
	fail := 1
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		received = append(received, got{r.URL.Path, r.Header.Get("x-correlation-id"), b})
		if fail > 0 {
			fail--
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer recv.Close()
	h := newHarness(t, sim.Config{Seed: 1})
	c := newD1Client(t, h)
	c.register("quiet", nil) // no receiver yet: its REGISTER is logged, not sent
	// The dispatcher picks the receiver when it delivers: wait until it has dealt with the REGISTER, or a
	// loaded machine lets it see the receiver set below.
	waitFor(t, h.sim.WebhooksIdle)
	r := h.do("PUT", "/_sim/d1/issuers/"+c.issuer.IssuerID+"/settings", nil, map[string]any{"tenant": tenantA, "notification_url": recv.URL})
	if r.status != 200 || r.json(t)["notification_url"] != recv.URL {
		t.Fatalf("settings: %d %s", r.status, r.body)
	}
	if r := h.do("PUT", "/_sim/d1/issuers/"+c.issuer.IssuerID+"/settings", nil, map[string]any{"tenant": tenantA, "notification_url": "ftp://x"}); r.status != 400 || !names(t, r, "/notification_url", "format") {
		t.Errorf("a bad URL: %d %s", r.status, r.body)
	}
	if r := c.h.do("POST", c.path("quiet", "operations:suspend"), bearer(c.token, "x-correlation-id", "issuer-run-1"), map[string]any{"reasonCode": "CARD_LOST"}); r.status != 200 {
		t.Fatalf("suspend: %d %s", r.status, r.body)
	}
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(received) }
	waitFor(t, func() bool { return count() == 1 })
	h.waitForRetry(tenantA)
	h.advance(tenantA, "5s") // the first retry is due
	waitFor(t, func() bool { return count() == 2 })

	mu.Lock()
	first, retry := received[0], received[1]
	mu.Unlock()
	if first.path != "/notifications/d1/v2/issuers/"+c.issuer.IssuerID+"/cards" || first.cid != "issuer-run-1" || string(first.body) != string(retry.body) {
		t.Errorf("delivery %s %s %s / retry %s", first.path, first.cid, first.body, retry.body)
	}
	var body struct {
		Operations []map[string]any `json:"operations"`
	}
	if err := json.Unmarshal(retry.body, &body); err != nil || len(body.Operations) != 1 {
		t.Fatalf("body %s: %v", retry.body, err)
	}
	item := body.Operations[0]
	if item["operation"] != "SUSPEND" || item["status"] != "SUCCESSFUL" || item["cardId"] != "quiet" || item["reasonCode"] != "CARD_LOST" || item["operationId"] != c.latest("quiet")["operationId"] {
		t.Errorf("notified %v", item)
	}

	var log []any
	waitFor(t, func() bool { // the dispatcher records the attempt once the receiver has answered
		log = h.do("GET", "/_sim/d1/notifications?tenant="+tenantA, nil, nil).json(t)["notifications"].([]any)
		return len(log) == 2 && len(log[1].(map[string]any)["attempts"].([]any)) == 2
	})
	if len(log) != 2 {
		t.Fatalf("delivery log has %d notifications, want REGISTER and SUSPEND", len(log))
	}
	reg, sus := log[0].(map[string]any), log[1].(map[string]any)
	if len(reg["attempts"].([]any)) != 0 {
		t.Errorf("the REGISTER without a receiver was attempted: %v", reg)
	}
	attempts := sus["attempts"].([]any)
	if len(attempts) != 2 || attempts[0].(map[string]any)["status"] != 503.0 || attempts[1].(map[string]any)["status"] != 204.0 || sus["cid"] != "issuer-run-1" {
		t.Errorf("suspend's attempts %v", sus)
	}
	b, _ := json.Marshal(sus["body"])
	if !jsonEqual(b, retry.body) {
		t.Errorf("logged body %s, sent %s", b, retry.body)
	}
	// A refused operation is notified as FAILED.
	if r := c.op("quiet", "suspend", nil); r.status != 403 {
		t.Fatalf("suspend twice: %d %s", r.status, r.body)
	}
	waitFor(t, func() bool { return count() == 3 })
	mu.Lock()
	refused := string(received[2].body)
	mu.Unlock()
	if !strings.Contains(refused, `"status":"FAILED"`) || !strings.Contains(refused, `"errorCode":"`+d1.CodeCardState+`"`) {
		t.Errorf("refusal notified as %s", refused)
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

// TestD1Drift proves the drift report lists a D1 card whose processor card was blocked without D1 being told,
// clears once the issuer suspends it at D1, and that with propagation on a processor change reaches D1 itself.
func TestD1Drift(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := newD1Client(t, h)
	pid := c.register("drifter", nil)
	drift := func() []any {
		return h.do("GET", "/_sim/drift?tenant="+tenantA, nil, nil).json(t)["cards"].([]any)
	}
	status := func(s string) {
		t.Helper()
		if r := h.do("PUT", c.cards.path(pid, "status"), c.cards.hdr(), map[string]any{"status": s}); r.status != 200 {
			t.Fatalf("processor status %s: %d %s", s, r.status, r.body)
		}
	}
	if d := drift(); len(d) != 0 {
		t.Fatalf("drift before any change: %v", d)
	}
	status("BLOCKED") // the processor first...
	d := drift()
	if len(d) != 1 {
		t.Fatalf("drift after a processor block: %v", d)
	}
	item := d[0].(map[string]any)
	if item["card_id"] != "drifter" || item["d1_state"] != "ACTIVE" || item["processor_status"] != "BLOCKED" || item["expected"].([]any)[0] != "SUSPENDED" || item["processor_card_id"] != float64(pid) {
		t.Errorf("drift item %v", item)
	}
	if r := c.op("drifter", "suspend", nil); r.status != 200 { // ...then D1
		t.Fatalf("suspend: %d %s", r.status, r.body)
	}
	if d := drift(); len(d) != 0 {
		t.Errorf("drift after D1 followed: %v", d)
	}

	// With propagation on, the processor's change reaches D1 as an operation D1 requested itself.
	h.do("PUT", "/_sim/d1/issuers/"+c.issuer.IssuerID+"/settings", nil, map[string]any{"tenant": tenantA, "propagate_processor_events": true})
	status("NORMAL")
	last := c.latest("drifter")
	if last["operation"] != "RESUME" || last["requestorType"] != "D1" || last["requestorId"] != "D1" || c.card("drifter")["state"] != "ACTIVE" {
		t.Errorf("propagated unblock recorded as %v, card %v", last, c.card("drifter"))
	}
	status("CANCELED")
	if got := c.card("drifter")["state"]; got != "DELETED" || len(drift()) != 0 {
		t.Errorf("propagated cancel: card %v, drift %v", got, drift())
	}
}
