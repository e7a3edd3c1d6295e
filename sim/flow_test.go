package sim_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/issuersim/issuersim/gen/simadminclient"
	"github.com/issuersim/issuersim/sim"
	"github.com/issuersim/issuersim/sim/clock"
)

// TestCardFlow drives create (VIRTUAL and PLASTIC), get, list and status update, and checks the responses,
// the kept state and the events: create-1 per card, then update-1, oldest first, each schema-valid and
// carrying its request's correlation id.
func TestCardFlow(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 7})
	vtok := h.token(tenantA, virtualAcct)
	ptok := h.token(tenantA, plasticAcct)

	r := h.do("POST", "/wallet/v2/cards", bearer(vtok, "x-customer-id", fmt.Sprint(virtualCust), "x-cid", "cid-create-virtual"),
		map[string]any{"name": "Groceries", "type": "VIRTUAL", "transaction_limit": "500.00"})
	if r.status != 201 {
		t.Fatalf("create virtual: %d %s", r.status, r.body)
	}
	if got := r.header.Get("x-cid"); got != "cid-create-virtual" {
		t.Errorf("x-cid echoed as %q", got)
	}
	v := r.json(t)
	if v["status"] != "NORMAL" || v["type"] != "VIRTUAL" || v["name"] != "Groceries" {
		t.Errorf("create virtual response %s", r.body)
	}
	vid := int64(v["id"].(float64))

	r = h.do("POST", "/wallet/v2/cards", bearer(ptok, "x-customer-id", fmt.Sprint(plasticCust)),
		map[string]any{"name": "my plastic", "type": "PLASTIC", "printed_name": "ADA LOVELACE"})
	if r.status != 201 {
		t.Fatalf("create plastic: %d %s", r.status, r.body)
	}
	p := r.json(t)
	if p["status"] != "CREATED" || p["name"] != "PLASTIC" {
		t.Errorf("plastic starts CREATED named PLASTIC: %s", r.body)
	}
	pid := int64(p["id"].(float64))
	if pid != vid+1 {
		t.Errorf("ids not sequential per tenant: %d then %d", vid, pid)
	}

	r = h.do("GET", fmt.Sprintf("/wallet/v1/cards/%d", vid), bearer(vtok, "x-customer-id", fmt.Sprint(virtualCust)), nil)
	if r.status != 200 {
		t.Fatalf("get: %d %s", r.status, r.body)
	}
	got := r.json(t)
	last4, _ := got["last_4_digits"].(string)
	if got["bin"] != "231038" || len(last4) != 4 || got["hash"] == nil || got["printed_name"] == "" {
		t.Errorf("get card %s", r.body)
	}

	r = h.do("PUT", fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards/%d/status", virtualCust, virtualAcct, vid),
		bearer(vtok, "x-cid", "cid-block"), map[string]any{"status": "BLOCKED"})
	if r.status != 200 {
		t.Fatalf("status: %d %s", r.status, r.body)
	}
	if s := r.json(t); s["status"] != "BLOCKED" || s["previous_status"] != "NORMAL" {
		t.Errorf("status response %s", r.body)
	}

	r = h.do("GET", fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards", virtualCust, virtualAcct), bearer(vtok), nil)
	var list []map[string]any
	_ = json.Unmarshal(r.body, &list)
	if r.status != 200 || len(list) != 1 || list[0]["status"] != "BLOCKED" {
		t.Errorf("list: %d %s", r.status, r.body)
	}
	r = h.do("GET", fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards?status=NORMAL", virtualCust, virtualAcct), bearer(vtok), nil)
	if r.status != 200 || strings.TrimSpace(string(r.body)) != "[]" {
		t.Errorf("status filter: %d %s", r.status, r.body)
	}
	r = h.do("GET", "/wallet/v1/cards?status=ALL", bearer(ptok), nil)
	_ = json.Unmarshal(r.body, &list)
	if r.status != 200 || len(list) != 1 || list[0]["customer_id"] != float64(plasticCust) {
		t.Errorf("account list: %d %s", r.status, r.body)
	}

	type env struct {
		EventType string `json:"event_type"`
		CID       string `json:"cid"`
		OrgID     string `json:"org_id"`
		Data      struct {
			CardID         int64  `json:"card_id"`
			CardStatus     string `json:"card_status"`
			PreviousStatus string `json:"card_previous_status"`
			Operation      string `json:"operation_type"`
			LastFour       string `json:"card_last_four_numbers"`
		} `json:"data"`
	}
	var evs []env
	for _, raw := range h.events(tenantA, all) {
		var e env
		_ = json.Unmarshal(raw, &e)
		evs = append(evs, e)
	}
	want := []string{"create-1", "create-1", "embossing_card_ingress-1", "update-1"}
	if len(evs) != len(want) {
		t.Fatalf("events %+v, want types %v", evs, want)
	}
	for i, w := range want {
		if evs[i].EventType != w || evs[i].OrgID != tenantA {
			t.Errorf("event %d = %+v, want %s", i, evs[i], w)
		}
	}
	if evs[0].CID != "cid-create-virtual" || evs[0].Data.CardID != vid || evs[0].Data.LastFour != last4 {
		t.Errorf("create-1 of the virtual card: %+v", evs[0])
	}
	if evs[1].Data.CardStatus != "CREATED" {
		t.Errorf("plastic create-1 status %s", evs[1].Data.CardStatus)
	}
	u := evs[3]
	if u.CID != "cid-block" || u.Data.CardStatus != "BLOCKED" || u.Data.PreviousStatus != "NORMAL" || u.Data.Operation != "UPDATE_STATUS_PUT" {
		t.Errorf("update-1: %+v", u)
	}
	if n := len(h.events(tenantA, simadminclient.ListEventsParams{EventType: ptr("update-1"), CardId: &vid})); n != 1 {
		t.Errorf("filtered events = %d, want 1", n)
	}
	if n := len(h.events(tenantA, simadminclient.ListEventsParams{Since: ptr(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))})); n != 0 {
		t.Errorf("events since 2030 = %d, want 0", n)
	}
	if n := len(h.events(tenantB, all)); n != 0 {
		t.Errorf("tenant B sees %d events of tenant A", n)
	}
}

