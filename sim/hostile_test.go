package sim_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/issuersim/issuersim/sim"
)

// The reproductions of issue 23: what a hostile client found the simulator accepting, reading its own way or
// reporting in the wrong place. Each row is one request; each answer must be the vendor's 4xx naming the field
// where it really is and the rule, and none may change state.

// send sends a request built by the test through the harness's contract-checking client.
func (h *harness) send(req *http.Request) response {
	h.t.Helper()
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: out}
}

// newRequest builds a request to the harness with a raw body and the headers given as name, value pairs
// (a name may repeat).
func (h *harness) newRequest(method, path, body string, headers ...string) *http.Request {
	h.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, h.srv.URL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	return req
}

// TestStrictJSON sends bodies encoding/json would read its own way: each is refused naming the place and the
// rule, and no card is made.
func TestStrictJSON(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 3})
	tok := h.token(tenantA, virtualAcct)
	for _, tc := range []struct {
		name, body, field, rule string
	}{
		{"trailing garbage", `{"name":"x","type":"VIRTUAL"} trailing garbage`, "/", "single_value"},
		{"two concatenated objects", `{"name":"x","type":"VIRTUAL"}{"name":"y","type":"VIRTUAL"}`, "/", "single_value"},
		{"a NUL in a string", `{"name":"a\u0000b","type":"VIRTUAL"}`, "/name", "nul"},
		{"invalid UTF-8", "{\"name\":\"a\xffb\",\"type\":\"VIRTUAL\"}", "/name", "utf8"},
		{"an unpaired surrogate", `{"name":"a\ud800b","type":"VIRTUAL"}`, "/name", "utf8"},
		{"a duplicate key", `{"name":"x","type":"VIRTUAL","name":"y"}`, "/name", "duplicate_key"},
		{"a duplicate key in metadata", `{"name":"x","type":"VIRTUAL","metadata":{"a":1,"a":2}}`, "/metadata/a", "duplicate_key"},
		{"nested too deep", `{"name":"x","type":"VIRTUAL","metadata":{"a":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}}`, "/metadata/a/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0", "depth"},
		{"cut short", `{"name":"x","type":`, "/type", "json"},
		{"a number beyond a float64", `{"name":"x","type":"VIRTUAL","metadata":{"a":[1,-2e999]}}`, "/metadata/a/1", "number"},
		{"a duplicate key after an array of objects", `{"a":{"b":[1,{"c":1}],"b":2}}`, "/a/b", "duplicate_key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.send(h.newRequest("POST", "/wallet/v2/cards", tc.body, "Authorization", "Bearer "+tok, "x-customer-id", fmt.Sprint(virtualCust)))
			assertFaultIn(t, r, 400, tc.field, "body", tc.rule)
			if bytes.Contains(r.body, []byte("trailing garbage")) || bytes.Contains(r.body, []byte(`"y"`)) {
				t.Errorf("the answer quotes the body: %s", r.body)
			}
		})
	}
	t.Run("the replacement character itself is text", func(t *testing.T) {
		r := h.send(h.newRequest("POST", "/wallet/v2/cards", `{"name":"a\ufffdb","type":"VIRTUAL"}`, "Authorization", "Bearer "+tok, "x-customer-id", fmt.Sprint(virtualCust)))
		if r.status != 201 {
			t.Fatalf("a U+FFFD sent as such: %d %s", r.status, r.body)
		}
	})
	if n := len(h.events(tenantA, all)); n != 1 {
		t.Fatalf("%d events, want the one create-1 of the valid card", n)
	}
}

