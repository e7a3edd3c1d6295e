package sim_test

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/issuersim/issuersim/sim"
	"github.com/issuersim/issuersim/sim/embossing"
	"github.com/issuersim/issuersim/sim/pinblock"
)

// The embossing configurations of fixtures/default.json.
const (
	em1Nominal = "0b6f2d4e-8a1c-4e3b-9d57-6c2a8e1f4b01" // EM1, runs at 22:00, waits for the PIN
	em1Noname  = "0b6f2d4e-8a1c-4e3b-9d57-6c2a8e1f4b02" // EM1, runs at 22:00
	em2Express = "0b6f2d4e-8a1c-4e3b-9d57-6c2a8e1f4b03" // EM2, runs at 12:00, needs no PIN change
)

func (c *cardClient) embossingPath(id int64, verb string) string {
	if verb == "" {
		return fmt.Sprintf("/embossing/v1/cards/%d", id)
	}
	return fmt.Sprintf("/embossing/v1/cards/%d/%s", id, verb)
}

func (c *cardClient) changePIN(id int64, pin string) {
	c.t.Helper()
	if r := c.h.do("PUT", fmt.Sprintf("/pcicards/v2/pcicards/card/%d", id), bearer(c.tok), map[string]any{"pin": pin}); r.status != 201 {
		c.t.Fatalf("change PIN of %d: %d %s", id, r.status, r.body)
	}
}

