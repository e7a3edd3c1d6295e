// Package issuersim starts the issuersim card-issuing simulator in a container for a Go test, with
// testcontainers-go, and talks to it: its base URL, the generated admin client, tokens for the fixtures'
// accounts, tenants, the virtual clock and the event log.
//
//	ctr, err := issuersim.Run(ctx, issuersim.DefaultImage,
//		issuersim.WithSeed(7),
//		issuersim.WithClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
//	)
//	testcontainers.CleanupContainer(t, ctr) // before the error check: a no-op on nil
//	if err != nil {
//		t.Fatal(err)
//	}
//	token, err := ctr.Token(ctx, issuersim.FixtureAccountID)
//	// point the code under test at ctr.BaseURL() with that token, then read ctr.Events(ctx, issuersim.EventQuery{})
//
// The image is built from the simulator's repository (`make image`); no registry serves it. It starts on the
// real clock unless WithClock is given, with seed 1 unless WithSeed is. It listens on every interface of the
// container, so its admin API needs a token: Run sets one (WithAdminToken, or a random one) and sends it. Every option maps to a flag of
// `issuersim serve` (set through its ISSUERSIM_* environment variable), so the container behaves as the
// binary does.
//
// This package is its own Go module, github.com/issuersim/issuersim/testcontainer, so importing it pulls
// testcontainers-go and oapi-codegen's small runtime but none of the simulator's dependencies. Its version
// follows the image's: the module tagged testcontainer/vX.Y.Z drives the image issuersim:X.Y.Z, which is
// DefaultImage.
package issuersim

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/issuersim/issuersim/testcontainer/simadminclient"
)

// Version is the simulator version this module is released with; the image of the same version is
// DefaultImage, and the module's tests check that the image they run reports it on /_sim/health.
const Version = "0.1.0"

// DefaultImage is the image of the simulator this module's version was released with, as `make image` tags it.
const DefaultImage = "issuersim:" + Version

// Port is the container port the simulator serves every API on.
const Port = "8080/tcp"

// The embedded fixtures' first org has these accounts and customers (fixtures/default.json); with other
// fixtures (WithFixtures), use their ids.
const (
	// FixtureAccountID is the account of VIRTUAL cards, owned by FixtureCustomerID.
	FixtureAccountID int64 = 8675309
	// FixtureCustomerID owns FixtureAccountID.
	FixtureCustomerID int64 = 103625634
)

// Container is a running simulator. It embeds the testcontainers.Container, so Terminate, Logs and the rest
// are there; terminate it with Terminate or testcontainers.CleanupContainer.
type Container struct {
	testcontainers.Container
	settings options
	baseURL  string
	admin    *simadminclient.ClientWithResponses
}

// Run starts the simulator from img with the given options and waits until /_sim/health answers. Options are
// this package's With… functions and any testcontainers.ContainerCustomizer; the latter apply after the
// module's defaults, so they can override them. On error it returns the container too when one was created,
// so that the caller can terminate it.
func Run(ctx context.Context, img string, opts ...testcontainers.ContainerCustomizer) (*Container, error) {
	settings := defaultOptions()
	for _, opt := range opts {
		if o, ok := opt.(Option); ok {
			if err := o(&settings); err != nil {
				return nil, fmt.Errorf("run issuersim: %w", err)
			}
		}
	}
	if settings.adminToken == "" {
		token, err := newAdminToken()
		if err != nil {
			return nil, fmt.Errorf("run issuersim: %w", err)
		}
		settings.adminToken = token
	}
	moduleOpts := []testcontainers.ContainerCustomizer{
		testcontainers.WithExposedPorts(Port),
		testcontainers.WithEnv(settings.env()),
		testcontainers.WithWaitStrategy(wait.ForHTTP("/_sim/health").
			WithPort(Port).
			WithPollInterval(20 * time.Millisecond).
			WithStartupTimeout(settings.startupTimeout)),
	}
	if settings.fixtures != "" {
		moduleOpts = append(moduleOpts, testcontainers.WithFiles(testcontainers.ContainerFile{
			HostFilePath:      settings.fixtures,
			ContainerFilePath: fixturesPath,
			FileMode:          0o444,
		}))
	}
	if settings.hostGateway {
		moduleOpts = append(moduleOpts, testcontainers.WithHostConfigModifier(addHostGateway))
	}
	moduleOpts = append(moduleOpts, opts...)

	ctr, err := testcontainers.Run(ctx, img, moduleOpts...)
	var c *Container
	if ctr != nil {
		c = &Container{Container: ctr, settings: settings}
	}
	if err != nil {
		return c, fmt.Errorf("run issuersim: %w", err)
	}
	if c.baseURL, err = ctr.PortEndpoint(ctx, Port, "http"); err != nil {
		return c, fmt.Errorf("run issuersim: base URL: %w", err)
	}
	token := settings.adminToken
	c.admin, err = simadminclient.NewClientWithResponses(c.baseURL,
		simadminclient.WithHTTPClient(&http.Client{Timeout: 30 * time.Second}),
		simadminclient.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Bearer "+token)
			return nil
		}))
	if err != nil {
		return c, fmt.Errorf("run issuersim: admin client: %w", err)
	}
	return c, nil
}

