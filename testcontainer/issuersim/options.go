package issuersim

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/testcontainers/testcontainers-go"
)

// fixturesPath is where WithFixtures copies its file inside the container.
const fixturesPath = "/fixtures.json"

// hostGatewayName is the name by which the container reaches the test's host (WithHostWebhook).
const hostGatewayName = "host.docker.internal"

// options are the simulator's settings; Run starts from defaultOptions and applies each Option.
type options struct {
	seed           uint64
	clock          time.Time // zero for the real clock
	fixtures       string    // host path; "" for the embedded fixtures
	webhook        string    // URL as the container sees it
	webhookSecret  string
	hostGateway    bool // add host.docker.internal to the container's hosts
	tokenTTL       time.Duration
	pciDelay       time.Duration
	logLevel       string
	startupTimeout time.Duration
	// adminToken guards the admin API, which listens on 0.0.0.0 in the container; Run generates one when no
	// WithAdminToken gave it.
	adminToken string
}

// defaultOptions are serve's defaults, with the seed written out: seed 1, the real clock, the embedded
// fixtures, no webhook, tokens that live an hour, PCI data at once, info logs.
func defaultOptions() options {
	return options{
		seed:           1,
		tokenTTL:       time.Hour,
		logLevel:       "info",
		startupTimeout: 30 * time.Second,
	}
}

// env is the container's environment: one ISSUERSIM_* variable per serve flag that differs from serve's
// default, and the seed always.
func (o options) env() map[string]string {
	env := map[string]string{
		"ISSUERSIM_SEED":      strconv.FormatUint(o.seed, 10),
		"ISSUERSIM_TOKEN_TTL": o.tokenTTL.String(),
		"ISSUERSIM_LOG_LEVEL": o.logLevel,
	}
	if !o.clock.IsZero() {
		env["ISSUERSIM_CLOCK"] = o.clock.UTC().Format(time.RFC3339)
	}
	if o.fixtures != "" {
		env["ISSUERSIM_FIXTURES"] = fixturesPath
	}
	if o.webhook != "" {
		env["ISSUERSIM_WEBHOOK"] = o.webhook
	}
	if o.webhookSecret != "" {
		env["ISSUERSIM_WEBHOOK_SECRET"] = o.webhookSecret
	}
	if o.pciDelay > 0 {
		env["ISSUERSIM_PCI_DELAY"] = o.pciDelay.String()
	}
	if o.adminToken != "" {
		env["ISSUERSIM_ADMIN_TOKEN"] = o.adminToken
	}
	return env
}

// addHostGateway maps host.docker.internal to the engine's host gateway (the bridge's gateway address on
// Linux), which is how a container reaches a listener on the test's host.
func addHostGateway(hc *container.HostConfig) {
	hc.ExtraHosts = append(hc.ExtraHosts, hostGatewayName+":host-gateway")
}

// Option sets one of the simulator's settings; pass it to Run with any testcontainers.ContainerCustomizer.
type Option func(*options) error

// Customize does nothing: Run reads Options before it builds the request, and turns them into environment
// variables, files and host entries itself.
func (o Option) Customize(*testcontainers.GenericContainerRequest) error { return nil }

var _ testcontainers.ContainerCustomizer = Option(nil)

// WithSeed sets the seed every generated value derives from (serve --seed; default 1). The same seed, clock
// start and requests give a tenant byte-identical responses and events.
func WithSeed(seed uint64) Option {
	return func(o *options) error {
		o.seed = seed
		return nil
	}
}

// WithClock gives every tenant a virtual clock starting at start, which moves only through AdvanceClock
// (serve --clock). Without it the simulator runs on the real clock. Feature files tagged @virtual-clock
// need it.
func WithClock(start time.Time) Option {
	return func(o *options) error {
		if start.IsZero() {
			return fmt.Errorf("with clock: the start time is zero")
		}
		o.clock = start
		return nil
	}
}

// WithFixtures loads the dataset at path on the host (orgs, credentials, programs, accounts, customers...)
// instead of the embedded fixtures/default.json (serve --fixtures). The file is copied into the container.
func WithFixtures(path string) Option {
	return func(o *options) error {
		info, err := os.Stat(path)
		if err != nil {
			return fmt.Errorf("with fixtures: %w", err)
		}
		if info.IsDir() {
			return fmt.Errorf("with fixtures: %s is a directory", path)
		}
		o.fixtures = path
		return nil
	}
}

