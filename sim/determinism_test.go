package sim_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/issuersim/issuersim/sim"
)

// tenantScript drives tenant A through tokens, creates (a delayed PCI job among them), an advance of its
// clock, a status change, reads, a refusal and its event log, calling between(i) after each step, and
// returns every response (status, generated x-cid, body) and event byte for byte.
func tenantScript(h *harness, between func(step int)) []byte {
	var out bytes.Buffer
	step := 0
	record := func(r response) {
		fmt.Fprintf(&out, "%d %s %s\n", r.status, r.header.Get("x-cid"), r.body)
		between(step)
		step++
	}
	tok := h.token(tenantA, virtualAcct)
	ptok := h.token(tenantA, plasticAcct)
	record(h.do("POST", "/passport/v2/s2s/access-token", nil, map[string]any{"server_key": "sandbox-server-key", "server_secret": "sandbox-server-secret", "account_id": virtualAcct}))
	record(h.do("POST", "/wallet/v2/cards", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust)), map[string]any{"name": "One", "type": "VIRTUAL"}))
	record(h.do("POST", "/wallet/v2/cards", bearer(ptok, "x-customer-id", fmt.Sprint(plasticCust)), map[string]any{"name": "p", "type": "PLASTIC"}))
	record(h.do("POST", "/_sim/clock/advance", nil, map[string]any{"tenant": tenantA, "duration": "36h"}))
	tok, ptok = h.token(tenantA, virtualAcct), h.token(tenantA, plasticAcct) // the first ones expired
	record(h.do("PUT", fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards/1/status", virtualCust, virtualAcct), bearer(tok), map[string]any{"status": "WARNING"}))
	record(h.do("GET", "/wallet/v1/cards/1", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust)), nil))
	record(h.do("GET", "/wallet/v1/cards?status=ALL", bearer(ptok), nil))
	record(h.do("POST", "/wallet/v2/cards", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust)), map[string]any{"name": "One", "type": "VIRTUAL"}))
	record(h.do("GET", "/_sim/jobs?tenant="+tenantA, nil, nil))
	for _, e := range h.events(tenantA, all) {
		out.Write(e)
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// noise is traffic that is not tenant A's: health polls (as a container wait strategy sends), admin calls,
// fresh tenants, and tenant B's cards, status changes, clock advances and jobs.
type noise struct {
	base   string
	client *http.Client
	btok   string
	n      int
}

func (z *noise) send(t *testing.T, pick int) {
	z.n++
	var method, path, body string
	hdr := map[string]string{}
	switch pick % 7 {
	case 0:
		method, path = "GET", "/_sim/health"
	case 1:
		method, path = "GET", "/_sim/fixtures"
	case 2:
		method, path, body = "POST", "/_sim/tenants", fmt.Sprintf(`{"name":"noise %d"}`, z.n)
	case 3:
		method, path, body = "POST", "/wallet/v2/cards", fmt.Sprintf(`{"name":"noise %d","type":"VIRTUAL"}`, z.n)
		hdr["x-customer-id"] = fmt.Sprint(virtualCust)
		hdr["Authorization"] = "Bearer " + z.btok
	case 4:
		method, path, body = "PUT", fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards/1/status", virtualCust, virtualAcct), `{"status":"BLOCKED"}`
		hdr["Authorization"] = "Bearer " + z.btok
	case 5:
		method, path, body = "POST", "/_sim/clock/advance", fmt.Sprintf(`{"tenant":%q,"duration":"1s"}`, tenantB)
	case 6:
		method, path = "GET", "/_sim/events?tenant="+tenantB
	}
	req, _ := http.NewRequest(method, z.base+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := z.client.Do(req)
	if err != nil {
		t.Errorf("noise %s %s: %v", method, path, err)
		return
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		t.Errorf("noise %s %s: %d %s", method, path, resp.StatusCode, b)
	}
}

// TestDeterminismPerTenant proves a tenant's responses and events are byte-identical whatever else hits the
// instance: health polls, admin calls, new tenants and another tenant's traffic, interleaved in several
// orders, or sent concurrently.
func TestDeterminismPerTenant(t *testing.T) {
	cfg := sim.Config{Seed: 42, PCIDelay: time.Second}
	alone := tenantScript(newHarness(t, cfg), func(int) {})
	if !bytes.Contains(alone, []byte(`"event_type":"update-1"`)) || !bytes.Contains(alone, []byte(`"event_type":"create-1"`)) {
		t.Fatalf("the script emitted no create-1 and update-1:\n%s", alone)
	}
	again := tenantScript(newHarness(t, cfg), func(int) {})
	if !bytes.Equal(alone, again) {
		t.Fatalf("two quiet runs differ:\n--- first\n%s\n--- second\n%s", alone, again)
	}
	newNoise := func(h *harness) *noise {
		return &noise{base: h.srv.URL, client: h.srv.Client(), btok: h.token(tenantB, virtualAcct)}
	}
	for seed := range uint64(4) {
		t.Run(fmt.Sprintf("interleaved order %d", seed), func(t *testing.T) {
			h := newHarness(t, cfg)
			z := newNoise(h)
			rnd := rand.New(rand.NewPCG(seed, seed+1))
			for range rnd.IntN(4) {
				z.send(t, rnd.IntN(7)) // before the script too
			}
			got := tenantScript(h, func(int) {
				for range rnd.IntN(5) {
					z.send(t, rnd.IntN(7))
				}
			})
			if !bytes.Equal(got, alone) {
				t.Fatalf("tenant A's run changed with other traffic:\n--- alone\n%s\n--- with noise\n%s", alone, got)
			}
		})
	}
	t.Run("concurrent", func(t *testing.T) {
		h := newHarness(t, cfg)
		z := newNoise(h)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range 2 {
			wg.Go(func() {
				zw := &noise{base: z.base, client: z.client, btok: z.btok, n: 1000 * (w + 1)}
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
						zw.send(t, i+w)
					}
				}
			})
		}
		got := tenantScript(h, func(int) {})
		close(stop)
		wg.Wait()
		if !bytes.Equal(got, alone) {
			t.Fatalf("tenant A's run changed with concurrent traffic:\n--- alone\n%s\n--- with noise\n%s", alone, got)
		}
	})
}