// TestEmbossingRun follows a nominal PLASTIC card through the pipeline on the clock: it waits for its PIN, the
// daily run at 22:00 writes it to a file (embossing-1, then embossing_summary-1), the file lists and downloads
// in the documented layout with the card's PAN, the embosser rejects it (card_rejection-1), and re-embossing
// plus the trigger endpoint send it again with reembossing=true.
func TestEmbossingRun(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1, TokenTTL: 1000 * time.Hour}) // tokens outlive the days the test spans
	p := h.cards(t, plasticAcct, plasticCust)
	org := h.token(tenantA, 0)
	id := p.create(map[string]any{"name": "p", "type": "PLASTIC", "printed_name": "ADA LOVELACE"})
	has(t, p.next("create-1", "embossing_card_ingress-1")[1], "card_id", fmt.Sprint(id), "account_id", fmt.Sprint(plasticAcct), "error_type", "null")
	info := h.do("GET", p.embossingPath(id, ""), bearer(p.tok), nil)
	if info.status != 200 || info.json(t)["embossing_group"] != "EM1-nominal" || info.json(t)["filename"] != nil {
		t.Fatalf("embossing info: %d %s", info.status, info.body)
	}
	if r := h.do("GET", p.embossingPath(id, "history"), bearer(p.tok), nil); r.status != 204 {
		t.Fatalf("history before any run: %d %s", r.status, r.body)
	}
	if r := h.do("PATCH", p.embossingPath(id, "address"), bearer(p.tok), map[string]any{"address_id": "7654776"}); r.status != 200 {
		t.Fatalf("address: %d %s", r.status, r.body)
	}
	h.advance(tenantA, "24h") // a run day passes: the card waits for its PIN
	p.next()
	p.changePIN(id, "2468")
	p.next("update_password-1")
	h.advance(tenantA, "22h") // to 22:00 of the second day
	evs := p.next("embossing-1", "embossing_summary-1")
	has(t, evs[0], "card_id", fmt.Sprint(id), "embosser", `{"id":"1","name":"EM1"}`, "embossing_group", "EM1-nominal",
		"address_id", "7654776", "reembossing", "false", "reembossing_counter", "0", "error_type", "null")
	fileName := "EM1-nominal_3001_20260102_000001.txt"
	has(t, evs[1], "file_type", "NOMINAL", "program_id", "3001", "embosser_id", "1", "sequential_number", "1",
		"total_embossed_cards", "1", "file_name", fileName, "generation_date", "2026-01-02T22:00:00Z")

	r := h.do("GET", "/embossing/v1/file-info?beginDate=2026-01-01&endDate=2026-01-02&programs=3001", bearer(org), nil)
	files, _ := r.json(t)["embossing_files"].([]any)
	if r.status != 200 || len(files) != 1 || files[0].(map[string]any)["file_name"] != fileName || files[0].(map[string]any)["total_embossed_cards"] != float64(1) {
		t.Fatalf("file info: %d %s", r.status, r.body)
	}
	if r := h.do("GET", "/embossing/v1/file-info?beginDate=2026-01-03&endDate=2026-01-09", bearer(org), nil); r.status != 204 {
		t.Fatalf("file info of days without files: %d %s", r.status, r.body)
	}
	r = h.do("GET", "/embossing/v1/download-file?configId="+em1Nominal+"&fileName="+fileName, bearer(org), nil)
	lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
	pan := p.pciInfo(id)["card_number"].(string)
	if r.status != 200 || len(lines) != 3 || !strings.HasPrefix(lines[0], "H|") || lines[2] != "T|1" ||
		!strings.HasPrefix(lines[1], fmt.Sprintf("D|%d|%s|ADA LOVELACE|3112|", id, pan)) || !strings.Contains(lines[1], "|7654776|0|") {
		t.Fatalf("download: %d %q", r.status, r.body)
	}
	hist := h.do("GET", p.embossingPath(id, "history"), bearer(p.tok), nil)
	var entries []map[string]any
	if hist.status != 200 || json.Unmarshal(hist.body, &entries) != nil || len(entries) != 1 ||
		entries[0]["embossing_trigger_type"] != "PASSWORD" || entries[0]["embossing_trigger_origin"] != "AUTOMATIC_SCHEDULING" || entries[0]["sequential_number"] != float64(1) {
		t.Fatalf("history: %d %s", hist.status, hist.body)
	}

	// Once embossed, the card's embossing no longer changes.
	assertFaultIn(t, h.do("PUT", p.embossingPath(id, "embossing"), bearer(p.tok), nil), 406, "cardId", "path", "embossed")
	assertFaultIn(t, h.do("PATCH", p.embossingPath(id, ""), bearer(p.tok), map[string]any{"embossing_group": "EM2-express"}), 409, "cardId", "path", "embossed")
	assertFaultIn(t, h.do("PATCH", p.embossingPath(id, "address"), bearer(p.tok), map[string]any{"address_id": "1"}), 406, "cardId", "path", "embossed")

	rej := map[string]any{"error_code": "017", "error_description": "Invalid printed name", "field_code": "05", "field_description": "card_printed_name"}
	if r := h.do("POST", fmt.Sprintf("/_sim/cards/%d/embossing-rejection", id), nil, rej); r.status != 204 {
		t.Fatalf("rejection: %d %s", r.status, r.body)
	}
	has(t, p.next("card_rejection-1")[0], "card_id", fmt.Sprint(id), "error_code", "017", "field_description", "card_printed_name", "error_type", "null")
	assertFaultIn(t, h.do("POST", fmt.Sprintf("/_sim/cards/%d/embossing-rejection", id), nil, nil), 409, "cardId", "path", "embossed")

	if r := h.do("POST", "/embossing/v1/cards/reembossing", bearer(p.tok), map[string]any{"cards": []int64{id}}); r.status != 202 {
		t.Fatalf("reembossing: %d %s", r.status, r.body)
	}
	p.next() // no event until the run
	if r := h.do("POST", "/embossing/v1/triggers/embossing", bearer(org), map[string]any{"config_id": em1Nominal, "cards": []int64{id}}); r.status != 202 {
		t.Fatalf("trigger: %d %s", r.status, r.body)
	}
	h.advance(tenantA, "1s")
	evs = p.next("embossing-1", "embossing_summary-1")
	has(t, evs[0], "reembossing", "true", "reembossing_counter", "1")
	has(t, evs[1], "sequential_number", "2", "total_embossed_cards", "1")
	hist = h.do("GET", p.embossingPath(id, "history"), bearer(p.tok), nil)
	if json.Unmarshal(hist.body, &entries) != nil || len(entries) != 2 || entries[1]["embossing_trigger_origin"] != "API" || entries[1]["reembossing"] != true {
		t.Fatalf("history after re-embossing: %s", hist.body)
	}
	h.advance(tenantA, "48h") // the daily runs find nothing left to emboss
	p.next()
}

