package webhook_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/issuersim/issuersim/fixtures"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/scheduler"
	"github.com/issuersim/issuersim/sim/store"
	"github.com/issuersim/issuersim/sim/store/memory"
	"github.com/issuersim/issuersim/sim/webhook"
)

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// roundTrip answers every delivery with status, counting them; no network is involved, so synctest can tell
// when the dispatcher has nothing left to do.
type roundTrip struct {
	status int
	hits   atomic.Int32
}

func (rt *roundTrip) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.hits.Add(1)
	return &http.Response{StatusCode: rt.status, Body: io.NopCloser(strings.NewReader("")), Header: http.Header{}, Request: r}, nil
}

// TestRetriesThenGivesUp proves a refused delivery is retried as a job on the tenant's clock, once per backoff
// step, with one attempt recorded each time, and that after the last step no job is left and no attempt is
// made however far the clock moves.
func TestRetriesThenGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := fake.New(1)
		d, err := org.Parse(fixtures.Default, src)
		if err != nil {
			t.Fatal(err)
		}
		tenant := d.Orgs[0].ID
		clocks := clock.NewTenants(clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
		rt := &roundTrip{status: http.StatusInternalServerError}
		dispatcher, err := webhook.New(webhook.Config{URL: "http://receiver.invalid/hook", Secret: secret, Clocks: clocks,
			Client: &http.Client{Transport: rt}, Backoff: []time.Duration{time.Second, time.Minute}})
		if err != nil {
			t.Fatal(err)
		}
		sched := scheduler.New(clocks, nil)
		st, err := memory.New(d, memory.Options{Sealer: event.NewSealer(src, nil), Observers: []store.Observer{sched, dispatcher}})
		if err != nil {
			t.Fatal(err)
		}
		sched.Bind(st)
		dispatcher.Bind(st)
		sched.Register(webhook.JobRetry, dispatcher.RunRetry)

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() { _ = dispatcher.Run(ctx) }()
		var eventID string
		err = st.Update(ctx, store.Meta{Tenant: tenant, CID: "cid-1", Time: clocks.For(tenant).Now()}, func(tx store.Tx) error {
			c := card.Card{ID: 1, AccountID: 8675309, CustomerID: 103625634, Type: card.TypeVirtual, Status: card.StatusNormal, Name: "a"}
			return tx.Emit(card.Updated(c, card.OpUpdateStatusPut))
		})
		if err != nil {
			t.Fatal(err)
		}
		evs, _ := st.Events(ctx, tenant, store.EventFilter{})
		eventID = evs[0].ID

		check := func(step string, attempts, jobs int) {
			t.Helper()
			synctest.Wait()
			if got := len(dispatcher.Attempts(eventID)); got != attempts || int(rt.hits.Load()) != attempts {
				t.Fatalf("%s: %d attempts recorded, %d sent; want %d", step, got, rt.hits.Load(), attempts)
			}
			pending, err := st.Jobs(ctx, tenant)
			if err != nil {
				t.Fatal(err)
			}
			if len(pending) != jobs {
				t.Fatalf("%s: %d jobs pending, want %d: %+v", step, len(pending), jobs, pending)
			}
			if jobs == 1 && (pending[0].Kind != webhook.JobRetry || pending[0].Subject.ID != eventID || pending[0].CID != "cid-1") {
				t.Fatalf("%s: pending job %+v is not the event's retry", step, pending[0])
			}
		}
		check("first delivery", 1, 1)
		if _, ran, _ := sched.Advance(tenant, 999*time.Millisecond); len(ran) != 0 {
			t.Fatalf("the retry ran before its backoff: %+v", ran)
		}
		check("before the first backoff", 1, 1)
		if _, ran, _ := sched.Advance(tenant, time.Millisecond); len(ran) != 1 || ran[0].Err != nil {
			t.Fatalf("first retry: %+v", ran)
		}
		check("first retry", 2, 1)
		sched.Advance(tenant, time.Minute)
		check("second retry", 3, 0)
		sched.Advance(tenant, 24*time.Hour)
		check("after the backoff ran out", 3, 0)
		for i, a := range dispatcher.Attempts(eventID) {
			if a.Number != i+1 || a.Status != 500 || !strings.Contains(a.Error, "500") {
				t.Errorf("attempt %d = %+v", i, a)
			}
		}
	})
}

