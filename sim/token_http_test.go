package sim_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image/png"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/issuersim/issuersim/openapi"
	"github.com/issuersim/issuersim/sim"
)

// A Visa account of fixtures/default.json (program 3002); virtualAcct's program 3001 is Mastercard's.
const (
	visaAcct = 8675311
	visaCust = 103625637
)

// provision plays a network provisioning a token for the card and returns the admin API's answer.
func (c *cardClient) provision(id int64, body map[string]any) map[string]any {
	c.t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	r := c.h.do("POST", fmt.Sprintf("/_sim/cards/%d/network-tokens", id), nil, body)
	if r.status != 200 {
		c.t.Fatalf("provision a token for card %d with %v: %d %s", id, body, r.status, r.body)
	}
	return r.json(c.t)
}

func tokenPath(card int64, rest string) string {
	if rest == "" {
		return fmt.Sprintf("/cards-tokenization/v1/cards/%d/network-tokens", card)
	}
	return fmt.Sprintf("/cards-tokenization/v1/cards/%d/network-tokens/%s", card, rest)
}

// tokens lists a card's tokens.
func (c *cardClient) tokens(card int64) []map[string]any {
	c.t.Helper()
	r := c.h.do("GET", tokenPath(card, ""), bearer(c.tok), nil)
	if r.status != 200 {
		c.t.Fatalf("tokens of card %d: %d %s", card, r.status, r.body)
	}
	var out []map[string]any
	for _, t := range r.json(c.t)["tokens"].([]any) {
		out = append(out, t.(map[string]any))
	}
	return out
}

func calls(res map[string]any) string {
	var out []string
	for _, c := range res["network_calls"].([]any) {
		out = append(out, c.(string))
	}
	return strings.Join(out, " ")
}

func methods(evs []cardEvent) string {
	var out []string
	for _, e := range evs {
		out = append(out, jsonText(e.Data["network_call_method"]))
	}
	return strings.Join(out, " ")
}

// TestTokenProvisioning plays each network's green, yellow and red paths: the admin call answers the
// messages it played, every message is one event in the documented order with the card, account and token
// ids, and the token is left in the path's status (none on the red path).
func TestTokenProvisioning(t *testing.T) {
	for _, tc := range []struct {
		name          string
		visa          bool
		body          map[string]any
		calls, events string
		methods       string // network_call_method of each event, "-" for send_challenge-1
		outcome       string
		status        string // the token's status afterwards, "" for no token
	}{
		{"MDES green", false, map[string]any{}, "TE TA TC", "notification-1 notification-1 notification-1", "TE TA TC", "APPROVED", "ACTIVE"},
		{"MDES yellow", false, map[string]any{"decision": "YELLOW", "otp_method": "EMAIL"}, "TE TA AC",
			"notification-1 notification-1 notification-1 send_challenge-1", "TE TA AC null", "STEP_UP", "INACTIVE"},
		{"MDES red", false, map[string]any{"decision": "RED"}, "TE ISO_MDES_TA", "notification-1 notification_refusal-1", "TE ISO_MDES_TA", "REFUSED", ""},
		{"VTS green", true, map[string]any{"wallet": "APPLE_PAY"}, "VTS_APPROVE_PROVISIONING VTS_TOKEN_CREATED",
			"notification-1 notification-1", "VTS_APPROVE_PROVISIONING VTS_TOKEN_CREATED", "APPROVED", "ACTIVE"},
		{"VTS green over ISO", true, map[string]any{"iso": true}, "VTS_APPROVE_PROVISIONING_ISO VTS_TOKEN_CREATED",
			"notification-1 notification-1", "VTS_APPROVE_PROVISIONING_ISO VTS_TOKEN_CREATED", "APPROVED", "ACTIVE"},
		{"VTS yellow", true, map[string]any{"decision": "YELLOW"}, "VTS_APPROVE_PROVISIONING VTS_GET_CVM VTS_PASSCODE VTS_TOKEN_CREATED",
			"notification-1 notification-1 notification-1 send_challenge-1 notification-1",
			"VTS_APPROVE_PROVISIONING VTS_GET_CVM VTS_PASSCODE null VTS_TOKEN_CREATED", "STEP_UP", "INACTIVE"},
		{"VTS red", true, map[string]any{"decision": "RED", "network": "VTS"}, "VTS_APPROVE_PROVISIONING", "notification_refusal-1",
			"VTS_APPROVE_PROVISIONING", "REFUSED", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, sim.Config{Seed: 1})
			acct, cust := int64(virtualAcct), int64(virtualCust)
			if tc.visa {
				acct, cust = visaAcct, visaCust
			}
			c := h.cards(t, acct, cust)
			id := c.create(map[string]any{"name": "wallet", "type": "VIRTUAL"})
			c.next("create-1")
			res := c.provision(id, tc.body)
			if calls(res) != tc.calls || res["outcome"] != tc.outcome || res["card_id"] != float64(id) {
				t.Fatalf("provision answered %v", res)
			}
			evs := c.next(strings.Fields(tc.events)...)
			if got := methods(evs); got != tc.methods {
				t.Errorf("network_call_method of the events: %s, want %s", got, tc.methods)
			}
			list := c.tokens(id)
			if tc.status == "" {
				if len(list) != 0 || res["token_id"] != nil {
					t.Fatalf("a refused provisioning left tokens %v (answer %v)", list, res)
				}
				refusal := evs[len(evs)-1]
				has(t, refusal, "card_id", fmt.Sprint(id), "account_id", fmt.Sprint(acct), "token_id", "null",
					"custom_codes", `["ISSUER_DECLINED"]`, "pismo_response", `{"actionCode":"05","cvv2ResultsCode":"M"}`)
				return
			}
			tokenID := res["token_id"].(string)
			if len(list) != 1 || list[0]["token_id"] != tokenID || list[0]["status"] != tc.status || res["status"] != tc.status {
				t.Fatalf("tokens after provisioning: %v (answer %v)", list, res)
			}
			for i, e := range evs {
				has(t, e, "card_id", fmt.Sprint(id))
				if e.Type == "send_challenge-1" {
					has(t, e, "token_id", tokenID)
					continue
				}
				has(t, e, "account_id", fmt.Sprint(acct))
				if i == 0 && !tc.visa {
					has(t, e, "token_id", "<missing>") // eligibility comes before the token exists
				} else {
					has(t, e, "token_id", tokenID)
				}
			}
			network := list[0]["token"].(map[string]any)["key"].(map[string]any)
			if want := map[bool]string{true: "vts", false: "mdes"}[tc.visa]; network["payment_network"] != want {
				t.Errorf("payment_network %v, want %s", network["payment_network"], want)
			}
		})
	}
}

