// Package sim assembles a simulator instance: clock, seeded data, fixtures, store, domain services, the HTTP
// layer and webhook delivery, all from one Config. The binary and the in-process tests build it the same way.
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
	"github.com/issuersim/issuersim/sim/card"
	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/event"
	"github.com/issuersim/issuersim/sim/fake"
	"github.com/issuersim/issuersim/sim/httpapi"
	"github.com/issuersim/issuersim/sim/org"
	"github.com/issuersim/issuersim/sim/store/memory"
	"github.com/issuersim/issuersim/sim/webhook"
)

// Version is the simulator's version, reported by /_sim/health.
const Version = "0.1.0"

// Config is everything an instance is built from. The zero value is a usable sandbox: seed 0, real clock,
// the embedded fixtures, no webhook.
type Config struct {
	// Seed derives every generated value (PANs, names, ids of events and correlation, token keys).
	Seed uint64
	// Clock is the instance's time; nil means the real clock.
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
}

// Sim is one running simulator.
type Sim struct {
	handler       http.Handler
	clock         clock.Clock
	store         *memory.Store
	dataset       org.Dataset
	dispatcher    *webhook.Dispatcher
	webhookSecret string
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
	validator, err := event.NewValidator()
	if err != nil {
		return nil, fmt.Errorf("load event schemas: %w", err)
	}
	s := &Sim{clock: clk, dataset: dataset}
	s.webhookSecret = cfg.WebhookSecret
	if s.webhookSecret == "" {
		s.webhookSecret = "whsec_" + base64.StdEncoding.EncodeToString(src.Key("webhook"))
	}
	var onCommit func(event.Record)
	if cfg.WebhookURL != "" {
		s.dispatcher, err = webhook.New(webhook.Config{URL: cfg.WebhookURL, Secret: s.webhookSecret, Clock: clk, Logger: log})
		if err != nil {
			return nil, err
		}
		onCommit = s.dispatcher.Enqueue
	}
	s.store = memory.New(dataset, clk, event.NewSealer(src, validator), memory.Options{OnCommit: onCommit})
	authority := auth.NewAuthority(src.Key("token"), clk, cfg.TokenTTL)
	cards := card.NewService(s.store.Cards(), clk, src, card.Options{PCIDelay: cfg.PCIDelay, Logger: log})
	s.handler, err = httpapi.New(httpapi.Deps{
		Version:   Version,
		Clock:     clk,
		Fake:      src,
		Authority: authority,
		Passport:  auth.NewPassport(authority, s.store, dataset.Orgs[0].ID),
		Store:     s.store,
		Cards:     cards,
		Logger:    log,
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Handler serves every API of the instance.
func (s *Sim) Handler() http.Handler { return s.handler }

// Dataset returns the fixtures the instance loaded.
func (s *Sim) Dataset() org.Dataset { return s.dataset }

// WebhookSecret returns the secret deliveries are signed with.
func (s *Sim) WebhookSecret() string { return s.webhookSecret }

// Run delivers webhooks until ctx ends; without a webhook URL it just waits for ctx.
func (s *Sim) Run(ctx context.Context) error {
	if s.dispatcher == nil {
		<-ctx.Done()
		return nil
	}
	return s.dispatcher.Run(ctx)
}
