package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/issuersim/issuersim/sim/auth"
	"github.com/issuersim/issuersim/sim/correlation"
	"github.com/issuersim/issuersim/sim/fault"
)

// Surface is one API the server mounts: its contract, the router kin-openapi built from it, the error shape
// of its vendor and the header that carries its correlation id.
type Surface struct {
	Name      string
	Shape     Shape
	CIDHeader string
	// Shapes overrides Shape for paths under a first segment, where one contract spans two vendor APIs
	// (bulks.yaml: /cards answers in the processor's shape, /embossing in the embossing API's).
	Shapes map[string]Shape
	// Authority verifies the surface's bearer tokens when it has an authority of its own (D1's tokens come
	// from D1's OAuth API, not the processor's); nil means the gateway's.
	Authority *auth.Authority
	router    routers.Router
	prefixes  []string
	ready     chan struct{} // closed once router or loadErr is set
	loadErr   error
}

// load reads the surface's contract, drops the vendor's servers (so local requests match), checks that its
// paths lie under the surface's declared prefixes and builds its router, then marks the surface ready.
func (s *Surface) load(spec func() (*openapi3.T, error)) {
	defer close(s.ready)
	doc, err := spec()
	if err != nil {
		s.loadErr = fmt.Errorf("load %s contract: %w", s.Name, err)
		return
	}
	doc.Servers = nil
	for path := range doc.Paths.Map() {
		if first := firstSegment(path); !slices.Contains(s.prefixes, first) {
			s.loadErr = fmt.Errorf("route %s contract: its path %s is under %s, which the mount does not declare", s.Name, path, first)
			return
		}
	}
	if s.router, err = gorillamux.NewRouter(doc); err != nil {
		s.loadErr = fmt.Errorf("route %s contract: %w", s.Name, err)
	}
}

// wait returns once the surface's contract has loaded, with the error that kept it from loading, or the
// request's context error when the client gives up first.
func (s *Surface) wait(ctx context.Context) error {
	select {
	case <-s.ready:
		return s.loadErr
	case <-ctx.Done():
		return ctx.Err()
	}
}

// shapeFor returns the error shape of the API that serves path.
func (s *Surface) shapeFor(path string) Shape {
	if sh, ok := s.Shapes[firstSegment(path)]; ok {
		return sh
	}
	return s.Shape
}

func firstSegment(path string) string {
	return "/" + strings.SplitN(strings.TrimPrefix(path, "/"), "/", 2)[0]
}

// d1BarePrefix is the seed's D1 path space; the vendor serves the same operations under /banking/v1.
const (
	d1BarePrefix = "/issuers/"
	d1Base       = "/banking/v1"
)

// gateway is the front of every request: it picks the API by path, answers JSON 404 and 405, sets the
// correlation id, authenticates, validates against the contract and only then lets the generated handler bind
// and serve. Authentication runs before validation so a caller without a token learns that first, and
// validation runs before the generated binder so every malformed request gets the vendor's error shape naming
// the field and the rule.
type gateway struct {
	byPrefix  map[string][]*Surface
	fallback  Shape
	authority *auth.Authority
	admin     adminGuard
	maxBody   int64
	// schemaOptions add the formats kin-openapi leaves unchecked (uuid).
	schemaOptions []openapi3.SchemaValidationOption
	cids          *correlation.Sequence
	next          http.Handler
	log           *slog.Logger
	surfaces      []*Surface
	loading       sync.WaitGroup // the surfaces' loads in flight
}