// TestTokenStepUp reads the OTP from send_challenge-1, refuses a wrong one, and completes the yellow path with
// the right one: the token becomes ACTIVE after the network's activation message, and its challenge no longer
// expires.
func TestTokenStepUp(t *testing.T) {
	for _, tc := range []struct {
		name     string
		acct     int64
		cust     int64
		activate string
		otpType  string
		method   string
	}{
		{"MDES", virtualAcct, virtualCust, "TC", "OTPSMS", "SMS"},
		{"VTS", visaAcct, visaCust, "VTS_STATUS_UPDATED_OTP_VERIFICATION_RESULT", "OTPEMAIL", "EMAIL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, sim.Config{Seed: 1})
			c := h.cards(t, tc.acct, tc.cust)
			id := c.create(map[string]any{"name": "wallet", "type": "VIRTUAL"})
			c.next("create-1")
			res := c.provision(id, map[string]any{"decision": "YELLOW", "otp_method": tc.method})
			tokenID := res["token_id"].(string)
			var challenge, passcode cardEvent
			for _, e := range c.next(strings.Fields(map[string]string{
				"MDES": "notification-1 notification-1 notification-1 send_challenge-1",
				"VTS":  "notification-1 notification-1 notification-1 send_challenge-1 notification-1",
			}[tc.name])...) {
				switch {
				case e.Type == "send_challenge-1":
					challenge = e
				case e.Data["send_challenge"] != nil:
					passcode = e
				}
			}
			otp := challenge.Data["otp_value"].(string)
			if !regexp.MustCompile(`^[0-9]{6}$`).MatchString(otp) {
				t.Fatalf("OTP %q", otp)
			}
			has(t, challenge, "otp_type", tc.otpType, "token_id", tokenID, "card_id", fmt.Sprint(id))
			has(t, passcode, "send_challenge", fmt.Sprintf(`{"otp_method":"%s","otp_value":"%s"}`, tc.method, otp))

			wrong := []byte(otp) // every digit one higher: never the OTP
			for i := range wrong {
				wrong[i] = '0' + (wrong[i]-'0'+1)%10
			}
			path := "/_sim/network-tokens/" + tokenID + "/step-up"
			assertFault(t, h.do("POST", path, nil, map[string]any{"otp": string(wrong)}), 409, "/otp", "match")
			c.next()
			r := h.do("POST", path, nil, map[string]any{"otp": otp})
			if r.status != 200 || r.json(t)["status"] != "ACTIVE" || calls(r.json(t)) != tc.activate {
				t.Fatalf("step-up: %d %s", r.status, r.body)
			}
			has(t, c.next("notification-1")[0], "network_call_method", tc.activate, "token_id", tokenID)
			assertFault(t, h.do("POST", path, nil, map[string]any{"otp": otp}), 409, "tokenId", "step_up")
			h.advance(tenantA, "1h") // the challenge's expiry was cancelled
			c.next()
			c.tok = h.token(tenantA, tc.acct)
			if list := c.tokens(id); list[0]["status"] != "ACTIVE" {
				t.Fatalf("token after the step-up and an hour: %v", list)
			}
		})
	}
}

// TestTokenChallengeExpires proves a yellow-path token whose OTP never comes back is deactivated by the
// network 30 minutes later, on the tenant's clock.
func TestTokenChallengeExpires(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, visaAcct, visaCust)
	id := c.create(map[string]any{"name": "wallet", "type": "VIRTUAL"})
	tokenID := c.provision(id, map[string]any{"decision": "YELLOW"})["token_id"].(string)
	c.next("create-1", "notification-1", "notification-1", "notification-1", "send_challenge-1", "notification-1")
	h.advance(tenantA, "29m")
	c.next()
	h.advance(tenantA, "1m")
	has(t, c.next("notification-1")[0], "network_call_method", "VTS_STATUS_UPDATED_TOKEN_DEACTIVATED", "token_id", tokenID)
	if list := c.tokens(id); list[0]["status"] != "DEACTIVATED" {
		t.Fatalf("token after its challenge expired: %v", list)
	}
}

