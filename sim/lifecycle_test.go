package sim_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/issuersim/issuersim/gen/simadminclient"
	"github.com/issuersim/issuersim/sim"
)

// cardClient drives one account's cards over HTTP for the lifecycle tests.
type cardClient struct {
	h        *harness
	t        *testing.T
	tenant   string
	account  int64
	customer int64
	tok      string
	seen     int // events of the tenant already looked at
}

func (h *harness) cards(t *testing.T, account, customer int64) *cardClient {
	return &cardClient{h: h, t: t, tenant: tenantA, account: account, customer: customer, tok: h.token(tenantA, account)}
}

func (c *cardClient) hdr(extra ...string) map[string]string {
	return bearer(c.tok, append([]string{"x-customer-id", fmt.Sprint(c.customer)}, extra...)...)
}

// create makes a card and returns its id; it fails unless the answer is 201.
func (c *cardClient) create(body map[string]any) int64 {
	c.t.Helper()
	r := c.h.do("POST", "/wallet/v2/cards", c.hdr(), body)
	if r.status != 201 {
		c.t.Fatalf("create %v: %d %s", body, r.status, r.body)
	}
	return int64(r.json(c.t)["id"].(float64))
}

func (c *cardClient) path(id int64, verb string) string {
	return fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards/%d/%s", c.customer, c.account, id, verb)
}

func (c *cardClient) get(id int64) map[string]any {
	c.t.Helper()
	r := c.h.do("GET", fmt.Sprintf("/wallet/v1/cards/%d", id), c.hdr(), nil)
	if r.status != 200 {
		c.t.Fatalf("get card %d: %d %s", id, r.status, r.body)
	}
	return r.json(c.t)
}

// cardEvent is an envelope with its data decoded.
type cardEvent struct {
	Type string         `json:"event_type"`
	CID  string         `json:"cid"`
	Data map[string]any `json:"data"`
}

// next returns the tenant's events since the last call, oldest first, and checks their types.
func (c *cardClient) next(types ...string) []cardEvent {
	c.t.Helper()
	raw := c.h.events(c.tenant, all)
	var out []cardEvent
	for _, e := range raw[c.seen:] {
		var ev cardEvent
		if err := json.Unmarshal(e, &ev); err != nil {
			c.t.Fatal(err)
		}
		out = append(out, ev)
	}
	c.seen = len(raw)
	var got []string
	for _, e := range out {
		got = append(got, e.Type)
	}
	if strings.Join(got, " ") != strings.Join(types, " ") {
		c.t.Fatalf("events %v, want %v", got, types)
	}
	return out
}

// has checks event data fields by name; values compare as text, null as "null".
func has(t *testing.T, e cardEvent, fields ...string) {
	t.Helper()
	for i := 0; i+1 < len(fields); i += 2 {
		got, ok := e.Data[fields[i]]
		text := "<missing>"
		if ok {
			text = jsonText(got)
		}
		if text != fields[i+1] {
			t.Errorf("%s: %s = %s, want %s", e.Type, fields[i], text, fields[i+1])
		}
	}
}

func jsonText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// sharedFields pairs an event's data field with the field GET /wallet/v1/cards/{id} shows it under.
var sharedFields = [][2]string{
	{"card_id", "id"}, {"card_status", "status"}, {"card_name", "name"}, {"card_printed_name", "printed_name"},
	{"card_type", "type"}, {"contactless_enabled", "contactless_enabled"}, {"abu_enabled", "abu_enabled"},
	{"card_hash", "hash"}, {"card_last_four_numbers", "last_4_digits"}, {"card_bin", "bin"},
	{"program_id", "program_id"}, {"password_tries", "password_tries"}, {"reissued_card_id", "reissued_card_id"},
	{"metadata", "metadata"}, {"template_id", "template_id"}, {"mode", "mode"}, {"transaction_limit", "transaction_limit"},
	{"expiration_date", "expiration_date"}, {"issuing_date", "issuing_date"},
}