// WithWebhook POSTs every event to target, a URL the container can reach as it is: another container on a
// shared network, say (serve --webhook). For a receiver on the test's host, use WithHostWebhook.
func WithWebhook(target string) Option {
	return func(o *options) error {
		if err := checkHTTPURL(target); err != nil {
			return fmt.Errorf("with webhook: %w", err)
		}
		o.webhook = target
		return nil
	}
}

// WithHostWebhook POSTs every event to a receiver on the test's host, given by its URL as the host sees it,
// such as the URL of an httptest.Server listening on HostListener. The simulator is given the same URL
// with host.docker.internal as its host, which the container resolves to the engine's host gateway.
func WithHostWebhook(hostURL string) Option {
	return func(o *options) error {
		if err := checkHTTPURL(hostURL); err != nil {
			return fmt.Errorf("with host webhook: %w", err)
		}
		u, _ := url.Parse(hostURL)
		if u.Port() == "" {
			return fmt.Errorf("with host webhook: %q has no port", hostURL)
		}
		u.Host = net.JoinHostPort(hostGatewayName, u.Port())
		o.webhook = u.String()
		o.hostGateway = true
		return nil
	}
}

// WithWebhookSecret signs deliveries with secret, whsec_ followed by base64 (serve --webhook-secret), so a
// receiver can verify them with any Standard Webhooks library. Without it the secret derives from the seed.
func WithWebhookSecret(secret string) Option {
	return func(o *options) error {
		key, ok := strings.CutPrefix(secret, "whsec_")
		if b, err := base64.StdEncoding.DecodeString(key); !ok || err != nil || len(b) < 24 || len(b) > 64 {
			return fmt.Errorf("with webhook secret: must be whsec_ followed by the base64 of 24 to 64 bytes, as serve requires")
		}
		o.webhookSecret = secret
		return nil
	}
}

// WithAdminToken sets the token the simulator's admin API (/_sim) requires (serve --admin-token). The
// simulator listens on every interface of its container, so its admin API, which mints tokens for any tenant
// and lists every org's credentials, needs one; without this option Run generates a random one. The
// Container's own calls and Admin() send it; AdminToken returns it for other clients.
func WithAdminToken(token string) Option {
	return func(o *options) error {
		if token == "" || strings.ContainsAny(token, " \t\r\n") {
			return fmt.Errorf("with admin token: must be non-empty, without spaces or line breaks")
		}
		o.adminToken = token
		return nil
	}
}

// WithTokenTTL sets how long issued tokens live on their tenant's clock (serve --token-ttl; default an hour,
// as the vendor's). A suite that advances the virtual clock by days may choose 720h.
func WithTokenTTL(ttl time.Duration) Option {
	return func(o *options) error {
		if ttl < time.Second {
			return fmt.Errorf("with token TTL: %s is under a second", ttl)
		}
		o.tokenTTL = ttl
		return nil
	}
}

// WithPCIDelay delays a new card's PCI data and its create-1 event by d on the tenant's clock
// (serve --pci-delay; default none), as the vendor generates them asynchronously.
func WithPCIDelay(d time.Duration) Option {
	return func(o *options) error {
		if d < 0 {
			return fmt.Errorf("with PCI delay: %s is negative", d)
		}
		o.pciDelay = d
		return nil
	}
}

// WithLogLevel sets the simulator's log level: debug, info (the default), warn or error (serve --log-level).
// The log is the container's; read it with Logs or a testcontainers log consumer.
func WithLogLevel(level string) Option {
	return func(o *options) error {
		switch level {
		case "debug", "info", "warn", "error":
			o.logLevel = level
			return nil
		}
		return fmt.Errorf("with log level: %q is not debug, info, warn or error", level)
	}
}

// WithStartupTimeout bounds how long Run waits for /_sim/health (default 30 s; the simulator is healthy in
// well under a second on a quiet machine).
func WithStartupTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("with startup timeout: %s is not positive", d)
		}
		o.startupTimeout = d
		return nil
	}
}

// checkHTTPURL accepts an absolute http or https URL with a host.
func checkHTTPURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q: %w", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q: must be an http or https URL", s)
	}
	return nil
}
