package sim_test

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/issuersim/issuersim/sim"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/pci"
	"github.com/issuersim/issuersim/sim/pinblock"
)

// The fixture keys (fixtures/default.json): the vendor's published sandbox ZPK, and an AES key for PANs.
const (
	sandboxKeyID = "7d14ca2e-1057-11ee-8cee-060f666de710"
	sandboxZPK   = "0404F2543B1C6E70AB61586E1304B6A7"
	aesKeyID     = "c1a4e7b2-6d3f-4e8a-9b05-2f7c1d8e3a60"
	aesKey       = "8E2B7A1C4D6F90355A1E3C7B9D0F2468ACE13579BDF02468ACE13579BDF02468"
)

func (c *cardClient) pciInfo(id int64) map[string]any {
	c.t.Helper()
	r := c.h.do("GET", fmt.Sprintf("/pcicards/v2/pcicards/info/%d", id), bearer(c.tok), nil)
	if r.status != 200 {
		c.t.Fatalf("PCI info of card %d: %d %s", id, r.status, r.body)
	}
	return r.json(c.t)
}

func (c *cardClient) pin(id int64) string {
	c.t.Helper()
	r := c.h.do("GET", fmt.Sprintf("/pcicards/v2/pcicards/password/%d", id), bearer(c.tok), nil)
	if r.status != 200 {
		c.t.Fatalf("password of card %d: %d %s", id, r.status, r.body)
	}
	return r.json(c.t)["pin"].(string)
}

// encrypt enciphers a PAN under the fixture AES key as the encrypted-PAN operations take it.
func encrypt(t *testing.T, pan string) (data, iv string) {
	t.Helper()
	key, _ := hex.DecodeString(aesKey)
	nonce := make([]byte, 12)
	_, _ = rand.Read(nonce)
	data, err := pci.EncryptPAN(key, pan, nonce)
	if err != nil {
		t.Fatal(err)
	}
	return data, base64.StdEncoding.EncodeToString(nonce)
}

// TestPCIInfoAndPassword proves a card's PCI data reads back (a Luhn-valid PAN ending in the card's last four,
// a 3-digit CVV, the expiry as yymm) once it exists, and is the vendor's 404 before.
func TestPCIInfoAndPassword(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1, PCIDelay: time.Minute})
	c := h.cards(t, virtualAcct, virtualCust)
	id := c.create(map[string]any{"name": "v", "type": "VIRTUAL"})
	assertFaultIn(t, h.do("GET", fmt.Sprintf("/pcicards/v2/pcicards/info/%d", id), bearer(c.tok), nil), 404, "cardId", "path", "exists")
	h.advance(tenantA, "1m")
	info := c.pciInfo(id)
	pan, _ := info["card_number"].(string)
	card := c.get(id)
	if !fake.LuhnValid(pan) || !strings.HasSuffix(pan, card["last_4_digits"].(string)) || len(info["cvv"].(string)) != 3 ||
		info["expiration_date"] != "3112" || info["password_updated"] != false || info["service_code"] != "201" {
		t.Fatalf("PCI info %v (card %v)", info, card)
	}
	if p := c.pin(id); len(p) != 4 {
		t.Fatalf("PIN %d digits, want 4", len(p))
	}
}

