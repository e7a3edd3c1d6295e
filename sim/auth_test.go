package sim_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/issuersim/issuersim/gen/simadminclient"
	"github.com/issuersim/issuersim/sim"
)

// TestPassportToken proves the fixture credential gets a working account token and a wrong secret gets 401.
func TestPassportToken(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	r := h.do("POST", "/passport/v2/s2s/access-token", nil, map[string]any{"server_key": "sandbox-server-key", "server_secret": "sandbox-server-secret", "account_id": virtualAcct})
	if r.status != 201 {
		t.Fatalf("token: %d %s", r.status, r.body)
	}
	body := r.json(t)
	if body["tenant"] != tenantA || body["account_id"] != float64(virtualAcct) {
		t.Errorf("token response %s", r.body)
	}
	tok := body["token"].(string)
	if r := h.do("GET", "/wallet/v1/cards", bearer(tok), nil); r.status != 200 {
		t.Errorf("using the token: %d %s", r.status, r.body)
	}
	r = h.do("POST", "/passport/v2/s2s/access-token", nil, map[string]any{"server_key": "sandbox-server-key", "server_secret": "wrong"})
	if r.status != 401 || !strings.Contains(string(r.body), "Invalid credentials") {
		t.Errorf("wrong secret: %d %s", r.status, r.body)
	}
	r = h.do("POST", "/passport/v2/s2s/access-token", nil, map[string]any{"server_key": "sandbox-server-key", "server_secret": "sandbox-server-secret", "account_id": 1})
	assertFault(t, r, 400, "/account_id", "exists")
}

// TestUnauthorized walks the ways a bearer token is refused with 401, naming Authorization and the rule.
func TestUnauthorized(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	good := h.token(tenantA, virtualAcct)
	other := newHarness(t, sim.Config{Seed: 2}).token(tenantA, virtualAcct) // signed with another instance's key
	for _, tc := range []struct {
		name, header, rule string
	}{
		{"missing", "", "required"},
		{"not bearer", "Basic dXNlcjpwYXNz", "format"},
		{"malformed", "Bearer not.a.jwt", "format"},
		{"bad signature", "Bearer " + other, "signature"},
		{"tampered", "Bearer " + good[:len(good)-3] + "abc", "signature"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hdr := map[string]string{"x-customer-id": fmt.Sprint(virtualCust)}
			if tc.header != "" {
				hdr["Authorization"] = tc.header
			}
			assertFault(t, h.do("GET", "/wallet/v1/cards/1", hdr, nil), 401, "Authorization", tc.rule)
		})
	}
	t.Run("expired", func(t *testing.T) {
		h.advance(tenantA, "61m")
		assertFault(t, h.do("GET", "/wallet/v1/cards", bearer(good), nil), 401, "Authorization", "expired")
	})
}

// TestForbidden walks the 403 cases: a token without an account, another account's path, customer or card,
// and another tenant's token.
func TestForbidden(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	vtok := h.token(tenantA, virtualAcct)
	ptok := h.token(tenantA, plasticAcct)
	noAcct := h.token(tenantA, 0)
	btok := h.token(tenantB, virtualAcct) // tenant B has an account with the same id
	r := h.do("POST", "/wallet/v2/cards", bearer(vtok, "x-customer-id", fmt.Sprint(virtualCust)), map[string]any{"name": "mine", "type": "VIRTUAL"})
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	statusPath := func(cust, acct int64) string {
		return fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards/1/status", cust, acct)
	}
	for _, tc := range []struct {
		name, method, path string
		hdr                map[string]string
		body               any
		status             int
		field, rule        string
	}{
		{"token without account", "GET", "/wallet/v1/cards", bearer(noAcct), nil, 403, "Authorization", "account_token"},
		{"other account in path", "GET", fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards", plasticCust, plasticAcct), bearer(vtok), nil, 403, "accountId", "account"},
		{"other account's card", "GET", "/wallet/v1/cards/1", bearer(ptok, "x-customer-id", fmt.Sprint(plasticCust)), nil, 403, "cardId", "account"},
		{"x-account-id not the token's", "GET", "/wallet/v1/cards/1", bearer(vtok, "x-customer-id", fmt.Sprint(virtualCust), "x-account-id", fmt.Sprint(plasticAcct)), nil, 403, "x-account-id", "account"},
		{"customer of another account in the path", "GET", fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards", plasticCust, virtualAcct), bearer(vtok), nil, 403, "customerId", "customer"},
		{"status of other account's card", "PUT", statusPath(plasticCust, plasticAcct), bearer(vtok), map[string]any{"status": "BLOCKED"}, 403, "accountId", "account"},
		{"x-tenant of another tenant", "PUT", statusPath(virtualCust, virtualAcct), bearer(btok, "x-tenant", tenantA), map[string]any{"status": "BLOCKED"}, 403, "x-tenant", "tenant"},
		{"other tenant's card is not even found", "PUT", statusPath(virtualCust, virtualAcct), bearer(btok), map[string]any{"status": "BLOCKED"}, 404, "cardId", "exists"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := map[string]string{"Authorization": "header", "x-account-id": "header", "x-tenant": "header"}[tc.field]
			if in == "" {
				in = "path"
			}
			assertFaultIn(t, h.do(tc.method, tc.path, tc.hdr, tc.body), tc.status, tc.field, in, tc.rule)
		})
	}
	if n := len(h.events(tenantA, simadminclient.ListEventsParams{EventType: ptr("update-1")})); n != 0 {
		t.Errorf("a refused request emitted %d events", n)
	}
}

// TestOAuthClientCredentials proves the client-credentials grant works form-encoded and as JSON, scopes the
// token to uid's account, and refuses a wrong secret with 401.
func TestOAuthClientCredentials(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	form := "grant_type=client_credentials&client_id=sandbox-server-key&client_secret=sandbox-server-secret&scope=pismo-v1%3Acards%3Arw&uid=" + fmt.Sprint(virtualAcct)
	r := h.do("POST", "/passport/v2/oauth/token", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, form)
	if r.status != 200 {
		t.Fatalf("form grant: %d %s", r.status, r.body)
	}
	body := r.json(t)
	if body["token_type"] != "Bearer" || body["expires_in"] != float64(3600) || body["scope"] != "pismo-v1:cards:rw" {
		t.Errorf("token response %s", r.body)
	}
	if r := h.do("GET", "/wallet/v1/cards", bearer(body["access_token"].(string)), nil); r.status != 200 {
		t.Errorf("using the token: %d %s", r.status, r.body)
	}
	r = h.do("POST", "/passport/v2/oauth/token", nil, map[string]any{"grant_type": "client_credentials", "client_id": "sandbox-server-key", "client_secret": "nope", "scope": "x"})
	if r.status != 401 {
		t.Errorf("wrong secret: %d %s", r.status, r.body)
	}
	r = h.do("POST", "/passport/v2/oauth/token", nil, map[string]any{"grant_type": "password", "client_id": "a", "client_secret": "b", "scope": "x"})
	assertFault(t, r, 400, "/grant_type", "enum")
}
