package sim_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/issuersim/issuersim/sim"
)

// BenchmarkCreateCard measures one create-card request through the whole handler: routing, token check,
// contract validation, the command, event sealing and schema check, and the response. All cards go to one
// customer on one instance: the uniqueness checks read an index, so the cost does not grow as they pile up
// (sim/card's BenchmarkCreateWithCards shows it up to 100,000 cards).
func BenchmarkCreateCard(b *testing.B) {
	s, err := sim.New(sim.Config{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	tok := benchToken(b, h)
	n := 0
	for b.Loop() {
		n++
		body := fmt.Sprintf(`{"name":"card %d","type":"VIRTUAL"}`, n)
		req := httptest.NewRequest("POST", "/wallet/v2/cards", bytes.NewBufferString(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("x-customer-id", fmt.Sprint(virtualCust))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 201 {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}

// BenchmarkGetCard measures one get-card request through the whole handler.
func BenchmarkGetCard(b *testing.B) {
	s, err := sim.New(sim.Config{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	tok := benchToken(b, h)
	req := httptest.NewRequest("POST", "/wallet/v2/cards", bytes.NewBufferString(`{"name":"a","type":"VIRTUAL"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-customer-id", fmt.Sprint(virtualCust))
	h.ServeHTTP(httptest.NewRecorder(), req)
	for b.Loop() {
		req := httptest.NewRequest("GET", "/wallet/v1/cards/1", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("x-customer-id", fmt.Sprint(virtualCust))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}

func benchToken(b *testing.B, h http.Handler) string {
	b.Helper()
	req := httptest.NewRequest("POST", "/_sim/tokens", bytes.NewBufferString(fmt.Sprintf(`{"account_id":%d}`, virtualAcct)))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var out struct{ Token string }
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || out.Token == "" {
		b.Fatalf("token: %s", w.Body)
	}
	return out.Token
}
