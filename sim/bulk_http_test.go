package sim_test

import (
	"fmt"
	"testing"

	"github.com/issuersim/issuersim/sim"
)

// bulkClient drives noname bulks with an org token.
type bulkClient struct {
	*cardClient
	org string // org token
}

func (h *harness) bulks(t *testing.T) *bulkClient {
	return &bulkClient{cardClient: h.cards(t, plasticAcct, plasticCust), org: h.token(tenantA, 0)}
}

// create registers a bulk of program 3001 and returns its id.
func (b *bulkClient) create(externalIDs ...string) string {
	b.t.Helper()
	r := b.h.do("POST", "/cards/v1/bulks", bearer(b.org), map[string]any{"program_id": 3001, "external_ids": externalIDs, "metadata": map[string]any{"batch": "b1"}})
	if r.status != 201 {
		b.t.Fatalf("create bulk: %d %s", r.status, r.body)
	}
	body := r.json(b.t)
	if body["status"] != "CREATED" || body["size"] != float64(len(externalIDs)) || body["program_id"] != float64(3001) {
		b.t.Fatalf("new bulk: %v", body)
	}
	return body["id"].(string)
}

func (b *bulkClient) start(id string) {
	b.t.Helper()
	r := b.h.do("POST", "/cards/v1/bulks/"+id+"/start", bearer(b.org), nil)
	if r.status != 202 || r.json(b.t)["status"] != "RUNNING" {
		b.t.Fatalf("start bulk %s: %d %s", id, r.status, r.body)
	}
}

func (b *bulkClient) cancel(id string, externalIDs ...string) {
	b.t.Helper()
	body := map[string]any{"cancel_type": "FULL"}
	if len(externalIDs) > 0 {
		body = map[string]any{"cancel_type": "PARTIAL", "external_ids": externalIDs}
	}
	if r := b.h.do("POST", "/cards/v1/bulks/"+id+"/cancel", bearer(b.org), body); r.status != 202 {
		b.t.Fatalf("cancel bulk %s: %d %s", id, r.status, r.body)
	}
}

