// Package httpapi is the simulator's HTTP layer: one handler serving every vendor API from its contract. A
// gateway routes, authenticates and validates each request against the contract; the handlers generated from
// the contract bind it; adapters (one per API) turn it into one domain command and the result into the
// vendor's response. No business rule lives here.
package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"

	genauth "github.com/issuersim/issuersim/gen/auth"
	"github.com/issuersim/issuersim/gen/bulks"
	"github.com/issuersim/issuersim/gen/cards"
	"github.com/issuersim/issuersim/gen/cardsonfile"
	"github.com/issuersim/issuersim/gen/d1"
	"github.com/issuersim/issuersim/gen/pcicards"
	"github.com/issuersim/issuersim/gen/simadmin"
	"github.com/issuersim/issuersim/gen/tokenization"
	"github.com/issuersim/issuersim/sim/auth"
	"github.com/issuersim/issuersim/sim/bulk"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/cardonfile"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/correlation"
	d1svc "github.com/issuersim/issuersim/sim/d1"
	"github.com/issuersim/issuersim/sim/embossing"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/fault"
	"github.com/issuersim/issuersim/sim/feed"
	"github.com/issuersim/issuersim/sim/pci"
	"github.com/issuersim/issuersim/sim/rule"
	"github.com/issuersim/issuersim/sim/scheduler"
	"github.com/issuersim/issuersim/sim/store"
	"github.com/issuersim/issuersim/sim/token"
	"github.com/issuersim/issuersim/sim/webhook"
)

// Deps are what the HTTP layer serves from. It reaches state only through the store's interface and the
// domain services.
type Deps struct {
	Version   string
	Clocks    *clock.Tenants
	Fake      *fake.Source
	CIDs      *correlation.Sequence
	Authority *auth.Authority
	Passport  *auth.Passport
	Store     store.Backend
	Scheduler *scheduler.Scheduler
	Cards     *card.Service
	PCI       *pci.Service
	Bulks     *bulk.Service
	Embossing *embossing.Service
	// Webhooks delivers events to subscriptions; the admin API manages them.
	Webhooks *webhook.Dispatcher
	// Feed wakes the live event stream at each commit.
	Feed *feed.Feed
	// CardsOnFile is the wallet (openapi/cardsonfile.yaml).
	CardsOnFile *cardonfile.Service
	Tokens      *token.Service
	Faults      *fault.Service
	Logger      *slog.Logger
	// D1 runs the token platform's card operations; D1Tokens is its OAuth API, whose authority alone opens
	// the D1 routes.
	D1       *d1svc.Service
	D1Tokens *auth.D1Tokens
	// AdminToken, when set, is the bearer token every admin call but health must carry (serve sets it when it
	// listens off loopback); empty leaves the admin API open.
	AdminToken string
	// MaxBodyBytes bounds a request body; zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64
}

// errNotBuilt is what an operation returns until its behaviour is built; the server answers 501 naming the
// operation.
var errNotBuilt = errors.New("operation not built yet")

// NotBuiltError names the operation that is not built yet.
type NotBuiltError struct{ Operation string }

func (e *NotBuiltError) Error() string {
	return fmt.Sprintf("operation %s is not implemented by issuersim yet", e.Operation)
}

// strictFunc is the shape every generated package gives its strict handler functions.
type strictFunc interface {
	~func(ctx context.Context, w http.ResponseWriter, r *http.Request, request any) (any, error)
}

// nameNotBuilt is a strict middleware that turns errNotBuilt into a NotBuiltError carrying the contract's
// operationId (the generated Go name with its first letter lowered).
func nameNotBuilt[F strictFunc](f F, operation string) F {
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, request any) (any, error) {
		resp, err := f(ctx, w, r, request)
		if errors.Is(err, errNotBuilt) {
			return nil, &NotBuiltError{Operation: lowerFirst(operation)}
		}
		return resp, err
	}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return string(unicode.ToLower(rune(s[0]))) + s[1:]
}

// Handler serves every API. Its contracts load in the background from New on; Ready waits for all of them.
type Handler interface {
	http.Handler
	Ready(ctx context.Context) error
}

