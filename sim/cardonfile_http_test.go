package sim_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/issuersim/issuersim/sim"
)

const walletPath = "/cardsonfile/v2/cardsonfile/cards"

// wallet drives the cards on file of one account.
type wallet struct{ *cardClient }

func (h *harness) wallet(t *testing.T, account, customer int64) wallet {
	return wallet{h.cards(t, account, customer)}
}

// store puts a card on file and returns its uuid; it fails unless the answer is 200.
func (w wallet) store(path string, body map[string]any) string {
	w.t.Helper()
	r := w.h.do("POST", path, bearer(w.tok), body)
	if r.status != 200 {
		w.t.Fatalf("store %v: %d %s", body, r.status, r.body)
	}
	return r.json(w.t)["card_stored_uuid"].(string)
}

func (w wallet) list(query string) []map[string]any {
	w.t.Helper()
	r := w.h.do("GET", walletPath+query, bearer(w.tok), nil)
	var out []map[string]any
	if r.status != 200 || json.Unmarshal(r.body, &out) != nil {
		w.t.Fatalf("list %s: %d %s", query, r.status, r.body)
	}
	return out
}

func external(pan, exp string) map[string]any {
	return map[string]any{"card_name": "Travel", "name": "ADA LOVELACE", "pan": pan, "cvv": "123", "expiration_date": exp, "acquirer": "289900", "metadata": `{"nickname":"travel"}`}
}

// TestCardsOnFile proves storing a card (v2 and v3) announces provision-1 and, unless skipped, verification-1;
// an expired card fails at once (verification-1 FAILED, exclusion-1); a card the org issued is recognised by
// its PAN; the wallet lists with filters and reads back the PAN; updates, suspension and metadata deletion
// have their events; and Luhn, duplicate and transition refusals name the field.
func TestCardsOnFile(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	w := h.wallet(t, virtualAcct, virtualCust)
	visa := w.store("/cardsonfile/v3/cardsonfile/cards", external("4111111111111111", "1229"))
	evs := w.next("provision-1", "verification-1")
	has(t, evs[0], "card_uuid", visa, "account_id", fmt.Sprint(virtualAcct), "first_6_digits", "411111", "last_4_digits", "1111",
		"expiration_date", "1229", "issuer_card", "false", "metadata", `{"nickname":"travel"}`)
	has(t, evs[1], "uuid", visa, "status", "PENDING")
	if acct, ok := evs[1].Data["account_id"].(string); !ok || acct != "8675309" { // a string in this event alone
		t.Errorf("verification-1 account_id %#v, want the string \"8675309\"", evs[1].Data["account_id"])
	}
	assertFaultIn(t, h.do("POST", walletPath, bearer(w.tok), external("4111111111111112", "1229")), 400, "/pan", "body", "luhn")
	assertFaultIn(t, h.do("POST", walletPath, bearer(w.tok), external("4111111111111111", "1229")), 400, "/pan", "body", "unique")
	bad := external("5555555555554444", "1229")
	bad["card_stored_uuid"] = "not-a-uuid"
	assertFaultIn(t, h.do("POST", walletPath, bearer(w.tok), bad), 400, "/card_stored_uuid", "body", "format")

	expired := w.store(walletPath, external("5555555555554444", "1225")) // December 2025, before the clock's 2026
	evs = w.next("provision-1", "verification-1", "exclusion-1")
	has(t, evs[1], "status", "FAILED")
	has(t, evs[2], "uuid", expired, "origin", "CRM")
	assertFaultIn(t, h.do("GET", walletPath+"/"+expired, bearer(w.tok), nil), 400, "cardid", "path", "exists")

	amex := w.store(walletPath+"?skip_validation=true", external("378282246310005", "0430"))
	w.next("provision-1")

	issued := w.create(map[string]any{"name": "Online", "type": "VIRTUAL"})
	w.next("create-1")
	pan := w.pciInfo(issued)["card_number"].(string)
	own := w.store(walletPath, external(pan, "1231"))
	has(t, w.next("provision-1", "verification-1")[0], "issuer_card", "true")

	byUUID := map[string]map[string]any{}
	for _, c := range w.list("") {
		byUUID[c["uuid"].(string)] = c
	}
	if len(byUUID) != 3 || byUUID[visa]["card_status"] != "PENDING" || byUUID[visa]["network"] != "VISA" ||
		byUUID[amex]["card_status"] != "ACTIVE" || byUUID[amex]["network"] != "AMEX" ||
		byUUID[own]["pismo_card_id"] != float64(issued) || byUUID[own]["customer_id"] != float64(virtualCust) || byUUID[own]["network"] != "MASTERCARD" {
		t.Fatalf("wallet: %v", byUUID)
	}
	if got := w.list("?status=ACTIVE"); len(got) != 1 || got[0]["uuid"] != amex {
		t.Fatalf("ACTIVE cards: %v", got)
	}
	if got := w.list("?type=VIRTUAL&status=PENDING,ACTIVE"); len(got) != 1 || got[0]["uuid"] != own {
		t.Fatalf("VIRTUAL cards: %v", got)
	}
	r := h.do("GET", walletPath+"/"+visa, bearer(w.tok), nil)
	var detail []map[string]any
	if r.status != 200 || json.Unmarshal(r.body, &detail) != nil || len(detail) != 1 || detail[0]["pan"] != "4111111111111111" || detail[0]["first_6_digits"] != "411111" {
		t.Fatalf("get: %d %s", r.status, r.body)
	}
	other := h.wallet(t, plasticAcct, plasticCust)
	assertFaultIn(t, h.do("GET", walletPath+"/"+visa, bearer(other.tok), nil), 400, "cardid", "path", "exists")

	assertFaultIn(t, h.do("PATCH", walletPath, bearer(w.tok), map[string]any{"card_stored_uuid": visa, "status": "ACTIVE"}), 400, "/status", "body", "transition")
	if r := h.do("PATCH", walletPath, bearer(w.tok), map[string]any{"card_stored_uuid": amex, "card_name": "Gold", "status": "SUSPENDED"}); r.status != 200 {
		t.Fatalf("suspend: %d %s", r.status, r.body)
	}
	evs = w.next("patch-cards-1", "exclusion-1")
	has(t, evs[0], "card_uuid", amex, "card_status", "SUSPENDED", "card_name", "Gold", "acquirer", "289900", "org", tenantA)
	has(t, evs[1], "uuid", amex, "origin", "APP")
	if r := h.do("PATCH", "/cardsonfile/v3/cardsonfile/cards", bearer(w.tok), map[string]any{"card_stored_uuid": amex, "status": "ACTIVE"}); r.status != 200 {
		t.Fatalf("resume on v3: %d %s", r.status, r.body)
	}
	has(t, w.next("patch-cards-1")[0], "card_status", "ACTIVE")
	assertFaultIn(t, h.do("PATCH", walletPath, bearer(w.tok), map[string]any{"card_stored_uuid": expired, "card_name": "x"}), 400, "/card_stored_uuid", "body", "exists")

	if r := h.do("DELETE", walletPath+"/"+amex+"/metadata", bearer(w.tok), nil); r.status != 204 {
		t.Fatalf("delete metadata: %d %s", r.status, r.body)
	}
	has(t, w.next("delete-metadata-1")[0], "card_uuid", amex, "metadata", `{"nickname":"travel"}`)
	if m, ok := byUUIDAfter(w, amex)["metadata"]; ok {
		t.Fatalf("metadata after delete: %v", m)
	}
}