// TestCreateCardRules walks the business rules of create card, one refusal per row, each naming the field.
func TestCreateCardRules(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	vtok := h.token(tenantA, virtualAcct)
	ptok := h.token(tenantA, plasticAcct)
	create := func(tok string, cust int64, body map[string]any, extra ...string) response {
		return h.do("POST", "/wallet/v2/cards", bearer(tok, append([]string{"x-customer-id", fmt.Sprint(cust)}, extra...)...), body)
	}
	if r := create(vtok, virtualCust, map[string]any{"name": "Travel", "type": "VIRTUAL"}); r.status != 201 {
		t.Fatalf("first card: %d %s", r.status, r.body)
	}
	if r := create(ptok, plasticCust, map[string]any{"name": "x", "type": "PLASTIC"}); r.status != 201 {
		t.Fatalf("first plastic: %d %s", r.status, r.body)
	}
	for _, tc := range []struct {
		name   string
		tok    string
		cust   int64
		body   map[string]any
		status int
		field  string
		rule   string
	}{
		{"duplicate virtual alias", vtok, virtualCust, map[string]any{"name": "Travel", "type": "VIRTUAL"}, 409, "/name", "unique"},
		{"second live plastic", ptok, plasticCust, map[string]any{"name": "x", "type": "PLASTIC"}, 409, "/type", "unique"},
		{"customer of another account", vtok, plasticCust, map[string]any{"name": "a", "type": "VIRTUAL"}, 403, "x-customer-id", "customer"},
		{"limit on a plastic card", ptok, 103625636, map[string]any{"name": "a", "type": "PLASTIC", "transaction_limit": "10.00"}, 400, "/transaction_limit", "type"},
		{"unnumbered without brand", vtok, virtualCust, map[string]any{"name": "u", "type": "VIRTUAL", "status": "UNNUMBERED"}, 400, "/brand", "required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := create(tc.tok, tc.cust, tc.body)
			assertFault(t, r, tc.status, tc.field, tc.rule)
		})
	}
	if n := len(h.events(tenantA, all)); n != 3 { // create-1 twice, embossing_card_ingress-1 for the PLASTIC card
		t.Errorf("refused requests changed state: %d events, want 3", n)
	}
}