// New returns the handler serving every API. It returns before the contracts have loaded: each request waits
// for its own API's, so start-up costs what the admin contract costs and not what all of them do.
func New(d Deps) (Handler, error) {
	log := d.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	maxBody := d.MaxBodyBytes
	if maxBody <= 0 {
		maxBody = DefaultMaxBodyBytes
	}
	mux := newRouter()
	g := &gateway{maxBody: maxBody, schemaOptions: schemaOptions(), byPrefix: map[string][]*Surface{}, fallback: ProcessorShape, authority: d.Authority, admin: adminGuard{token: d.AdminToken}, cids: d.CIDs, next: mux, log: log}
	h := &handlers{log: log}
	type mount struct {
		name      string
		spec      func() (*openapi3.T, error)
		shape     Shape
		cidHeader string
		shapes    map[string]Shape
		// prefixes are the first path segments of the contract's paths, declared so that requests can be
		// routed to the surface before its contract has loaded; a load checks them against the contract.
		prefixes []string
		register func(*Surface)
	}
	mounts := []mount{
		{"cards", cards.GetSwagger, ProcessorShape, "x-cid", nil, []string{"/wallet", "/cards"}, func(s *Surface) {
			si := cards.NewStrictHandlerWithOptions(&Cards{svc: d.Cards}, []cards.StrictMiddlewareFunc{nameNotBuilt[cards.StrictHandlerFunc]}, cards.StrictHTTPServerOptions{RequestErrorHandlerFunc: h.requestError(s), ResponseErrorHandlerFunc: h.responseError(s)})
			cards.HandlerWithOptions(si, cards.StdHTTPServerOptions{BaseRouter: mux, ErrorHandlerFunc: h.requestError(s)})
		}},
		{"pcicards", pcicards.GetSwagger, ProcessorShape, "x-cid", nil, []string{"/pcicards", "/v3"}, func(s *Surface) {
			si := pcicards.NewStrictHandlerWithOptions(&PCICards{svc: d.PCI}, []pcicards.StrictMiddlewareFunc{nameNotBuilt[pcicards.StrictHandlerFunc]}, pcicards.StrictHTTPServerOptions{RequestErrorHandlerFunc: h.requestError(s), ResponseErrorHandlerFunc: h.responseError(s)})
			pcicards.HandlerWithOptions(si, pcicards.StdHTTPServerOptions{BaseRouter: mux, ErrorHandlerFunc: h.requestError(s)})
		}},
		{"bulks", bulks.GetSwagger, ProcessorShape, "x-cid", map[string]Shape{"/embossing": EmbossingShape}, []string{"/cards", "/embossing"}, func(s *Surface) {
			si := bulks.NewStrictHandlerWithOptions(&Bulks{svc: d.Bulks, Embossing: &Embossing{svc: d.Embossing}}, []bulks.StrictMiddlewareFunc{nameNotBuilt[bulks.StrictHandlerFunc]}, bulks.StrictHTTPServerOptions{RequestErrorHandlerFunc: h.requestError(s), ResponseErrorHandlerFunc: h.responseError(s)})
			bulks.HandlerWithOptions(si, bulks.StdHTTPServerOptions{BaseRouter: mux, ErrorHandlerFunc: h.requestError(s)})
		}},
		{"cardsonfile", cardsonfile.GetSwagger, CardsOnFileShape, "x-cid", nil, []string{"/cardsonfile"}, func(s *Surface) {
			si := cardsonfile.NewStrictHandlerWithOptions(&CardsOnFile{svc: d.CardsOnFile}, []cardsonfile.StrictMiddlewareFunc{nameNotBuilt[cardsonfile.StrictHandlerFunc]}, cardsonfile.StrictHTTPServerOptions{RequestErrorHandlerFunc: h.requestError(s), ResponseErrorHandlerFunc: h.responseError(s)})
			cardsonfile.HandlerWithOptions(si, cardsonfile.StdHTTPServerOptions{BaseRouter: mux, ErrorHandlerFunc: h.requestError(s)})
		}},
		{"tokenization", tokenization.GetSwagger, CardsOnFileShape, "x-cid", nil, []string{"/cards-tokenization"}, func(s *Surface) {
			si := tokenization.NewStrictHandlerWithOptions(&Tokenization{svc: d.Tokens}, []tokenization.StrictMiddlewareFunc{nameNotBuilt[tokenization.StrictHandlerFunc]}, tokenization.StrictHTTPServerOptions{RequestErrorHandlerFunc: h.requestError(s), ResponseErrorHandlerFunc: h.responseError(s)})
			tokenization.HandlerWithOptions(si, tokenization.StdHTTPServerOptions{BaseRouter: mux, ErrorHandlerFunc: h.requestError(s)})
		}},
		{"auth", genauth.GetSwagger, ProcessorShape, "x-cid", nil, []string{"/passport"}, func(s *Surface) {
			si := genauth.NewStrictHandlerWithOptions(&Passport{passport: d.Passport}, []genauth.StrictMiddlewareFunc{nameNotBuilt[genauth.StrictHandlerFunc]}, genauth.StrictHTTPServerOptions{RequestErrorHandlerFunc: h.requestError(s), ResponseErrorHandlerFunc: h.responseError(s)})
			genauth.HandlerWithOptions(si, genauth.StdHTTPServerOptions{BaseRouter: mux, ErrorHandlerFunc: h.requestError(s)})
		}},
		{"d1", d1.GetSwagger, D1Shape, "x-correlation-id", nil, []string{"/banking", "/authz"}, func(s *Surface) {
			s.Authority = d.D1Tokens.Authority()
			si := d1.NewStrictHandlerWithOptions(&D1{svc: d.D1, tokens: d.D1Tokens}, []d1.StrictMiddlewareFunc{nameNotBuilt[d1.StrictHandlerFunc]}, d1.StrictHTTPServerOptions{RequestErrorHandlerFunc: h.requestError(s), ResponseErrorHandlerFunc: h.responseError(s)})
			d1.HandlerWithOptions(si, d1.StdHTTPServerOptions{BaseRouter: mux, ErrorHandlerFunc: h.requestError(s)})
		}},
		{"simadmin", simadmin.GetSwagger, ProcessorShape, "x-cid", nil, []string{"/_sim"}, func(s *Surface) {
			admin := &Admin{version: d.Version, clocks: d.Clocks, fake: d.Fake, passport: d.Passport, store: d.Store, scheduler: d.Scheduler, faults: d.Faults, pci: d.PCI, embossing: d.Embossing, cards: d.Cards, webhooks: d.Webhooks, feed: d.Feed, d1: d.D1, tokens: d.Tokens}
			si := simadmin.NewStrictHandlerWithOptions(admin, []simadmin.StrictMiddlewareFunc{nameNotBuilt[simadmin.StrictHandlerFunc]}, simadmin.StrictHTTPServerOptions{RequestErrorHandlerFunc: h.requestError(s), ResponseErrorHandlerFunc: h.responseError(s)})
			simadmin.HandlerWithOptions(si, simadmin.StdHTTPServerOptions{BaseRouter: mux, ErrorHandlerFunc: h.requestError(s)})
		}},
	}
	// A surface is routable at once; its contract loads and its router builds in the background (they are
	// most of the start-up), and a request waits for its own surface only (Surface.wait).
	surfaces := make([]*Surface, len(mounts))
	for i, m := range mounts {
		s := &Surface{Name: m.name, Shape: m.shape, CIDHeader: m.cidHeader, Shapes: m.shapes, prefixes: m.prefixes, ready: make(chan struct{})}
		surfaces[i] = s
		m.register(s)
		for _, p := range s.prefixes {
			g.byPrefix[p] = append(g.byPrefix[p], s)
		}
	}
	// The admin contract loads alone (the event schemas compile beside it, sim.New), then GOMAXPROCS loaders
	// share the rest in mount order.
	first, rest := -1, make(chan int, len(mounts))
	for i, m := range mounts {
		if m.name == "simadmin" {
			first = i
		} else {
			rest <- i
		}
	}
	close(rest)
	g.loading.Add(len(mounts))
	go func() {
		if first >= 0 {
			surfaces[first].load(mounts[first].spec)
			g.loading.Done()
		}
		for range min(runtime.GOMAXPROCS(0), len(mounts)) {
			go func() {
				for i := range rest {
					surfaces[i].load(mounts[i].spec)
					g.loading.Done()
				}
			}()
		}
	}()
	g.surfaces = surfaces
	return g, nil
}

