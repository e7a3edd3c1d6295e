package postgres_test

import (
	"context"
	"testing"

	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/store"
	"github.com/issuersim/issuersim/sim/store/postgres"
	"github.com/issuersim/issuersim/sim/store/postgres/pgtest"
	"github.com/issuersim/issuersim/sim/store/storetest"
)

// open returns a store over a fresh schema, closed when the test ends.
func open(t *testing.T, url string, d org.Dataset, opts postgres.Options) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url, d, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// TestConformance runs the stores' conformance suite against the PostgreSQL store, each case on a schema of
// its own.
func TestConformance(t *testing.T) {
	pgtest.URL(t) // skip the whole suite, with one line, when there is no database
	storetest.Run(t, func(t *testing.T, d org.Dataset, sealer *event.Sealer, obs store.Observer) storetest.Backend {
		return open(t, pgtest.URL(t), d, postgres.Options{Sealer: sealer, Observers: []store.Observer{obs}})
	})
}