func byUUIDAfter(w wallet, id string) map[string]any {
	for _, c := range w.list("") {
		if c["uuid"] == id {
			return c
		}
	}
	w.t.Fatalf("card on file %s not listed", id)
	return nil
}

// TestCardOnFileValidations proves a validation charges a seeded amount between 1.00 and 5.00, that a wrong try
// spends one (verification-1 PENDING) and the right one verifies the card (VERIFIED, ACTIVE); that running out
// of tries, or the clock passing expiration_hours, fails it and drops the card (verification-1 FAILED,
// exclusion-1); and that a finished validation takes no more tries.
func TestCardOnFileValidations(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	w := h.wallet(t, virtualAcct, virtualCust)
	id := w.store(walletPath, external("4111111111111111", "1229"))
	w.next("provision-1", "verification-1")
	vpath := walletPath + "/" + id + "/validations"
	r := h.do("POST", vpath, bearer(w.tok), map[string]any{"remaining_tries": 2, "expiration_hours": 24})
	if r.status != 201 || r.json(t)["status"] != "IN_PROGRESS" || r.json(t)["remaining_tries"] != float64(2) || r.json(t)["expiration_date"] != "2026-01-02T00:00:00Z" {
		t.Fatalf("start: %d %s", r.status, r.body)
	}
	vid := r.json(t)["uuid"].(string)
	has(t, w.next("verification-1")[0], "status", "PENDING", "verification_start_date", "2026-01-01T00:00:00Z")
	assertFaultIn(t, h.do("POST", vpath, bearer(w.tok), nil), 400, "uuid", "path", "in_progress")
	amount := h.do("GET", vpath+"/"+vid+"/amount", bearer(w.tok), nil).json(t)["validation_amount"].(float64)
	if amount < 1 || amount > 5 {
		t.Fatalf("amount %v, want 1.00 to 5.00", amount)
	}
	wrong := 1.0
	if amount == 1 {
		wrong = 2
	}
	tries := vpath + "/" + vid + "/tries"
	if r := h.do("POST", tries, bearer(w.tok), map[string]any{"amount": wrong, "date": "01/01/2026"}); r.status != 204 {
		t.Fatalf("wrong try: %d %s", r.status, r.body)
	}
	w.next("verification-1")
	if r := h.do("POST", tries, bearer(w.tok), map[string]any{"amount": amount}); r.status != 204 {
		t.Fatalf("right try: %d %s", r.status, r.body)
	}
	has(t, w.next("verification-1")[0], "status", "VERIFIED")
	got := h.do("GET", vpath+"/"+vid, bearer(w.tok), nil).json(t)
	if got["status"] != "SUCCESS" || len(got["tries"].([]any)) != 2 || got["refunded_at"] == nil || got["remaining_tries"] != float64(1) {
		t.Fatalf("validation after success: %v", got)
	}
	if c := byUUIDAfter(w, id); c["card_status"] != "ACTIVE" || c["verified"] != true {
		t.Fatalf("card after success: %v", c)
	}
	assertFaultIn(t, h.do("POST", tries, bearer(w.tok), map[string]any{"amount": amount}), 400, "validationid", "path", "status")
	assertFaultIn(t, h.do("POST", vpath, bearer(w.tok), nil), 400, "uuid", "path", "verified")

	// Out of tries.
	lost := w.store(walletPath, external("5555555555554444", "1229"))
	w.next("provision-1", "verification-1")
	r = h.do("POST", walletPath+"/"+lost+"/validations", bearer(w.tok), map[string]any{"remaining_tries": 1})
	lostTries := walletPath + "/" + lost + "/validations/" + r.json(t)["uuid"].(string) + "/tries"
	lostAmount := h.do("GET", walletPath+"/"+lost+"/validations/"+r.json(t)["uuid"].(string)+"/amount", bearer(w.tok), nil).json(t)["validation_amount"].(float64)
	w.next("verification-1")
	if r := h.do("POST", lostTries, bearer(w.tok), map[string]any{"amount": lostAmount + 0.01}); r.status != 204 {
		t.Fatalf("last wrong try: %d %s", r.status, r.body)
	}
	evs := w.next("verification-1", "exclusion-1")
	has(t, evs[0], "status", "FAILED")
	has(t, evs[1], "uuid", lost, "origin", "CRM")
	assertFaultIn(t, h.do("GET", walletPath+"/"+lost, bearer(w.tok), nil), 400, "cardid", "path", "exists")

	// Out of time.
	late := w.store(walletPath, external("378282246310005", "1229"))
	w.next("provision-1", "verification-1")
	h.do("POST", walletPath+"/"+late+"/validations", bearer(w.tok), map[string]any{"expiration_hours": 1})
	w.next("verification-1")
	h.advance(tenantA, "1h")
	w.tok = h.token(tenantA, virtualAcct) // the hour took the old token with it
	evs = w.next("verification-1", "exclusion-1")
	has(t, evs[0], "uuid", late, "status", "FAILED")
	if got := w.list(""); len(got) != 1 || got[0]["uuid"] != id {
		t.Fatalf("wallet after two failures: %v", got)
	}
}

