// Package sim assembles a simulator instance: clocks, seeded data, fixtures, store, scheduler, domain
// services, the HTTP layer and webhook delivery, all from one Config. The binary and the in-process tests
// build it the same way. A new domain is wired here: its service built over the store, its job kinds
// registered with the scheduler, its adapter given to the HTTP layer (docs/architecture.md).
package sim

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/issuersim/issuersim/fixtures"
	"github.com/issuersim/issuersim/sim/auth"
	"github.com/issuersim/issuersim/sim/bulk"
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/cardonfile"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/correlation"
	"github.com/issuersim/issuersim/sim/d1"
	"github.com/issuersim/issuersim/sim/embossing"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/fault"
	"github.com/issuersim/issuersim/sim/feed"
	"github.com/issuersim/issuersim/sim/httpapi"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/pci"
	"github.com/issuersim/issuersim/sim/scheduler"
	"github.com/issuersim/issuersim/sim/store/postgres"
	"github.com/issuersim/issuersim/sim/token"
	"github.com/issuersim/issuersim/sim/webhook"
)

// Version is the simulator's version, reported by /_sim/health.
const Version = "0.1.0"

// Config is everything an instance is built from. The zero value is a usable sandbox: seed 0, real clock,
// the embedded fixtures, no webhook.
type Config struct {
	// Seed derives every generated value (PANs, names, ids of events and correlation, token keys).
	Seed uint64
	// Clock is the instance's time; nil means the real clock. A *clock.Virtual gives every tenant a virtual clock
	// of its own, starting at this clock's time.
	Clock clock.Clock
	// Fixtures is a dataset in the fixtures/default.json format; nil means the embedded default.
	Fixtures []byte
	// WebhookURL receives every event when set; WebhookSecret signs them (derived from the seed when empty).
	WebhookURL    string
	WebhookSecret string
	// PCIDelay delays PCI data and create-1 after a card is created, on the instance's clock.
	PCIDelay time.Duration
	// TokenTTL is how long issued tokens live; zero means an hour.
	TokenTTL time.Duration
	Logger   *slog.Logger
	// Store is where state lives: empty for this process's memory, or a postgres:// URL for a PostgreSQL
	// database that outlives the process and that several replicas share (sim/store/postgres).
	Store string
	// AdminToken, when set, must be sent as a bearer token on every admin call but health; empty leaves the
	// admin API open (serve sets one when it listens off loopback).
	AdminToken string
	// MaxBodyBytes bounds a request body (413 beyond it); zero means httpapi.DefaultMaxBodyBytes, 1 MiB.
	MaxBodyBytes int64
}

// Sim is one running simulator.
type Sim struct {
	handler       httpapi.Handler
	validator     *event.Validator
	clocks        *clock.Tenants
	scheduler     *scheduler.Scheduler
	dataset       org.Dataset
	dispatcher    *webhook.Dispatcher
	webhookSecret string
	pg            *postgres.Store // the PostgreSQL store, when Config.Store names one
}