// consistent checks that the event's data equals the card as a GET returns it now, for the fields they share.
func (c *cardClient) consistent(e cardEvent) {
	c.t.Helper()
	id := int64(e.Data["card_id"].(float64))
	card := c.get(id)
	for _, f := range sharedFields {
		ev, inEvent := e.Data[f[0]]
		got, inCard := card[f[1]]
		if !inEvent || ev == nil {
			if inCard && got != nil && f[0] != "card_hash" && f[0] != "card_last_four_numbers" {
				c.t.Errorf("%s of card %d: %s missing but GET shows %s=%s", e.Type, id, f[0], f[1], jsonText(got))
			}
			continue
		}
		a, b := jsonText(ev), jsonText(got)
		switch f[0] {
		case "card_status":
			a = strings.Replace(a, "UMBOUND", "UNBOUND", 1) // the vendor's schemas spell it so
		case "transaction_limit":
			x, _ := strconv.ParseFloat(b, 64)
			if ev.(float64) == x {
				continue
			}
		case "expiration_date", "issuing_date":
			ta, _ := time.Parse(time.RFC3339, a)
			tb, _ := time.Parse(time.RFC3339, b)
			if ta.Equal(tb) {
				continue
			}
		}
		if a != b {
			c.t.Errorf("%s of card %d: %s=%s, GET %s=%s", e.Type, id, f[0], a, f[1], b)
		}
	}
}

// TestCreateEveryType proves each card type starts in its status and announces it with a create-1 that
// matches the card; a TEMPORARY card lives the program's 24 hours; UNNUMBERED cards wait for their PAN.
func TestCreateEveryType(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	for _, tc := range []struct {
		account, customer int64
		body              map[string]any
		status            string
	}{
		{virtualAcct, virtualCust, map[string]any{"name": "v", "type": "VIRTUAL"}, "NORMAL"},
		{plasticAcct, plasticCust, map[string]any{"name": "p", "type": "PLASTIC"}, "CREATED"},
		{virtualAcct, virtualCust, map[string]any{"name": "t", "type": "TEMPORARY"}, "NORMAL"},
		{virtualAcct, virtualCust, map[string]any{"name": "r", "type": "RECURRING"}, "NORMAL"},
	} {
		c := h.cards(t, tc.account, tc.customer)
		c.seen = len(h.events(tenantA, all))
		id := c.create(tc.body)
		got := c.get(id)
		if got["status"] != tc.status || got["type"] != tc.body["type"] {
			t.Errorf("%v: card %v", tc.body, got)
		}
		want := []string{"create-1"}
		if tc.body["type"] == "PLASTIC" {
			want = append(want, "embossing_card_ingress-1") // a physical card enters the embossing pipeline
		}
		e := c.next(want...)[0]
		has(t, e, "card_status", tc.status, "card_type", tc.body["type"].(string), "status", "SUCCESS")
		c.consistent(e)
		if tc.body["type"] == "TEMPORARY" && got["valid_until"] != "2026-01-02T00:00:00Z" {
			t.Errorf("TEMPORARY card valid until %v, want a day after issue", got["valid_until"])
		}
	}
	c := h.cards(t, virtualAcct, virtualCust)
	c.seen = len(h.events(tenantA, all))
	id := c.create(map[string]any{"name": "u", "type": "VIRTUAL", "status": "UNNUMBERED", "brand": "VISA"})
	if got := c.get(id); got["status"] != "UNNUMBERED" || got["last_4_digits"] != nil {
		t.Errorf("unnumbered card %v", got)
	}
	c.next() // no create-1 until the card has a PAN
}

// TestUpdateCard proves PATCH changes every documented field, announces update-1 (UPDATE_STATUS_PATCH) matching
// the card, and refuses a taken alias and a limit on a PLASTIC card.
func TestUpdateCard(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, virtualAcct, virtualCust)
	id := c.create(map[string]any{"name": "Old", "type": "VIRTUAL"})
	c.create(map[string]any{"name": "Taken", "type": "VIRTUAL"})
	c.next("create-1", "create-1")
	r := h.do("PATCH", fmt.Sprintf("/wallet/v2/cards/%d", id), c.hdr(), map[string]any{"name": "New", "printed_name": "ADA LOVELACE",
		"transaction_limit": "12.50", "contactless_enabled": false, "abu_enabled": true, "metadata": map[string]any{"k": "v"}})
	if r.status != 200 || r.json(t)["name"] != "New" {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	e := c.next("update-1")[0]
	has(t, e, "operation_type", "UPDATE_STATUS_PATCH", "card_name", "New", "card_printed_name", "ADA LOVELACE",
		"transaction_limit", "12.5", "contactless_enabled", "false", "abu_enabled", "true", "metadata", `{"k":"v"}`,
		"card_status", "NORMAL", "card_previous_status", "NORMAL")
	c.consistent(e)

	assertFault(t, h.do("PATCH", fmt.Sprintf("/wallet/v2/cards/%d", id), c.hdr(), map[string]any{"name": "Taken"}), 409, "/name", "unique")
	p := h.cards(t, plasticAcct, plasticCust)
	pid := p.create(map[string]any{"name": "p", "type": "PLASTIC"})
	assertFault(t, h.do("PATCH", fmt.Sprintf("/wallet/v2/cards/%d", pid), p.hdr(), map[string]any{"transaction_limit": "1.00"}), 400, "/transaction_limit", "type")
	assertFaultIn(t, h.do("PATCH", "/wallet/v2/cards/999", c.hdr(), map[string]any{"name": "x"}), 404, "cardId", "path", "exists")
	c.seen = len(h.events(tenantA, all))
	c.next()
}

