package sim

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/issuersim/issuersim/sim/bulk"
	"github.com/issuersim/issuersim/sim/cardonfile"
	"github.com/issuersim/issuersim/sim/d1"
	"github.com/issuersim/issuersim/sim/embossing"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/feed"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/store"
	"github.com/issuersim/issuersim/sim/store/memory"
	"github.com/issuersim/issuersim/sim/store/postgres"
	"github.com/issuersim/issuersim/sim/token"
	"github.com/issuersim/issuersim/sim/webhook"
)

// backend is everything the domains and the HTTP layer need of a store; both backends implement it.
type backend interface {
	store.Backend
	embossing.Store // cards, PCI data and fault rules within
	bulk.Store
	cardonfile.Store
	d1.Store
	token.Store
	webhook.Store
}

// IsPostgres reports whether a Config.Store value names a PostgreSQL database.
func IsPostgres(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// openStore opens the backend cfg.Store names: the memory store when empty, or a PostgreSQL database, whose
// replica-wide parts it wires: the clocks follow the database, the scheduler resumes the pending jobs and kept
// webhook retries local, and the live feed and the scheduler hear of the other replicas' commits.
func (s *Sim) openStore(cfg Config, d org.Dataset, sealer *event.Sealer, live *feed.Feed, log *slog.Logger) (backend, error) {
	observers := []store.Observer{s.scheduler, s.dispatcher, live}
	if cfg.Store == "" {
		return memory.New(d, memory.Options{Sealer: sealer, Observers: observers})
	}
	if !IsPostgres(cfg.Store) {
		return nil, fmt.Errorf("store %q: must be empty (in memory) or a postgres:// URL", redact(cfg.Store))
	}
	ctx := context.Background()
	pg, err := postgres.Open(ctx, cfg.Store, d, postgres.Options{Sealer: sealer, Observers: observers,
		Remote: []store.Observer{s.scheduler.Remote(), live}, ClockMoved: s.scheduler.CatchUp, Logger: log})
	if err != nil {
		return nil, err
	}
	s.clocks.Share(pg)
	// A retry wakes a webhook lane, which lives in the memory of the replica that took the message in.
	s.scheduler.KeepLocal(webhook.JobAttempt)
	s.pg = pg
	return pg, nil
}

// resume arms the jobs a PostgreSQL store holds pending (a previous process's, or another replica's), once
// every job kind is registered.
func (s *Sim) resume() error {
	if s.pg == nil {
		return nil
	}
	return s.scheduler.Resume(context.Background(), s.pg)
}

// hasWebhookShortcut reports whether the --webhook subscription exists already: a database keeps the one a
// previous start, or another replica, created.
func (s *Sim) hasWebhookShortcut(tenant, url string) (bool, error) {
	if s.pg == nil {
		return false, nil
	}
	subs, err := s.dispatcher.Subscriptions(context.Background(), tenant)
	if err != nil {
		return false, err
	}
	for _, sub := range subs {
		if sub.URL == url && sub.Description == webhookShortcut {
			return true, nil
		}
	}
	return false, nil
}

// webhookShortcut describes the subscription the --webhook flag makes.
const webhookShortcut = "the --webhook flag"

// redact drops the password from a database URL, for messages.
func redact(url string) string {
	if at := strings.LastIndex(url, "@"); at > 0 {
		if scheme := strings.Index(url, "://"); scheme > 0 && scheme < at {
			return url[:scheme+3] + "…" + url[at:]
		}
	}
	return url
}