// TestIdempotentCreate proves a repeated x-idempotency-key answers 200 with the same card and no new event.
func TestIdempotentCreate(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	tok := h.token(tenantA, virtualAcct)
	hdr := bearer(tok, "x-customer-id", fmt.Sprint(virtualCust), "x-idempotency-key", "abc-123")
	first := h.do("POST", "/wallet/v2/cards", hdr, map[string]any{"name": "Once", "type": "VIRTUAL"})
	again := h.do("POST", "/wallet/v2/cards", hdr, map[string]any{"name": "Once", "type": "VIRTUAL"})
	if first.status != 201 || again.status != 200 || string(first.body) != string(again.body) {
		t.Fatalf("first %d %s, again %d %s", first.status, first.body, again.status, again.body)
	}
	if n := len(h.events(tenantA, all)); n != 1 {
		t.Errorf("%d events, want 1", n)
	}
}

// TestStatusTransitionsOverHTTP checks the lifecycle table is enforced: a terminated card cannot be unblocked.
func TestStatusTransitionsOverHTTP(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	tok := h.token(tenantA, virtualAcct)
	r := h.do("POST", "/wallet/v2/cards", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust)), map[string]any{"name": "a", "type": "VIRTUAL"})
	id := int64(r.json(t)["id"].(float64))
	path := fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards/%d/status", virtualCust, virtualAcct, id)
	for _, step := range []struct {
		to     string
		status int
	}{{"LOST", 200}, {"NORMAL", 409}, {"FRAUD", 200}, {"FRAUD", 409}} {
		r := h.do("PUT", path, bearer(tok), map[string]any{"status": step.to})
		if r.status != step.status {
			t.Fatalf("-> %s: %d %s, want %d", step.to, r.status, r.body, step.status)
		}
		if step.status == 409 {
			assertFault(t, r, 409, "/status", "transition")
		}
	}
}

// TestPCIDelayFiresOnClockAdvance proves a scheduled job runs when the virtual clock passes its time: with a
// PCI delay the card has no PAN and no create-1 until the clock is advanced.
func TestPCIDelayFiresOnClockAdvance(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1, PCIDelay: 90 * time.Second})
	tok := h.token(tenantA, virtualAcct)
	hdr := bearer(tok, "x-customer-id", fmt.Sprint(virtualCust), "x-cid", "cid-delayed")
	r := h.do("POST", "/wallet/v2/cards", hdr, map[string]any{"name": "Later", "type": "VIRTUAL"})
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	r = h.do("GET", "/wallet/v1/cards/1", hdr, nil)
	if _, has := r.json(t)["last_4_digits"]; has {
		t.Fatalf("PAN exists before the delay: %s", r.body)
	}
	if n := len(h.events(tenantA, all)); n != 0 {
		t.Fatalf("%d events before the delay", n)
	}
	r = h.do("POST", "/_sim/clock/advance", nil, map[string]any{"duration": "1m"})
	if n := len(h.events(tenantA, all)); r.status != 200 || n != 0 {
		t.Fatalf("after 1m: %d, %d events", r.status, n)
	}
	r = h.do("POST", "/_sim/clock/advance", nil, map[string]any{"duration": "30s"})
	if r.status != 200 || r.json(t)["now"] != "2026-01-01T00:01:30Z" {
		t.Fatalf("advance: %d %s", r.status, r.body)
	}
	evs := h.events(tenantA, all)
	if len(evs) != 1 || !strings.Contains(string(evs[0]), `"cid":"cid-delayed"`) || !strings.Contains(string(evs[0]), `"timestamp":"2026-01-01T00:01:30.000Z"`) {
		t.Fatalf("after the delay: %s", evs)
	}
	r = h.do("GET", "/wallet/v1/cards/1", hdr, nil)
	if l4, _ := r.json(t)["last_4_digits"].(string); len(l4) != 4 {
		t.Fatalf("no PAN after the delay: %s", r.body)
	}
}