// Ready waits until every contract has loaded and returns the errors of those that failed (a broken embedded
// contract: a bug, which serve reports and exits on). Requests need not wait for it: each waits for its own.
func (g *gateway) Ready(ctx context.Context) error {
	done := make(chan struct{})
	go func() { g.loading.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	var errs []error
	for _, s := range g.surfaces {
		errs = append(errs, s.loadErr)
	}
	return errors.Join(errs...)
}

type routeKey struct{}

// routeFrom returns the contract route the gateway matched for this request.
func routeFrom(ctx context.Context) *routers.Route {
	r, _ := ctx.Value(routeKey{}).(*routers.Route)
	return r
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if strings.HasPrefix(r.URL.Path, d1BarePrefix) {
		// The seed's bare D1 paths are an alias of the vendor's /banking/v1 paths.
		r = r.Clone(r.Context())
		r.URL.Path = d1Base + r.URL.Path
		if r.URL.RawPath != "" {
			r.URL.RawPath = d1Base + r.URL.RawPath
		}
	}
	surface, route, params, err := g.find(r)
	shape := g.fallback
	if surface != nil {
		shape = surface.shapeFor(r.URL.Path)
	}
	ctx := correlation.Begin(r.Context(), g.sentCID(r, surface), g.cids)
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK, ctx: ctx, cidHeader: cidHeader(surface)}
	defer func() {
		if p := recover(); p != nil {
			g.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "cid", correlation.From(ctx), "panic", fmt.Sprint(p))
			if !rec.wrote {
				shape.write(rec, Problem{Status: http.StatusInternalServerError, Code: "internal_error", Message: "the simulator failed; see its log"})
			}
		}
		// Health probes (a container's HEALTHCHECK polls every second) log at debug, so they do not bury the requests.
		level := slog.LevelInfo
		if r.URL.Path == "/_sim/health" {
			level = slog.LevelDebug
		}
		g.log.Log(ctx, level, "request", "method", r.Method, "route", routeName(route, r), "status", rec.status, "cid", correlation.From(ctx), "duration", time.Since(start))
	}()
	var le *loadError
	switch {
	case errors.As(err, &le) && r.Context().Err() != nil:
		g.log.Debug("client gone while its contract loaded", "api", surface.Name)
		return
	case errors.As(err, &le):
		g.log.Error("contract not loaded", "api", surface.Name, "err", le.err)
		shape.write(rec, Problem{Status: http.StatusServiceUnavailable, Code: "contract_unavailable",
			Message: fmt.Sprintf("the %s contract is not available: %v", surface.Name, le.err)})
		return
	case errors.Is(err, routers.ErrMethodNotAllowed):
		allow := g.allowed(r, surface)
		rec.Header().Set("Allow", strings.Join(allow, ", "))
		shape.write(rec, Problem{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
			Message: fmt.Sprintf("%s is not allowed on %s; allowed: %s", r.Method, r.URL.Path, strings.Join(allow, ", "))})
		return
	case err != nil:
		shape.write(rec, Problem{Status: http.StatusNotFound, Code: "not_found",
			Message: fmt.Sprintf("no operation at %s %s", r.Method, r.URL.Path)})
		return
	}
	ctx = context.WithValue(ctx, routeKey{}, route)
	ctx = fault.WithOperation(ctx, lowerFirst(route.Operation.OperationID)) // the contract's operationId; the embedded spec capitalises it
	if ctx, err = g.authenticate(ctx, r, route, surface.Authority); err != nil {
		var p *Problem
		if errors.As(err, &p) {
			shape.write(rec, *p)
			return
		}
		panic(err)
	}
	r = r.WithContext(ctx)
	if p := readBody(w, r, g.maxBody); p != nil {
		shape.write(rec, *p)
		return
	}
	if p := checkParams(r, route, params); p != nil {
		shape.write(rec, *p)
		return
	}
	input := &openapi3filter.RequestValidationInput{
		Request:    r,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			MultiError:              true,
			AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
			SchemaValidationOptions: g.schemaOptions,
		},
	}
	if err := openapi3filter.ValidateRequest(ctx, input); err != nil {
		errs := fieldErrors(err)
		shape.write(rec, Problem{Status: http.StatusBadRequest, Code: "validation_error", Message: summary(errs), Errors: errs})
		return
	}
	g.next.ServeHTTP(rec, r)
}

// find returns the surface and contract route for a request.
// A HEAD request is matched as a GET: net/http sends the GET's headers without its body.
func (g *gateway) find(r *http.Request) (*Surface, *routers.Route, map[string]string, error) {
	if r.Method == http.MethodHead {
		r = r.Clone(r.Context())
		r.Method = http.MethodGet
	}
	candidates := g.byPrefix[firstSegment(r.URL.Path)]
	var lastErr error = routers.ErrPathNotFound
	for _, s := range candidates {
		if err := s.wait(r.Context()); err != nil {
			return s, nil, nil, &loadError{err}
		}
		route, params, err := s.router.FindRoute(r)
		if err == nil {
			return s, route, params, nil
		}
		if errors.Is(err, routers.ErrMethodNotAllowed) {
			return s, nil, nil, err
		}
		lastErr = err
	}
	if len(candidates) > 0 {
		return candidates[0], nil, nil, lastErr
	}
	return nil, nil, nil, lastErr
}

// loadError is a surface's contract that failed to load (or a client gone while it loaded): not the caller's
// fault, so not a 404.
type loadError struct{ err error }

