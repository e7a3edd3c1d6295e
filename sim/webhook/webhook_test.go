package webhook_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/webhook"
)

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// TestRetriesThenGivesUp proves a refused delivery is retried on the simulator's clock, once per backoff
// step, with one attempt recorded each time, and stops after the last step.
func TestRetriesThenGivesUp(t *testing.T) {
	var hits atomic.Int32
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer recv.Close()
	clk := clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	d, err := webhook.New(webhook.Config{URL: recv.URL, Secret: secret, Clock: clk, Backoff: []time.Duration{time.Second, time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = d.Run(ctx) }()
	d.Enqueue(event.Record{ID: "evt-1", Type: "create-1", Envelope: []byte(`{"event_id":"evt-1"}`)})

	attempts := func(n int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for len(d.Attempts("evt-1")) < n {
			if time.Now().After(deadline) {
				t.Fatalf("%d attempts, want %d", len(d.Attempts("evt-1")), n)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	attempts(1)
	clk.Advance(time.Second)
	attempts(2)
	clk.Advance(time.Minute)
	attempts(3)
	clk.Advance(24 * time.Hour)
	time.Sleep(20 * time.Millisecond)
	got := d.Attempts("evt-1")
	if len(got) != 3 || hits.Load() != 3 {
		t.Fatalf("%d attempts, %d hits after the backoff ran out, want 3", len(got), hits.Load())
	}
	for i, a := range got {
		if a.Number != i+1 || a.Status != 500 || !strings.Contains(a.Error, "500") {
			t.Errorf("attempt %d = %+v", i, a)
		}
	}
}

// TestNewNamesTheBadSetting checks configuration errors.
func TestNewNamesTheBadSetting(t *testing.T) {
	if _, err := webhook.New(webhook.Config{Secret: secret}); err == nil || !strings.Contains(err.Error(), "webhook url") {
		t.Errorf("no url: %v", err)
	}
	if _, err := webhook.New(webhook.Config{URL: "http://x", Secret: "not base64!"}); err == nil || !strings.Contains(err.Error(), "webhook secret") {
		t.Errorf("bad secret: %v", err)
	}
}
