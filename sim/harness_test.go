package sim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/issuersim/issuersim/gen/simadminclient"
	"github.com/issuersim/issuersim/openapi"
	"github.com/issuersim/issuersim/sim"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/simtest"
	"github.com/issuersim/issuersim/sim/store/postgres/pgtest"
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

// harness is an in-process simulator on a virtual clock, with a client that checks every response against the
// contract and the generated admin client over it.
type harness struct {
	t      *testing.T
	srv    *httptest.Server
	sim    *sim.Sim
	client *http.Client
	admin  *simadminclient.ClientWithResponses
}

func newHarness(t *testing.T, cfg sim.Config) *harness {
	t.Helper()
	if cfg.Clock == nil {
		start, _ := time.Parse(time.RFC3339, virtualStart)
		cfg.Clock = clock.NewVirtual(start)
	}
	if cfg.Logger == nil {
		cfg.Logger = testLogger
	}
	if cfg.Store == "" && os.Getenv("ISSUERSIM_TEST_STORE") == "postgres" { // make test-postgres
		cfg.Store = pgtest.URL(t)
	}
	srv := simtest.Start(t, cfg)
	h := &harness{t: t, srv: srv.Server, sim: srv.Sim}
	h.client = &http.Client{Transport: &contractCheck{t: t, next: srv.Client().Transport}}
	admin, err := simadminclient.NewClientWithResponses(srv.URL, simadminclient.WithHTTPClient(h.client))
	if err != nil {
		t.Fatal(err)
	}
	h.admin = admin
	return h
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

// do sends one request; the harness's client checks the response against the contract of the operation it
// reached.
func (h *harness) do(method, path string, headers map[string]string, body any) response {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			rd = strings.NewReader(b)
		default:
			raw, _ := json.Marshal(b)
			rd = bytes.NewReader(raw)
		}
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
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: out}
}

// contractCheck is a transport that validates every response against the contract, status included; a 501
// (an operation not built yet) is the one answer the contracts do not declare.
type contractCheck struct {
	t    *testing.T
	next http.RoundTripper
}

func (c *contractCheck) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	remember(body)
	resp, err := c.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(out))
	remember(out)
	if resp.StatusCode == http.StatusNotImplemented {
		return resp, nil
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
			Status:                 resp.StatusCode,
			Header:                 resp.Header,
			Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
		}
		in.SetBodyBytes(out)
		if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
			c.t.Errorf("%s %s: %d response breaks the contract: %v\nbody: %s", req.Method, req.URL.Path, resp.StatusCode, err, out)
		}
		break
	}
	return resp, nil
}

// token returns a bearer token for the tenant and account (0: no account).
func (h *harness) token(tenant string, account int64) string {
	h.t.Helper()
	body := simadminclient.TokenRequest{Tenant: &tenant}
	if account != 0 {
		body.AccountId = &account
	}
	r, err := h.admin.IssueTestTokenWithResponse(context.Background(), body)
	if err != nil {
		h.t.Fatalf("token: %v", err)
	}
	if r.JSON200 == nil {
		h.t.Fatalf("token: %d %s", r.StatusCode(), r.Body)
	}
	return r.JSON200.Token
}

// advance moves the tenant's virtual clock and returns what the advance reports.
func (h *harness) advance(tenant, duration string) simadminclient.AdvanceResult {
	h.t.Helper()
	r, err := h.admin.AdvanceClockWithResponse(context.Background(), simadminclient.AdvanceRequest{Tenant: &tenant, Duration: duration})
	if err != nil {
		h.t.Fatalf("advance %s by %s: %v", tenant, duration, err)
	}
	if r.JSON200 == nil {
		h.t.Fatalf("advance %s by %s: %d %s", tenant, duration, r.StatusCode(), r.Body)
	}
	return *r.JSON200
}

// jobs returns the tenant's pending and failed jobs.
func (h *harness) jobs(tenant string) []simadminclient.Job {
	h.t.Helper()
	r, err := h.admin.ListJobsWithResponse(context.Background(), &simadminclient.ListJobsParams{Tenant: &tenant})
	if err != nil {
		h.t.Fatalf("jobs of %s: %v", tenant, err)
	}
	if r.JSON200 == nil {
		h.t.Fatalf("jobs of %s: %d %s", tenant, r.StatusCode(), r.Body)
	}
	return r.JSON200.Jobs
}

// events returns the tenant's events as the admin API lists them with the filter (its Tenant is set here),
// each checked against its schema.
func (h *harness) events(tenant string, filter simadminclient.ListEventsParams) []json.RawMessage {
	h.t.Helper()
	filter.Tenant = &tenant
	r, err := h.admin.ListEventsWithResponse(context.Background(), &filter)
	if err != nil {
		h.t.Fatalf("events of %s: %v", tenant, err)
	}
	if r.JSON200 == nil {
		h.t.Fatalf("events of %s: %d %s", tenant, r.StatusCode(), r.Body)
	}
	v, err := validator()
	if err != nil {
		h.t.Fatal(err)
	}
	out := make([]json.RawMessage, 0, len(r.JSON200.Events))
	for _, e := range r.JSON200.Events {
		raw := json.RawMessage(e)
		var env struct {
			Domain    string          `json:"domain"`
			EventType string          `json:"event_type"`
			Data      json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(raw, &env); err != nil {
			h.t.Fatal(err)
		}
		if err := v.ValidateEnvelope(raw); err != nil {
			h.t.Errorf("envelope: %v", err)
		}
		if err := v.Validate(env.Domain, env.EventType, env.Data); err != nil {
			h.t.Errorf("payload: %v", err)
		}
		out = append(out, raw)
	}
	return out
}

// all selects every event.
var all = simadminclient.ListEventsParams{}

func ptr[T any](v T) *T { return &v }

func bearer(tok string, extra ...string) map[string]string {
	m := map[string]string{"Authorization": "Bearer " + tok}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return m
}