// TestChangePassword proves a PIN change answers 201 with the vendor's bare string, announces
// update_password-1, reads back, and with sync_offline_pin queues a SYNC_PIN script (issuer_script-1).
func TestChangePassword(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, virtualAcct, virtualCust)
	id := c.create(map[string]any{"name": "v", "type": "VIRTUAL"})
	c.next("create-1")
	r := h.do("PUT", fmt.Sprintf("/pcicards/v2/pcicards/card/%d", id), bearer(c.tok, "x-cid", "cid-pin"), map[string]any{"pin": "2468", "sync_offline_pin": true})
	if r.status != 201 || string(r.body) != `"[cid-pin] Card updated"`+"\n" && string(r.body) != `"[cid-pin] Card updated"` {
		t.Fatalf("change password: %d %q", r.status, r.body)
	}
	evs := c.next("update_password-1", "issuer_script-1")
	has(t, evs[0], "card_id", fmt.Sprint(id), "card_status", "NORMAL", "status", "SUCCESS", "card_type", "VIRTUAL")
	has(t, evs[1], "script_type", "SYNC_PIN", "script_event_type", "script_created")
	if p := c.pin(id); p != "2468" {
		t.Fatalf("PIN after the change: %d digits differ", len(p))
	}
	if info := c.pciInfo(id); info["password_updated"] != true {
		t.Fatalf("password_updated after a change: %v", info["password_updated"])
	}
	assertFault(t, h.do("PUT", fmt.Sprintf("/pcicards/v2/pcicards/card/%d", id), bearer(c.tok), map[string]any{"pin": "12"}), 400, "/pin", "pattern")
}

// TestPINBlocks proves a PIN set through a format-0 block under the sandbox ZPK reads back through the
// password and as a block, and that a block under another key or for another PAN, or an unknown key id, is
// refused naming the rule.
func TestPINBlocks(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, virtualAcct, virtualCust)
	id := c.create(map[string]any{"name": "v", "type": "VIRTUAL"})
	pan := c.pciInfo(id)["card_number"].(string)
	zpk, _ := hex.DecodeString(sandboxZPK)
	block := func(pin, pan string, key []byte) string {
		clear, err := pinblock.Format0(pin, pan)
		if err != nil {
			t.Fatal(err)
		}
		enc, _ := pinblock.Encrypt(clear, key)
		return enc.String()
	}
	c.seen = len(h.events(tenantA, all))
	path := fmt.Sprintf("/pcicards/v1/pcicards/%d/pinblock", id)
	if r := h.do("PUT", path, bearer(c.tok), map[string]any{"pinblock": block("7531", pan, zpk), "key_id": sandboxKeyID}); r.status != 204 {
		t.Fatalf("PIN block: %d %s", r.status, r.body)
	}
	c.next("update_password-1")
	if p := c.pin(id); p != "7531" {
		t.Fatalf("the PIN set by a block does not read back (%d digits)", len(p))
	}
	r := h.do("GET", path+"?key-id="+sandboxKeyID, bearer(c.tok), nil)
	got, _ := pinblock.Parse(r.json(t)["pinblock"].(string))
	dec, _ := pinblock.Decrypt(got, zpk)
	if p, err := pinblock.PIN(dec, pan); r.status != 200 || err != nil || p != "7531" {
		t.Fatalf("GET pinblock: %d %v", r.status, err)
	}
	other, _ := hex.DecodeString("0123456789ABCDEFFEDCBA9876543210")
	assertFault(t, h.do("PUT", path, bearer(c.tok), map[string]any{"pinblock": block("7531", pan, other), "key_id": sandboxKeyID}), 400, "/pinblock", "format")
	assertFault(t, h.do("PUT", path, bearer(c.tok), map[string]any{"pinblock": block("7531", "4111111111111111", zpk), "key_id": sandboxKeyID}), 400, "/pinblock", "format")
	assertFault(t, h.do("PUT", path, bearer(c.tok), map[string]any{"pinblock": block("7531", pan, zpk), "key_id": "nope"}), 400, "/key_id", "exists")
	assertFault(t, h.do("PUT", path, bearer(c.tok), map[string]any{"key_id": sandboxKeyID}), 400, "/pinblock", "required")
	assertFaultIn(t, h.do("GET", path+"?key-id=nope", bearer(c.tok), nil), 400, "key-id", "query", "exists")
	c.next()
}

