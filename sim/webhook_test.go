package sim_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/issuersim/issuersim/sim"
	"github.com/issuersim/issuersim/sim/webhook"
)

// TestWebhookDelivery proves every event is POSTed, byte for byte as the log holds it, signed so that the
// Standard Webhooks library verifies it, with a real-time webhook-timestamp although the clock is virtual;
// and that a failed delivery is retried on the simulator's clock with the same webhook-id.
func TestWebhookDelivery(t *testing.T) {
	type got struct {
		body   []byte
		header http.Header
	}
	var mu sync.Mutex
	var received []got
	fail := 1 // the first delivery is refused
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		received = append(received, got{b, r.Header.Clone()})
		if fail > 0 {
			fail--
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer recv.Close()
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	h := newHarness(t, sim.Config{Seed: 1, WebhookURL: recv.URL, WebhookSecret: secret})
	tok := h.token(tenantA, virtualAcct)
	h.do("POST", "/wallet/v2/cards", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust)), map[string]any{"name": "hook", "type": "VIRTUAL"})
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(received) }
	waitFor(t, func() bool { return count() == 1 })
	// Else the advance may pass before the retry is scheduled, and it never falls due.
	h.waitForRetry(tenantA)
	h.do("POST", "/_sim/clock/advance", nil, map[string]any{"duration": "5s"}) // the first retry is due
	waitFor(t, func() bool { return count() == 2 })

	logged := h.events(tenantA, all)
	hook, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	first, retry := received[0], received[1]
	if string(retry.body) != string(logged[0]) {
		t.Errorf("delivered body differs from the log:\n%s\n%s", retry.body, logged[0])
	}
	if first.header.Get("webhook-id") == "" || first.header.Get("webhook-id") != retry.header.Get("webhook-id") {
		t.Errorf("webhook-id must stay the same on retry: %q %q", first.header.Get("webhook-id"), retry.header.Get("webhook-id"))
	}
	if err := hook.Verify(retry.body, retry.header); err != nil {
		t.Errorf("signature does not verify: %v", err)
	}
	ts, _ := strconv.ParseInt(retry.header.Get("webhook-timestamp"), 10, 64)
	if d := time.Since(time.Unix(ts, 0)); d < -time.Minute || d > time.Minute {
		t.Errorf("webhook-timestamp %d is not real time", ts)
	}
	tampered := append([]byte{}, retry.body...)
	tampered[len(tampered)-2] = ' '
	if err := hook.Verify(tampered, retry.header); err == nil {
		t.Error("a tampered body verified")
	}
}

// waitForRetry waits until the dispatcher has scheduled a delivery retry for the tenant: it does so after the
// receiver answers, so a test that advances the clock as soon as the receiver saw a request may be too early.
func (h *harness) waitForRetry(tenant string) {
	h.t.Helper()
	waitFor(h.t, func() bool {
		for _, j := range h.jobs(tenant) {
			if j.Kind == webhook.JobRetry {
				return true
			}
		}
		return false
	})
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