// TestBodyLimit: a body over the limit is refused with 413 in the API's shape, on authenticated and
// unauthenticated operations alike, before it is stored or parsed.
func TestBodyLimit(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 3, MaxBodyBytes: 64 << 10})
	tok := h.token(tenantA, virtualAcct)
	big := strings.Repeat("x", 1<<20)
	for _, tc := range []struct {
		name, path, body string
		headers          []string
	}{
		{"card metadata", "/wallet/v2/cards", `{"name":"x","type":"VIRTUAL","metadata":{"blob":"` + big + `"}}`, []string{"Authorization", "Bearer " + tok, "x-customer-id", fmt.Sprint(virtualCust)}},
		{"a JSON array", "/wallet/v2/cards", "[" + strings.Repeat("1,", 1<<19) + "1]", []string{"Authorization", "Bearer " + tok, "x-customer-id", fmt.Sprint(virtualCust)}},
		{"the unauthenticated token endpoint", "/passport/v2/s2s/access-token", `{"server_key":"` + big + `"}`, nil},
		{"the admin token shortcut", "/_sim/tokens", `{"tenant":"` + big + `"}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertFaultIn(t, h.send(h.newRequest("POST", tc.path, tc.body, tc.headers...)), 413, "/", "body", "max_body")
		})
	}
	if n := len(h.events(tenantA, all)); n != 0 {
		t.Fatalf("refused bodies made %d events", n)
	}
	r := h.do("POST", "/wallet/v2/cards", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust)), map[string]any{"name": "x", "type": "VIRTUAL", "metadata": map[string]any{"note": strings.Repeat("y", 1000)}})
	if r.status != 201 {
		t.Fatalf("a body under the limit: %d %s", r.status, r.body)
	}
}

// TestParametersWhereTheyAre: faults in headers, query parameters and path parameters are named there, and an
// id has one spelling.
func TestParametersWhereTheyAre(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 3})
	tok := h.token(tenantA, virtualAcct)
	auth := []string{"Authorization", "Bearer " + tok}
	if r := h.do("POST", "/wallet/v2/cards", bearer(tok, "x-customer-id", fmt.Sprint(virtualCust)), map[string]any{"name": "One", "type": "VIRTUAL"}); r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	list := fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards", virtualCust, virtualAcct)
	for _, tc := range []struct {
		name            string
		req             *http.Request
		field, in, rule string
	}{
		{"card id with a leading zero", h.newRequest("GET", "/wallet/v1/cards/01", "", append(auth, "x-customer-id", fmt.Sprint(virtualCust))...), "cardId", "path", "canonical"},
		{"card id with a plus sign", h.newRequest("GET", "/wallet/v1/cards/+1", "", append(auth, "x-customer-id", fmt.Sprint(virtualCust))...), "cardId", "path", "canonical"},
		{"customer header with a leading zero", h.newRequest("GET", "/wallet/v1/cards/1", "", append(auth, "x-customer-id", "0"+fmt.Sprint(virtualCust))...), "x-customer-id", "header", "canonical"},
		{"customer id not a number", h.newRequest("GET", "/wallet/v1/cards/1", "", append(auth, "x-customer-id", "abc")...), "x-customer-id", "header", "type"},
		{"a repeated customer header", h.newRequest("GET", "/wallet/v1/cards/1", "", append(auth, "x-customer-id", fmt.Sprint(virtualCust), "x-customer-id", fmt.Sprint(plasticCust))...), "x-customer-id", "header", "repeated"},
		{"a repeated status query", h.newRequest("GET", list+"?status=NORMAL&status=BLOCKED", "", auth...), "status", "query", "repeated"},
		{"two Authorization headers", h.newRequest("GET", "/wallet/v1/cards/1", "", append(auth, "Authorization", "Bearer other", "x-customer-id", fmt.Sprint(virtualCust))...), "Authorization", "header", "repeated"},
		{"a bad after cursor", h.newRequest("GET", "/_sim/events?after=not-a-uuid", ""), "after", "query", "format"},
		{"an after cursor without dashes", h.newRequest("GET", "/_sim/events?after=0b9a7bd42c554bc39c474f3f7d3b1a2e", ""), "after", "query", "format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertFaultIn(t, h.send(tc.req), 400, tc.field, tc.in, tc.rule)
		})
	}
	t.Run("the canonical id still reads", func(t *testing.T) {
		if r := h.send(h.newRequest("GET", "/wallet/v1/cards/1", "", append(auth, "x-customer-id", fmt.Sprint(virtualCust))...)); r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
}

// TestHead: HEAD on a GET route answers as the GET would, without a body; Allow lists it.
func TestHead(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 3})
	r := h.send(h.newRequest("HEAD", "/_sim/health", ""))
	if r.status != 200 || len(r.body) != 0 || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("HEAD /_sim/health: %d %v %q", r.status, r.header, r.body)
	}
	tok := h.token(tenantA, virtualAcct)
	r = h.send(h.newRequest("HEAD", "/wallet/v1/cards/1", "", "Authorization", "Bearer "+tok, "x-customer-id", fmt.Sprint(virtualCust)))
	if r.status != 404 || len(r.body) != 0 {
		t.Fatalf("HEAD of a missing card: %d %q", r.status, r.body)
	}
	r = h.do("DELETE", "/_sim/health", nil, nil)
	if r.status != 405 || r.header.Get("Allow") != "GET, HEAD" {
		t.Fatalf("405 Allow: %d %q", r.status, r.header.Get("Allow"))
	}
}

// TestMalformedChunkedBody: a transport fault in the body, with a valid token, is a 400 about the body.
func TestMalformedChunkedBody(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 3})
	tok := h.token(tenantA, virtualAcct)
	conn, err := net.DialTimeout("tcp", h.srv.Listener.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "POST /wallet/v2/cards HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nx-customer-id: %d\r\n"+
		"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{\"name\":\"x\"}\r\n0\r\n\r\n", tok, virtualCust)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	assertFaultIn(t, response{status: resp.StatusCode, header: resp.Header, body: body}, 400, "/", "body", "read")
	if bytes.Contains(body, []byte("Authorization")) {
		t.Errorf("a body fault blamed on the token: %s", body)
	}
}

// TestValuesTheDomainCannotHold: values a contract's type allows but a card or a clock cannot represent are
// refused naming the field and the rule, and nothing is made.
func TestValuesTheDomainCannotHold(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 3})
	tok := h.token(tenantA, virtualAcct)
	hdr := []string{"Authorization", "Bearer " + tok, "x-customer-id", fmt.Sprint(virtualCust)}
	for _, tc := range []struct {
		name, body, field, rule string
	}{
		{"validity past a Duration", `{"name":"x","type":"VIRTUAL","validity_period_hours":2562048}`, "/validity_period_hours", "maximum"},
		{"validity of MaxInt64 hours", `{"name":"x","type":"VIRTUAL","validity_period_hours":9223372036854775807}`, "/validity_period_hours", "maximum"},
		{"validity past the expiry", `{"name":"x","type":"VIRTUAL","validity_period_hours":876000}`, "/validity_period_hours", "expiration_date"},
		{"an expiry already past", `{"name":"x","type":"VIRTUAL","expiration_date":"0001"}`, "/expiration_date", "future"},
		{"an expiry last month", `{"name":"x","type":"VIRTUAL","expiration_date":"2512"}`, "/expiration_date", "future"},
		{"validity past the requested expiry", `{"name":"x","type":"VIRTUAL","expiration_date":"2601","validity_period_hours":1000}`, "/validity_period_hours", "expiration_date"},
		{"metadata over 3200 bytes", `{"name":"x","type":"VIRTUAL","metadata":{"note":"` + strings.Repeat("m", 3200) + `"}}`, "/metadata", "maxBytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertFaultIn(t, h.send(h.newRequest("POST", "/wallet/v2/cards", tc.body, hdr...)), 400, tc.field, "body", tc.rule)
		})
	}
	if n := len(h.events(tenantA, all)); n != 0 {
		t.Fatalf("refusals made %d events", n)
	}
	r := h.send(h.newRequest("POST", "/wallet/v2/cards", `{"name":"x","type":"VIRTUAL","expiration_date":"2601","validity_period_hours":24}`, hdr...))
	if r.status != 201 || r.json(t)["valid_until"] != "2026-01-02T00:00:00Z" {
		t.Fatalf("this month's expiry and a day of validity: %d %s", r.status, r.body)
	}
	t.Run("renewal past the expiry", func(t *testing.T) {
		r := h.send(h.newRequest("PATCH", "/wallet/v2/cards/1/validity/renew", `{"validity_period_hours":745}`, hdr...))
		assertFaultIn(t, r, 400, "/validity_period_hours", "body", "expiration_date")
	})
}

// TestNoGoWordsInErrors: what the generated code cannot bind is named as a field, never with Go's type or
// struct names.
func TestNoGoWordsInErrors(t *testing.T) {
	h := newHarness(t, sim.Config{Seed: 3})
	for _, body := range []string{`{"account_id":9223372036854775808}`, `{"account_id":1e3}`, `{"account_id":8675309.0}`} {
		r := h.send(h.newRequest("POST", "/_sim/tokens", body))
		if r.status == 200 {
			continue // a value the decoder reads as the integer it is
		}
		assertFaultIn(t, r, 400, "/account_id", "body", "type")
		for _, word := range []string{"Go struct", "int64", "json:", "TokenRequest", "9223372036854775808"} {
			if bytes.Contains(r.body, []byte(word)) {
				t.Errorf("%s: the answer says %q: %s", body, word, r.body)
			}
		}
	}
	for _, tc := range []struct{ duration, rule, says string }{
		{"9999999999h", "maximum", "at most"},
		{"2562048h", "maximum", "at most"},
		{"0s", "duration", "positive"},
		{"-5m", "pattern", "pattern"},
		{"soon", "pattern", "pattern"},
	} {
		t.Run(tc.duration, func(t *testing.T) {
			r := h.send(h.newRequest("POST", "/_sim/clock/advance", fmt.Sprintf(`{"tenant":%q,"duration":%q}`, tenantA, tc.duration)))
			assertFaultIn(t, r, 400, "/duration", "body", tc.rule)
			if !bytes.Contains(r.body, []byte(tc.says)) {
				t.Errorf("the answer does not say %q: %s", tc.says, r.body)
			}
		})
	}
	t.Run("the year 9999", func(t *testing.T) {
		for range 30 { // 28 × 292 years from 2026 is past 9999
			r := h.send(h.newRequest("POST", "/_sim/clock/advance", fmt.Sprintf(`{"tenant":%q,"duration":"2562047h"}`, tenantB)))
			if r.status != 200 {
				assertFaultIn(t, r, 400, "/duration", "body", "maximum")
				return
			}
		}
		t.Fatal("the clock moved past the year 9999")
	})
}
