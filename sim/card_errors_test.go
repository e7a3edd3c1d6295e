package sim_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/issuersim/issuersim/sim"
)

// TestCardOperationsRefuse walks every operation on a card through the refusals every one of them documents:
// no token (401), another account's token (403 naming the card), and a card that does not exist (404 naming
// it). The field names where the id travelled in that operation.
func TestCardOperationsRefuse(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, virtualAcct, virtualCust)
	id := c.create(map[string]any{"name": "mine", "type": "VIRTUAL"})
	other := h.token(tenantA, plasticAcct)
	cust := fmt.Sprint(virtualCust)
	for _, op := range []struct {
		method, path string // {id} is the card
		body         any
		cardField    string
	}{
		{"GET", "/wallet/v1/cards/{id}", nil, "cardId"},
		{"PATCH", "/wallet/v2/cards/{id}", map[string]any{"name": "x"}, "cardId"},
		{"PUT", "/wallet/v1/customers/{cust}/accounts/{acct}/cards/{id}/status", map[string]any{"status": "BLOCKED"}, "cardId"},
		{"POST", "/wallet/v1/customers/{cust}/accounts/{acct}/cards/{id}/reissue", map[string]any{"reason_id": 1}, "cardId"},
		{"PUT", "/wallet/v1/customers/{cust}/accounts/{acct}/cards/{id}/activate", nil, "cardId"},
		{"POST", "/wallet/v2/cards/{id}/password-tries/reset", nil, "cardId"},
		{"POST", "/wallet/v2/cards/{id}/password-tries/increase", map[string]any{"block_card_exceeds_counter": true}, "cardId"},
		{"PATCH", "/wallet/v2/cards/{id}/validity/renew", map[string]any{"validity_period_hours": 1}, "cardId"},
		{"DELETE", "/wallet/v2/cards/{id}/validity", nil, "cardId"},
		{"GET", "/wallet/v1/cards/{id}/status-history", nil, "cardId"},
		{"POST", "/wallet/v2/cards/{id}/atc/reset", nil, "cardId"},
		{"GET", "/wallet/v2/cards/{id}/modes", nil, "cardId"},
		{"POST", "/wallet/v2/cards/{id}/modes", nil, "cardId"},
		{"PUT", "/wallet/v2/cards/{id}/modes/1/status", map[string]any{"status": "SUSPENDED"}, "cardId"},
		{"PATCH", "/wallet/v2/cards/{id}/program-migration", map[string]any{"new_program_id": 3002}, "cardId"},
		{"PATCH", "/wallet/v2/cards/{id}/mode/1/program-migration", map[string]any{"new_program_id": 3002}, "cardId"},
		{"POST", "/cards/v1/automatic-updater/{id}/opt-in", nil, "cardID"},
		{"POST", "/cards/v1/automatic-updater/{id}/opt-out", nil, "cardID"},
	} {
		path := func(card int64, acct, cust string) string {
			return strings.NewReplacer("{id}", fmt.Sprint(card), "{acct}", acct, "{cust}", cust).Replace(op.path)
		}
		t.Run(op.method+" "+op.path, func(t *testing.T) {
			mine := path(id, fmt.Sprint(virtualAcct), cust)
			assertFaultIn(t, h.do(op.method, mine, map[string]string{"x-customer-id": cust}, op.body), 401, "Authorization", "header", "required")
			// Another account's token, on its own account's path: the card is someone else's.
			theirs := path(id, fmt.Sprint(plasticAcct), fmt.Sprint(plasticCust))
			assertFaultIn(t, h.do(op.method, theirs, bearer(other, "x-customer-id", fmt.Sprint(plasticCust)), op.body), 403, op.cardField, "path", "account")
			missing := path(999, fmt.Sprint(virtualAcct), cust)
			assertFaultIn(t, h.do(op.method, missing, bearer(c.tok, "x-customer-id", cust), op.body), 404, op.cardField, "path", "exists")
		})
	}
	c.seen = 1
	c.next() // none of the refusals emitted anything
}