// TestTokenRefusals covers the processor's own refusals: a card that is not NORMAL fails MDES eligibility at
// once, a wrong CVV2 counts a try on the wallet's counter until the wallet is refused outright, and resetting
// the counter lets the wallet provision again.
func TestTokenRefusals(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, virtualAcct, virtualCust)
	id := c.create(map[string]any{"name": "wallet", "type": "VIRTUAL"})
	if r := h.do("PUT", c.path(id, "status"), c.hdr(), map[string]any{"status": "BLOCKED"}); r.status != 200 {
		t.Fatalf("block: %d %s", r.status, r.body)
	}
	c.next("create-1", "update-1")
	res := c.provision(id, nil)
	if calls(res) != "ISO_MDES_TE" || res["custom_codes"].([]any)[0] != "CARD_STATUS_NOT_ALLOWED" {
		t.Fatalf("provisioning a blocked card: %v", res)
	}
	has(t, c.next("notification_refusal-1")[0], "network_call_method", "ISO_MDES_TE", "token_id", "null", "custom_codes", `["CARD_STATUS_NOT_ALLOWED"]`)

	other := c.create(map[string]any{"name": "other", "type": "VIRTUAL"})
	c.next("create-1")
	for range 3 {
		res := c.provision(other, map[string]any{"cvv2_valid": false, "wallet": "SAMSUNG_PAY"})
		if res["custom_codes"].([]any)[0] != "CVV2_INVALID" {
			t.Fatalf("wrong CVV2: %v", res)
		}
		has(t, c.next("notification-1", "notification_refusal-1")[1], "pismo_response", `{"actionCode":"05","cvv2ResultsCode":"N"}`)
	}
	config := fmt.Sprintf("/cards-tokenization/v1/cards/%d/config", other)
	hdr := bearer(c.tok, "x-tenant", tenantA)
	if r := h.do("GET", config, hdr, nil); r.status != 200 || r.json(t)["samsung_try_counter"] != float64(3) || r.json(t)["google_try_counter"] != float64(0) {
		t.Fatalf("config: %d %s", r.status, r.body)
	}
	if res := c.provision(other, map[string]any{"wallet": "SAMSUNG_PAY"}); res["custom_codes"].([]any)[0] != "CVV2_TRIES_EXCEEDED" {
		t.Fatalf("a wallet out of CVV2 tries: %v", res)
	}
	if res := c.provision(other, map[string]any{"wallet": "GOOGLE_PAY"}); res["outcome"] != "APPROVED" {
		t.Fatalf("another wallet: %v", res)
	}
	if r := h.do("PATCH", config+"/reset-cvv2-try-counter", hdr, map[string]any{"wallet": "217"}); r.status != 204 {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	if res := c.provision(other, map[string]any{"wallet": "SAMSUNG_PAY"}); res["outcome"] != "APPROVED" {
		t.Fatalf("after the reset: %v", res)
	}
	assertFault(t, h.do("GET", config, bearer(c.tok, "x-tenant", tenantB), nil), 403, "x-tenant", "tenant")
	assertFault(t, h.do("POST", "/_sim/cards/999/network-tokens", nil, map[string]any{}), 404, "cardId", "exists")
	assertFault(t, h.do("POST", fmt.Sprintf("/_sim/cards/%d/network-tokens", other), nil, map[string]any{"network": "VTS"}), 409, "/network", "brand")
}

