package httpapi

import (
	"fmt"
	"net/http"
	"strings"
)

// router is the generated packages' base router: a stack of http.ServeMux layers. The vendor publishes paths
// that net/http's mux refuses to hold together, because neither is more specific than the other
// (GET /embossing/v1/cards/noname/{cardId} and GET /embossing/v1/cards/{cardId}/history); a pattern a layer
// refuses goes to the next one, and a request is served by the first layer that has a pattern for it. The
// gateway has already matched every request against the contracts, so the layers only dispatch.
type router struct {
	layers []*http.ServeMux
}

func newRouter() *router { return &router{layers: []*http.ServeMux{http.NewServeMux()}} }

// HandleFunc registers the pattern on the first layer that accepts it, adding a layer when none does.
func (r *router) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	for _, m := range r.layers {
		if register(m, pattern, h) == nil {
			return
		}
	}
	m := http.NewServeMux()
	if err := register(m, pattern, h); err != nil {
		panic(err) // a malformed pattern: a bug in the generated code, not a conflict
	}
	r.layers = append(r.layers, m)
}

// register adds a pattern to a mux, turning the mux's conflict panic into an error.
func register(m *http.ServeMux, pattern string, h func(http.ResponseWriter, *http.Request)) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if s := fmt.Sprint(p); strings.Contains(s, "conflicts with") {
				err = fmt.Errorf("%s", s)
				return
			}
			panic(p)
		}
	}()
	m.HandleFunc(pattern, h)
	return nil
}

// ServeHTTP serves a request with the first layer that has a pattern for it.
func (r *router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	for _, m := range r.layers {
		if _, pattern := m.Handler(req); pattern != "" {
			m.ServeHTTP(w, req)
			return
		}
	}
	r.layers[0].ServeHTTP(w, req)
}