// TestActivate proves a PLASTIC CREATED card becomes NORMAL with update-1 (ACTIVATE, activation_date), and
// that activating it again, or activating a VIRTUAL card, is refused naming the rule.
func TestActivate(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	p := h.cards(t, plasticAcct, plasticCust)
	id := p.create(map[string]any{"name": "p", "type": "PLASTIC"})
	p.next("create-1", "embossing_card_ingress-1")
	r := h.do("PUT", p.path(id, "activate"), p.hdr(), nil)
	if r.status != 200 || r.json(t)["message"] == "" {
		t.Fatalf("activate: %d %s", r.status, r.body)
	}
	e := p.next("update-1")[0]
	has(t, e, "operation_type", "ACTIVATE", "card_status", "NORMAL", "card_previous_status", "CREATED", "activation_date", "2026-01-01T00:00:00Z")
	p.consistent(e)
	assertFaultIn(t, h.do("PUT", p.path(id, "activate"), p.hdr(), nil), 409, "cardId", "path", "transition")

	v := h.cards(t, virtualAcct, virtualCust)
	vid := v.create(map[string]any{"name": "v", "type": "VIRTUAL"})
	assertFaultIn(t, h.do("PUT", v.path(vid, "activate"), v.hdr(), nil), 409, "cardId", "path", "physical")
	p.seen = len(h.events(tenantA, all))
	p.next()
}

// TestPasswordTries proves increase blocks at the program's maximum (3) with update-1
// (INCREASE_PASSWORD_TRIES_EXCEEDED), reset unblocks with update-1 (RESET_PASSWORD_TRIES), reset of a NORMAL
// card is silent, and reset of a terminated card answers 406.
func TestPasswordTries(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, virtualAcct, virtualCust)
	id := c.create(map[string]any{"name": "v", "type": "VIRTUAL"})
	c.next("create-1")
	increase := func(block bool) {
		t.Helper()
		r := h.do("POST", fmt.Sprintf("/wallet/v2/cards/%d/password-tries/increase", id), bearer(c.tok), map[string]any{"block_card_exceeds_counter": block})
		if r.status != 200 || r.json(t)["success"] != "Incremented password tries counter" {
			t.Fatalf("increase: %d %s", r.status, r.body)
		}
	}
	increase(true)
	increase(false)
	increase(false) // the maximum, but without the flag the card is not blocked
	c.next()
	increase(true)
	e := c.next("update-1")[0]
	has(t, e, "operation_type", "INCREASE_PASSWORD_TRIES_EXCEEDED", "card_status", "BLOCKED", "card_previous_status", "NORMAL", "password_tries", "4")
	c.consistent(e)

	reset := func() response {
		return h.do("POST", fmt.Sprintf("/wallet/v2/cards/%d/password-tries/reset", id), bearer(c.tok), nil)
	}
	if r := reset(); r.status != 200 || r.json(t)["success"] != true {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	e = c.next("update-1")[0]
	has(t, e, "operation_type", "RESET_PASSWORD_TRIES", "card_status", "NORMAL", "card_previous_status", "BLOCKED", "password_tries", "0")
	c.consistent(e)
	if r := reset(); r.status != 200 {
		t.Fatalf("reset of a NORMAL card: %d %s", r.status, r.body)
	}
	c.next()
	h.do("PUT", c.path(id, "status"), bearer(c.tok), map[string]any{"status": "CANCELED"})
	c.next("update-1")
	assertFaultIn(t, reset(), 406, "cardId", "path", "status")
}

