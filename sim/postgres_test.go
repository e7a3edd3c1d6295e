package sim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/issuersim/issuersim/gen/simadminclient"
	"github.com/issuersim/issuersim/sim"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/store/postgres/pgtest"
)

// The PostgreSQL backend's promises beyond the conformance suite: the same bytes as the memory store, two
// replicas behaving as one sandbox, and state that survives a restart. Each test gets a schema of its own and
// skips, with one line, without ISSUERSIM_TEST_POSTGRES.

// startInstance serves a simulator built from cfg and returns a harness over it and the function that stops
// it (also called when the test ends): unlike newHarness, a test can stop it halfway, as a process ends.
func startInstance(t *testing.T, cfg sim.Config) (*harness, func()) {
	t.Helper()
	if cfg.Clock == nil {
		start, _ := time.Parse(time.RFC3339, virtualStart)
		cfg.Clock = clock.NewVirtual(start)
	}
	if cfg.Logger == nil {
		cfg.Logger = testLogger
	}
	s, err := sim.New(cfg)
	if err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = s.Run(ctx); close(done) }()
	srv := httptest.NewServer(s.Handler())
	var once sync.Once
	stop := func() { once.Do(func() { srv.Close(); cancel(); <-done; s.Close() }) }
	t.Cleanup(stop)
	h := &harness{t: t, srv: srv, sim: s}
	h.client = &http.Client{Transport: &contractCheck{t: t, next: srv.Client().Transport}}
	if h.admin, err = simadminclient.NewClientWithResponses(srv.URL, simadminclient.WithHTTPClient(h.client)); err != nil {
		t.Fatal(err)
	}
	return h, stop
}

// TestPostgresMatchesMemory runs the determinism script on both backends: the same seed, clock start and
// requests give the same responses and events, byte for byte.
func TestPostgresMatchesMemory(t *testing.T) {
	if os.Getenv("ISSUERSIM_TEST_STORE") == "postgres" {
		t.Skip("compares with the memory store: runs in the memory pass")
	}
	url := pgtest.URL(t)
	cfg := sim.Config{Seed: 42, PCIDelay: time.Second}
	memory := tenantScript(newHarness(t, cfg), func(int) {})
	cfg.Store = url
	pg, _ := startInstance(t, cfg)
	got := tenantScript(pg, func(int) {})
	if !bytes.Equal(memory, got) {
		t.Fatalf("the PostgreSQL store answers differently:\n--- memory\n%s\n--- postgres\n%s", memory, got)
	}
}