// New builds an instance. It loads and checks the fixtures and compiles the event schemas; errors name what
// is wrong.
func New(cfg Config) (*Sim, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	clk := cfg.Clock
	if clk == nil {
		clk = clock.Real{}
	}
	src := fake.New(cfg.Seed)
	data := cfg.Fixtures
	if data == nil {
		data = fixtures.Default
	}
	dataset, err := org.Parse(data, src)
	if err != nil {
		return nil, fmt.Errorf("load fixtures: %w", err)
	}
	// The event schemas compile in the background, as the contracts load: the first event waits for them.
	validator := event.StartValidator()
	s := &Sim{clocks: clock.NewTenants(clk), dataset: dataset, validator: validator}
	s.webhookSecret = cfg.WebhookSecret
	if s.webhookSecret == "" {
		s.webhookSecret = "whsec_" + base64.StdEncoding.EncodeToString(src.Key("webhook"))
	}
	// The scheduler and the dispatcher observe the store's commits and run their work in it: each is built
	// first, given to the store as an observer, then bound to it.
	s.scheduler = scheduler.New(s.clocks, log)
	s.dispatcher, err = webhook.New(webhook.Config{Clocks: s.clocks, Fake: src, Logger: log, Shared: IsPostgres(cfg.Store)})
	if err != nil {
		return nil, err
	}
	live := feed.New()
	mem, err := s.openStore(cfg, dataset, event.NewSealer(src, validator), live, log)
	if err != nil {
		return nil, err
	}
	s.scheduler.Bind(mem)
	s.dispatcher.Bind(mem)
	s.scheduler.Register(webhook.JobAttempt, s.dispatcher.RunAttempt)
	has, err := s.hasWebhookShortcut(dataset.Orgs[0].ID, cfg.WebhookURL)
	if err != nil {
		return nil, err
	}
	if cfg.WebhookURL != "" && !has { // the --webhook shortcut: one subscription of the first tenant, taking every event
		url := cfg.WebhookURL
		if _, err := s.dispatcher.Create(context.Background(), dataset.Orgs[0].ID, webhook.SubscriptionInput{URL: &url, Secret: s.webhookSecret,
			Description: ptr(webhookShortcut)}); err != nil {
			return nil, fmt.Errorf("webhook %s: %w", cfg.WebhookURL, err)
		}
	}

	// The embossing pipeline follows cards through hooks the card and PCI services call inside their commands,
	// so it is built first; the bulks make their cards with the card service.
	emb := embossing.NewService(mem, s.clocks, src)
	pcis := pci.NewService(mem, s.clocks, src, pci.Options{OnPINChanged: card.Hooks{emb.PINChanged}})
	// D1 follows the processor's status changes through a hook, so it is built before the cards.
	d1s := d1.NewService(mem, s.clocks, src)
	s.dispatcher.Route(d1.Domain, d1s.Route)
	s.scheduler.Register(d1.JobRetention, d1s.RunRetention)
	tokens := token.NewService(mem, s.clocks, src)
	cards := card.NewService(mem, s.clocks, pcis, card.Options{PCIDelay: cfg.PCIDelay,
		OnNumbered: card.Hooks{emb.Ingress}, OnMigrated: card.Hooks{emb.Migrated}, OnStatusChanged: card.Hooks{d1s.ProcessorStatusChanged},
		OnReissued: card.Hooks{tokens.Reissued}})
	bulks := bulk.NewService(mem, s.clocks, src, cards)
	s.scheduler.Register(card.JobNumber, cards.RunNumber)
	s.scheduler.Register(card.JobValidityExpiry, cards.RunValidityExpiry)
	s.scheduler.Register(card.JobBind, cards.RunBind)
	s.scheduler.Register(pci.JobCVVRotation, pcis.RunRotation)
	s.scheduler.Register(bulk.JobStart, bulks.RunStart)
	s.scheduler.Register(bulk.JobCancel, bulks.RunCancel)
	s.scheduler.Register(embossing.JobRun, emb.RunJob)
	s.scheduler.Register(embossing.JobTrigger, emb.RunJob)
	s.scheduler.Register(token.JobChallengeExpiry, tokens.RunChallengeExpiry)
	wallet := cardonfile.NewService(mem, s.clocks, src)
	s.scheduler.Register(cardonfile.JobValidationExpiry, wallet.RunExpiry)

	authority := auth.NewAuthority(src.Key("token"), s.clocks, cfg.TokenTTL)
	s.handler, err = httpapi.New(httpapi.Deps{
		Version:      Version,
		Clocks:       s.clocks,
		Fake:         src,
		CIDs:         correlation.NewSequence(src),
		Authority:    authority,
		Passport:     auth.NewPassport(authority, mem, dataset.Orgs[0].ID),
		Store:        mem,
		Scheduler:    s.scheduler,
		Cards:        cards,
		PCI:          pcis,
		Bulks:        bulks,
		Embossing:    emb,
		CardsOnFile:  wallet,
		Tokens:       tokens,
		Faults:       fault.NewService(mem),
		Webhooks:     s.dispatcher,
		Feed:         live,
		D1:           d1s,
		D1Tokens:     auth.NewD1Tokens(src.Key("d1-token"), s.clocks, mem),
		Logger:       log,
		AdminToken:   cfg.AdminToken,
		MaxBodyBytes: cfg.MaxBodyBytes,
	})
	if err == nil {
		err = s.resume()
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the PostgreSQL store's connections, if the instance has one; call it once Run has returned.
func (s *Sim) Close() {
	if s.pg != nil {
		s.pg.Close()
	}
}

// Handler serves every API of the instance.
func (s *Sim) Handler() http.Handler { return s.handler }

// Ready waits until every API's contract and the event schemas have loaded (they load in the background from
// New on, and a request waits for what it needs only) and returns the errors of any that could not: serve reports them and exits.
func (s *Sim) Ready(ctx context.Context) error {
	if err := s.handler.Ready(ctx); err != nil {
		return err
	}
	if err := s.validator.Ready(); err != nil {
		return fmt.Errorf("load event schemas: %w", err)
	}
	return nil
}

// Dataset returns the fixtures the instance loaded.
func (s *Sim) Dataset() org.Dataset { return s.dataset }

// WebhookSecret returns the secret deliveries are signed with.
func (s *Sim) WebhookSecret() string { return s.webhookSecret }

// WebhooksIdle reports whether every webhook message is delivered, failed, or waiting for its time on a
// tenant's clock: tests and benchmarks wait for it instead of sleeping.
func (s *Sim) WebhooksIdle() bool { return s.dispatcher.Idle() }

// Run delivers webhooks and D1's notifications until ctx ends; with a PostgreSQL store it also listens for the
// other replicas' commits and clock moves.
func (s *Sim) Run(ctx context.Context) error {
	if s.pg != nil {
		done := make(chan struct{})
		go func() { _ = s.pg.Run(ctx); close(done) }()
		defer func() { <-done }()
	}
	return s.dispatcher.Run(ctx)
}

func ptr[T any](v T) *T { return &v }