// TestPublishedVectorThroughTheAPI gives an UNNUMBERED card the vendor's test PAN and PIN block through the PAN
// update: the PIN reads back as 4986 and the card's PIN block under the sandbox key is the published one; the
// card leaves UNNUMBERED with update-1 (PAN_UPDATE).
func TestPublishedVectorThroughTheAPI(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, virtualAcct, virtualCust)
	id := c.create(map[string]any{"name": "issuer", "type": "VIRTUAL", "status": "UNNUMBERED", "brand": "VISA"})
	c.seen = len(h.events(tenantA, all))
	data, iv := encrypt(t, "1234560057855917")
	path := fmt.Sprintf("/pcicards/v1/pcicards/cards/%d/pan", id)
	body := map[string]any{"pan": map[string]any{"bin": "123456", "data": data, "key_id": aesKeyID, "iv": iv}, "pin": map[string]any{"pinblock": "D04BCCEE7133CF01"}}
	if r := h.do("PUT", path, c.hdr(), body); r.status != 202 {
		t.Fatalf("PAN update: %d %s", r.status, r.body)
	}
	e := c.next("update-1")[0]
	has(t, e, "operation_type", "PAN_UPDATE", "card_status", "NORMAL", "card_last_four_numbers", "5917", "card_bin", "123456")
	c.consistent(e)
	if p := c.pin(id); p != "4986" {
		t.Fatalf("the vector's PIN does not read back")
	}
	r := h.do("GET", fmt.Sprintf("/pcicards/v1/pcicards/%d/pinblock?key-id=%s", id, sandboxKeyID), bearer(c.tok), nil)
	if r.json(t)["pinblock"] != "D04BCCEE7133CF01" {
		t.Fatalf("the card's PIN block is not the vendor's vector")
	}
	assertFaultIn(t, h.do("PUT", path, c.hdr(), body), 406, "cardId", "path", "status")
	noname := fmt.Sprintf("/pcicards/v1/pcicards/cards/noname/%d/pan", id)
	assertFaultIn(t, h.do("PUT", noname, bearer(c.tok), body), 406, "cardId", "path", "kind")

	other := c.create(map[string]any{"name": "second", "type": "VIRTUAL", "status": "UNNUMBERED", "brand": "VISA"})
	bad, iv2 := encrypt(t, "1234560057855918") // fails Luhn
	assertFault(t, h.do("PUT", fmt.Sprintf("/pcicards/v1/pcicards/cards/%d/pan", other), c.hdr(),
		map[string]any{"pan": map[string]any{"bin": "123456", "data": bad, "key_id": aesKeyID, "iv": iv2}}), 400, "/pan/data", "luhn")
	assertFault(t, h.do("PUT", fmt.Sprintf("/pcicards/v1/pcicards/cards/%d/pan", other), c.hdr(),
		map[string]any{"pan": map[string]any{"bin": "999999", "data": data, "key_id": aesKeyID, "iv": iv}}), 400, "/pan/bin", "prefix")
	assertFault(t, h.do("PUT", fmt.Sprintf("/pcicards/v1/pcicards/cards/%d/pan", other), c.hdr(),
		map[string]any{"pan": map[string]any{"bin": "123456", "data": data, "key_id": aesKeyID, "iv": iv}}), 406, "/pan/data", "unique")
}