func (e *loadError) Error() string { return e.err.Error() }
func (e *loadError) Unwrap() error { return e.err }

// allowed lists the methods the contract defines for the request's path.
func (g *gateway) allowed(r *http.Request, s *Surface) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, _, err := s.router.FindRoute(probe); err == nil {
			out = append(out, m)
			if m == http.MethodGet {
				out = append(out, http.MethodHead)
			}
		}
	}
	return out
}

// sentCID returns the correlation id the caller sent, or "" when it sent none (or one over 128 characters):
// then the request gets one derived from its tenant's sequence once authentication names the tenant, and a
// request with no tenant (the admin API, a refused token) gets none, so it never shifts a tenant's ids.
func (g *gateway) sentCID(r *http.Request, s *Surface) string {
	if id := r.Header.Get(cidHeader(s)); len(id) <= 128 {
		return id
	}
	return ""
}

func cidHeader(s *Surface) string {
	if s == nil || s.CIDHeader == "" {
		return "x-cid"
	}
	return s.CIDHeader
}

// authenticate checks the bearer token when the operation's contract requires one, with the surface's authority
// (the gateway's when nil), and puts the claims in the context. An operation marked x-account-token refuses a token that carries no account.
func (g *gateway) authenticate(ctx context.Context, r *http.Request, route *routers.Route, authority *auth.Authority) (context.Context, error) {
	if authority == nil {
		authority = g.authority
	}
	security := route.Spec.Security
	if route.Operation.Security != nil {
		security = *route.Operation.Security
	}
	if len(security) == 0 {
		return ctx, nil
	}
	if p := repeatedAuthorization(r); p != nil {
		return ctx, p
	}
	if needsAdmin(security) {
		return ctx, g.admin.check(r)
	}
	token, err := auth.Bearer(r.Header.Get("Authorization"))
	if err == nil {
		var claims auth.Claims
		if claims, err = authority.Verify(token); err == nil {
			correlation.Assign(ctx, claims.Tenant) // the token names the tenant: its refusals carry an id too
			if t := r.Header.Get("x-tenant"); t != "" && t != claims.Tenant {
				return ctx, &Problem{Status: http.StatusForbidden, Code: "forbidden", Message: "x-tenant names another tenant than the token's",
					Errors: []FieldError{{Field: "x-tenant", In: "header", Rule: "tenant", Message: "x-tenant: the token belongs to another tenant"}}}
			}
			if needsAccount(route.Operation) && claims.AccountID == 0 {
				return ctx, &Problem{Status: http.StatusForbidden, Code: "forbidden", Message: "this operation needs an account token: request one with an account_id",
					Errors: []FieldError{{Field: "Authorization", In: "header", Rule: "account_token", Message: "Authorization: the token carries no account"}}}
			}
			return auth.WithClaims(ctx, claims), nil
		}
	}
	return ctx, &Problem{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "access token is missing or invalid: " + err.Error(),
		Errors: []FieldError{{Field: "Authorization", In: "header", Rule: tokenRule(err), Message: "Authorization: " + err.Error()}}}
}

func tokenRule(err error) string {
	switch {
	case errors.Is(err, auth.ErrMissing):
		return "required"
	case errors.Is(err, auth.ErrExpired):
		return "expired"
	case errors.Is(err, auth.ErrSignature):
		return "signature"
	default:
		return "format"
	}
}

func needsAccount(op *openapi3.Operation) bool {
	v, ok := op.Extensions["x-account-token"].(bool)
	return ok && v
}

func (p *Problem) Error() string { return p.Message }

func routeName(route *routers.Route, r *http.Request) string {
	if route == nil {
		return "unmatched"
	}
	return route.Method + " " + route.Path
}

// statusRecorder remembers the status written, for the access log and the panic handler, and sets the
// correlation id header as the response starts: by then the request's id is known if it will ever be.
type statusRecorder struct {
	http.ResponseWriter
	status    int
	wrote     bool
	ctx       context.Context
	cidHeader string
}

func (s *statusRecorder) start(code int) {
	if s.wrote {
		return
	}
	s.status, s.wrote = code, true
	if id := correlation.From(s.ctx); id != "" {
		s.Header().Set(s.cidHeader, id)
	}
}

func (s *statusRecorder) WriteHeader(code int) {
	s.start(code)
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection's writer, so the event stream can flush.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.start(http.StatusOK)
	return s.ResponseWriter.Write(b)
}