// TestReissue walks the reissue rules: a VIRTUAL card is CANCELED and replaced (update-1 REISSUE with
// new_card_id, then create-1 of the new card with reissued_card_id, track number 2, a new PAN under the same
// BIN); a repeated reissue answers the same card and emits nothing; a PLASTIC card whose reason need not block
// it stays usable as REISSUED until its successor is activated; a reason that must block cancels it; a
// terminated card keeps its status; unknown and disabled reasons are refused.
func TestReissue(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	v := h.cards(t, virtualAcct, virtualCust)
	old := v.create(map[string]any{"name": "Groceries", "type": "VIRTUAL"})
	oldCard := v.get(old)
	v.next("create-1")
	r := h.do("POST", v.path(old, "reissue"), bearer(v.tok), map[string]any{"reason_id": 1})
	if r.status != 200 {
		t.Fatalf("reissue: %d %s", r.status, r.body)
	}
	fresh := int64(r.json(t)["id"].(float64))
	if fresh == old || r.json(t)["track_number"] != float64(2) || r.json(t)["status"] != "NORMAL" {
		t.Fatalf("reissue answered %s", r.body)
	}
	evs := v.next("update-1", "create-1")
	has(t, evs[0], "card_id", fmt.Sprint(old), "operation_type", "REISSUE", "card_status", "CANCELED", "card_previous_status", "NORMAL",
		"new_card_id", fmt.Sprint(fresh), "update_tokens", "false")
	has(t, evs[1], "card_id", fmt.Sprint(fresh), "reissued_card_id", fmt.Sprint(old), "card_status", "NORMAL", "card_name", "Groceries")
	v.consistent(evs[0])
	v.consistent(evs[1])
	newCard := v.get(fresh)
	if newCard["bin"] != oldCard["bin"] || newCard["hash"] == oldCard["hash"] || newCard["track_number"] != float64(2) {
		t.Errorf("new card %v, old %v: want the same BIN, a new PAN and track number 2", newCard, oldCard)
	}
	again := h.do("POST", v.path(old, "reissue"), bearer(v.tok), map[string]any{"reason_id": 1})
	if again.status != 200 || again.json(t)["id"] != float64(fresh) {
		t.Fatalf("repeated reissue: %d %s", again.status, again.body)
	}
	v.next()

	p := h.cards(t, plasticAcct, plasticCust)
	pold := p.create(map[string]any{"name": "p", "type": "PLASTIC"})
	h.do("PUT", p.path(pold, "activate"), p.hdr(), nil)
	p.seen = len(h.events(tenantA, all))
	r = h.do("POST", p.path(pold, "reissue"), bearer(p.tok, "x-idempotency-key", "reissue-p"), map[string]any{"reason_id": 3})
	pnew := int64(r.json(t)["id"].(float64))
	evs = p.next("update-1", "create-1", "embossing_card_ingress-1")
	has(t, evs[0], "operation_type", "REISSUE", "card_status", "REISSUED", "card_previous_status", "NORMAL", "new_card_id", fmt.Sprint(pnew))
	has(t, evs[1], "card_status", "CREATED", "reissued_card_id", fmt.Sprint(pold))
	if replay := h.do("POST", p.path(pold, "reissue"), bearer(p.tok, "x-idempotency-key", "reissue-p"), map[string]any{"reason_id": 3}); replay.json(t)["id"] != float64(pnew) {
		t.Fatalf("idempotent replay: %s", replay.body)
	}
	p.next()
	h.do("PUT", p.path(pnew, "activate"), p.hdr(), nil)
	evs = p.next("update-1", "update-1")
	has(t, evs[0], "card_id", fmt.Sprint(pnew), "operation_type", "ACTIVATE", "card_status", "NORMAL")
	has(t, evs[1], "card_id", fmt.Sprint(pold), "operation_type", "REISSUE", "card_status", "CANCELED", "card_previous_status", "REISSUED")
	p.consistent(evs[1])

	r = h.do("POST", p.path(pnew, "reissue"), bearer(p.tok), map[string]any{"reason_id": 2}) // must block
	evs = p.next("update-1", "create-1", "embossing_card_ingress-1")
	has(t, evs[0], "card_status", "CANCELED", "card_previous_status", "NORMAL")

	stolen := v.create(map[string]any{"name": "Stolen", "type": "VIRTUAL"})
	h.do("PUT", v.path(stolen, "status"), bearer(v.tok), map[string]any{"status": "THEFT"})
	v.seen = len(h.events(tenantA, all))
	h.do("POST", v.path(stolen, "reissue"), bearer(v.tok), map[string]any{"reason_id": 2})
	evs = v.next("update-1", "create-1")
	has(t, evs[0], "card_status", "THEFT", "card_previous_status", "THEFT", "operation_type", "REISSUE")

	other := v.create(map[string]any{"name": "Other", "type": "VIRTUAL"})
	assertFault(t, h.do("POST", v.path(other, "reissue"), bearer(v.tok), map[string]any{"reason_id": 99}), 400, "/reason_id", "exists")
	assertFault(t, h.do("POST", v.path(other, "reissue"), bearer(v.tok), map[string]any{"reason_id": 5}), 400, "/reason_id", "enabled")
}