// TestAdvanceRealClockRefused proves the real clock cannot be advanced and says how to get a virtual one.
func TestAdvanceRealClockRefused(t *testing.T) {
	h := newHarness(t, sim.Config{Clock: clock.Real{}})
	r := h.do("POST", "/_sim/clock/advance", nil, map[string]any{"duration": "1h"})
	assertFault(t, r, 409, "/duration", "virtual_clock")
}

// TestCardDataFollowsTheSeed proves two seeds give a card different PAN-derived data (hash and last four
// digits, which depend on nothing else), and the same seed the same; the PAN itself is checked in sim/card.
func TestCardDataFollowsTheSeed(t *testing.T) {
	pan := func(seed uint64) (hash, last4 string) {
		h := newHarness(t, sim.Config{Seed: seed})
		tok := h.token(tenantA, virtualAcct)
		h.do("POST", "/wallet/v2/cards", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust)), map[string]any{"name": "a", "type": "VIRTUAL"})
		c := h.do("GET", "/wallet/v1/cards/1", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust)), nil).json(t)
		hash, _ = c["hash"].(string)
		last4, _ = c["last_4_digits"].(string)
		if hash == "" || len(last4) != 4 {
			t.Fatalf("seed %d: card without PAN data: %v", seed, c)
		}
		return hash, last4
	}
	h1, l1 := pan(1)
	if h, l := pan(1); h != h1 || l != l1 {
		t.Error("the same seed gave another PAN")
	}
	if h, _ := pan(2); h == h1 {
		t.Error("two seeds gave the same PAN")
	}
}

func assertFault(t *testing.T, r response, status int, field, rule string) {
	t.Helper()
	assertFaultIn(t, r, status, field, "", rule)
}