// TestNewNamesTheBadSetting checks configuration errors.
func TestNewNamesTheBadSetting(t *testing.T) {
	clocks := clock.NewTenants(clock.Real{})
	for _, tc := range []struct {
		name string
		cfg  webhook.Config
		want string
	}{
		{"not an http url", webhook.Config{URL: "ftp://x", Secret: secret, Clocks: clocks}, "webhook url"},
		{"bad secret", webhook.Config{URL: "http://x", Secret: "not base64!", Clocks: clocks}, "webhook secret"},
		{"no clocks", webhook.Config{URL: "http://x", Secret: secret}, "clocks"},
	} {
		if _, err := webhook.New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %s", tc.name, err, tc.want)
		}
	}
}

// recorder answers every delivery with the next status of its list (the last one once the list runs out) and
// keeps each request's URL, body and headers.
type recorder struct {
	statuses []int
	mu       sync.Mutex
	got      []*http.Request
	bodies   []string
}

func (rc *recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.got, rc.bodies = append(rc.got, r), append(rc.bodies, string(b))
	status := rc.statuses[min(len(rc.got), len(rc.statuses))-1]
	return &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader("")), Header: http.Header{}, Request: r}, nil
}

// TestRoutedDomain proves the events of a routed domain go where the route says, in its body and unsigned,
// are retried on the tenant's clock like any event, and that the other domains' events still go to the URL;
// with no URL they are not sent at all.
func TestRoutedDomain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := fake.New(1)
		d, err := org.Parse(fixtures.Default, src)
		if err != nil {
			t.Fatal(err)
		}
		tenant := d.Orgs[0].ID
		clocks := clock.NewTenants(clock.NewVirtual(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)))
		rc := &recorder{statuses: []int{503, 204}}
		route := func(_ context.Context, r event.Record) (webhook.Request, bool, error) {
			return webhook.Request{URL: "http://issuer.invalid/" + r.Subject.ID, Body: []byte(`{"routed":true}`), Header: map[string]string{"x-correlation-id": r.CID}}, true, nil
		}
		for _, url := range []string{"", "http://receiver.invalid/hook"} {
			rc.got, rc.bodies = nil, nil
			dispatcher, err := webhook.New(webhook.Config{URL: url, Secret: secret, Clocks: clocks, Client: &http.Client{Transport: rc}})
			if err != nil {
				t.Fatal(err)
			}
			dispatcher.Route("routed", route)
			sched := scheduler.New(clocks, nil)
			st, err := memory.New(d, memory.Options{Sealer: event.NewSealer(src, nil), Observers: []store.Observer{sched, dispatcher}})
			if err != nil {
				t.Fatal(err)
			}
			sched.Bind(st)
			dispatcher.Bind(st)
			sched.Register(webhook.JobRetry, dispatcher.RunRetry)
			ctx, cancel := context.WithCancel(context.Background())
			go func() { _ = dispatcher.Run(ctx) }()
			err = st.Update(ctx, store.Meta{Tenant: tenant, CID: "cid-1", Time: clocks.For(tenant).Now()}, func(tx store.Tx) error {
				if err := tx.Emit(event.Event{Domain: "routed", Name: "thing", Version: 1, Subject: event.Subject{Kind: "x", ID: "42"}, Data: map[string]int{"n": 1}}); err != nil {
					return err
				}
				c := card.Card{ID: 1, AccountID: 8675309, CustomerID: 103625634, Type: card.TypeVirtual, Status: card.StatusNormal, Name: "a"}
				return tx.Emit(card.Updated(c, card.OpUpdateStatusPut))
			})
			if err != nil {
				t.Fatal(err)
			}
			synctest.Wait()
			sched.Advance(tenant, webhook.DefaultBackoff[0])
			synctest.Wait()
			evs, _ := st.Events(ctx, tenant, store.EventFilter{Type: "thing-1"})
			attempts := dispatcher.Attempts(evs[0].ID)
			if len(attempts) != 2 || attempts[0].Status != 503 || attempts[1].Status != 204 || attempts[1].Error != "" {
				t.Errorf("url %q: routed attempts %+v, want a 503 then a 204", url, attempts)
			}
			var routed, plain int
			for i, r := range rc.got {
				switch r.URL.String() {
				case "http://issuer.invalid/42":
					routed++
					if rc.bodies[i] != `{"routed":true}` || r.Header.Get("x-correlation-id") != "cid-1" || r.Header.Get("webhook-signature") != "" {
						t.Errorf("routed request: body %s, headers %v", rc.bodies[i], r.Header)
					}
				case url:
					plain++
				}
			}
			wantPlain := 0
			if url != "" {
				wantPlain = 1
			}
			if plain != wantPlain {
				t.Errorf("url %q: %d processor deliveries, want %d", url, plain, wantPlain)
			}
			if routed != 2 {
				t.Errorf("url %q: %d routed requests, want 2", url, routed)
			}
			cancel()
		}
	})
}