// TestTokenLifecycle drives a token through the issuer's operations and the network's updates: each change is
// one notification-1 naming the network's message, and the illegal ones are refused with 400 naming
// /operation_type and the rule, changing nothing.
func TestTokenLifecycle(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, visaAcct, visaCust)
	id := c.create(map[string]any{"name": "wallet", "type": "VIRTUAL"})
	tokenID := c.provision(id, nil)["token_id"].(string)
	c.next("create-1", "notification-1", "notification-1")
	op := func(kind string, extra ...string) response {
		body := map[string]any{"operation_type": kind, "operation_reason": "Suspended due to lost device"}
		for i := 0; i+1 < len(extra); i += 2 {
			body[extra[i]] = extra[i+1]
		}
		return h.do("POST", tokenPath(id, tokenID), bearer(c.tok), body)
	}
	step := func(kind, method, status string) {
		t.Helper()
		if r := op(kind); r.status != 200 {
			t.Fatalf("%s: %d %s", kind, r.status, r.body)
		}
		has(t, c.next("notification-1")[0], "network_call_method", method, "token_id", tokenID, "card_id", fmt.Sprint(id))
		if got := c.tokens(id)[0]["status"]; got != status {
			t.Fatalf("after %s: %v, want %s", kind, got, status)
		}
	}
	assertFault(t, op("RESUME"), 400, "/operation_type", "transition")
	assertFault(t, op("CARDHOLDER_STEPUP_APP_TO_APP"), 400, "/operation_type", "network")
	assertFault(t, op("TOKEN_DEVICE_BIDING_APPROVE"), 400, "/operation_type", "device")
	step("SUSPEND", "VTS_STATUS_UPDATED_TOKEN_SUSPEND", "SUSPENDED")
	assertFault(t, op("SUSPEND"), 400, "/operation_type", "transition")
	step("RESUME", "VTS_STATUS_UPDATED_TOKEN_RESUME", "ACTIVE")

	r := h.do("GET", tokenPath(id, tokenID), bearer(c.tok), nil)
	detail := r.json(t)
	devices, _ := detail["devices"].([]any)
	if r.status != 200 || len(devices) != 1 || detail["network_data"].(map[string]any)["tokenInfo"].(map[string]any)["tokenStatus"] != "ACTIVE" {
		t.Fatalf("get token: %d %s", r.status, r.body)
	}
	device := devices[0].(map[string]any)["device_id"].(string)
	binding := fmt.Sprintf("%s/devices/%s/binding", tokenPath(id, tokenID), device)
	bind := func(kind string) response {
		return h.do("POST", binding, bearer(c.tok), map[string]any{"operator_id": "ops", "operation_type": kind, "operation_reason": "LOST_DEVICE", "device_index": 1})
	}
	if r := bind("TOKEN_DEVICE_BINDING_REMOVE"); r.status != 200 || r.json(t)["network_ack"] != true {
		t.Fatalf("remove binding: %d %s", r.status, r.body)
	}
	has(t, c.next("notification-1")[0], "network_call_method", "VTS_STATUS_UPDATED_TOKEN_DEVICE_BINDING_REMOVED")
	assertFault(t, bind("TOKEN_DEVICE_BINDING_REMOVE"), 400, "deviceId", "bound")
	step("TOKEN_DEVICE_BIDING_APPROVE", "VTS_DEVICE_BINDING", "ACTIVE")

	update := "/_sim/network-tokens/" + tokenID + "/network-update"
	if r := h.do("POST", update, nil, map[string]any{"status": "SUSPENDED"}); r.status != 200 || r.json(t)["status"] != "SUSPENDED" {
		t.Fatalf("network suspends: %d %s", r.status, r.body)
	}
	has(t, c.next("notification-1")[0], "network_call_method", "VTS_STATUS_UPDATED_TOKEN_SUSPEND")
	step("DELETE", "VTS_STATUS_UPDATED_TOKEN_DEACTIVATED", "DEACTIVATED")
	for _, kind := range []string{"RESUME", "SUSPEND", "DELETE"} {
		assertFault(t, op(kind), 400, "/operation_type", "transition")
	}
	assertFault(t, h.do("POST", update, nil, map[string]any{"status": "ACTIVE"}), 409, "/status", "transition")
	assertFault(t, bind("TOKEN_DEVICE_BINDING_APPROVE"), 400, "/operation_type", "transition")
	c.next()
	assertFault(t, h.do("GET", tokenPath(id, "999"), bearer(c.tok), nil), 400, "tokenId", "exists")
	assertFault(t, h.do("GET", tokenPath(id, "abc"), bearer(c.tok), nil), 400, "tokenId", "exists")
	other := h.cards(t, virtualAcct, virtualCust)
	assertFault(t, h.do("GET", tokenPath(id, tokenID), bearer(other.tok), nil), 403, "cardId", "account")
}

// TestCardTokens runs the card-wide operation on a Mastercard card with two tokens: each token that can take
// it changes, with one TV each, and a card left with none that can is refused.
func TestCardTokens(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, virtualAcct, virtualCust)
	id := c.create(map[string]any{"name": "wallet", "type": "VIRTUAL"})
	first := c.provision(id, nil)["token_id"].(string)
	second := c.provision(id, map[string]any{"wallet": "APPLE_PAY"})["token_id"].(string)
	c.next("create-1", "notification-1", "notification-1", "notification-1", "notification-1", "notification-1", "notification-1")
	path := fmt.Sprintf("/cards-tokenization/v1/cards/%d", id)
	org := h.token(tenantA, 0) // the card-wide operation takes a token without an account
	if r := h.do("POST", path, bearer(org), map[string]any{"operation_type": "SUSPEND", "operation_reason": "card lost"}); r.status != 200 {
		t.Fatalf("suspend all: %d %s", r.status, r.body)
	}
	evs := c.next("notification-1", "notification-1")
	has(t, evs[0], "network_call_method", "TV", "token_id", first)
	has(t, evs[1], "network_call_method", "TV", "token_id", second)
	assertFault(t, h.do("POST", path, bearer(org), map[string]any{"operation_type": "SUSPEND", "operation_reason": "again"}), 400, "card_id", "tokens")
	if r := h.do("POST", path, bearer(c.tok), map[string]any{"operation_type": "DELETE", "operation_reason": "closed"}); r.status != 200 {
		t.Fatalf("delete all: %d %s", r.status, r.body)
	}
	c.next("notification-1", "notification-1")
	for _, tok := range c.tokens(id) {
		if tok["status"] != "DEACTIVATED" {
			t.Errorf("token %v after delete all", tok)
		}
	}
	assertFault(t, h.do("POST", "/cards-tokenization/v1/cards/999", bearer(org), map[string]any{"operation_type": "DELETE", "operation_reason": "x"}), 400, "card_id", "exists")
}

