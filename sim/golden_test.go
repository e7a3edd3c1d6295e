package sim_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/issuersim/issuersim/sim"
)

var update = flag.Bool("update", false, "rewrite the golden event files in fixtures/events")

// goldenFlows are the built flows whose events are pinned byte for byte, each run on a fresh instance (seed 1,
// virtual clock at 2026-01-01) with fixed correlation ids.
var goldenFlows = []struct {
	name string
	cfg  sim.Config
	run  func(h *harness)
}{
	{"create-virtual", sim.Config{Seed: 1}, func(h *harness) {
		tok := h.token(tenantA, virtualAcct)
		h.do("POST", "/wallet/v2/cards", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust), "x-cid", "golden-create-virtual"),
			map[string]any{"name": "Groceries", "type": "VIRTUAL", "transaction_limit": "500.00", "metadata": map[string]any{"team": "qa"}})
	}},
	{"create-plastic", sim.Config{Seed: 1}, func(h *harness) {
		tok := h.token(tenantA, plasticAcct)
		h.do("POST", "/wallet/v2/cards", bearer(tok, "x-customer-id", fmt.Sprint(plasticCust), "x-cid", "golden-create-plastic"),
			map[string]any{"name": "Wallet", "type": "PLASTIC", "printed_name": "ADA LOVELACE"})
	}},
	{"update-status", sim.Config{Seed: 1}, func(h *harness) {
		tok := h.token(tenantA, virtualAcct)
		h.do("POST", "/wallet/v2/cards", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust), "x-cid", "golden-create"),
			map[string]any{"name": "Dining", "type": "VIRTUAL"})
		path := fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards/1/status", virtualCust, virtualAcct)
		h.advance(tenantA, "1h")
		tok = h.token(tenantA, virtualAcct)
		h.do("PUT", path, bearer(tok, "x-cid", "golden-block"), map[string]any{"status": "BLOCKED"})
		h.do("PUT", path, bearer(tok, "x-cid", "golden-cancel"), map[string]any{"status": "CANCELED"})
	}},
	{"reissue-virtual", sim.Config{Seed: 1}, func(h *harness) {
		tok := h.token(tenantA, virtualAcct)
		h.do("POST", "/wallet/v2/cards", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust), "x-cid", "golden-create"), map[string]any{"name": "Travel", "type": "VIRTUAL"})
		h.do("POST", fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards/1/reissue", virtualCust, virtualAcct), bearer(tok, "x-cid", "golden-reissue"), map[string]any{"reason_id": 1})
	}},
	{"reissue-plastic-then-activate", sim.Config{Seed: 1}, func(h *harness) {
		tok := h.token(tenantA, plasticAcct)
		base := fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards", plasticCust, plasticAcct)
		hdr := func(cid string) map[string]string {
			return bearer(tok, "x-customer-id", fmt.Sprint(plasticCust), "x-cid", cid)
		}
		h.do("POST", "/wallet/v2/cards", hdr("golden-create"), map[string]any{"name": "Wallet", "type": "PLASTIC"})
		h.do("PUT", base+"/1/activate", hdr("golden-activate-1"), nil)
		h.do("POST", base+"/1/reissue", hdr("golden-reissue"), map[string]any{"reason_id": 3})
		h.do("PUT", base+"/2/activate", hdr("golden-activate-2"), nil)
	}},
	{"password-tries", sim.Config{Seed: 1}, func(h *harness) {
		tok := h.token(tenantA, virtualAcct)
		h.do("POST", "/wallet/v2/cards", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust), "x-cid", "golden-create"), map[string]any{"name": "Daily", "type": "VIRTUAL"})
		for i := range 3 {
			h.do("POST", "/wallet/v2/cards/1/password-tries/increase", bearer(tok, "x-cid", fmt.Sprintf("golden-wrong-pin-%d", i+1)), map[string]any{"block_card_exceeds_counter": true})
		}
		h.do("POST", "/wallet/v2/cards/1/password-tries/reset", bearer(tok, "x-cid", "golden-reset"), nil)
	}},
	{"validity", sim.Config{Seed: 1}, func(h *harness) {
		tok := h.token(tenantA, virtualAcct)
		h.do("POST", "/wallet/v2/cards", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust), "x-cid", "golden-create"), map[string]any{"name": "Trial", "type": "VIRTUAL", "validity_period_hours": 2})
		h.advance(tenantA, "2h")
		tok = h.token(tenantA, virtualAcct)
		h.do("PATCH", "/wallet/v2/cards/1/validity/renew", bearer(tok, "x-cid", "golden-renew"), map[string]any{"validity_period_hours": 24})
		h.do("DELETE", "/wallet/v2/cards/1/validity", bearer(tok, "x-cid", "golden-cancel"), nil)
	}},
	{"create-pci-delayed", sim.Config{Seed: 1, PCIDelay: 90 * time.Second}, func(h *harness) {
		tok := h.token(tenantA, virtualAcct)
		h.do("POST", "/wallet/v2/cards", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust), "x-cid", "golden-delayed"),
			map[string]any{"name": "Later", "type": "VIRTUAL"})
		h.advance(tenantA, "2m")
	}},
}

// TestGoldenEvents compares every event each built flow emits, byte for byte as logged and delivered, with
// fixtures/events/<flow>.json; `go test ./sim -run TestGoldenEvents -update` rewrites the files.
func TestGoldenEvents(t *testing.T) {
	for _, flow := range goldenFlows {
		t.Run(flow.name, func(t *testing.T) {
			h := newHarness(t, flow.cfg)
			flow.run(h)
			var got bytes.Buffer
			got.WriteString("[\n")
			evs := h.events(tenantA, all)
			for i, e := range evs {
				got.Write(e)
				if i < len(evs)-1 {
					got.WriteByte(',')
				}
				got.WriteByte('\n')
			}
			got.WriteString("]\n")
			if len(evs) == 0 {
				t.Fatal("the flow emitted no event")
			}
			path := filepath.Join("..", "fixtures", "events", flow.name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("events differ from %s (rerun with -update if the change is meant):\n--- got\n%s\n--- want\n%s", path, got.Bytes(), want)
			}
		})
	}
}
