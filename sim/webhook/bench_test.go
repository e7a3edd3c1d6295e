package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/issuersim/issuersim/fixtures"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/scheduler"
	"github.com/issuersim/issuersim/sim/store"
	"github.com/issuersim/issuersim/sim/store/memory"
	"github.com/issuersim/issuersim/sim/webhook"
)

// BenchmarkDelivery measures delivery to a local receiver flat out: events committed one per transaction as
// fast as the store takes them, over 1,000 subjects, each delivered signed to an httptest server. It reports
// events/s; its latency figures are mostly queueing, since commits outrun deliveries.
func BenchmarkDelivery(b *testing.B) { benchDelivery(b, 0) }

// BenchmarkDeliveryLatency commits 1,000 events a second, below the delivery rate, and reports the
// enqueue-to-delivery latency (commit to the receiver's handler) at p50 and p99.
func BenchmarkDeliveryLatency(b *testing.B) { benchDelivery(b, time.Millisecond) }

func benchDelivery(b *testing.B, pace time.Duration) {
	var got atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	committed := sync.Map{} // event id -> commit time
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if at, ok := committed.Load(r.Header.Get("webhook-id")); ok {
			d := time.Since(at.(time.Time))
			mu.Lock()
			lat = append(lat, d)
			mu.Unlock()
		}
		got.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer recv.Close()

	src := fake.New(1)
	d, err := org.Parse(fixtures.Default, src)
	if err != nil {
		b.Fatal(err)
	}
	clocks := clock.NewTenants(clock.Real{})
	sched := scheduler.New(clocks, nil)
	disp, err := webhook.New(webhook.Config{Clocks: clocks, Fake: src, Workers: 32})
	if err != nil {
		b.Fatal(err)
	}
	stamp := stamper{at: &committed}
	st, err := memory.New(d, memory.Options{Sealer: event.NewSealer(src, nil), Observers: []store.Observer{stamp, sched, disp}})
	if err != nil {
		b.Fatal(err)
	}
	sched.Bind(st)
	disp.Bind(st)
	sched.Register(webhook.JobAttempt, disp.RunAttempt)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = disp.Run(ctx) }()
	tenant := d.Orgs[0].ID
	url := recv.URL
	if _, err := disp.Create(ctx, tenant, webhook.SubscriptionInput{URL: &url}); err != nil {
		b.Fatal(err)
	}
	data := json.RawMessage(`{"card_id":1}`)
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		if pace > 0 {
			time.Sleep(time.Until(start.Add(time.Duration(i) * pace)))
		}
		meta := store.Meta{Tenant: tenant, CID: "bench", Time: time.Now()}
		err := st.Update(ctx, meta, func(tx store.Tx) error {
			return tx.Emit(event.Event{Domain: "cards", Name: "update", Version: 1, Subject: event.CardSubject(int64(i % 1000)), Data: data})
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	for got.Load() < int64(b.N) {
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	mu.Lock()
	slices.Sort(lat)
	if n := len(lat); n > 0 {
		b.ReportMetric(float64(lat[n/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(lat[n*99/100].Microseconds()), "p99-µs")
	}
	mu.Unlock()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
}

// stamper notes when each event committed, for the latency figures.
type stamper struct{ at *sync.Map }

func (s stamper) Committed(c store.Commit) {
	now := time.Now()
	for _, r := range c.Events {
		s.at.Store(r.ID, now)
	}
}