// TestTokenPANUpdate moves tokens with a reissue that asks for it (pan_update-1 after the reissue's own
// events) and with the PAN update operation; DEACTIVATED tokens stay behind.
func TestTokenPANUpdate(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, virtualAcct, virtualCust)
	id := c.create(map[string]any{"name": "wallet", "type": "VIRTUAL"})
	live := c.provision(id, nil)["token_id"].(string)
	gone := c.provision(id, map[string]any{"wallet": "APPLE_PAY"})["token_id"].(string)
	if r := h.do("POST", tokenPath(id, gone), bearer(c.tok), map[string]any{"operation_type": "DELETE", "operation_reason": "x"}); r.status != 200 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	c.next("create-1", "notification-1", "notification-1", "notification-1", "notification-1", "notification-1", "notification-1", "notification-1")
	r := h.do("POST", c.path(id, "reissue"), c.hdr(), map[string]any{"reason_id": 1, "update_tokens": true})
	if r.status != 200 {
		t.Fatalf("reissue: %d %s", r.status, r.body)
	}
	fresh := int64(r.json(t)["id"].(float64))
	evs := c.next("update-1", "create-1", "pan_update-1")
	has(t, evs[0], "update_tokens", "true")
	has(t, evs[2], "old_card_id", fmt.Sprint(id), "new_card_id", fmt.Sprint(fresh), "migrated_tokens", "["+live+"]",
		"status", "SUCCESS", "account_id", fmt.Sprint(virtualAcct))
	if moved := c.tokens(fresh); len(moved) != 1 || moved[0]["token_id"] != live || moved[0]["card_id"] != float64(fresh) {
		t.Fatalf("tokens of the new card: %v", moved)
	}
	if left := c.tokens(id); len(left) != 1 || left[0]["token_id"] != gone {
		t.Fatalf("tokens left on the old card: %v", left)
	}

	third := c.create(map[string]any{"name": "spare", "type": "VIRTUAL"})
	c.next("create-1")
	if r := h.do("POST", tokenPath(fresh, "pan-update"), bearer(c.tok), map[string]any{"new_card_id": third}); r.status != 202 {
		t.Fatalf("pan update: %d %s", r.status, r.body)
	}
	has(t, c.next("pan_update-1")[0], "old_card_id", fmt.Sprint(fresh), "new_card_id", fmt.Sprint(third), "migrated_tokens", "["+live+"]")
	assertFault(t, h.do("POST", tokenPath(third, "pan-update"), bearer(c.tok), map[string]any{}), 400, "/new_card_id", "required")
	assertFault(t, h.do("POST", tokenPath(third, "pan-update"), bearer(c.tok), map[string]any{"new_card_id": id}), 400, "/new_card_id", "status")
	assertFault(t, h.do("POST", tokenPath(third, "pan-update"), bearer(c.tok), map[string]any{"new_card_id": 999}), 400, "/new_card_id", "exists")
	if r := h.do("POST", c.path(third, "reissue"), c.hdr(), map[string]any{"reason_id": 1}); r.status != 200 {
		t.Fatalf("reissue without update_tokens: %d %s", r.status, r.body)
	}
	c.next("update-1", "create-1") // no pan_update-1: the tokens stay on the old card
}

// TestNetworkCardProfile assigns, reads and replaces a card's profile, with the vendor's refusals, and shows
// the profile in the networks' view of the tokens it reaches.
func TestNetworkCardProfile(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, virtualAcct, virtualCust)
	id := c.create(map[string]any{"name": "wallet", "type": "VIRTUAL"})
	before := c.provision(id, nil)["token_id"].(string)
	path := tokenPath(id, "profile")
	assertFault(t, h.do("GET", path, c.hdr(), nil), 400, "cardId", "profile")
	assertFault(t, h.do("PUT", path, c.hdr(), map[string]any{"network_card_profile": "XYZ-123"}), 400, "cardId", "profile")
	if r := h.do("POST", path, bearer(c.tok), map[string]any{"network_card_profile": "XYZ-123", "update_previous_tokens": true}); r.status != 204 {
		t.Fatalf("assign: %d %s", r.status, r.body)
	}
	assertFault(t, h.do("POST", path, bearer(c.tok), map[string]any{"network_card_profile": "ABC"}), 400, "cardId", "profile")
	if r := h.do("GET", path, c.hdr(), nil); r.status != 200 || r.json(t)["network_card_profile"] != "XYZ-123" {
		t.Fatalf("get: %d %s", r.status, r.body)
	}
	if r := h.do("PUT", path, c.hdr(), map[string]any{"network_card_profile": "NEW-9"}); r.status != 204 {
		t.Fatalf("replace: %d %s", r.status, r.body)
	}
	after := c.provision(id, nil)["token_id"].(string)
	for tok, want := range map[string]string{before: "XYZ-123", after: "NEW-9"} {
		r := h.do("GET", tokenPath(id, tok), bearer(c.tok), nil)
		if got := r.json(t)["network_data"].(map[string]any)["ProductConfigurationId"]; got != want {
			t.Errorf("token %s profile %v, want %s", tok, got, want)
		}
	}
	assertFault(t, h.do("GET", path, bearer(c.tok, "x-customer-id", "103625635"), nil), 403, "x-customer-id", "customer")
}

