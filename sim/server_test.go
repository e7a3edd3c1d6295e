package sim_test

import (
	"net/http/httptest"
	"testing"

	"github.com/issuersim/issuersim/sim"
)

func newServer(t *testing.T, s *sim.Sim) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv
}
