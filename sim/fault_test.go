package sim_test

import (
	"fmt"
	"testing"

	"github.com/issuersim/issuersim/sim"
)

// TestFaultRules proves an admin fault rule makes the next N calls of an operation fail as the vendor's do: the
// answer is 500 naming the rule, the card does not change, and the event is emitted with status FAILURE, the
// rule's reason and its nullable fields null (and still valid against its schema); a rule for another card does
// not apply; once spent the rule is gone. A faulted create keeps the card, without PCI data.
func TestFaultRules(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, virtualAcct, virtualCust)
	id := c.create(map[string]any{"name": "v", "type": "VIRTUAL"})
	other := c.create(map[string]any{"name": "w", "type": "VIRTUAL"})
	c.next("create-1", "create-1")
	r := h.do("POST", "/_sim/faults", nil, map[string]any{"tenant": tenantA, "operation": "updateCardStatus", "card_id": id, "count": 2, "reason": "processor timeout"})
	if r.status != 201 || r.json(t)["remaining"] != float64(2) {
		t.Fatalf("create fault: %d %s", r.status, r.body)
	}
	block := func(card int64) response {
		return h.do("PUT", c.path(card, "status"), bearer(c.tok), map[string]any{"status": "BLOCKED"})
	}
	for range 2 {
		r := block(id)
		if r.status != 500 || r.json(t)["message"] == nil {
			t.Fatalf("faulted call: %d %s", r.status, r.body)
		}
		e := c.next("update-1")[0]
		has(t, e, "status", "FAILURE", "reason", "processor timeout", "card_status", "NORMAL", "operation_type", "UPDATE_STATUS_PUT",
			"card_hash", "null", "card_last_four_numbers", "null", "expiration_date", "null", "card_id", fmt.Sprint(id))
		if got := c.get(id)["status"]; got != "NORMAL" {
			t.Fatalf("a faulted call changed the card to %v", got)
		}
	}
	if r := block(other); r.status != 200 {
		t.Fatalf("a rule for card %d failed card %d: %d %s", id, other, r.status, r.body)
	}
	c.next("update-1")
	if r := block(id); r.status != 200 {
		t.Fatalf("the spent rule still fails: %d %s", r.status, r.body)
	}
	has(t, c.next("update-1")[0], "status", "SUCCESS", "card_status", "BLOCKED")
	if list := h.do("GET", "/_sim/faults?tenant="+tenantA, nil, nil).json(t)["faults"].([]any); len(list) != 0 {
		t.Fatalf("spent rules listed: %v", list)
	}

	h.do("POST", "/_sim/faults", nil, map[string]any{"operation": "createCard"})
	fid := c.create(map[string]any{"name": "x", "type": "VIRTUAL"})
	if got := c.get(fid); got["last_4_digits"] != nil || got["status"] != "NORMAL" {
		t.Fatalf("a faulted create: %v, want the card without PCI data", got)
	}
	has(t, c.next("create-1")[0], "status", "FAILURE", "reason", "failure injected by the simulator", "card_hash", "null")

	rr := h.do("POST", "/_sim/faults", nil, map[string]any{"operation": "activateCard", "count": 3})
	fault := int64(rr.json(t)["id"].(float64))
	if r := h.do("DELETE", fmt.Sprintf("/_sim/faults/%d", fault), nil, nil); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	assertFaultIn(t, h.do("DELETE", fmt.Sprintf("/_sim/faults/%d", fault), nil, nil), 404, "id", "path", "exists")
	assertFault(t, h.do("POST", "/_sim/faults", nil, map[string]any{"operation": "getCard"}), 400, "/operation", "enum")
}
