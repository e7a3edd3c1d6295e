package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/issuersim/issuersim/sim"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/simtest"
	"github.com/issuersim/issuersim/sim/webhook/verify"
)

func startSim(t *testing.T) string {
	t.Helper()
	srv := simtest.Start(t, sim.Config{Seed: 1, Clock: clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	return srv.URL
}

// TestTriggerAndEvents runs every named flow against an in-process simulator and checks the events each
// prints, then lists them back with events and its filters.
func TestTriggerAndEvents(t *testing.T) {
	url := startSim(t)
	env := func(k string) string {
		if k == "ISSUERSIM_URL" {
			return url
		}
		return ""
	}
	for _, tc := range []struct {
		flow string
		want []string
	}{
		{"card.created", []string{"create-1"}},
		{"card.blocked", []string{"create-1", "update-1"}},
		{"pin.changed", []string{"create-1", "update_password-1"}},
		{"plastic.activated", []string{"create-1", "embossing_card_ingress-1", "update-1"}},
		{"bulk.started", []string{"create-1", "embossing_card_ingress-1", "create-1", "embossing_card_ingress-1"}},
		{"card-on-file.stored", []string{"provision-1", "verification-1"}},
	} {
		t.Run(tc.flow, func(t *testing.T) {
			out := &strings.Builder{}
			if err := run(context.Background(), []string{"trigger", tc.flow}, env, out, io.Discard); err != nil {
				t.Fatalf("trigger %s: %v", tc.flow, err)
			}
			var got []string
			for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n")[1:] {
				got = append(got, strings.Fields(line)[2])
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Fatalf("trigger %s printed events %v, want %v:\n%s", tc.flow, got, tc.want, out)
			}
		})
	}
	out := &strings.Builder{}
	if err := run(context.Background(), []string{"events", "--type", "update-1", "--json"}, env, out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), `"event_type":"update-1"`); n != 2 || strings.Count(out.String(), "\n") != 2 {
		t.Fatalf("events --type update-1 --json printed %d update-1 of:\n%s", n, out)
	}
	if err := run(context.Background(), []string{"trigger", "nope"}, env, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "--list") {
		t.Fatalf("an unknown flow: %v", err)
	}
	help := &strings.Builder{}
	if err := run(context.Background(), []string{"listen", "-h"}, env, io.Discard, help); err != nil || !strings.Contains(help.String(), "Examples:") {
		t.Fatalf("listen -h: %v\n%s", err, help)
	}
}

// TestListenForwardsSigned starts listen against an in-process simulator, triggers a flow, and checks each new
// event reaches the local endpoint signed with the secret listen printed, while events from before it started
// do not.
func TestListenForwardsSigned(t *testing.T) {
	url := startSim(t)
	env := func(k string) string {
		if k == "ISSUERSIM_URL" {
			return url
		}
		return ""
	}
	if err := run(context.Background(), []string{"trigger", "card.created"}, env, io.Discard, io.Discard); err != nil {
		t.Fatal(err) // an event from before listen starts
	}
	type got struct {
		header http.Header
		body   []byte
	}
	var mu sync.Mutex
	var received []got
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		received = append(received, got{r.Header.Clone(), b})
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer recv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"listen", "--forward-to", recv.URL, "--events", "cards.*"}, env, out, io.Discard)
	}()
	secretLine := regexp.MustCompile(`Signing secret: (whsec_\S+)`)
	var secret string
	for deadline := time.Now().Add(10 * time.Second); secret == ""; time.Sleep(5 * time.Millisecond) {
		if m := secretLine.FindStringSubmatch(out.String()); m != nil {
			secret = m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("listen did not get ready:\n%s", out)
		}
	}
	if err := run(context.Background(), []string{"trigger", "card.blocked"}, env, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(received) }
	for deadline := time.Now().Add(10 * time.Second); count() < 2; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d forwarded within 10s, want 2:\n%s", count(), out)
		}
	}
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(received) != 2 {
		t.Fatalf("%d forwarded, want the two new events only", len(received))
	}
	for _, g := range received {
		if err := verify.Verify(secret, g.header, g.body); err != nil {
			t.Fatalf("a forwarded event does not verify with the printed secret: %v", err)
		}
	}
	if !strings.Contains(out.String(), "--> update-1") || !strings.Contains(out.String(), "<-- [204] POST") {
		t.Fatalf("listen's lines:\n%s", out)
	}
}

// TestPprofIsLoopbackOnly checks the profile listener refuses other addresses and serves its index.
func TestPprofIsLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:6060", "192.0.2.1:6060", "6060"} {
		if _, _, err := startPprof(addr); err == nil || !strings.Contains(err.Error(), "--pprof") {
			t.Errorf("%s: %v, want a refusal naming --pprof", addr, err)
		}
	}
	at, stop, err := startPprof("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	resp, err := http.Get("http://" + at + "/debug/pprof/")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("profiles index: %v %v", resp, err)
	}
	resp.Body.Close()
}