// handlers holds the error hooks every generated package calls.
type handlers struct{ log *slog.Logger }

// requestError answers a request the generated code could not bind or decode (rare: the gateway validated it).
func (h *handlers) requestError(s *Surface) func(http.ResponseWriter, *http.Request, error) {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		errs := []FieldError{bindFault(r, err)}
		s.shapeFor(r.URL.Path).write(w, Problem{Status: http.StatusBadRequest, Code: "validation_error", Message: summary(errs), Errors: errs})
	}
}

// responseError turns what an adapter returned into the vendor's answer: a rule violation into its status,
// a missing operation into 501, anything else into a logged 500.
func (h *handlers) responseError(s *Surface) func(http.ResponseWriter, *http.Request, error) {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		if responseStarted(w) || (errors.Is(err, context.Canceled) && r.Context().Err() != nil) {
			// The answer was on its way (or the request was given up) when the client went: nothing to
			// answer, and nothing wrong with the simulator.
			h.log.Debug("client gone before the response was written", "api", s.Name, "method", r.Method, "path", r.URL.Path, "err", err)
			return
		}
		var v *rule.Violation
		var nb *NotBuiltError
		var se *event.SchemaError
		var injected *fault.Injected
		switch {
		case errors.As(err, &injected):
			s.shapeFor(r.URL.Path).write(w, Problem{Status: http.StatusInternalServerError, Code: "injected_fault", Message: injected.Error()})
		case errors.As(err, &nb):
			writeJSON(w, http.StatusNotImplemented, struct {
				Message   string `json:"message"`
				Operation string `json:"operation"`
				API       string `json:"api"`
			}{nb.Error(), nb.Operation, s.Name})
		case errors.As(err, &v):
			s.shapeFor(r.URL.Path).write(w, Problem{Status: violationStatus(v), Code: violationCode(v), Message: v.Message,
				Errors: []FieldError{{Field: v.Field, In: fieldIn(r, v.Field), Rule: v.Rule, Message: v.Message}}})
		case errors.As(err, &se):
			h.log.Error("event broke its schema", "api", s.Name, "event", se.Domain+"/"+se.Type, "err", se.Err)
			s.shapeFor(r.URL.Path).write(w, Problem{Status: http.StatusInternalServerError, Code: "internal_error", Message: "the simulator built an event that breaks its schema; nothing was changed: " + se.Error()})
		default:
			h.log.Error("operation failed", "api", s.Name, "method", r.Method, "path", r.URL.Path, "err", err)
			s.shapeFor(r.URL.Path).write(w, Problem{Status: http.StatusInternalServerError, Code: "internal_error", Message: "the simulator failed: " + err.Error()})
		}
	}
}