// TestTypeMigration proves a RECURRING card becomes VIRTUAL with update_type-1 as its schema requires, and that
// a card of another type is refused.
func TestTypeMigration(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, 8675312, 103625638)
	id := c.create(map[string]any{"name": "Streaming", "type": "RECURRING"})
	c.next("create-1")
	if r := h.do("POST", fmt.Sprintf("/_sim/cards/%d/type-migration", id), nil, nil); r.status != 204 {
		t.Fatalf("migrate: %d %s", r.status, r.body)
	}
	has(t, c.next("update_type-1")[0], "card_id", fmt.Sprint(id), "account_id", "8675312", "customer_id", "103625638",
		"card_type", "VIRTUAL", "card_previous_type", "RECURRING", "status", "SUCCESS", "cvv_next_rotation_date", "null", "cvv_rotation_interval_hours", "null")
	if got := c.get(id)["type"]; got != "VIRTUAL" {
		t.Fatalf("type after migration: %v", got)
	}
	assertFaultIn(t, h.do("POST", fmt.Sprintf("/_sim/cards/%d/type-migration", id), nil, nil), 409, "cardId", "path", "type")
	assertFaultIn(t, h.do("POST", "/_sim/cards/999/type-migration", nil, nil), 404, "cardId", "path", "exists")
}