// TestEmbossingOnDemandAndGroups proves a card queued on demand skips the PIN, leaves and rejoins the queue
// without events, moves to another group (and its embosser's schedule), refuses unknown groups, and that only
// EM1's rejections are processed.
func TestEmbossingOnDemandAndGroups(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	p := h.cards(t, plasticAcct, plasticCust)
	id := p.create(map[string]any{"name": "p", "type": "PLASTIC"})
	p.next("create-1", "embossing_card_ingress-1")
	for _, step := range []struct{ method, verb string }{{"PUT", "embossing"}, {"DELETE", "embossing"}, {"PUT", "embossing"}} {
		if r := h.do(step.method, p.embossingPath(id, step.verb), bearer(p.tok), nil); r.status != 202 {
			t.Fatalf("%s embossing: %d %s", step.method, r.status, r.body)
		}
	}
	assertFaultIn(t, h.do("PATCH", p.embossingPath(id, ""), bearer(p.tok), map[string]any{"embossing_group": "EM9-nowhere"}), 404, "/embossing_group", "body", "exists")
	assertFaultIn(t, h.do("PATCH", p.embossingPath(id, ""), bearer(p.tok), map[string]any{"embossing_group": "EM1-noname"}), 404, "/embossing_group", "body", "exists")
	if r := h.do("PATCH", p.embossingPath(id, ""), bearer(p.tok), map[string]any{"embossing_group": "EM2-express"}); r.status != 204 {
		t.Fatalf("group: %d %s", r.status, r.body)
	}
	if g := h.do("GET", p.embossingPath(id, ""), bearer(p.tok), nil).json(t)["embossing_group"]; g != "EM2-express" {
		t.Fatalf("group after the change: %v", g)
	}
	p.next()
	h.advance(tenantA, "12h") // EM2 runs at noon
	evs := p.next("embossing-1", "embossing_summary-1")
	has(t, evs[0], "embosser", `{"id":"2","name":"EM2"}`, "embossing_group", "EM2-express")
	has(t, evs[1], "embosser_id", "2", "file_name", "EM2-express_3001_20260101_000001.txt")
	assertFaultIn(t, h.do("POST", fmt.Sprintf("/_sim/cards/%d/embossing-rejection", id), nil, nil), 409, "cardId", "path", "embosser")
	h.advance(tenantA, "10h") // EM1's run has nothing: the card left its queue
	p.next()
	v := h.cards(t, virtualAcct, virtualCust)
	vid := v.create(map[string]any{"name": "v", "type": "VIRTUAL"})
	assertFaultIn(t, h.do("GET", v.embossingPath(vid, ""), bearer(v.tok), nil), 404, "cardId", "path", "exists")
}

