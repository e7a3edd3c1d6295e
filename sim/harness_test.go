package sim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/issuersim/issuersim/openapi"
	"github.com/issuersim/issuersim/sim"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/simtest"
)

// Fixture ids used across the tests (fixtures/default.json).
const (
	tenantA      = "TN-5a1f3c2e-8d4b-4f6a-9c3e-2b7d1e0f4a58"
	tenantB      = "TN-9e2b7c41-3f5d-4a8e-b6c1-7d0a2e9f1c36"
	virtualAcct  = 8675309
	virtualCust  = 103625634
	plasticAcct  = 8675310
	plasticCust  = 103625635
	virtualStart = "2026-01-01T00:00:00Z"
)

// contracts holds a router per contract, built once, so every response a test sees is checked against the
// operation's declared responses.
var contracts = func() []routers.Router {
	names, err := fs.Glob(openapi.FS, "*.yaml")
	if err != nil {
		panic(err)
	}
	var out []routers.Router
	for _, n := range names {
		data, _ := openapi.FS.ReadFile(n)
		doc, err := openapi3.NewLoader().LoadFromData(data)
		if err != nil {
			panic(err)
		}
		doc.Servers = nil
		r, err := gorillamux.NewRouter(doc)
		if err != nil {
			panic(err)
		}
		out = append(out, r)
	}
	return out
}()

// validator compiles the event schemas once for every test.
var validator = sync.OnceValues(event.NewValidator)

// harness is an in-process simulator on a virtual clock with a client that checks every response.
type harness struct {
	t     *testing.T
	clock *clock.Virtual
	srv   *httptest.Server
}

func newHarness(t *testing.T, cfg sim.Config) *harness {
	t.Helper()
	start, _ := time.Parse(time.RFC3339, virtualStart)
	vc := clock.NewVirtual(start)
	if cfg.Clock == nil {
		cfg.Clock = vc
	}
	srv := simtest.Start(t, cfg)
	return &harness{t: t, clock: vc, srv: srv.Server}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
	return m
}

// do sends one request and checks the response against the contract of the operation it reached.
func (h *harness) do(method, path string, headers map[string]string, body any) response {
	h.t.Helper()
	var rd io.Reader
	var raw []byte
	if body != nil {
		switch b := body.(type) {
		case string:
			raw = []byte(b)
		default:
			raw, _ = json.Marshal(b)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, h.srv.URL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header, body: out}
	h.checkContract(req, raw, r)
	return r
}

// checkContract validates a response against the contract, status included; a 501 (an operation not built
// yet) is the one answer the contracts do not declare.
func (h *harness) checkContract(req *http.Request, body []byte, r response) {
	h.t.Helper()
	if r.status == http.StatusNotImplemented {
		return
	}
	probe, _ := http.NewRequest(req.Method, req.URL.String(), bytes.NewReader(body))
	probe.Header = req.Header.Clone()
	if strings.HasPrefix(probe.URL.Path, "/issuers/") {
		probe.URL.Path = "/banking/v1" + probe.URL.Path
	}
	for _, router := range contracts {
		route, params, err := router.FindRoute(probe)
		if err != nil {
			continue
		}
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route},
			Status:                 r.status,
			Header:                 r.header,
			Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
		}
		in.SetBodyBytes(r.body)
		if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
			h.t.Errorf("%s %s: %d response breaks the contract: %v\nbody: %s", req.Method, req.URL.Path, r.status, err, r.body)
		}
		return
	}
}

// token returns a bearer token for the tenant and account (0: no account).
func (h *harness) token(tenant string, account int64) string {
	h.t.Helper()
	body := map[string]any{"tenant": tenant}
	if account != 0 {
		body["account_id"] = account
	}
	r := h.do("POST", "/_sim/tokens", nil, body)
	if r.status != 200 {
		h.t.Fatalf("token: %d %s", r.status, r.body)
	}
	return r.json(h.t)["token"].(string)
}

func bearer(tok string, extra ...string) map[string]string {
	m := map[string]string{"Authorization": "Bearer " + tok}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return m
}

// events returns the tenant's events as the admin API lists them, each checked against its schema.
func (h *harness) events(tenant, query string) []json.RawMessage {
	h.t.Helper()
	r := h.do("GET", "/_sim/events?tenant="+tenant+query, nil, nil)
	if r.status != 200 {
		h.t.Fatalf("events: %d %s", r.status, r.body)
	}
	var list struct {
		Events []json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(r.body, &list); err != nil {
		h.t.Fatal(err)
	}
	v, err := validator()
	if err != nil {
		h.t.Fatal(err)
	}
	for _, e := range list.Events {
		var env struct {
			Domain    string          `json:"domain"`
			EventType string          `json:"event_type"`
			Data      json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(e, &env); err != nil {
			h.t.Fatal(err)
		}
		if err := v.ValidateEnvelope(e); err != nil {
			h.t.Errorf("envelope: %v", err)
		}
		if err := v.Validate(env.Domain, env.EventType, env.Data); err != nil {
			h.t.Errorf("payload: %v", err)
		}
	}
	return list.Events
}