// TestPushProvisioning checks each wallet's payload shape, the vendor's per-network requirements, and that
// the opaque data is seeded: the same on two instances with the same seed, different on the next call.
func TestPushProvisioning(t *testing.T) {
	run := func() (map[string]any, map[string]any, map[string]any, map[string]any) {
		h := newHarness(t, sim.Config{Seed: 7})
		mc := h.cards(t, virtualAcct, virtualCust)
		visa := h.cards(t, visaAcct, visaCust)
		mcCard := mc.create(map[string]any{"name": "mc", "type": "VIRTUAL"})
		visaCard := visa.create(map[string]any{"name": "visa", "type": "VIRTUAL"})
		google := func(c *cardClient, id int64, body map[string]any) response {
			return h.do("POST", tokenPath(id, "push-provisioning/wallets/googlepay"), bearer(c.tok), body)
		}
		r := google(mc, mcCard, map[string]any{"tav_version": "TAV3"})
		if r.status != 200 {
			t.Fatalf("google pay, mastercard: %d %s", r.status, r.body)
		}
		mcGoogle := r.json(t)
		assertFault(t, google(mc, mcCard, map[string]any{"tav_version": "TAV4"}), 400, "/key_alias", "required")
		assertFault(t, google(visa, visaCard, map[string]any{"client_device_id": "d"}), 400, "/client_wallet_account_id", "required")
		client := map[string]any{"client_wallet_account_id": "ABC-198", "client_device_id": "dev-1", "client_app_id": "app", "client_wallet_provider": "40010075338"}
		r = google(visa, visaCard, client)
		if r.status != 200 {
			t.Fatalf("google pay, visa: %d %s", r.status, r.body)
		}
		visaGoogle := r.json(t)
		if r := google(visa, visaCard, client); r.json(t)["push_data"].(map[string]any)["Token"] == visaGoogle["push_data"].(map[string]any)["Token"] {
			t.Errorf("two pushes gave the same Token")
		}
		samsung := tokenPath(visaCard, "push-provisioning/wallets/samsungpay")
		if r := h.do("POST", samsung, bearer(visa.tok), client); r.status != 200 {
			t.Fatalf("samsung pay, visa: %d %s", r.status, r.body)
		}
		assertFault(t, h.do("POST", tokenPath(mcCard, "push-provisioning/wallets/samsungpay"), bearer(mc.tok), client), 400, "cardId", "network")
		apple := map[string]any{"Apple_public_certificate_b64": []string{"LS0tLS1CRUdJTg=="}, "device_type": "MOBILE_PHONE",
			"app_version": "1.0", "Nonce": "48585930", "Nonce_signature": "vdt5543"}
		assertFault(t, h.do("POST", tokenPath(visaCard, "push-provisioning/wallets/applepay"), bearer(visa.tok), apple), 400, "/authcode", "required")
		apple["authcode"] = "000000"
		assertFault(t, h.do("POST", tokenPath(visaCard, "push-provisioning/wallets/applepay"), bearer(visa.tok), apple), 400, "/authcode", "zeros")
		apple["authcode"] = "0CVBD9"
		r = h.do("POST", tokenPath(visaCard, "push-provisioning/wallets/applepay"), bearer(visa.tok), apple)
		if r.status != 200 {
			t.Fatalf("apple pay, visa: %d %s", r.status, r.body)
		}
		visaApple := r.json(t)
		r = h.do("POST", tokenPath(mcCard, "push-provisioning/wallets/applepay"), bearer(mc.tok), apple)
		if r.status != 200 {
			t.Fatalf("apple pay, mastercard: %d %s", r.status, r.body)
		}
		return mcGoogle, visaGoogle, visaApple, r.json(t)
	}
	mcGoogle, visaGoogle, visaApple, mcApple := run()

	iidd, err := base64.StdEncoding.DecodeString(mcGoogle["push_data"].(map[string]any)["base64_issuer_initiated_digitization_data"].(string))
	var doc struct {
		FundingAccountInfo struct {
			EncryptedPayload map[string]string `json:"encryptedPayload"`
		} `json:"fundingAccountInfo"`
		TAV string `json:"tokenizationAuthenticationValue"`
	}
	if err != nil || json.Unmarshal(iidd, &doc) != nil || len(doc.FundingAccountInfo.EncryptedPayload["encryptedData"]) == 0 || doc.TAV == "" {
		t.Fatalf("mastercard digitization data %s: %v", iidd, err)
	}
	if info := mcGoogle["additional_info"].(map[string]any); len(info["last_4_digits"].(string)) != 4 || info["name"] == "" || mcGoogle["has_address_info"] != false {
		t.Errorf("cardholder details: %v", mcGoogle)
	}
	parts := strings.Split(visaGoogle["push_data"].(map[string]any)["Token"].(string), ".")
	header, _ := base64.RawURLEncoding.DecodeString(parts[0])
	var hdr map[string]any
	if len(parts) != 5 || json.Unmarshal(header, &hdr) != nil || hdr["alg"] != "A256GCMKW" || hdr["enc"] != "A256GCM" || !strings.HasPrefix(parts[0], "eyJhbGciOiJBMjU2R0NNS1ciLCJjaGFu") {
		t.Fatalf("visa Token %v: header %s", parts, header)
	}
	for name, resp := range map[string]map[string]any{"visa": visaApple, "mastercard": mcApple} {
		push := resp["push_data"].(map[string]any)
		key, err := base64.StdEncoding.DecodeString(push["ephemeralPublicKey"].(string))
		if err != nil || len(key) != 65 || key[0] != 4 {
			t.Errorf("%s apple pay ephemeral key %x: %v", name, key, err)
		}
		act, err := base64.StdEncoding.DecodeString(push["activationData"].(string))
		if err != nil || !json.Valid(act) {
			t.Errorf("%s apple pay activation data %s: %v", name, act, err)
		}
		if resp["additional_info"].(map[string]any)["has_phone_info"] != false {
			t.Errorf("%s apple pay details: %v", name, resp["additional_info"])
		}
	}
	again, _, _, _ := run()
	if again["push_data"].(map[string]any)["base64_issuer_initiated_digitization_data"] != mcGoogle["push_data"].(map[string]any)["base64_issuer_initiated_digitization_data"] {
		t.Errorf("the same seed gave different push data")
	}
}

