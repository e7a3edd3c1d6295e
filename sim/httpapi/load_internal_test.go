package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/issuersim/issuersim/gen/cards"
)

// TestSurfaceLoadChecksPrefixes: a contract whose paths leave the prefixes its mount declares is refused by
// name when it loads, since requests under the undeclared prefix would never reach it.
func TestSurfaceLoadChecksPrefixes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		prefixes []string
		spec     func() (*openapi3.T, error)
		want     string
	}{
		{"declared", []string{"/wallet", "/cards"}, cards.GetSwagger, ""},
		{"a prefix missing", []string{"/wallet"}, cards.GetSwagger, "which the mount does not declare"},
		{"a contract that does not load", []string{"/wallet"}, func() (*openapi3.T, error) { return nil, errors.New("broken yaml") }, "load cards contract: broken yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Surface{Name: "cards", prefixes: tc.prefixes, ready: make(chan struct{})}
			s.load(tc.spec)
			err := s.wait(context.Background())
			switch {
			case tc.want == "" && (err != nil || s.router == nil):
				t.Fatalf("load: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("load: %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// TestRequestWaitsForItsContract: a request that comes before its API's contract has loaded waits for it, a
// client that gives up meanwhile is let go, and one whose contract failed to load is a 503 naming the API,
// never a 404.
func TestRequestWaitsForItsContract(t *testing.T) {
	s := &Surface{Name: "cards", Shape: ProcessorShape, prefixes: []string{"/wallet", "/cards"}, ready: make(chan struct{})}
	g := &gateway{byPrefix: map[string][]*Surface{"/wallet": {s}, "/cards": {s}}, fallback: ProcessorShape, surfaces: []*Surface{s},
		next: http.NotFoundHandler(), log: slog.New(slog.DiscardHandler)}

	gone, cancel := context.WithCancel(context.Background())
	cancel()
	w := httptest.NewRecorder()
	g.ServeHTTP(w, httptest.NewRequest("GET", "/wallet/v1/cards/1", nil).WithContext(gone))
	if w.Body.Len() != 0 {
		t.Errorf("a client gone while the contract loaded got %d %s", w.Code, w.Body)
	}

	answered := make(chan *httptest.ResponseRecorder)
	go func() {
		w := httptest.NewRecorder()
		g.ServeHTTP(w, httptest.NewRequest("GET", "/wallet/v1/cards/1", nil))
		answered <- w
	}()
	select {
	case w := <-answered:
		t.Fatalf("answered %d before the contract loaded", w.Code)
	default:
	}
	s.load(func() (*openapi3.T, error) { return nil, errors.New("broken yaml") })
	w = <-answered
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "cards contract") {
		t.Errorf("a request on a contract that failed to load: %d %s", w.Code, w.Body)
	}
	if err := g.Ready(context.Background()); err == nil || !strings.Contains(err.Error(), "broken yaml") {
		t.Errorf("Ready: %v, want the load error", err)
	}
}
