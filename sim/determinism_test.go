package sim_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/issuersim/issuersim/sim"
)

// TestDeterministicReplay runs one request sequence against two fresh instances with the same seed and clock
// start; every response and every event must be byte-identical.
func TestDeterministicReplay(t *testing.T) {
	run := func() []byte {
		h := newHarness(t, sim.Config{Seed: 42})
		var out bytes.Buffer
		record := func(r response) { fmt.Fprintf(&out, "%d %s %s\n", r.status, r.header.Get("x-cid"), r.body) }
		tok := h.token(tenantA, virtualAcct)
		ptok := h.token(tenantA, plasticAcct)
		record(h.do("POST", "/passport/v2/s2s/access-token", nil, map[string]any{"server_key": "sandbox-server-key", "server_secret": "sandbox-server-secret", "account_id": virtualAcct}))
		record(h.do("POST", "/wallet/v2/cards", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust)), map[string]any{"name": "One", "type": "VIRTUAL"}))
		record(h.do("POST", "/wallet/v2/cards", bearer(ptok, "x-customer-id", fmt.Sprint(plasticCust)), map[string]any{"name": "p", "type": "PLASTIC"}))
		h.do("POST", "/_sim/clock/advance", nil, map[string]any{"duration": "36h"})
		tok, ptok = h.token(tenantA, virtualAcct), h.token(tenantA, plasticAcct) // the first ones expired
		record(h.do("PUT", fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards/1/status", virtualCust, virtualAcct), bearer(tok), map[string]any{"status": "WARNING"}))
		record(h.do("GET", "/wallet/v1/cards/1", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust)), nil))
		record(h.do("GET", "/wallet/v1/cards?status=ALL", bearer(ptok), nil))
		record(h.do("POST", "/wallet/v2/cards", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust)), map[string]any{"name": "One", "type": "VIRTUAL"}))
		for _, e := range h.events(tenantA, all) {
			out.Write(e)
			out.WriteByte('\n')
		}
		return out.Bytes()
	}
	a, b := run(), run()
	if !bytes.Equal(a, b) {
		t.Fatalf("two runs differ:\n--- first\n%s\n--- second\n%s", a, b)
	}
	if !bytes.Contains(a, []byte(`"event_type":"update-1"`)) {
		t.Fatalf("the scenario emitted no update-1:\n%s", a)
	}
}
