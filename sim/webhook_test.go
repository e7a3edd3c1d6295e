package sim_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/issuersim/issuersim/sim"
	"github.com/issuersim/issuersim/sim/webhook"
	"github.com/issuersim/issuersim/sim/webhook/verify"
)

// delivery is one POST a receiver got.
type delivery struct {
	header http.Header
	body   []byte
	event  struct {
		ID   string `json:"event_id"`
		Type string `json:"event_type"`
		Data struct {
			CardID int64  `json:"card_id"`
			Status string `json:"card_status"`
		} `json:"data"`
	}
	status int // what the receiver answered
}

// receiver is a real local webhook receiver; fail decides, per request, whether it answers 503.
type receiver struct {
	*httptest.Server
	mu   sync.Mutex
	got  []delivery
	fail func(n int) bool // n counts the requests, from 0
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var d delivery
		d.header, d.body = req.Header.Clone(), body
		_ = json.Unmarshal(body, &d.event)
		r.mu.Lock()
		d.status = http.StatusNoContent
		if r.fail != nil && r.fail(len(r.got)) {
			d.status = http.StatusServiceUnavailable
		}
		r.got = append(r.got, d)
		r.mu.Unlock()
		w.WriteHeader(d.status)
		_, _ = io.WriteString(w, http.StatusText(d.status))
	}))
	t.Cleanup(r.Close)
	return r
}

// accepted returns the deliveries the receiver took (answered 2xx), in arrival order.
func (r *receiver) accepted() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []delivery
	for _, d := range r.got {
		if d.status < 300 {
			out = append(out, d)
		}
	}
	return out
}

func (r *receiver) all() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.got...)
}

func (r *receiver) failWith(f func(n int) bool) {
	r.mu.Lock()
	r.fail = f
	r.mu.Unlock()
}

// subscribe creates a subscription of tenant A and returns its id and secret.
func (h *harness) subscribe(url string, extra map[string]any) (id, secret string) {
	h.t.Helper()
	body := map[string]any{"url": url}
	for k, v := range extra {
		body[k] = v
	}
	r := h.do("POST", "/_sim/webhooks", nil, body)
	if r.status != 201 {
		h.t.Fatalf("subscribe: %d %s", r.status, r.body)
	}
	return r.json(h.t)["id"].(string), r.json(h.t)["secret"].(string)
}

