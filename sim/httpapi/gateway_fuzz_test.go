package httpapi_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/issuersim/issuersim/sim"
	"github.com/issuersim/issuersim/sim/clock"
)

// FuzzCreateCardRequest drives the whole request path (routing, authentication, body reading, strict JSON,
// parameters, contract validation, binding, the command and its answer) with an arbitrary body, card id and
// customer header. Whatever comes in, the answer is never a 5xx and always a JSON body.
func FuzzCreateCardRequest(f *testing.F) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s, err := sim.New(sim.Config{Seed: 3, Clock: clock.NewVirtual(start), Logger: slog.New(slog.DiscardHandler), MaxBodyBytes: 64 << 10})
	if err != nil {
		f.Fatal(err)
	}
	h := s.Handler()
	rec := httptest.NewRecorder()
	tr := httptest.NewRequest("POST", "/_sim/tokens", strings.NewReader(`{"account_id":8675309}`))
	tr.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(rec, tr)
	var tok struct{ Token string }
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.Token == "" {
		f.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
	for _, seed := range []struct{ body, id, customer string }{
		{`{"name":"Groceries","type":"VIRTUAL","transaction_limit":"500.00"}`, "1", "103625634"},
		{`{"name":"x","type":"VIRTUAL","validity_period_hours":2562048}`, "01", "103625634"},
		{`{"name":"x","type":"VIRTUAL","validity_period_hours":9223372036854775807}`, "+1", "103625634"},
		{`{"name":"x","type":"VIRTUAL","expiration_date":"0001"}`, "9223372036854775808", "0103625634"},
		{`{"name":"x","type":"VIRTUAL"} trailing garbage`, "-1", "103625635"},
		{`{"name":"a\u0000b","type":"VIRTUAL"}`, "1e3", "abc"},
		{`{"name":"x","type":"VIRTUAL","name":"y"}`, "%00", ""},
		{`{"name":"x","type":"PLASTIC","metadata":{"a":[1,2,{"b":null}]}}`, "2", "103625635"},
		{`[1,2,3]`, "0", "1"},
		{`{"name":"x","type":"VIRTUAL","metadata":{"a":1e400}}`, "1", "103625634"},
		{`{"name":"x","type":"VIRTUAL","validity_period_hours":1e400}`, "1", "103625634"},
	} {
		f.Add(seed.body, seed.id, seed.customer)
	}
	f.Fuzz(func(t *testing.T, body, id, customer string) {
		check := func(req *http.Request) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("%s %s: %d %s", req.Method, req.URL, rec.Code, rec.Body)
			}
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%s %s: %d answer is not JSON: %q", req.Method, req.URL, rec.Code, rec.Body)
			}
		}
		req, err := http.NewRequest("POST", "/wallet/v2/cards", strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Authorization", "Bearer "+tok.Token)
		req.Header.Set("Content-Type", "application/json")
		if customer != "" && !strings.ContainsAny(customer, "\r\n\x00") {
			req.Header.Set("x-customer-id", customer)
		}
		check(req)
		get, err := http.NewRequest("GET", "/wallet/v1/cards/"+url.PathEscape(id), nil)
		if err != nil {
			return
		}
		get.Header = req.Header.Clone()
		get.Header.Del("Content-Type")
		check(get)
	})
}