// TestClickToPay enrolls a customer with a Visa card, adds and removes cards, follows a card's status, and
// removes the customer, with the vendor's refusals.
func TestClickToPay(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, visaAcct, visaCust)
	first := c.create(map[string]any{"name": "one", "type": "VIRTUAL"})
	second := c.create(map[string]any{"name": "two", "type": "VIRTUAL"})
	hdr := bearer(c.tok, "x-tenant", tenantA, "x-customer-id", fmt.Sprint(visaCust))
	base := "/cards-tokenization/v1/clicktopay/visa/"
	address := map[string]any{"city": "San Francisco", "country_code": "USA", "address_line1": "1000 Market Street", "postal_code": "94105"}
	enroll := map[string]any{"owner_bid": "1000052", "card_information": map[string]any{"card_id": first, "billing_address": address},
		"customer_information": map[string]any{"locale": "en_US", "emails": []string{"ada@example.com"}}}
	assertFault(t, h.do("POST", base+"enroll/customer", hdr, enroll), 400, "/customer_information/phones", "required")
	enroll["customer_information"].(map[string]any)["phones"] = []string{"5545999999999"}
	if r := h.do("POST", base+"enroll/customer", hdr, enroll); r.status != 202 {
		t.Fatalf("enroll: %d %s", r.status, r.body)
	}
	assertFault(t, h.do("POST", base+"enroll/customer", hdr, enroll), 400, "x-customer-id", "enrolled")
	status := func() map[string]any {
		t.Helper()
		r := h.do("GET", base+"data", bearer(c.tok, "x-tenant", tenantA, "x-customer-id", fmt.Sprint(visaCust), "x-owner-bid", "1000052"), nil)
		if r.status != 200 {
			t.Fatalf("data: %d %s", r.status, r.body)
		}
		return r.json(t)
	}
	if s := status(); s["customer_id"] != float64(visaCust) || jsonText(s["cards_status"]) != fmt.Sprintf(`[{"card_id":%d,"status":"ACTIVE"}]`, first) {
		t.Fatalf("data after enrolling: %v", s)
	}
	if r := h.do("POST", base+"enroll/card", hdr, map[string]any{"owner_bid": "1000052", "card_id": second}); r.status != 202 {
		t.Fatalf("enroll card: %d %s", r.status, r.body)
	}
	if r := h.do("PUT", c.path(first, "status"), c.hdr(), map[string]any{"status": "BLOCKED"}); r.status != 200 {
		t.Fatalf("block: %d %s", r.status, r.body)
	}
	if got := jsonText(status()["cards_status"]); got != fmt.Sprintf(`[{"card_id":%d,"status":"DISABLED"},{"card_id":%d,"status":"ACTIVE"}]`, first, second) {
		t.Fatalf("data after blocking a card: %s", got)
	}
	mc := h.cards(t, virtualAcct, virtualCust)
	mcCard := mc.create(map[string]any{"name": "mc", "type": "VIRTUAL"})
	assertFault(t, h.do("POST", base+"enroll/card", hdr, map[string]any{"owner_bid": "1000052", "card_id": mcCard}), 403, "/card_id", "account")
	assertFault(t, h.do("PUT", base+"manage/card", hdr, map[string]any{"cards": []any{map[string]any{"owner_bid": "1000052", "card_id": 999}}}), 400, "/cards/0/card_id", "enrolled")
	if r := h.do("PUT", base+"manage/card", hdr, map[string]any{"cards": []any{map[string]any{"owner_bid": "1000052", "card_id": second, "billing_address": address}}}); r.status != 202 {
		t.Fatalf("manage card: %d %s", r.status, r.body)
	}
	if r := h.do("PUT", base+"manage/customer", hdr, map[string]any{"owner_bid": "1000052", "customer_information": map[string]any{"locale": "pt_BR", "first_name": "Ada"}}); r.status != 202 {
		t.Fatalf("manage customer: %d %s", r.status, r.body)
	}
	assertFault(t, h.do("PUT", base+"manage/customer", hdr, map[string]any{"owner_bid": "other"}), 400, "/owner_bid", "owner_bid")
	if r := h.do("POST", base+"delete/card", hdr, map[string]any{"owner_bid": "1000052", "card_id": first}); r.status != 202 {
		t.Fatalf("delete card: %d %s", r.status, r.body)
	}
	assertFault(t, h.do("POST", base+"delete/card", hdr, map[string]any{"owner_bid": "1000052", "card_id": first}), 400, "/card_id", "enrolled")
	if r := h.do("POST", base+"delete/card", hdr, map[string]any{"owner_bid": "1000052", "card_id": second}); r.status != 202 {
		t.Fatalf("delete the last card: %d %s", r.status, r.body)
	}
	if r := h.do("GET", base+"data", bearer(c.tok, "x-tenant", tenantA, "x-customer-id", fmt.Sprint(visaCust), "x-owner-bid", "1000052"), nil); r.status != 204 {
		t.Fatalf("data with no card left: %d %s", r.status, r.body)
	}
	if r := h.do("POST", base+"delete/customer", hdr, map[string]any{"owner_bid": "1000052"}); r.status != 202 {
		t.Fatalf("delete customer: %d %s", r.status, r.body)
	}
	assertFault(t, h.do("POST", base+"delete/customer", hdr, map[string]any{"owner_bid": "1000052"}), 400, "x-customer-id", "enrolled")
	mcHdr := bearer(mc.tok, "x-tenant", tenantA, "x-customer-id", fmt.Sprint(virtualCust))
	enroll["card_information"].(map[string]any)["card_id"] = mcCard
	assertFault(t, h.do("POST", base+"enroll/customer", mcHdr, enroll), 400, "/card_information/card_id", "network")
	c.next("create-1", "create-1", "update-1", "create-1") // Click to Pay emits nothing (its event's schema is unpublished)
}