// settle waits until every webhook message is delivered, failed or waiting on the clock.
func (h *harness) settle() {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !h.sim.WebhooksIdle() {
		if time.Now().After(deadline) {
			h.t.Fatal("webhook deliveries did not settle within 20s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestWebhookSignatures proves a subscription gets the events its filter takes, byte for byte as the log holds
// them, signed so the verify helper accepts them with the secret the create answered, with webhook-id the event
// id and a real-time timestamp; that a changed body, timestamp or secret fails; and that after a rotation
// deliveries verify with the old secret and the new one.
func TestWebhookSignatures(t *testing.T) {
	recv := newReceiver(t)
	h := newHarness(t, sim.Config{Seed: 1})
	id, secret := h.subscribe(recv.URL, map[string]any{"event_types": []string{"cards.*"}})
	v := h.cards(t, virtualAcct, virtualCust)
	card := v.create(map[string]any{"name": "hook", "type": "VIRTUAL"})
	w := h.wallet(t, virtualAcct, virtualCust)
	w.store(walletPath+"?skip_validation=true", external("4111111111111111", "1229")) // cardsonfile: not taken
	h.settle()
	got := recv.accepted()
	logged := h.events(tenantA, all)
	if len(got) != 1 || string(got[0].body) != string(logged[0]) || got[0].event.Type != "create-1" {
		t.Fatalf("deliveries %d, want the one create-1 as logged", len(got))
	}
	d := got[0]
	if d.header.Get("webhook-id") != d.event.ID {
		t.Errorf("webhook-id %q, want the event id %q", d.header.Get("webhook-id"), d.event.ID)
	}
	if err := verify.Verify(secret, d.header, d.body); err != nil {
		t.Fatalf("a delivery does not verify: %v", err)
	}
	tampered := append([]byte{}, d.body...)
	tampered[len(tampered)-2] = ' '
	late := d.header.Clone()
	late.Set("webhook-timestamp", fmt.Sprint(time.Now().Add(-time.Hour).Unix()))
	for name, err := range map[string]error{
		"a changed body":      verify.Verify(secret, d.header, tampered),
		"a changed timestamp": verify.Verify(secret, late, d.body),
		"another secret":      verify.Verify("whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=", d.header, d.body),
	} {
		if err == nil {
			t.Errorf("%s verified", name)
		}
	}

	r := h.do("POST", "/_sim/webhooks/"+id+"/rotate-secret", nil, nil)
	newSecret := r.json(t)["secret"].(string)
	if r.status != 200 || newSecret == secret || len(r.json(t)["secrets"].([]any)) != 2 {
		t.Fatalf("rotate: %d %s", r.status, r.body)
	}
	h.do("PUT", v.path(card, "status"), bearer(v.tok), map[string]any{"status": "BLOCKED"})
	h.settle()
	got = recv.accepted()
	last := got[len(got)-1]
	if last.event.Type != "update-1" || verify.Verify(secret, last.header, last.body) != nil || verify.Verify(newSecret, last.header, last.body) != nil {
		t.Fatalf("after the rotation a delivery must verify with both secrets: %s %q", last.event.Type, last.header.Get("webhook-signature"))
	}

	if r := h.do("PATCH", "/_sim/webhooks/"+id, nil, map[string]any{"event_types": []string{"cardsonfile.*"}}); r.status != 200 {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	if r := h.do("GET", "/_sim/webhooks", nil, nil); r.status != 200 || len(r.json(t)["subscriptions"].([]any)) != 1 {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	assertFaultIn(t, h.do("POST", "/_sim/webhooks", nil, map[string]any{"url": "ftp://x"}), 400, "/url", "body", "format")
	assertFaultIn(t, h.do("POST", "/_sim/webhooks", nil, map[string]any{"url": recv.URL, "event_types": []string{"Bad Type"}}), 400, "/event_types/0", "body", "pattern")
	if r := h.do("DELETE", "/_sim/webhooks/"+id, nil, nil); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	assertFaultIn(t, h.do("GET", "/_sim/webhooks/"+id, nil, nil), 404, "subscriptionId", "path", "exists")
}

// TestWebhookOrderThroughRetries proves a receiver down for three attempts gets every event once it recovers,
// each card's in commit order, the retries running on the tenant's clock; and that the delivery log shows each
// attempt with its status.
func TestWebhookOrderThroughRetries(t *testing.T) {
	recv := newReceiver(t)
	recv.failWith(func(int) bool { return true })
	h := newHarness(t, sim.Config{Seed: 1, TokenTTL: 1000 * time.Hour})
	id, _ := h.subscribe(recv.URL, nil)
	v := h.cards(t, virtualAcct, virtualCust)
	var cards []int64
	for i := range 3 {
		c := v.create(map[string]any{"name": fmt.Sprint("card ", i), "type": "VIRTUAL"})
		cards = append(cards, c)
		h.do("PUT", v.path(c, "status"), bearer(v.tok), map[string]any{"status": "BLOCKED"})
	}
	h.settle()
	h.advance(tenantA, "5s") // second attempt
	h.settle()
	h.advance(tenantA, "5m") // third attempt
	h.settle()
	if n := len(recv.all()); n != 9 { // the head of each card's lane, three times; the rest wait behind it
		t.Fatalf("%d attempts while the receiver was down, want 9 (3 cards x 3 attempts of their first event)", n)
	}
	recv.failWith(nil)
	h.advance(tenantA, "30m")
	h.settle()
	got := recv.accepted()
	if len(got) != 6 {
		t.Fatalf("%d events delivered after the recovery, want 6", len(got))
	}
	assertPerCardOrder(t, got, h.events(tenantA, all))
	r := h.do("GET", "/_sim/webhooks/"+id+"/messages", nil, nil)
	msgs := r.json(t)["messages"].([]any)
	first := msgs[0].(map[string]any)
	attempts := first["attempts"].([]any)
	if len(msgs) != 6 || first["status"] != "delivered" || len(attempts) != 4 ||
		attempts[0].(map[string]any)["status"] != float64(503) || attempts[3].(map[string]any)["status"] != float64(204) ||
		attempts[0].(map[string]any)["response_excerpt"] != "Service Unavailable" {
		t.Fatalf("delivery log: %s", r.body)
	}
}

// assertPerCardOrder checks that each card's events arrived in the order the log holds them.
func assertPerCardOrder(t *testing.T, got []delivery, logged []json.RawMessage) {
	t.Helper()
	position := map[string]int{}
	for i, raw := range logged {
		var e struct {
			ID string `json:"event_id"`
		}
		_ = json.Unmarshal(raw, &e)
		position[e.ID] = i
	}
	last := map[int64]int{}
	seen := map[string]bool{}
	for _, d := range got {
		if seen[d.event.ID] {
			continue // a duplicate: at-least-once
		}
		seen[d.event.ID] = true
		p, ok := position[d.event.ID]
		if !ok {
			t.Fatalf("delivered an event the log does not hold: %s", d.event.ID)
		}
		if prev, ok := last[d.event.Data.CardID]; ok && p < prev {
			t.Fatalf("card %d: event %s (log position %d) arrived after position %d", d.event.Data.CardID, d.event.Type, p, prev)
		}
		last[d.event.Data.CardID] = p
	}
	if len(seen) != len(logged) {
		t.Fatalf("%d distinct events delivered, %d in the log", len(seen), len(logged))
	}
}

// TestWebhookModes proves the per-subscription switches: fail_next fails attempts without sending them;
// duplicate_rate 1 sends each event twice with the same webhook-id and event_id; a delay holds deliveries until
// the clock passes it; unordered mode lets a card's later event overtake a retried one.
func TestWebhookModes(t *testing.T) {
	recv := newReceiver(t)
	h := newHarness(t, sim.Config{Seed: 1, TokenTTL: 1000 * time.Hour})
	id, _ := h.subscribe(recv.URL, map[string]any{"mode": map[string]any{"fail_next": 2, "duplicate_rate": 1}})
	v := h.cards(t, virtualAcct, virtualCust)
	v.create(map[string]any{"name": "modes", "type": "VIRTUAL"})
	h.settle()
	if n := len(recv.all()); n != 0 {
		t.Fatalf("fail_next sent %d requests, want none", n)
	}
	h.advance(tenantA, "5s") // the second injected failure
	h.settle()
	h.advance(tenantA, "5m") // sent, and duplicated
	h.settle()
	got := recv.accepted()
	if len(got) != 2 || got[0].event.ID != got[1].event.ID || got[0].header.Get("webhook-id") != got[1].header.Get("webhook-id") {
		t.Fatalf("a duplicated delivery: %d deliveries", len(got))
	}
	m := h.do("GET", "/_sim/webhooks/"+id+"/messages/"+got[0].event.ID, nil, nil).json(t)
	attempts := m["attempts"].([]any)
	if len(attempts) != 4 || attempts[0].(map[string]any)["injected"] != true || attempts[3].(map[string]any)["duplicate"] != true {
		t.Fatalf("attempts of a duplicated message after two injected failures: %v", attempts)
	}

	h.do("PATCH", "/_sim/webhooks/"+id, nil, map[string]any{"mode": map[string]any{"duplicate_rate": 0, "delay": "10s", "ordered": false}})
	recv.failWith(func(n int) bool { return n == 2 }) // the first send of the next card fails
	c := v.create(map[string]any{"name": "later", "type": "VIRTUAL"})
	h.do("PUT", v.path(c, "status"), bearer(v.tok), map[string]any{"status": "BLOCKED"})
	h.settle()
	if n := len(recv.all()); n != 2 {
		t.Fatalf("a delayed subscription sent %d new requests before its delay, want none", n-2)
	}
	h.advance(tenantA, "10s")
	h.settle()
	got = recv.accepted()
	if len(got) != 3 || got[2].event.Type != "update-1" {
		t.Fatalf("unordered: the update must overtake the retried create: %d deliveries", len(got))
	}
	h.advance(tenantA, "5s")
	h.settle()
	if got = recv.accepted(); len(got) != 4 || got[3].event.Type != "create-1" {
		t.Fatalf("the retried create: %d deliveries", len(got))
	}
}

// TestWebhookFailedAndRedeliver proves a message that exhausts the schedule (eight attempts over about three
// days of the tenant's clock) is failed, kept and listed, and that redelivering all failed messages, or one,
// sends it again.
func TestWebhookFailedAndRedeliver(t *testing.T) {
	recv := newReceiver(t)
	recv.failWith(func(int) bool { return true })
	h := newHarness(t, sim.Config{Seed: 1})
	id, _ := h.subscribe(recv.URL, nil)
	v := h.cards(t, virtualAcct, virtualCust)
	v.create(map[string]any{"name": "doomed", "type": "VIRTUAL"})
	h.settle()
	for _, step := range []string{"5s", "5m", "30m", "2h", "8h", "24h", "36h"} {
		h.advance(tenantA, step)
		h.settle()
	}
	if n := len(recv.all()); n != 8 {
		t.Fatalf("%d attempts, want 8", n)
	}
	failed := h.do("GET", "/_sim/webhooks/"+id+"/messages?status=failed", nil, nil).json(t)["messages"].([]any)
	if len(failed) != 1 || failed[0].(map[string]any)["status"] != "failed" {
		t.Fatalf("failed messages: %v", failed)
	}
	recv.failWith(nil)
	r := h.do("POST", "/_sim/webhooks/"+id+"/redeliver-failed", nil, nil)
	if r.status != 202 || r.json(t)["queued"] != float64(1) {
		t.Fatalf("redeliver failed: %d %s", r.status, r.body)
	}
	h.settle()
	got := recv.accepted()
	if len(got) != 1 {
		t.Fatalf("%d deliveries after the redelivery, want 1", len(got))
	}
	if r := h.do("POST", "/_sim/webhooks/"+id+"/messages/"+got[0].event.ID+"/redeliver", nil, nil); r.status != 202 {
		t.Fatalf("redeliver one: %d %s", r.status, r.body)
	}
	h.settle()
	if got := recv.accepted(); len(got) != 2 || got[1].event.ID != got[0].event.ID {
		t.Fatalf("a redelivered message: %d deliveries", len(got))
	}
	assertFaultIn(t, h.do("POST", "/_sim/webhooks/"+id+"/messages/"+"00000000-0000-4000-8000-000000000000/redeliver", nil, nil), 404, "eventId", "path", "exists")
}

// TestWebhookRedeliverInFlight is the regression test of a redelivery asked for while the first attempt at the
// message is in flight: the attempt's record used to overwrite the redelivery (the message stayed delivered,
// and the 202 queued nothing). The receiver holds the first request until the redelivery is answered.
func TestWebhookRedeliverInFlight(t *testing.T) {
	arrived, release := make(chan string, 1), make(chan struct{})
	var mu sync.Mutex
	var ids []string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		ids = append(ids, req.Header.Get("webhook-id"))
		first := len(ids) == 1
		mu.Unlock()
		if first {
			arrived <- req.Header.Get("webhook-id")
			select {
			case <-release:
			case <-time.After(10 * time.Second):
			}
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer recv.Close()
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	h := newHarness(t, sim.Config{Seed: 1})
	id, _ := h.subscribe(recv.URL, nil)
	h.cards(t, virtualAcct, virtualCust).create(map[string]any{"name": "again", "type": "VIRTUAL"})
	var eventID string
	select {
	case eventID = <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the first delivery did not arrive within 10s")
	}
	if r := h.do("POST", "/_sim/webhooks/"+id+"/messages/"+eventID+"/redeliver", nil, nil); r.status != 202 {
		t.Fatalf("redeliver: %d %s", r.status, r.body)
	}
	close(release)
	h.settle()
	mu.Lock()
	defer mu.Unlock()
	if len(ids) != 2 || ids[0] != eventID || ids[1] != eventID {
		t.Fatalf("deliveries %v, want the event %s twice", ids, eventID)
	}
}

// TestWebhookNothingLost runs a bounded soak: 700 cards with three events each to a receiver that fails 30 % of
// requests at random; after the schedule's three days every event has arrived, each card's in order, or is
// listed as failed, and redelivering the failed ones completes the set.
func TestWebhookNothingLost(t *testing.T) {
	if testing.Short() {
		t.Skip("a soak of 2,100 events")
	}
	recv := newReceiver(t)
	rng := rand.New(rand.NewPCG(7, 7))
	recv.failWith(func(int) bool { return rng.Float64() < 0.3 })
	h := newHarness(t, sim.Config{Seed: 1, TokenTTL: 1000 * time.Hour})
	id, _ := h.subscribe(recv.URL, nil)
	v := h.cards(t, virtualAcct, virtualCust)
	for i := range 700 {
		c := v.create(map[string]any{"name": fmt.Sprint("soak ", i), "type": "VIRTUAL"})
		h.do("PUT", v.path(c, "status"), bearer(v.tok), map[string]any{"status": "BLOCKED"})
		h.do("PUT", v.path(c, "status"), bearer(v.tok), map[string]any{"status": "NORMAL"})
	}
	h.settle()
	// A card's later events start their schedule only once its earlier ones are through: advance until none
	// is pending, a bounded number of times.
	pending := func() int {
		return len(h.do("GET", "/_sim/webhooks/"+id+"/messages?status=pending", nil, nil).json(t)["messages"].([]any))
	}
	for round := 0; pending() > 0; round++ {
		if round == 50 {
			t.Fatalf("%d messages still pending after 50 advances", pending())
		}
		for _, step := range []string{"5s", "5m", "30m", "2h", "8h", "24h", "36h"} {
			h.advance(tenantA, step)
			h.settle()
		}
	}
	failed := h.do("GET", "/_sim/webhooks/"+id+"/messages?status=failed", nil, nil).json(t)["messages"].([]any)
	logged := h.events(tenantA, all)
	if len(logged) != 2100 {
		t.Fatalf("%d events logged, want 2100", len(logged))
	}
	delivered := map[string]bool{}
	for _, d := range recv.accepted() {
		delivered[d.event.ID] = true
	}
	if len(delivered)+len(failed) != len(logged) {
		t.Fatalf("%d delivered + %d failed != %d logged: events lost", len(delivered), len(failed), len(logged))
	}
	recv.failWith(nil)
	h.do("POST", "/_sim/webhooks/"+id+"/redeliver-failed", nil, nil)
	h.settle()
	assertPerCardOrder(t, withoutRedelivered(recv.accepted(), failed), withoutFailed(logged, failed))
	t.Logf("%d requests, %d failed for good before the redelivery", len(recv.all()), len(failed))
}

// withoutRedelivered drops the deliveries of messages that failed for good: they were redelivered after their
// successors, which is what a redelivery is.
func withoutRedelivered(got []delivery, failed []any) []delivery {
	skip := map[string]bool{}
	for _, f := range failed {
		skip[f.(map[string]any)["event_id"].(string)] = true
	}
	var out []delivery
	for _, d := range got {
		if !skip[d.event.ID] {
			out = append(out, d)
		}
	}
	return out
}

func withoutFailed(logged []json.RawMessage, failed []any) []json.RawMessage {
	skip := map[string]bool{}
	for _, f := range failed {
		skip[f.(map[string]any)["event_id"].(string)] = true
	}
	var out []json.RawMessage
	for _, raw := range logged {
		var e struct {
			ID string `json:"event_id"`
		}
		_ = json.Unmarshal(raw, &e)
		if !skip[e.ID] {
			out = append(out, raw)
		}
	}
	return out
}

// waitForRetry waits until a delivery retry is scheduled for the tenant: the dispatcher writes it after the
// receiver answers, so a test that advances the clock as soon as the receiver saw a request may be too early.
func (h *harness) waitForRetry(tenant string) {
	h.t.Helper()
	waitFor(h.t, func() bool {
		for _, j := range h.jobs(tenant) {
			if j.Kind == webhook.JobAttempt {
				return true
			}
		}
		return false
	})
}

// waitFor polls cond until it holds, for at most 20 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 20s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestEventStream proves the live stream sends what the log already holds, then each new event as it commits,
// as SSE messages whose id is the event id, with the list's filters; and that reconnecting with Last-Event-ID
// resumes exactly after it.
func TestEventStream(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 1})
	v := h.cards(t, virtualAcct, virtualCust)
	first := v.create(map[string]any{"name": "before", "type": "VIRTUAL"})
	read := func(lastID string, want int) []sseMessage {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", h.srv.URL+"/_sim/events/stream?event_type=create-1", nil)
		if lastID != "" {
			req.Header.Set("Last-Event-ID", lastID)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		msgs := make(chan sseMessage)
		go readSSE(resp.Body, msgs)
		var out []sseMessage
		for len(out) < want {
			select {
			case m, ok := <-msgs:
				if !ok {
					t.Fatalf("the stream ended after %d messages", len(out))
				}
				out = append(out, m)
				if len(out) == 1 && lastID == "" {
					v.create(map[string]any{"name": "during", "type": "VIRTUAL"}) // a live one, once connected
				}
			case <-ctx.Done():
				t.Fatalf("%d of %d messages within 10s", len(out), want)
			}
		}
		return out
	}
	got := read("", 2)
	if got[0].event != "create-1" || got[1].event != "create-1" || !strings.Contains(got[0].data, fmt.Sprintf(`"card_id":%d`, first)) {
		t.Fatalf("stream: %+v", got)
	}
	h.do("PUT", v.path(first, "status"), bearer(v.tok), map[string]any{"status": "BLOCKED"}) // filtered out
	third := v.create(map[string]any{"name": "after", "type": "VIRTUAL"})
	resumed := read(got[1].id, 1)
	if !strings.Contains(resumed[0].data, fmt.Sprintf(`"card_id":%d`, third)) {
		t.Fatalf("resumed after %s: %+v", got[1].id, resumed)
	}
	assertFaultIn(t, h.do("GET", "/_sim/events/stream?after=00000000-0000-4000-8000-000000000000", nil, nil), 404, "after", "query", "exists")
}

type sseMessage struct{ id, event, data string }

// readSSE parses Server-Sent Events into msgs until the body ends.
func readSSE(body io.Reader, msgs chan<- sseMessage) {
	defer close(msgs)
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var m sseMessage
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if m.data != "" {
				msgs <- m
			}
			m = sseMessage{}
		case strings.HasPrefix(line, "id: "):
			m.id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			m.event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			m.data = strings.TrimPrefix(line, "data: ")
		}
	}
}