// TestCVVRotation proves a forced rotation (rotate_cvv-1 MANUAL) changes the CVV and reschedules it; a second
// one within two minutes changes it but keeps the schedule; the clock rotates it (AUTOMATIC); change and
// delete announce their operation; and a card that is not VIRTUAL is refused.
func TestCVVRotation(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, virtualAcct, virtualCust)
	id := c.create(map[string]any{"name": "v", "type": "VIRTUAL", "cvv_rotation_interval_hours": 24})
	c.next("create-1")
	before := c.pciInfo(id)
	if before["cvv_next_rotation_date"] != "2026-01-02T00:00:00Z" {
		t.Fatalf("next rotation %v, want a day after creation", before["cvv_next_rotation_date"])
	}
	reset := func() {
		t.Helper()
		if r := h.do("POST", fmt.Sprintf("/pcicards/v2/pcicards/cvv/%d/reset", id), bearer(c.tok), map[string]any{"service_code": "221"}); r.status != 200 {
			t.Fatalf("reset: %d %s", r.status, r.body)
		}
	}
	h.advance(tenantA, "1h")
	c.tok = h.token(tenantA, virtualAcct)
	reset()
	has(t, c.next("rotate_cvv-1")[0], "cvv_rotation_type", "MANUAL", "cvv_next_rotation_date", "2026-01-02T01:00:00Z")
	after := c.pciInfo(id)
	if after["cvv"] == before["cvv"] || after["service_code"] != "221" {
		t.Fatalf("forced rotation: CVV unchanged or service code %v", after["service_code"])
	}
	h.advance(tenantA, "1m")
	reset() // within the guard window: a new CVV, the same schedule
	has(t, c.next("rotate_cvv-1")[0], "cvv_next_rotation_date", "2026-01-02T01:00:00Z")
	if ran := h.advance(tenantA, "24h").Ran; len(ran) != 1 || ran[0].Kind != "pci.cvv_rotation" {
		t.Fatalf("the automatic rotation did not run: %+v", ran)
	}
	has(t, c.next("rotate_cvv-1")[0], "cvv_rotation_type", "AUTOMATIC", "cvv_next_rotation_date", "2026-01-03T01:00:00Z")
	c.tok = h.token(tenantA, virtualAcct)
	r := h.do("PATCH", fmt.Sprintf("/pcicards/v2/pcicards/cvv/%d/change-rotation", id), bearer(c.tok), map[string]any{"cvv_rotation_interval_hours": 12})
	if r.status != 200 || r.json(t)["cvv_rotation_interval_hours"] != float64(12) {
		t.Fatalf("change rotation: %d %s", r.status, r.body)
	}
	has(t, c.next("rotate_cvv-1")[0], "operation_type", "CHANGE_CVV_ROTATION", "cvv_next_rotation_date", "2026-01-02T13:01:00Z")
	if r := h.do("DELETE", fmt.Sprintf("/pcicards/v2/pcicards/cvv/%d/delete-rotation", id), bearer(c.tok), nil); r.status != 204 {
		t.Fatalf("delete rotation: %d %s", r.status, r.body)
	}
	has(t, c.next("rotate_cvv-1")[0], "operation_type", "DELETE_CVV_ROTATION")
	if jobs := h.jobs(tenantA); len(jobs) != 0 {
		t.Fatalf("a deleted rotation left jobs: %+v", jobs)
	}
	assertFaultIn(t, h.do("DELETE", fmt.Sprintf("/pcicards/v2/pcicards/cvv/%d/delete-rotation", id), bearer(c.tok), nil), 400, "cardId", "path", "cvv_rotation")
	p := h.cards(t, plasticAcct, plasticCust)
	pid := p.create(map[string]any{"name": "p", "type": "PLASTIC"})
	assertFaultIn(t, h.do("POST", fmt.Sprintf("/pcicards/v2/pcicards/cvv/%d/reset", pid), bearer(p.tok), map[string]any{}), 400, "cardId", "path", "type")
	assertFaultIn(t, h.do("POST", fmt.Sprintf("/pcicards/v2/pcicards/cvv/%d/noname/validate", pid), bearer(p.tok), map[string]any{"cvv": "123"}), 400, "cardId", "path", "noname")
}