// BaseURL is where the test's host reaches the simulator, such as http://127.0.0.1:32768: every API's base
// URL with the vendor's host swapped for it.
func (c *Container) BaseURL() string { return c.baseURL }

// Admin is the generated client of the simulator's admin API (/_sim): tenants, tokens, clocks, jobs, faults,
// events and fixtures. It sends the admin token with every call.
func (c *Container) Admin() *simadminclient.ClientWithResponses { return c.admin }

// AdminToken is the bearer token the admin API (/_sim) requires: WithAdminToken's, or the one Run generated.
// Send it as "Authorization: Bearer <token>" from any other client of /_sim; the vendor APIs keep their own
// tokens.
func (c *Container) AdminToken() string { return c.settings.adminToken }

// WebhookSecret is the signing secret given with WithWebhookSecret, or "" when the simulator derives one
// from the seed (it prints it in its log).
func (c *Container) WebhookSecret() string { return c.settings.webhookSecret }

// Token issues a bearer token for an account of the fixtures' first org, such as FixtureAccountID, through
// POST /_sim/tokens (no credentials needed).
func (c *Container) Token(ctx context.Context, accountID int64) (string, error) {
	return c.TenantToken(ctx, "", accountID)
}

// TenantToken issues a bearer token for an account of the given tenant ("" for the fixtures' first org).
func (c *Container) TenantToken(ctx context.Context, tenant string, accountID int64) (string, error) {
	body := simadminclient.TokenRequest{AccountId: &accountID}
	if tenant != "" {
		body.Tenant = &tenant
	}
	r, err := c.admin.IssueTestTokenWithResponse(ctx, body)
	if err != nil {
		return "", fmt.Errorf("token for account %d: %w", accountID, err)
	}
	if r.JSON200 == nil {
		return "", answerError(fmt.Sprintf("token for account %d", accountID), r.StatusCode(), r.Body)
	}
	return r.JSON200.Token, nil
}

// NewTenant adds a fresh org, a copy of the fixtures' first org with no cards and no events, and returns its
// id; the same name gives the same id run after run. Tests that share one container use one tenant each.
func (c *Container) NewTenant(ctx context.Context, name string) (string, error) {
	body := simadminclient.TenantRequest{}
	if name != "" {
		body.Name = &name
	}
	r, err := c.admin.CreateTenantWithResponse(ctx, body)
	if err != nil {
		return "", fmt.Errorf("new tenant %q: %w", name, err)
	}
	if r.JSON201 == nil {
		return "", answerError(fmt.Sprintf("new tenant %q", name), r.StatusCode(), r.Body)
	}
	return r.JSON201.Tenant, nil
}

// AdvanceClock moves a tenant's virtual clock ("" for the fixtures' first org) by d and returns once every
// job due by then has run. It fails on the real clock (start the container WithClock) or when a job failed.
func (c *Container) AdvanceClock(ctx context.Context, tenant string, d time.Duration) error {
	body := simadminclient.AdvanceRequest{Duration: d.String()}
	if tenant != "" {
		body.Tenant = &tenant
	}
	r, err := c.admin.AdvanceClockWithResponse(ctx, body)
	if err != nil {
		return fmt.Errorf("advance clock by %s: %w", d, err)
	}
	if r.JSON200 == nil {
		return answerError(fmt.Sprintf("advance clock by %s", d), r.StatusCode(), r.Body)
	}
	for _, j := range r.JSON200.Ran {
		if j.Error != nil {
			return fmt.Errorf("advance clock by %s: job %s of %s:%s failed: %s", d, j.Kind, j.Subject.Kind, j.Subject.Id, *j.Error)
		}
	}
	return nil
}

// newAdminToken returns a random admin token for a container started without WithAdminToken.
func newAdminToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate an admin token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// answerError says what the simulator answered instead of success.
func answerError(what string, status int, body []byte) error {
	return fmt.Errorf("%s: the simulator answered %d %s", what, status, body)
}