// responseStarted reports whether the response's status line is already written, so that an error now can
// only be the write failing.
func responseStarted(w http.ResponseWriter) bool {
	sr, ok := w.(*statusRecorder)
	return ok && sr.wrote
}

func violationStatus(v *rule.Violation) int {
	switch {
	case errors.Is(v, rule.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(v, rule.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(v, rule.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(v, rule.ErrConflict):
		return http.StatusConflict
	case errors.Is(v, rule.ErrNotAcceptable):
		return http.StatusNotAcceptable
	}
	return http.StatusInternalServerError
}

func violationCode(v *rule.Violation) string {
	return strings.ReplaceAll(v.Kind.Error(), " ", "_")
}

// fieldIn says where a violation's field lives: a JSON pointer is in the body, Authorization is the security
// header, and any other name is a parameter whose location the matched operation's contract declares.
func fieldIn(r *http.Request, field string) string {
	switch {
	case strings.HasPrefix(field, "/"):
		return "body"
	case field == "Authorization":
		return "header"
	}
	if route := routeFrom(r.Context()); route != nil {
		params := append(route.PathItem.Parameters, route.Operation.Parameters...)
		for _, p := range params {
			if p.Value != nil && p.Value.Name == field {
				return p.Value.In
			}
		}
	}
	return "path"
}