// TestNonameEmbossing proves a bulk's cards are ready at once and go to the noname configuration's run (one
// NONAME file), that the noname endpoints read and move them, and that the nominal ones do not reach them.
func TestNonameEmbossing(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	b := h.bulks(t)
	id := b.create("N1", "N2")
	b.start(id)
	h.advance(tenantA, "1s")
	evs := b.next("create-1", "embossing_card_ingress-1", "create-1", "embossing_card_ingress-1")
	first, second := int64(evs[0].Data["card_id"].(float64)), int64(evs[2].Data["card_id"].(float64))
	r := h.do("GET", fmt.Sprintf("/embossing/v1/cards/noname/%d", first), bearer(b.org), nil)
	if r.status != 200 || r.json(t)["embossing_group"] != "EM1-noname" {
		t.Fatalf("noname info: %d %s", r.status, r.body)
	}
	assertFaultIn(t, h.do("PATCH", fmt.Sprintf("/embossing/v1/cards/noname/%d", first), bearer(b.org), map[string]any{"embossing_group": "EM1-nominal"}), 404, "/embossing_group", "body", "exists")
	assertFaultIn(t, h.do("GET", b.embossingPath(first, ""), bearer(b.tok), nil), 404, "cardId", "path", "exists")
	nominal := b.create("M1")
	_ = nominal
	p := h.cards(t, plasticAcct, plasticCust)
	pid := p.create(map[string]any{"name": "p", "type": "PLASTIC"})
	assertFaultIn(t, h.do("GET", fmt.Sprintf("/embossing/v1/cards/noname/%d", pid), bearer(b.org), nil), 404, "cardId", "path", "exists")
	b.next("create-1", "embossing_card_ingress-1")
	h.advance(tenantA, "22h")
	evs = b.next("embossing-1", "embossing-1", "embossing_summary-1")
	has(t, evs[0], "card_id", fmt.Sprint(first), "embossing_group", "EM1-noname", "account_id", "<missing>")
	has(t, evs[1], "card_id", fmt.Sprint(second))
	has(t, evs[2], "file_type", "NONAME", "total_embossed_cards", "2")
}

// TestEncryptedEmbossingData proves both versions of the encrypted embossing data decrypt with the fixture AES
// key to the card's PAN, expiry, CVV and a PIN block of its PIN, each call counting as an embossing (embossing-1),
// and that an unknown key, a bad IV and the wrong family of endpoint are refused.
func TestEncryptedEmbossingData(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	p := h.cards(t, plasticAcct, plasticCust)
	id := p.create(map[string]any{"name": "p", "type": "PLASTIC", "printed_name": "ADA LOVELACE"})
	p.changePIN(id, "4321")
	p.next("create-1", "embossing_card_ingress-1", "update_password-1")
	key, _ := hex.DecodeString(aesKey)
	iv := "000102030405060708090a0b0c0d0e0f"
	r := h.do("POST", "/embossing/v1/cards/generate-embossing", bearer(p.tok), map[string]any{"card_id": id, "iv": iv, "key_id": aesKeyID})
	if r.status != 200 {
		t.Fatalf("v1: %d %s", r.status, r.body)
	}
	plain, err := embossing.DecryptCBC(key, iv, r.json(t)["encrypted_card_data"].(string))
	if err != nil {
		t.Fatal(err)
	}
	pci := p.pciInfo(id)
	checkCardData(t, plain, pci["card_number"].(string), pci["cvv"].(string), "4321")
	has(t, p.next("embossing-1")[0], "card_id", fmt.Sprint(id), "reembossing", "false")

	var ivs []string
	for range 2 {
		r = h.do("POST", "/embossing/v2/cards/generate-embossing", bearer(p.tok), map[string]any{"card_id": id, "key_id": aesKeyID})
		body := r.json(t)
		plain, err = embossing.DecryptGCM(key, body["iv"].(string), body["encrypted_card_data"].(string), tenantA)
		if r.status != 200 || err != nil {
			t.Fatalf("v2: %d %s (%v)", r.status, r.body, err)
		}
		checkCardData(t, plain, pci["card_number"].(string), pci["cvv"].(string), "4321")
		ivs = append(ivs, body["iv"].(string))
	}
	if ivs[0] == ivs[1] || len(ivs[0]) != 24 {
		t.Fatalf("v2 nonces %v: want two different 12-byte nonces", ivs)
	}
	p.next("embossing-1", "embossing-1")
	assertFaultIn(t, h.do("POST", "/embossing/v2/cards/generate-embossing", bearer(p.tok), map[string]any{"card_id": id, "key_id": sandboxKeyID}), 400, "/key_id", "body", "exists")
	assertFaultIn(t, h.do("POST", "/embossing/v1/cards/generate-embossing", bearer(p.tok), map[string]any{"card_id": id, "key_id": aesKeyID, "iv": "00"}), 400, "/iv", "body", "pattern")
	assertFaultIn(t, h.do("POST", "/embossing/v2/cards/generate-embossing/noname", bearer(h.token(tenantA, 0)), map[string]any{"card_id": id, "key_id": aesKeyID}), 404, "/card_id", "body", "exists")
}