// TestValidity proves a validity period runs out on the tenant's clock (INOPERATIVE, update-1
// TEMPORARY_CARD_INOPERATIVE_EVENT, the job listed until then), a renewal brings the card back (NORMAL,
// CARD_VALIDITY_RENEWAL) and moves the job, a cancellation removes both (CARD_VALIDITY_CANCEL), and a TEMPORARY
// card renews with TEMPORARY_CARD_RENEWAL_EVENT.
func TestValidity(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, virtualAcct, virtualCust)
	id := c.create(map[string]any{"name": "v", "type": "VIRTUAL", "validity_period_hours": 2})
	c.next("create-1")
	jobs := h.jobs(tenantA)
	if len(jobs) != 1 || jobs[0].Kind != "card.validity_expiry" || !jobs[0].Due.Equal(time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC)) {
		t.Fatalf("jobs %+v, want the card's expiry at 02:00", jobs)
	}
	if ran := h.advance(tenantA, "2h").Ran; len(ran) != 1 || ran[0].State != simadminclient.JobStateDone {
		t.Fatalf("advance ran %+v", ran)
	}
	c.tok = h.token(tenantA, virtualAcct)
	e := c.next("update-1")[0]
	has(t, e, "operation_type", "TEMPORARY_CARD_INOPERATIVE_EVENT", "card_status", "INOPERATIVE", "card_previous_status", "NORMAL")
	c.consistent(e)
	assertFault(t, h.do("PUT", c.path(id, "status"), bearer(c.tok), map[string]any{"status": "NORMAL"}), 409, "/status", "transition")

	r := h.do("PATCH", fmt.Sprintf("/wallet/v2/cards/%d/validity/renew", id), bearer(c.tok), map[string]any{"validity_period_hours": 5})
	if r.status != 200 || r.json(t)["status"] != "NORMAL" || r.json(t)["valid_until"] != "2026-01-01T07:00:00Z" {
		t.Fatalf("renew: %d %s", r.status, r.body)
	}
	e = c.next("update-1")[0]
	has(t, e, "operation_type", "CARD_VALIDITY_RENEWAL", "card_status", "NORMAL", "card_previous_status", "INOPERATIVE")
	c.consistent(e)
	if jobs := h.jobs(tenantA); len(jobs) != 1 || !jobs[0].Due.Equal(time.Date(2026, 1, 1, 7, 0, 0, 0, time.UTC)) {
		t.Fatalf("after renewal jobs %+v, want the expiry moved to 07:00", jobs)
	}
	if r := h.do("DELETE", fmt.Sprintf("/wallet/v2/cards/%d/validity", id), bearer(c.tok), nil); r.status != 204 {
		t.Fatalf("delete validity: %d %s", r.status, r.body)
	}
	e = c.next("update-1")[0]
	has(t, e, "operation_type", "CARD_VALIDITY_CANCEL", "card_status", "NORMAL")
	if got := c.get(id); got["valid_until"] != nil || len(h.jobs(tenantA)) != 0 {
		t.Fatalf("after cancel: card %v, jobs %+v", got, h.jobs(tenantA))
	}
	assertFaultIn(t, h.do("DELETE", fmt.Sprintf("/wallet/v2/cards/%d/validity", id), bearer(c.tok), nil), 409, "cardId", "path", "validity")

	tmp := c.create(map[string]any{"name": "t", "type": "TEMPORARY"})
	c.next("create-1")
	h.advance(tenantA, "24h")
	c.tok = h.token(tenantA, virtualAcct)
	has(t, c.next("update-1")[0], "card_id", fmt.Sprint(tmp), "operation_type", "TEMPORARY_CARD_INOPERATIVE_EVENT", "card_status", "INOPERATIVE")
	h.do("PATCH", fmt.Sprintf("/wallet/v2/cards/%d/validity/renew", tmp), bearer(c.tok), map[string]any{"validity_period_hours": 24})
	has(t, c.next("update-1")[0], "operation_type", "TEMPORARY_CARD_RENEWAL_EVENT", "card_status", "NORMAL")

	p := h.cards(t, plasticAcct, plasticCust)
	pid := p.create(map[string]any{"name": "p", "type": "PLASTIC"})
	assertFaultIn(t, h.do("PATCH", fmt.Sprintf("/wallet/v2/cards/%d/validity/renew", pid), bearer(p.tok), map[string]any{"validity_period_hours": 5}), 409, "cardId", "path", "activation")
}

