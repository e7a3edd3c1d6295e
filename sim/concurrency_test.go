package sim_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/issuersim/issuersim/sim"
)

// TestConcurrentClients runs clients in parallel (under go test -race) on one shared tenant and on tenants of
// their own: each creates cards, blocks and unblocks them and lists them. No answer may be a 5xx, a list never
// shows another tenant's or another client's card, and afterwards every tenant's log holds exactly one
// create-1 per card it made, with each card's events in the order they were caused.
func TestConcurrentClients(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 5})
	const clients, rounds = 12, 15
	type client struct {
		tenant string
		tok    string
		name   string // prefix of its cards' names
		ids    []int64
	}
	own := []string{h.newTenant("race-1"), h.newTenant("race-2"), h.newTenant("race-3")}
	cs := make([]*client, clients)
	for i := range cs {
		tenant := tenantA // half share the fixture tenant
		if i%2 == 1 {
			tenant = own[i/2%len(own)]
		}
		cs[i] = &client{tenant: tenant, tok: h.token(tenant, virtualAcct), name: fmt.Sprintf("c%02d", i)}
	}
	names := map[string]map[string]bool{} // tenant -> the name prefixes of its clients' cards
	for _, c := range cs {
		if names[c.tenant] == nil {
			names[c.tenant] = map[string]bool{}
		}
		names[c.tenant][c.name] = true
	}
	send := func(c *client, method, path string, body any) (int, []byte, error) {
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, h.srv.URL+path, rd)
		req.Header.Set("Authorization", "Bearer "+c.tok)
		req.Header.Set("x-customer-id", fmt.Sprint(virtualCust))
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := h.client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		out, err := io.ReadAll(resp.Body)
		return resp.StatusCode, out, err
	}
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				status, body, err := send(c, "POST", "/wallet/v2/cards", map[string]any{"name": fmt.Sprintf("%s-%d", c.name, r), "type": "VIRTUAL"})
				if err != nil || status != 201 {
					t.Errorf("%s create: %d %s %v", c.name, status, body, err)
					return
				}
				var card struct{ ID int64 }
				_ = json.Unmarshal(body, &card)
				c.ids = append(c.ids, card.ID)
				path := fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards/%d/status", virtualCust, virtualAcct, card.ID)
				for _, s := range []string{"BLOCKED", "NORMAL"} {
					if status, body, err := send(c, "PUT", path, map[string]any{"status": s}); err != nil || status != 200 {
						t.Errorf("%s card %d to %s: %d %s %v", c.name, card.ID, s, status, body, err)
					}
				}
				status, body, err = send(c, "GET", fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards?status=ALL", virtualCust, virtualAcct), nil)
				if err != nil || status >= 500 {
					t.Errorf("%s list: %d %v", c.name, status, err)
					continue
				}
				var list []struct {
					ID   int64  `json:"id"`
					Name string `json:"name"`
				}
				if err := json.Unmarshal(body, &list); err != nil || len(list) <= r {
					t.Errorf("%s list: %d cards (%v) after making %d: %s", c.name, len(list), err, r+1, body)
				}
				for _, it := range list {
					if prefix, _, _ := strings.Cut(it.Name, "-"); !names[c.tenant][prefix] {
						t.Errorf("%s on %s lists card %d %q", c.name, c.tenant, it.ID, it.Name)
					}
				}
			}
		}()
	}
	wg.Wait()
	made := map[string]map[int64]bool{}
	for _, c := range cs {
		if made[c.tenant] == nil {
			made[c.tenant] = map[int64]bool{}
		}
		for _, id := range c.ids {
			if made[c.tenant][id] {
				t.Errorf("tenant %s: card id %d given twice", c.tenant, id)
			}
			made[c.tenant][id] = true
		}
	}
	for tenant, ids := range made {
		order := map[int64][]string{}
		for _, raw := range h.events(tenant, all) {
			var e cardEvent
			if err := json.Unmarshal(raw, &e); err != nil {
				t.Fatal(err)
			}
			id := int64(e.Data["card_id"].(float64))
			if !ids[id] {
				t.Errorf("tenant %s: an event of card %d, which it did not make", tenant, id)
			}
			order[id] = append(order[id], e.Type+":"+jsonText(e.Data["card_status"]))
		}
		for id := range ids {
			if got := fmt.Sprint(order[id]); got != "[create-1:NORMAL update-1:BLOCKED update-1:NORMAL]" {
				t.Errorf("tenant %s card %d: events %s", tenant, id, got)
			}
		}
	}
}

// newTenant adds a named tenant through the admin API and returns its id.
func (h *harness) newTenant(name string) string {
	h.t.Helper()
	r := h.do("POST", "/_sim/tenants", nil, map[string]any{"name": name})
	if r.status != 201 {
		h.t.Fatalf("tenant %q: %d %s", name, r.status, r.body)
	}
	return r.json(h.t)["tenant"].(string)
}
