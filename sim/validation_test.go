package sim_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/issuersim/issuersim/sim"
)

// TestCreateCardValidation sends one valid body and one mutation per row; each refusal is a 400 in the
// processor's shape naming the field and the rule, and none changes state.
func TestCreateCardValidation(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	tok := h.token(tenantA, virtualAcct)
	hdr := bearer(tok, "x-customer-id", fmt.Sprint(virtualCust))
	valid := func() map[string]any { return map[string]any{"name": "Valid", "type": "VIRTUAL"} }
	for _, tc := range []struct {
		name   string
		mutate func(map[string]any)
		hdr    map[string]string
		field  string
		rule   string
	}{
		{"missing name", func(b map[string]any) { delete(b, "name") }, hdr, "/name", "required"},
		{"missing type", func(b map[string]any) { delete(b, "type") }, hdr, "/type", "required"},
		{"wrong type enum", func(b map[string]any) { b["type"] = "METAL" }, hdr, "/type", "enum"},
		{"wrong pin_length enum", func(b map[string]any) { b["pin_length"] = 5 }, hdr, "/pin_length", "enum"},
		{"name too long", func(b map[string]any) { b["name"] = strings.Repeat("n", 51) }, hdr, "/name", "maxLength"},
		{"printed name too long", func(b map[string]any) { b["printed_name"] = strings.Repeat("A", 27) }, hdr, "/printed_name", "maxLength"},
		{"printed name with digits", func(b map[string]any) { b["printed_name"] = "R2D2" }, hdr, "/printed_name", "pattern"},
		{"cvv interval too large", func(b map[string]any) { b["cvv_rotation_interval_hours"] = 4321 }, hdr, "/cvv_rotation_interval_hours", "maximum"},
		{"name of the wrong type", func(b map[string]any) { b["name"] = 7 }, hdr, "/name", "type"},
		{"missing x-customer-id", func(map[string]any) {}, bearer(tok), "x-customer-id", "required"},
		{"x-customer-id not a number", func(map[string]any) {}, bearer(tok, "x-customer-id", "abc"), "x-customer-id", "type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := valid()
			tc.mutate(b)
			assertFault(t, h.do("POST", "/wallet/v2/cards", tc.hdr, b), 400, tc.field, tc.rule)
		})
	}
	t.Run("body is not JSON", func(t *testing.T) {
		assertFault(t, h.do("POST", "/wallet/v2/cards", hdr, "{not json"), 400, "/", "json")
	})
	t.Run("faults in a stable order", func(t *testing.T) {
		body := map[string]any{"type": "METAL", "pin_length": 5, "printed_name": "R2D2", "cvv_rotation_interval_hours": 0}
		first := h.do("POST", "/wallet/v2/cards", bearer(tok), body)
		for range 20 {
			if again := h.do("POST", "/wallet/v2/cards", bearer(tok), body); string(again.body) != string(first.body) {
				t.Fatalf("error body changed between identical requests:\n%s\n%s", first.body, again.body)
			}
		}
		if !strings.Contains(string(first.body), `"errors":[{"field":"x-customer-id"`) {
			t.Errorf("header fault not first: %s", first.body)
		}
	})
	t.Run("value never echoed", func(t *testing.T) {
		r := h.do("POST", "/wallet/v2/cards", hdr, map[string]any{"name": "4111111111111111", "type": "VIRTUAL", "printed_name": "4111111111111111"})
		if r.status != 400 || strings.Contains(string(r.body), "4111111111111111") {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
	if n := len(h.events(tenantA, all)); n != 0 {
		t.Fatalf("invalid requests emitted %d events", n)
	}
	if r := h.do("POST", "/wallet/v2/cards", hdr, valid()); r.status != 201 {
		t.Fatalf("valid body: %d %s", r.status, r.body)
	}
}

// TestNotFoundAndMethodNotAllowed checks the JSON 404 and 405 answers.
func TestNotFoundAndMethodNotAllowed(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	r := h.do("GET", "/wallet/v9/nothing", nil, nil)
	if r.status != 404 || r.header.Get("Content-Type") != "application/json" || !strings.Contains(string(r.body), `"message"`) {
		t.Errorf("404: %d %s", r.status, r.body)
	}
	r = h.do("DELETE", "/wallet/v2/cards", nil, nil)
	if r.status != 405 || r.header.Get("Allow") != "POST" || !strings.Contains(string(r.body), "allowed: POST") {
		t.Errorf("405: %d %v %s", r.status, r.header, r.body)
	}
	r = h.do("GET", "/banking/v1/issuers/ABCDEFGHIJ/cards/c1/operations:nothing", nil, nil)
	if r.status != 404 || !strings.Contains(string(r.body), `"error"`) {
		t.Errorf("D1 404 not in D1 shape: %d %s", r.status, r.body)
	}
}
