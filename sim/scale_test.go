package sim_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	"github.com/issuersim/issuersim/sim"
)

// BenchmarkScale fills one tenant with 100,000 VIRTUAL cards of one customer (each with its create-1), then
// measures get, a first list page, a status change and one more create at that size, and reports the heap in
// use after a collection, per card. ISSUERSIM_SCALE_CARDS changes the count; ISSUERSIM_SCALE_HEAP names a file
// to write the heap profile to.
func BenchmarkScale(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("ISSUERSIM_SCALE_CARDS")); err == nil && v > 0 {
		n = v
	}
	s, err := sim.New(sim.Config{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	tok := benchToken(b, h)
	send := func(method, path, body string) *httptest.ResponseRecorder {
		var rd *bytes.Buffer
		if body != "" {
			rd = bytes.NewBufferString(body)
		}
		var req *http.Request
		if rd != nil {
			req = httptest.NewRequest(method, path, rd)
			req.Header.Set("Content-Type", "application/json")
		} else {
			req = httptest.NewRequest(method, path, nil)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("x-customer-id", fmt.Sprint(virtualCust))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range n {
		if w := send("POST", "/wallet/v2/cards", fmt.Sprintf(`{"name":"scale %d","type":"VIRTUAL"}`, i)); w.Code != 201 {
			b.Fatalf("create %d: %d %s", i, w.Code, w.Body)
		}
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if f := os.Getenv("ISSUERSIM_SCALE_HEAP"); f != "" {
		out, err := os.Create(f)
		if err == nil {
			_ = pprof.WriteHeapProfile(out)
			out.Close()
		}
	}
	b.Logf("%d cards: heap in use %.1f MB after a collection, %.0f B a card with its create-1; %d goroutines",
		n, float64(after.HeapInuse)/(1<<20), float64(after.HeapInuse-before.HeapInuse)/float64(n), runtime.NumGoroutine())
	list := fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards?format=paged&page=0&perPage=10", virtualCust, virtualAcct)
	status := fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards/%d/status", virtualCust, virtualAcct, n/2)
	for _, op := range []struct {
		name             string
		method, path, in string
		want             int
	}{
		{"get", "GET", fmt.Sprintf("/wallet/v1/cards/%d", n/2), "", 200},
		{"list-page", "GET", list, "", 200},
		{"status", "PUT", status, "", 200},
		{"create", "POST", "/wallet/v2/cards", "", 201},
	} {
		b.Run(op.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				body := op.in
				switch op.name {
				case "status":
					body = `{"status":"BLOCKED"}`
					if i%2 == 1 {
						body = `{"status":"NORMAL"}`
					}
				case "create":
					body = fmt.Sprintf(`{"name":"more %d","type":"VIRTUAL"}`, i)
				}
				i++
				if w := send(op.method, op.path, body); w.Code != op.want {
					b.Fatalf("%s: %d %s", op.name, w.Code, w.Body)
				}
			}
		})
	}
}

// BenchmarkNew measures building an instance from the embedded fixtures and event schemas, then its first
// health answer (which waits for the admin contract), then every contract loaded: the three points of
// start-up, reported as new-ms, health-ms and ready-ms.
func BenchmarkNew(b *testing.B) {
	var newD, healthD, readyD time.Duration
	for b.Loop() {
		start := time.Now()
		s, err := sim.New(sim.Config{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		newD += time.Since(start)
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/_sim/health", nil))
		if w.Code != 200 {
			b.Fatalf("health: %d %s", w.Code, w.Body)
		}
		healthD += time.Since(start)
		if err := s.Ready(context.Background()); err != nil {
			b.Fatal(err)
		}
		readyD += time.Since(start)
		s.Close()
	}
	n := float64(b.N)
	b.ReportMetric(float64(newD.Microseconds())/1000/n, "new-ms")
	b.ReportMetric(float64(healthD.Microseconds())/1000/n, "health-ms")
	b.ReportMetric(float64(readyD.Microseconds())/1000/n, "ready-ms")
}