// TestBulkLifecycle walks a bulk from creation to bound cards: no event until it starts, one UNBOUND card per
// external id with create-1 (bulk_id, external_id) and embossing_card_ingress-1, the refusals of each status,
// and cancellations with each message code.
func TestBulkLifecycle(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	b := h.bulks(t)
	assertFaultIn(t, h.do("POST", "/cards/v1/bulks", bearer(b.org), map[string]any{"program_id": 3001, "external_ids": []string{"X", "X"}}), 409, "/external_ids/1", "body", "unique")
	assertFaultIn(t, h.do("POST", "/cards/v1/bulks", bearer(b.org), map[string]any{"program_id": 9999, "external_ids": []string{"X"}}), 400, "/program_id", "body", "exists")
	assertFaultIn(t, h.do("POST", "/cards/v1/bulks", bearer(b.org), map[string]any{"program_id": 3001, "external_ids": []string{}}), 400, "/external_ids", "body", "minItems")
	id := b.create("A1", "A2", "A3")
	assertFaultIn(t, h.do("POST", "/cards/v1/bulks", bearer(b.org), map[string]any{"program_id": 3001, "external_ids": []string{"A2"}}), 409, "/external_ids/0", "body", "unique")
	r := h.do("PUT", "/cards/v1/bulks/"+id, bearer(b.org), map[string]any{"external_ids": []string{"A4"}})
	if r.status != 201 || r.json(t)["size"] != float64(4) {
		t.Fatalf("increment: %d %s", r.status, r.body)
	}
	assertFaultIn(t, h.do("PUT", "/cards/v1/bulks/nope", bearer(b.org), map[string]any{"external_ids": []string{"A5"}}), 404, "bulkID", "path", "exists")
	b.next() // creating and growing a bulk emits nothing

	b.cancel(id, "A4") // before the start: only the external id goes
	h.advance(tenantA, "1s")
	has(t, b.next("noname_cancellation-1")[0], "bulk_id", id, "external_id", "A4", "status", "SUCCESS", "message_code", "EXTERNAL_ID_CANCELED", "card_id", "<missing>")

	b.start(id)
	assertFaultIn(t, h.do("POST", "/cards/v1/bulks/"+id+"/start", bearer(b.org), nil), 409, "bulkID", "path", "status")
	assertFaultIn(t, h.do("PUT", "/cards/v1/bulks/"+id, bearer(b.org), map[string]any{"external_ids": []string{"A5"}}), 409, "bulkID", "path", "status")
	assertFaultIn(t, h.do("POST", "/cards/v1/bulks/"+id+"/cancel", bearer(b.org), map[string]any{"cancel_type": "FULL"}), 406, "bulkID", "path", "status")
	h.advance(tenantA, "1s")
	evs := b.next("create-1", "embossing_card_ingress-1", "create-1", "embossing_card_ingress-1", "create-1", "embossing_card_ingress-1")
	cards := map[string]int64{}
	for i, ext := range []string{"A1", "A2", "A3"} {
		// create-1 spells the status as its schema does (UMBOUND) and requires an account id, zero until bound.
		has(t, evs[2*i], "card_status", "UMBOUND", "card_type", "PLASTIC", "bulk_id", id, "external_id", ext, "metadata", `{"batch":"b1"}`, "account_id", "0")
		cards[ext] = int64(evs[2*i].Data["card_id"].(float64))
		has(t, evs[2*i+1], "card_id", fmt.Sprint(cards[ext]), "program_id", "3001", "account_id", "<missing>")
	}
	if r := h.do("PUT", "/cards/v1/bulks/"+id, bearer(b.org), map[string]any{"external_ids": []string{"A5"}}); r.status != 409 {
		t.Fatalf("increment a COMPLETED bulk: %d %s", r.status, r.body)
	}

	// A1 goes to a customer; A2 is cancelled with its card; then the whole bulk.
	bind := bearer(b.tok, "x-account-id", fmt.Sprint(plasticAcct), "x-customer-id", "103625636")
	if r := h.do("PUT", fmt.Sprintf("/wallet/v2/cards/%d/noname/bind", cards["A1"]), bind, nil); r.status != 202 {
		t.Fatalf("bind: %d %s", r.status, r.body)
	}
	h.advance(tenantA, "1s")
	has(t, b.next("bind_card-1")[0], "card_id", fmt.Sprint(cards["A1"]), "card_status", "CREATED", "operation_type", "BIND_NONAME", "customer_id", "103625636")
	b.cancel(id, "A2", "A4", "Z9")
	h.advance(tenantA, "1s")
	evs = b.next("noname_cancellation-1", "noname_cancellation-1", "noname_cancellation-1")
	has(t, evs[0], "external_id", "A2", "status", "SUCCESS", "message_code", "EXTERNAL_ID_AND_CARD_CANCELED", "card_id", fmt.Sprint(cards["A2"]))
	has(t, evs[1], "external_id", "A4", "status", "FAILURE", "message_code", "ALREADY_CANCELED")
	has(t, evs[2], "external_id", "Z9", "status", "FAILURE", "message_code", "EXTERNAL_ID_NOT_FOUND", "card_id", "<missing>")
	if r := h.do("PUT", fmt.Sprintf("/wallet/v2/cards/%d/noname/bind", cards["A2"]), bind, nil); r.status != 409 {
		t.Fatalf("bind a cancelled noname card: %d %s", r.status, r.body)
	}
	b.cancel(id)
	h.advance(tenantA, "1s")
	evs = b.next("noname_cancellation-1", "noname_cancellation-1", "noname_cancellation-1", "noname_cancellation-1")
	for i, want := range [][2]string{{"A1", "INVALID_CARD_STATUS_FOR_CANCELLATION"}, {"A2", "ALREADY_CANCELED"}, {"A3", "EXTERNAL_ID_AND_CARD_CANCELED"}, {"A4", "ALREADY_CANCELED"}} {
		has(t, evs[i], "external_id", want[0], "message_code", want[1])
	}
	assertFaultIn(t, h.do("POST", "/cards/v1/bulks/"+id+"/cancel", bearer(b.org), map[string]any{"cancel_type": "PARTIAL"}), 400, "/external_ids", "body", "required")
}