// assertFaultIn is assertFault that also checks where the field is (body, path, query, header); in "" skips
// that check.
func assertFaultIn(t *testing.T, r response, status int, field, in, rule string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	var body struct {
		Message string `json:"message"`
		Error   string `json:"error"`
		Errors  []struct {
			Field, In, Rule, Message string
		} `json:"errors"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("error body %s: %v", r.body, err)
	}
	if body.Message == "" && body.Error == "" {
		t.Errorf("error without a message: %s", r.body)
	}
	for _, e := range body.Errors {
		if e.Field == field && e.Rule == rule && (in == "" || e.In == in) {
			return
		}
	}
	t.Errorf("no fault naming field %q (in %q) and rule %q in %s", field, in, rule, r.body)
}

// TestFreshTenant proves POST /_sim/tenants gives a tenant with the template's accounts but none of the
// template's cards or events, its own credential, ids that restart at 1, and the same id on replay.
func TestFreshTenant(t *testing.T) {
	create := func(h *harness) (string, map[string]any) {
		r := h.do("POST", "/_sim/tenants", nil, map[string]any{"name": "scenario 1"})
		if r.status != 201 {
			t.Fatalf("create tenant: %d %s", r.status, r.body)
		}
		b := r.json(t)
		return b["tenant"].(string), b["org"].(map[string]any)
	}
	h := newHarness(t, sim.Config{Seed: 3})
	atok := h.token(tenantA, virtualAcct)
	h.do("POST", "/wallet/v2/cards", bearer(atok, "x-customer-id", fmt.Sprint(virtualCust)), map[string]any{"name": "A's", "type": "VIRTUAL"})
	id, o := create(h)
	if id == tenantA || !strings.HasPrefix(id, "TN-") || o["name"] != "scenario 1" {
		t.Fatalf("tenant %s %v", id, o)
	}
	cred := o["credentials"].([]any)[0].(map[string]any)
	r := h.do("POST", "/passport/v2/s2s/access-token", nil, map[string]any{"server_key": cred["server_key"], "server_secret": cred["server_secret"], "account_id": virtualAcct})
	if r.status != 201 || r.json(t)["tenant"] != id {
		t.Fatalf("the tenant's credential: %d %s", r.status, r.body)
	}
	tok := r.json(t)["token"].(string)
	r = h.do("GET", "/wallet/v1/cards?status=ALL", bearer(tok), nil)
	if r.status != 200 || strings.TrimSpace(string(r.body)) != "[]" {
		t.Fatalf("fresh tenant sees cards: %d %s", r.status, r.body)
	}
	r = h.do("POST", "/wallet/v2/cards", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust)), map[string]any{"name": "A's", "type": "VIRTUAL"})
	if r.status != 201 || r.json(t)["id"] != float64(1) {
		t.Fatalf("same alias in a fresh tenant: %d %s", r.status, r.body)
	}
	evs := h.events(id, all)
	if len(evs) != 1 || !strings.Contains(string(evs[0]), `"org_id":"`+id+`"`) {
		t.Fatalf("fresh tenant's events: %s", evs)
	}
	r = h.do("POST", "/_sim/tenants", nil, map[string]any{"template": "TN-00000000-0000-0000-0000-000000000000"})
	assertFault(t, r, 404, "/template", "exists")

	replay := newHarness(t, sim.Config{Seed: 3})
	if again, _ := create(replay); again != id {
		t.Errorf("replay created %s, first run %s", again, id)
	}
}

// TestEventsAfterCursor proves ?after=<event_id> returns only later events, and an unknown id is a 404.
func TestEventsAfterCursor(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	tok := h.token(tenantA, virtualAcct)
	for _, name := range []string{"one", "two", "three"} {
		h.do("POST", "/wallet/v2/cards", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust)), map[string]any{"name": name, "type": "VIRTUAL"})
	}
	all := h.events(tenantA, all)
	var first struct {
		EventID string `json:"event_id"`
	}
	_ = json.Unmarshal(all[0], &first)
	later := h.events(tenantA, simadminclient.ListEventsParams{After: ptr(uuid.MustParse(first.EventID))})
	if len(all) != 3 || len(later) != 2 || string(later[0]) != string(all[1]) {
		t.Fatalf("after cursor: %d of %d", len(later), len(all))
	}
	r := h.do("GET", "/_sim/events?after=00000000-0000-4000-8000-000000000000", nil, nil)
	assertFaultIn(t, r, 404, "after", "query", "exists")
}

// TestStatusHistory proves the history lists status changes newest first, without the creation, and pages.
func TestStatusHistory(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	tok := h.token(tenantA, virtualAcct)
	hdr := bearer(tok, "x-customer-id", fmt.Sprint(virtualCust))
	h.do("POST", "/wallet/v2/cards", hdr, map[string]any{"name": "h", "type": "VIRTUAL"})
	path := fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards/1/status", virtualCust, virtualAcct)
	h.do("PUT", path, bearer(tok), map[string]any{"status": "BLOCKED"})
	h.advance(tenantA, "30m")
	h.do("PUT", path, bearer(tok), map[string]any{"status": "NORMAL"})

	r := h.do("GET", "/wallet/v1/cards/1/status-history", hdr, nil)
	var page struct {
		Items []struct {
			Status, PreviousStatus, Operation string
			EventDatetime                     string `json:"event_datetime"`
		} `json:"items"`
		TotalItems int `json:"totalItems"`
		Pages      int `json:"pages"`
	}
	if err := json.Unmarshal(r.body, &page); err != nil || r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if page.TotalItems != 2 || len(page.Items) != 2 || page.Items[0].Status != "NORMAL" || page.Items[1].Status != "BLOCKED" ||
		page.Items[0].EventDatetime != "2026-01-01T00:30:00Z" || page.Items[1].Operation != "UPDATE_STATUS_PUT" {
		t.Fatalf("history %s", r.body)
	}
	r = h.do("GET", "/wallet/v1/cards/1/status-history?perPage=1&page=1", hdr, nil)
	_ = json.Unmarshal(r.body, &page)
	if len(page.Items) != 1 || page.Items[0].Status != "BLOCKED" || page.Pages != 2 {
		t.Fatalf("second page %s", r.body)
	}
}