// TestReissueReasons proves reasons are created (201, numbered after the fixtures'), changed (200), listed by
// both lists, scoped to the tenant, and that an unknown id is a 404.
func TestReissueReasons(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	tok := h.token(tenantA, virtualAcct)
	r := h.do("POST", "/cards/v1/reissue/reasons", bearer(tok), map[string]any{"description": "Upgrade", "must_block": false, "must_charge": true, "cost": 5})
	if r.status != 201 || r.json(t)["id"] != float64(6) || r.json(t)["enabled"] != true {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	r = h.do("PATCH", "/cards/v1/reissue/reasons/6", bearer(tok), map[string]any{"enabled": false, "description": "Upgrade (retired)"})
	if r.status != 200 || r.json(t)["enabled"] != false || r.json(t)["must_charge"] != true {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	r = h.do("PATCH", "/cards/v1/reissue/reasons/5", bearer(tok), map[string]any{"enabled": true})
	if r.status != 200 || r.json(t)["description"] != "Card not received" {
		t.Fatalf("patch a fixture reason: %d %s", r.status, r.body)
	}
	assertFault(t, h.do("PATCH", "/cards/v1/reissue/reasons/77", bearer(tok), map[string]any{"enabled": true}), 404, "id", "exists")
	legacy := h.do("GET", "/wallet/v1/cards/reissue/reasons", bearer(tok), nil)
	var list []map[string]any
	_ = json.Unmarshal(legacy.body, &list)
	if len(list) != 6 || list[5]["description"] != "Upgrade (retired)" || list[4]["enabled"] != true {
		t.Fatalf("legacy list: %s", legacy.body)
	}
	page := h.do("GET", "/cards/v1/reissue/reasons?enabled=false", bearer(tok), nil).json(t)
	if items := page["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != float64(6) {
		t.Fatalf("enabled=false: %v", page)
	}
	if b := h.do("GET", "/wallet/v1/cards/reissue/reasons", bearer(h.token(tenantB, virtualAcct)), nil); strings.Contains(string(b.body), "Upgrade") {
		t.Fatalf("tenant B sees tenant A's reason: %s", b.body)
	}
}

// TestBindRefusesABoundCard proves bind answers 409 naming the rule for a card that is not UNBOUND, and 400
// for an x-account-id that is not an account id. (A successful bind needs an UNBOUND card, which only noname
// bulks make; sim/card's TestBind covers it.)
func TestBindRefusesABoundCard(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, virtualAcct, virtualCust)
	id := c.create(map[string]any{"name": "v", "type": "VIRTUAL"})
	path := fmt.Sprintf("/wallet/v2/cards/%d/noname/bind", id)
	assertFaultIn(t, h.do("PUT", path, c.hdr("x-account-id", fmt.Sprint(virtualAcct)), nil), 409, "cardId", "path", "unbound")
	assertFaultIn(t, h.do("PUT", path, c.hdr("x-account-id", fmt.Sprint(plasticAcct)), nil), 403, "x-account-id", "header", "account")
}