// TestTokenConnect lists the requestors enabled for the Mastercard BIN, pushes a card to one, and fetches its
// logo.
func TestTokenConnect(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, virtualAcct, virtualCust)
	id := c.create(map[string]any{"name": "mc", "type": "VIRTUAL"})
	hdr := bearer(c.tok, "x-tenant", tenantA, "access_token", c.tok)
	r := h.do("POST", "/cards-tokenization/v1/token-connect", hdr, map[string]any{"accounts": []string{"231038000"}})
	list, _ := r.json(t)["token_requestors"].([]any)
	if r.status != 200 || len(list) != 4 {
		t.Fatalf("eligible requestors: %d %s", r.status, r.body)
	}
	google := list[0].(map[string]any)
	if google["token_requestor_id"] != "50120834693" || jsonText(google["enabled_account_ranges"]) != "[2310380000000000000]" || google["wallet_id"] != "216" {
		t.Errorf("google pay requestor: %v", google)
	}
	if r := h.do("POST", "/cards-tokenization/v1/token-connect", hdr, map[string]any{"accounts": []string{"453297100"}}); r.status != 200 || jsonText(r.json(t)["token_requestors"]) != "[]" {
		t.Fatalf("a Visa range: %d %s", r.status, r.body)
	}
	assertFault(t, h.do("POST", "/cards-tokenization/v1/token-connect", hdr, map[string]any{"accounts": []string{"12"}}), 400, "/accounts/0", "pattern")

	push := bearer(c.tok, "x-tenant", tenantA, "access_token", c.tok, "x-account-id", fmt.Sprint(virtualAcct), "x-customer-id", fmt.Sprint(virtualCust))
	body := map[string]any{"card_id": id, "token_requestor_id": "50120834693", "locale": "en_US", "request_issuer_initiated_digitization_data": true,
		"accounts": map[string]any{"holder_details": map[string]any{"name": "Ada Lovelace"}, "validity_details": map[string]any{}}}
	r = h.do("POST", "/cards-tokenization/v1/token-connect/push-multiple-accounts", push, body)
	if r.status != 200 {
		t.Fatalf("push: %d %s", r.status, r.body)
	}
	receipt := r.json(t)["push_account_receipts"].([]any)[0].(map[string]any)
	if !regexp.MustCompile(`^MCC-[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$`).MatchString(receipt["push_account_receipt"].(string)) ||
		receipt["issuer_initiated_digitization_data"] == nil {
		t.Errorf("receipt %v", receipt)
	}
	body["token_requestor_id"] = "00000000000"
	assertFault(t, h.do("POST", "/cards-tokenization/v1/token-connect/push-multiple-accounts", push, body), 400, "/token_requestor_id", "exists")

	asset := google["image_asset_id"].(string)
	r = h.do("GET", "/cards-tokenization/v1/token-connect/assets/"+asset, bearer(c.tok, "x-tenant", tenantA, "access_token", c.tok), nil)
	media, _ := r.json(t)["media_contents"].([]any)
	if r.status != 200 || len(media) != 2 {
		t.Fatalf("asset: %d %s", r.status, r.body)
	}
	raw, _ := base64.StdEncoding.DecodeString(media[1].(map[string]any)["data"].(string))
	if img, err := png.Decode(bytes.NewReader(raw)); err != nil || img.Bounds().Dx() != 100 {
		t.Errorf("logo PNG: %v", err)
	}
	if svg, _ := base64.StdEncoding.DecodeString(media[0].(map[string]any)["data"].(string)); !bytes.HasPrefix(svg, []byte("<svg")) {
		t.Errorf("logo SVG: %s", svg)
	}
	assertFault(t, h.do("GET", "/cards-tokenization/v1/token-connect/assets/nope", bearer(c.tok, "x-tenant", tenantA, "access_token", c.tok), nil), 400, "assetId", "exists")
}

// TestNoTokenizationOperationAnswers501 sends every operation of the tokenization contract and proves none
// answers 501 any more.
func TestNoTokenizationOperationAnswers501(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	tok := h.token(tenantA, virtualAcct)
	data, _ := fs.ReadFile(openapi.FS, "tokenization.yaml")
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range slices.Sorted(func(yield func(string) bool) {
		for k := range doc.Paths.Map() {
			if !yield(k) {
				return
			}
		}
	}) {
		for method := range doc.Paths.Value(p).Operations() {
			path := pathParam.ReplaceAllString(p, "1")
			r := h.do(method, path, bearer(tok, "x-tenant", tenantA, "x-customer-id", fmt.Sprint(virtualCust), "access_token", tok,
				"x-account-id", fmt.Sprint(virtualAcct), "x-owner-bid", "1"), map[string]any{})
			n++
			if r.status == 501 {
				t.Errorf("%s %s answers 501: %s", method, p, r.body)
			}
		}
	}
	if n != 24 {
		t.Errorf("%d tokenization operations walked, want 24", n)
	}
}