// TestIssuerScripts proves scripts are queued (issuer_script-1 script_created), sent and applied when the card
// is seen at a chip (script_sent, script_applied), that an applied update-PIN script sets the PIN
// (update_password-1), and that an unknown script or another account's x-account-id is refused.
func TestIssuerScripts(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, virtualAcct, virtualCust)
	id := c.create(map[string]any{"name": "chip", "type": "VIRTUAL"})
	c.next("create-1")
	acct := fmt.Sprint(virtualAcct)
	r := h.do("POST", fmt.Sprintf("/pcicards/v1/pcicards/%d/scripts", id), bearer(c.tok, "x-account-id", acct), map[string]any{"script_id": "12345678"})
	if r.status != 200 || r.json(t)["applied"] != false || r.json(t)["script_id"] != "12345678" {
		t.Fatalf("append script: %d %s", r.status, r.body)
	}
	has(t, c.next("issuer_script-1")[0], "script_event_type", "script_created", "script_type", "ENABLE_APPLICATION", "template_script_id", "12345678")
	r = h.do("POST", fmt.Sprintf("/pcicards/v1/pcicards/%d/scripts/pin-update", id), bearer(c.tok, "x-account-id", acct), map[string]any{"script_id": "22345678", "pin": "8642"})
	if r.status != 200 {
		t.Fatalf("append PIN script: %d %s", r.status, r.body)
	}
	c.next("issuer_script-1")
	chip := h.do("POST", fmt.Sprintf("/_sim/cards/%d/chip", id), nil, map[string]any{"tenant": tenantA})
	if chip.status != 200 || len(chip.json(t)["scripts"].([]any)) != 2 {
		t.Fatalf("chip: %d %s", chip.status, chip.body)
	}
	evs := c.next("issuer_script-1", "issuer_script-1", "issuer_script-1", "issuer_script-1", "update_password-1")
	has(t, evs[0], "script_event_type", "script_sent", "script_type", "ENABLE_APPLICATION")
	has(t, evs[1], "script_event_type", "script_applied")
	has(t, evs[3], "script_event_type", "script_applied", "script_type", "UPDATE_PIN")
	if p := c.pin(id); p != "8642" {
		t.Fatalf("the applied script's PIN does not read back")
	}
	if again := h.do("POST", fmt.Sprintf("/_sim/cards/%d/chip", id), nil, map[string]any{"outcome": "failed"}); len(again.json(t)["scripts"].([]any)) != 0 {
		t.Fatalf("scripts sent twice: %s", again.body)
	}
	h.do("POST", fmt.Sprintf("/pcicards/v1/pcicards/%d/scripts/sync-offline-pin", id), bearer(c.tok), map[string]any{})
	c.next("issuer_script-1")
	h.do("POST", fmt.Sprintf("/_sim/cards/%d/chip", id), nil, map[string]any{"outcome": "failed"})
	has(t, c.next("issuer_script-1", "issuer_script-1")[1], "script_event_type", "script_failed", "status", "FAILURE", "script_type", "SYNC_PIN")
	assertFault(t, h.do("POST", fmt.Sprintf("/pcicards/v1/pcicards/%d/scripts", id), bearer(c.tok, "x-account-id", acct), map[string]any{"script_id": "999"}), 400, "/script_id", "exists")
	assertFaultIn(t, h.do("POST", fmt.Sprintf("/pcicards/v1/pcicards/%d/scripts", id), bearer(c.tok, "x-account-id", fmt.Sprint(plasticAcct)), map[string]any{"script_id": "12345678"}), 403, "x-account-id", "header", "account")
}