// createCard makes a VIRTUAL card of tenant A through one replica and returns its id; it is safe from any
// goroutine.
func createCard(client *http.Client, base, token, name string) (int64, error) {
	req, _ := http.NewRequest("POST", base+"/wallet/v2/cards", strings.NewReader(fmt.Sprintf(`{"name":%q,"type":"VIRTUAL"}`, name)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("x-customer-id", fmt.Sprint(virtualCust))
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 201 {
		return 0, fmt.Errorf("create %s: %d %s", name, resp.StatusCode, body)
	}
	var c struct{ ID int64 }
	return c.ID, json.Unmarshal(body, &c)
}

// TestPostgresReplicas runs two simulators on one database and drives them alternately, then concurrently:
// card ids stay unique and gapless, every event is logged once in commit order and delivered once, every
// PCI job runs once whichever replica advances the clock, and the clock each replica reports is the same.
func TestPostgresReplicas(t *testing.T) {
	url := pgtest.URL(t)
	cfg := sim.Config{Seed: 7, PCIDelay: time.Second, TokenTTL: 1000 * time.Hour, Store: url}
	a, _ := startInstance(t, cfg)
	b, _ := startInstance(t, cfg)
	replicas := []*harness{a, b}
	recv := newReceiver(t)
	a.subscribe(recv.URL, nil) // made on one replica, delivering the other's events too
	token := a.token(tenantA, virtualAcct)

	var ids []int64
	for i := range 10 { // alternately
		h := replicas[i%2]
		id, err := createCard(h.srv.Client(), h.srv.URL, token, fmt.Sprintf("alternate %d", i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if want := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}; !slices.Equal(ids, want) {
		t.Fatalf("alternate creates got ids %v, want %v", ids, want)
	}
	a.advance(tenantA, "2s") // runs the PCI jobs both replicas scheduled
	if jobs := b.jobs(tenantA); len(jobs) != 0 {
		t.Fatalf("after the advance on one replica the other lists %d pending jobs", len(jobs))
	}

	var mu sync.Mutex
	var wg sync.WaitGroup
	for w, h := range replicas { // concurrently, each worker on its replica
		wg.Go(func() {
			for i := range 15 {
				id, err := createCard(h.srv.Client(), h.srv.URL, token, fmt.Sprintf("worker %d-%d", w, i))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				ids = append(ids, id)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	b.advance(tenantA, "2s") // now the other replica advances
	slices.Sort(ids)
	for i, id := range ids {
		if id != int64(i+1) {
			t.Fatalf("card ids %v: want 1..%d, each once", ids, len(ids))
		}
	}

	events := a.events(tenantA, all)
	if other := b.events(tenantA, all); len(other) != len(events) {
		t.Fatalf("the replicas list %d and %d events", len(events), len(other))
	}
	creates := map[int64]int{}
	seen := map[string]bool{}
	for i, raw := range events {
		var e struct {
			ID   string `json:"event_id"`
			Type string `json:"event_type"`
			Data struct {
				CardID int64 `json:"card_id"`
			} `json:"data"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatal(err)
		}
		if seen[e.ID] {
			t.Fatalf("event %d (%s) is logged twice", i, e.ID)
		}
		seen[e.ID] = true
		if e.Type == "create-1" {
			creates[e.Data.CardID]++
		}
	}
	for _, id := range ids {
		if creates[id] != 1 {
			t.Errorf("card %d has %d create-1 events: its PCI job ran %d times", id, creates[id], creates[id])
		}
	}
	if jobs := a.jobs(tenantA); len(jobs) != 0 {
		t.Errorf("%d jobs left pending: %+v", len(jobs), jobs)
	}
	ca, cb := a.do("GET", "/_sim/clock?tenant="+tenantA, nil, nil).json(t)["now"], b.do("GET", "/_sim/clock?tenant="+tenantA, nil, nil).json(t)["now"]
	if ca != cb || ca != "2026-01-01T00:00:04Z" {
		t.Errorf("the replicas' clocks: %v and %v, want both at 2026-01-01T00:00:04Z", ca, cb)
	}

	waitFor(t, func() bool { return len(recv.accepted()) >= len(events) })
	a.settle()
	b.settle()
	delivered := map[string]int{}
	for _, d := range recv.accepted() {
		delivered[d.event.ID]++
	}
	for id := range seen {
		if delivered[id] != 1 {
			t.Errorf("event %s delivered %d times, want once", id, delivered[id])
		}
	}
	if len(delivered) != len(seen) {
		t.Errorf("%d distinct events delivered, %d logged", len(delivered), len(seen))
	}
}

// TestPostgresRestart stops a simulator and starts another on the same database: every card, event and pending
// job is still there, the pending job runs on the new process's advance, and ids go on where they stopped.
func TestPostgresRestart(t *testing.T) {
	url := pgtest.URL(t)
	cfg := sim.Config{Seed: 3, PCIDelay: time.Minute, TokenTTL: 1000 * time.Hour, Store: url}
	first, stop := startInstance(t, cfg)
	token := first.token(tenantA, virtualAcct)
	for i := range 3 {
		if _, err := createCard(first.srv.Client(), first.srv.URL, token, fmt.Sprintf("before %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	first.advance(tenantA, "90s") // the three cards are numbered
	if _, err := createCard(first.srv.Client(), first.srv.URL, token, "pending"); err != nil {
		t.Fatal(err)
	}
	events, jobs := first.events(tenantA, all), first.jobs(tenantA)
	if len(jobs) != 1 {
		t.Fatalf("before the restart: %d pending jobs, want the fourth card's", len(jobs))
	}
	stop()

	second, _ := startInstance(t, cfg)
	if got := second.events(tenantA, all); len(got) != len(events) || !bytes.Equal(got[len(got)-1], events[len(events)-1]) {
		t.Fatalf("after the restart: %d events, want the %d logged before", len(got), len(events))
	}
	if got := second.jobs(tenantA); len(got) != 1 || got[0].Id != jobs[0].Id || !got[0].Due.Equal(jobs[0].Due) {
		t.Fatalf("after the restart the pending jobs are %+v, want %+v", got, jobs)
	}
	if now := second.do("GET", "/_sim/clock?tenant="+tenantA, nil, nil).json(t)["now"]; now != "2026-01-01T00:01:30Z" {
		t.Errorf("after the restart the tenant's clock reads %v, want where the advance left it", now)
	}
	for id := int64(1); id <= 4; id++ {
		if r := second.do("GET", fmt.Sprintf("/wallet/v1/cards/%d", id), bearer(token, "x-customer-id", fmt.Sprint(virtualCust)), nil); r.status != 200 {
			t.Errorf("card %d after the restart: %d %s", id, r.status, r.body)
		}
	}
	ran := second.advance(tenantA, "1m")
	if len(ran.Ran) != 1 || ran.Ran[0].Id != jobs[0].Id {
		t.Fatalf("the new process's advance ran %+v, want the job the old one left", ran.Ran)
	}
	if id, err := createCard(second.srv.Client(), second.srv.URL, token, "after"); err != nil || id != 5 {
		t.Fatalf("the first card after the restart: id %d (%v), want 5", id, err)
	}
}

// TestPostgresDeliversAfterRestart: a delivery that failed before the process stopped is retried by the next
// process on the same database when its retry falls due, and each event reaches the receiver once.
func TestPostgresDeliversAfterRestart(t *testing.T) {
	url := pgtest.URL(t)
	cfg := sim.Config{Seed: 3, TokenTTL: 1000 * time.Hour, Store: url}
	first, stop := startInstance(t, cfg)
	recv := newReceiver(t)
	recv.failWith(func(int) bool { return true })
	first.subscribe(recv.URL, nil)
	token := first.token(tenantA, virtualAcct)
	if _, err := createCard(first.srv.Client(), first.srv.URL, token, "undelivered"); err != nil {
		t.Fatal(err)
	}
	first.settle()
	logged := first.events(tenantA, all)
	if len(recv.all()) == 0 || len(recv.accepted()) != 0 {
		t.Fatalf("before the restart: %d attempts, %d accepted; want refused attempts only", len(recv.all()), len(recv.accepted()))
	}
	stop()

	recv.failWith(func(int) bool { return false })
	second, _ := startInstance(t, cfg)
	second.advance(tenantA, "10s") // past the first retry (5 s)
	second.settle()
	delivered := map[string]int{}
	for _, d := range recv.accepted() {
		delivered[d.event.ID]++
	}
	if len(delivered) != len(logged) {
		t.Fatalf("after the restart %d distinct events delivered, %d logged", len(delivered), len(logged))
	}
	for id, n := range delivered {
		if n != 1 {
			t.Errorf("event %s delivered %d times, want once", id, n)
		}
	}
}
