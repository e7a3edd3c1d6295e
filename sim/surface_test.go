package sim_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/issuersim/issuersim/sim"
)

// TestCardModes proves a card starts with one mode, gains the other (a combination card), refuses a third,
// and suspends and migrates a mode.
func TestCardModes(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, virtualAcct, virtualCust)
	id := c.create(map[string]any{"name": "combo", "type": "VIRTUAL"})
	modes := func() []map[string]any {
		t.Helper()
		r := h.do("GET", fmt.Sprintf("/wallet/v2/cards/%d/modes", id), bearer(c.tok), nil)
		var out []map[string]any
		if r.status != 200 || json.Unmarshal(r.body, &out) != nil {
			t.Fatalf("modes: %d %s", r.status, r.body)
		}
		return out
	}
	if m := modes(); len(m) != 1 || m[0]["mode"] != "CREDIT" || m[0]["status"] != "ACTIVE" || m[0]["account_id"] != float64(virtualAcct) {
		t.Fatalf("a new card's modes: %v", m)
	}
	r := h.do("POST", fmt.Sprintf("/wallet/v2/cards/%d/modes", id), c.hdr(), nil)
	if r.status != 201 || r.json(t)["mode"] != "DEBIT" || r.json(t)["mode_id"] != float64(2) {
		t.Fatalf("add mode: %d %s", r.status, r.body)
	}
	assertFaultIn(t, h.do("POST", fmt.Sprintf("/wallet/v2/cards/%d/modes", id), c.hdr(), nil), 409, "cardId", "path", "mode")
	if r := h.do("PUT", fmt.Sprintf("/wallet/v2/cards/%d/modes/2/status", id), c.hdr(), map[string]any{"status": "SUSPENDED"}); r.status != 204 {
		t.Fatalf("suspend: %d %s", r.status, r.body)
	}
	if r := h.do("PATCH", fmt.Sprintf("/wallet/v2/cards/%d/mode/2/program-migration", id), bearer(c.tok), map[string]any{"new_program_id": 3002}); r.status != 202 {
		t.Fatalf("migrate mode: %d %s", r.status, r.body)
	}
	if m := modes(); len(m) != 2 || m[1]["status"] != "SUSPENDED" || m[1]["program_id"] != float64(3002) || m[0]["program_id"] != float64(3001) {
		t.Fatalf("modes after suspend and migration: %v", m)
	}
	assertFaultIn(t, h.do("PUT", fmt.Sprintf("/wallet/v2/cards/%d/modes/9/status", id), c.hdr(), map[string]any{"status": "ACTIVE"}), 404, "modeId", "path", "exists")
}

// TestProgramMigration proves a card moves to another program of the org (a PLASTIC one announcing
// embossing_card_ingress-1 with CARD_PROGRAM_MIGRATION), and that the same or an unknown program is refused.
func TestProgramMigration(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	p := h.cards(t, plasticAcct, plasticCust)
	id := p.create(map[string]any{"name": "p", "type": "PLASTIC"})
	p.next("create-1", "embossing_card_ingress-1")
	path := fmt.Sprintf("/wallet/v2/cards/%d/program-migration", id)
	if r := h.do("PATCH", path, p.hdr(), map[string]any{"new_program_id": 3002}); r.status != 202 {
		t.Fatalf("migrate: %d %s", r.status, r.body)
	}
	has(t, p.next("embossing_card_ingress-1")[0], "card_id", fmt.Sprint(id), "program_id", "3002", "operation_type", "CARD_PROGRAM_MIGRATION")
	if got := p.get(id)["program_id"]; got != float64(3002) {
		t.Fatalf("program after migration: %v", got)
	}
	assertFault(t, h.do("PATCH", path, p.hdr(), map[string]any{"new_program_id": 3002}), 406, "/new_program_id", "program")
	assertFault(t, h.do("PATCH", path, p.hdr(), map[string]any{"new_program_id": 9999}), 404, "/new_program_id", "exists")
}

// TestATCAndAutomaticUpdater proves the ATC reset answers success, a VISA card opts in to and out of the Visa
// Automatic Updater, a MASTERCARD card cannot opt in and opting it out turns ABU off.
func TestATCAndAutomaticUpdater(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	mc := h.cards(t, virtualAcct, virtualCust)
	id := mc.create(map[string]any{"name": "mc", "type": "VIRTUAL", "abu_enabled": true})
	if r := h.do("POST", fmt.Sprintf("/wallet/v2/cards/%d/atc/reset", id), bearer(mc.tok), nil); r.status != 200 || r.json(t)["success"] != true {
		t.Fatalf("atc reset: %d %s", r.status, r.body)
	}
	assertFaultIn(t, h.do("POST", fmt.Sprintf("/cards/v1/automatic-updater/%d/opt-in", id), bearer(mc.tok), nil), 409, "cardID", "path", "brand")
	if r := h.do("POST", fmt.Sprintf("/cards/v1/automatic-updater/%d/opt-out", id), bearer(mc.tok), nil); r.status != 200 {
		t.Fatalf("opt out: %d %s", r.status, r.body)
	}
	if got := mc.get(id)["abu_enabled"]; got != false {
		t.Fatalf("a MASTERCARD card opted out keeps abu_enabled %v", got)
	}
	visa := h.cards(t, 8675311, 103625637)
	vid := visa.create(map[string]any{"name": "visa", "type": "VIRTUAL"})
	for _, verb := range []string{"opt-in", "opt-out"} {
		if r := h.do("POST", fmt.Sprintf("/cards/v1/automatic-updater/%d/%s", vid, verb), bearer(visa.tok), nil); r.status != 200 {
			t.Fatalf("%s of a VISA card: %d %s", verb, r.status, r.body)
		}
	}
}

// TestCardTemplates proves the org's templates list a page at a time and read one by one.
func TestCardTemplates(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	tok := h.token(tenantA, virtualAcct)
	first := h.do("GET", "/cards/v1/templates?page_size=2", bearer(tok), nil).json(t)
	items := first["items"].([]any)
	last, _ := first["last_page_id"].(string)
	if len(items) != 2 || last == "" || items[0].(map[string]any)["org_id"] != tenantA {
		t.Fatalf("first page: %v", first)
	}
	second := h.do("GET", "/cards/v1/templates?page_size=2&last_page_id="+last, bearer(tok), nil).json(t)
	if items := second["items"].([]any); len(items) != 1 || second["last_page_id"] != nil {
		t.Fatalf("second page: %v", second)
	}
	id := items[0].(map[string]any)["template_id"].(string)
	r := h.do("GET", "/cards/v1/templates/"+id, bearer(tok), nil)
	if r.status != 200 || r.json(t)["bin"] != "45329710" || r.json(t)["override_program_id"] != float64(3002) {
		t.Fatalf("get template: %d %s", r.status, r.body)
	}
	assertFaultIn(t, h.do("GET", "/cards/v1/templates/nope", bearer(tok), nil), 404, "templateID", "path", "exists")
}