// TestSearchByPAN proves a card is found by its PAN in clear and encrypted, and that an unknown PAN is a 404.
func TestSearchByPAN(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, virtualAcct, virtualCust)
	id := c.create(map[string]any{"name": "findme", "type": "VIRTUAL"})
	pan := c.pciInfo(id)["card_number"].(string)
	want := map[string]any{"card_id": float64(id), "account_id": float64(virtualAcct), "customer_id": float64(virtualCust)}
	check := func(r response) {
		t.Helper()
		got := r.json(t)
		for k, v := range want {
			if got[k] != v {
				t.Fatalf("search: %d %s", r.status, r.body)
			}
		}
	}
	check(h.do("POST", "/pcicards/v1/pcicards/cards/search", bearer(c.tok), map[string]any{"pan": pan}))
	data, iv := encrypt(t, pan)
	for _, path := range []string{"/pcicards/v2/pcicards/cards/search", "/v3/pcicards/cards/search"} {
		check(h.do("POST", path, bearer(c.tok), map[string]any{"pan": data, "iv": iv, "key_id": aesKeyID}))
	}
	assertFault(t, h.do("POST", "/pcicards/v1/pcicards/cards/search", bearer(c.tok), map[string]any{"pan": "4111111111111111"}), 404, "/pan", "exists")
	assertFault(t, h.do("POST", "/pcicards/v2/pcicards/cards/search", bearer(c.tok), map[string]any{"pan": data, "iv": "AAAA", "key_id": aesKeyID}), 400, "/iv", "format")
	assertFault(t, h.do("POST", "/pcicards/v2/pcicards/cards/search", bearer(c.tok), map[string]any{"pan": data, "iv": iv, "key_id": sandboxKeyID}), 400, "/key_id", "exists")
}

// TestBenefits proves a card's segment is assigned, replaced, canceled and frozen, and moved to another card.
func TestBenefits(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	c := h.cards(t, virtualAcct, virtualCust)
	id := c.create(map[string]any{"name": "a", "type": "VIRTUAL"})
	other := c.create(map[string]any{"name": "b", "type": "VIRTUAL"})
	bundles := func(r response) string {
		t.Helper()
		if r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		return fmt.Sprint(r.json(t)["bundles"])
	}
	if got := bundles(h.do("POST", "/pcicards/v1/pcicards/benefits/segments/assign", bearer(c.tok), map[string]any{"card_id": id, "segments": []string{"GOLD"}})); got != "[GOLD-TRAVEL GOLD-CONCIERGE]" {
		t.Fatalf("assign: %s", got)
	}
	assertFault(t, h.do("POST", "/pcicards/v1/pcicards/benefits/segments/assign", bearer(c.tok), map[string]any{"card_id": id, "segments": []string{"GOLD"}}), 400, "/segments", "assigned")
	if got := bundles(h.do("PUT", "/pcicards/v1/pcicards/benefits/segments/replace", bearer(c.tok), map[string]any{"card_id": id, "old_segment_code": "GOLD", "new_segment_code": "BLACK", "effective_date": "2026-02-01"})); got != "[BLACK-TRAVEL BLACK-CONCIERGE]" {
		t.Fatalf("replace: %s", got)
	}
	if r := h.do("PUT", "/pcicards/v1/pcicards/benefits/cards/freeze", bearer(c.tok), map[string]any{"card_id": id, "freezing_enabled": true}); r.status != 204 {
		t.Fatalf("freeze: %d %s", r.status, r.body)
	}
	if got := bundles(h.do("POST", "/pcicards/v1/pcicards/benefits/cards/replace", c.hdr(), map[string]any{"old_card_id": id, "new_card_id": other, "effective_date": "2026-02-01"})); got != "[BLACK-TRAVEL BLACK-CONCIERGE]" {
		t.Fatalf("move: %s", got)
	}
	assertFault(t, h.do("PUT", "/pcicards/v1/pcicards/benefits/segments/cancel", bearer(c.tok), map[string]any{"card_id": id, "code": "BLACK", "expiry_date": "2026-03-01"}), 400, "/code", "match")
	if got := bundles(h.do("PUT", "/pcicards/v1/pcicards/benefits/segments/cancel", bearer(c.tok), map[string]any{"card_id": other, "code": "BLACK", "expiry_date": "2026-03-01"})); got != "[BLACK-TRAVEL BLACK-CONCIERGE]" {
		t.Fatalf("cancel: %s", got)
	}
	assertFault(t, h.do("POST", "/pcicards/v1/pcicards/benefits/segments/assign", bearer(c.tok), map[string]any{"card_id": 999, "segments": []string{"GOLD"}}), 404, "/card_id", "exists")
	c.seen = 2
	c.next() // benefits announce nothing: the vendor's benefits_allocation-1 has no published fields
}