// checkCardData checks decrypted embossing data against the card.
func checkCardData(t *testing.T, plain []byte, pan, cvv, pin string) {
	t.Helper()
	var d embossing.CardData
	if err := json.Unmarshal(plain, &d); err != nil {
		t.Fatalf("card data %q: %v", plain, err)
	}
	block, err := pinblock.Parse(d.PINBlock)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pinblock.PIN(block, pan)
	if err != nil || got != pin || d.CardNumber != pan || d.CVV2 != cvv || d.ExpirationDate != "3112" || d.PrintedName != "ADA LOVELACE" ||
		!strings.HasPrefix(d.Track1MagneticStripe, "B"+pan+"^LOVELACE/ADA^3112201") || !strings.HasPrefix(d.Track2Chip, pan+"=3112201") {
		t.Fatalf("card data %+v (PIN %q, %v)", d, got, err)
	}
}

// TestEmbossingConfigurationsAndRefusals proves the org's configurations list from the fixtures and that the
// file and trigger endpoints name the field they refuse.
func TestEmbossingConfigurationsAndRefusals(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	p := h.cards(t, plasticAcct, plasticCust)
	org := h.token(tenantA, 0)
	r := h.do("GET", "/embossing/v1/configurations/info", bearer(p.tok), nil)
	cfgs, _ := r.json(t)["configurations"].([]any)
	if r.status != 200 || len(cfgs) != 3 || cfgs[2].(map[string]any)["config_name"] != "EM2-express" || cfgs[1].(map[string]any)["type"] != "noname" {
		t.Fatalf("configurations: %d %s", r.status, r.body)
	}
	assertFaultIn(t, h.do("GET", "/embossing/v1/file-info?beginDate=2026-01-05&endDate=2026-01-01", bearer(org), nil), 400, "endDate", "", "minimum")
	assertFaultIn(t, h.do("GET", "/embossing/v1/download-file?configId="+em2Express+"&fileName=none.txt", bearer(org), nil), 404, "fileName", "", "exists")
	assertFaultIn(t, h.do("POST", "/embossing/v1/triggers/embossing", bearer(org), map[string]any{"config_id": "0b6f2d4e-8a1c-4e3b-9d57-6c2a8e1f4b99"}), 404, "/config_id", "body", "exists")
	assertFaultIn(t, h.do("POST", "/embossing/v1/triggers/embossing", bearer(org), map[string]any{"config_id": em2Express, "programs": []int{3002}}), 400, "/programs/0", "body", "exists")
	assertFaultIn(t, h.do("POST", "/embossing/v1/cards/reembossing", bearer(p.tok), map[string]any{"cards": []int{999}}), 400, "/cards/0", "body", "exists")
	id := p.create(map[string]any{"name": "p", "type": "PLASTIC"})
	assertFaultIn(t, h.do("POST", "/embossing/v1/cards/reembossing", bearer(p.tok), map[string]any{"cards": []int64{id}}), 400, "/cards/0", "body", "embossed")
	assertFaultIn(t, h.do("PATCH", p.embossingPath(id, "address"), bearer(p.tok), map[string]any{"address_id": "x1"}), 400, "/address_id", "body", "pattern")
	_ = em1Noname
}
