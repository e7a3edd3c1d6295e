package sim_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/issuersim/issuersim/gen/simadminclient"
	"github.com/issuersim/issuersim/sim"
)

// TestPCIJobIsListedAndRunByAnAdvance proves that with a PCI delay a new card's numbering is a pending job
// (kind, subject, due time, the request's correlation id) in GET /_sim/jobs, that an advance short of its
// due time leaves it pending, and that the advance that reaches it runs it, says so, and empties the list.
func TestPCIJobIsListedAndRunByAnAdvance(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1, PCIDelay: 2 * time.Second})
	tok := h.token(tenantA, virtualAcct)
	r := h.do("POST", "/wallet/v2/cards", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust), "x-cid", "cid-pci"), map[string]any{"name": "Later", "type": "VIRTUAL"})
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	jobs := h.jobs(tenantA)
	if len(jobs) != 1 {
		t.Fatalf("jobs %+v, want the card's numbering", jobs)
	}
	j := jobs[0]
	if j.Kind != "card.number" || j.Subject != (simadminclient.Subject{Kind: "card", Id: "1"}) || j.State != simadminclient.JobStatePending ||
		!j.Due.Equal(time.Date(2026, 1, 1, 0, 0, 2, 0, time.UTC)) || j.Cid == nil || *j.Cid != "cid-pci" {
		t.Fatalf("job %+v", j)
	}
	if res := h.advance(tenantA, "1s"); len(res.Ran) != 0 || len(h.jobs(tenantA)) != 1 {
		t.Fatalf("an advance short of the due time ran %+v", res.Ran)
	}
	res := h.advance(tenantA, "1s")
	if len(res.Ran) != 1 || res.Ran[0].Id != j.Id || res.Ran[0].State != simadminclient.JobStateDone || res.Ran[0].Error != nil {
		t.Fatalf("advance ran %+v, want job %d done", res.Ran, j.Id)
	}
	if left := h.jobs(tenantA); len(left) != 0 {
		t.Fatalf("jobs left after they ran: %+v", left)
	}
	if evs := h.events(tenantA, all); len(evs) != 1 {
		t.Fatalf("%d events after the job, want its create-1", len(evs))
	}
}

// TestTenantClocksAreIndependent proves advancing tenant A's clock fires none of tenant B's jobs, moves
// neither B's clock nor the instance's, and expires none of B's tokens; B's jobs run when B's clock is advanced.
func TestTenantClocksAreIndependent(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1, PCIDelay: time.Minute})
	atok, btok := h.token(tenantA, virtualAcct), h.token(tenantB, virtualAcct)
	for _, tc := range []struct{ tenant, tok string }{{tenantA, atok}, {tenantB, btok}} {
		r := h.do("POST", "/wallet/v2/cards", bearer(tc.tok, "x-customer-id", fmt.Sprint(virtualCust)), map[string]any{"name": "c", "type": "VIRTUAL"})
		if r.status != 201 {
			t.Fatalf("create in %s: %d %s", tc.tenant, r.status, r.body)
		}
	}
	res := h.advance(tenantA, "2h")
	if len(res.Ran) != 1 || res.Tenant != tenantA {
		t.Fatalf("advancing A ran %+v, want A's one job", res.Ran)
	}
	if n := len(h.jobs(tenantB)); n != 1 {
		t.Fatalf("tenant B has %d jobs after A's advance, want its one still pending", n)
	}
	if n := len(h.events(tenantB, all)); n != 0 {
		t.Fatalf("tenant B got %d events from A's advance", n)
	}
	r := h.do("GET", "/_sim/clock?tenant="+tenantB, nil, nil)
	if r.status != 200 || r.json(t)["now"] != virtualStart {
		t.Fatalf("B's clock after A's advance: %d %s", r.status, r.body)
	}
	if r := h.do("GET", "/_sim/health", nil, nil); r.json(t)["clock"] != virtualStart {
		t.Fatalf("the instance's clock moved: %s", r.body)
	}
	if r := h.do("GET", "/wallet/v1/cards/1", bearer(btok, "x-customer-id", fmt.Sprint(virtualCust)), nil); r.status != 200 {
		t.Fatalf("A's advance expired B's token: %d %s", r.status, r.body)
	}
	if r := h.do("GET", "/wallet/v1/cards/1", bearer(atok, "x-customer-id", fmt.Sprint(virtualCust)), nil); r.status != 401 {
		t.Fatalf("A's own token survived two hours: %d %s", r.status, r.body)
	}
	if res := h.advance(tenantB, "1m"); len(res.Ran) != 1 || len(h.events(tenantB, all)) != 1 {
		t.Fatalf("advancing B ran %+v", res.Ran)
	}
}
