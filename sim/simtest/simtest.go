// Package simtest starts an in-process simulator for tests, as net/http/httptest starts a server: the
// harness of the simulator's own tests, the features runner, and any Go test of an integration use it.
package simtest

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/issuersim/issuersim/sim"
)

// Server is a simulator served on a loopback port.
type Server struct {
	*httptest.Server
	Sim *sim.Sim
}

// Start builds a simulator from cfg, serves it, and runs its webhook delivery; everything stops when the test
// ends. A bad cfg fails the test.
func Start(tb testing.TB, cfg sim.Config) *Server {
	tb.Helper()
	s, err := sim.New(cfg)
	if err != nil {
		tb.Fatalf("start simulator: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = s.Run(ctx); close(done) }()
	srv := httptest.NewServer(s.Handler())
	tb.Cleanup(func() { srv.Close(); cancel(); <-done; s.Close() })
	return &Server{Server: srv, Sim: s}
}
