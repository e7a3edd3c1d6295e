package issuersim_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/issuersim/issuersim/testcontainer/issuersim"
	"github.com/issuersim/issuersim/testcontainer/simadminclient"
)

// delivery is one webhook POST the receiver got.
type delivery struct {
	header http.Header
	body   []byte
}

// startReceiver serves a webhook receiver on the test's host where the container can reach it, and sends
// every delivery to the returned channel.
func startReceiver(t *testing.T, ctx context.Context) (*httptest.Server, <-chan delivery) {
	t.Helper()
	got := make(chan delivery, 64)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		got <- delivery{header: r.Header.Clone(), body: body}
		w.WriteHeader(http.StatusNoContent)
	}))
	ln, err := issuersim.HostListener(ctx)
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, got
}

// createCard creates a VIRTUAL card for the fixtures' customer and returns its id.
func createCard(t *testing.T, ctx context.Context, ctr *issuersim.Container, token, name string) int64 {
	t.Helper()
	body := fmt.Sprintf(`{"name":%q,"type":"VIRTUAL","transaction_limit":"500.00"}`, name)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ctr.BaseURL()+"/wallet/v2/cards", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("authorization", "Bearer "+token)
	req.Header.Set("x-customer-id", fmt.Sprint(issuersim.FixtureCustomerID))
	req.Header.Set("content-type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("create card: %v", err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create card: %d %s", resp.StatusCode, answer)
	}
	var card struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(answer, &card); err != nil || card.ID == 0 {
		t.Fatalf("create card: no id in %s (%v)", answer, err)
	}
	return card.ID
}

// verifySignature checks a Standard Webhooks signature: v1,base64(HMAC-SHA256(key, id.timestamp.body)).
func verifySignature(secret string, d delivery) error {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return fmt.Errorf("secret: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%s.%s", d.header.Get("webhook-id"), d.header.Get("webhook-timestamp"), d.body)
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, sig := range strings.Fields(d.header.Get("webhook-signature")) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return nil
		}
	}
	return errors.New("no signature matches")
}

// TestRunCardToHostReceiver is the module's whole promise: start the simulator, create a card, receive its
// create-1 at a receiver on the test's host, find the same event in the log, and terminate the container.
func TestRunCardToHostReceiver(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	receiver, deliveries := startReceiver(t, ctx)
	const secret = "whsec_c2ltdWxhdG9yLXRlc3Qtc2VjcmV0LTEyMzQ1Ng=="

	start := time.Now()
	ctr, err := issuersim.Run(ctx, testImage,
		issuersim.WithHostWebhook(receiver.URL+"/hook"),
		issuersim.WithWebhookSecret(secret),
	)
	testcontainers.CleanupContainer(t, ctr)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Run to healthy: %s", time.Since(start).Round(time.Millisecond))

	token, err := ctr.Token(ctx, issuersim.FixtureAccountID)
	if err != nil {
		t.Fatal(err)
	}
	cardID := createCard(t, ctx, ctr, token, "Groceries")

	var got issuersim.Event
	var d delivery
	for got.Type != "create-1" {
		select {
		case d = <-deliveries:
			if got, err = issuersim.ParseEvent(d.body); err != nil {
				t.Fatal(err)
			}
		case <-ctx.Done():
			t.Fatalf("no create-1 reached the receiver on the host: %v", ctx.Err())
		}
	}
	if d.header.Get("webhook-id") == "" {
		t.Errorf("the delivery has no webhook-id header")
	}
	if err := verifySignature(ctr.WebhookSecret(), d); err != nil {
		t.Errorf("the delivery's signature under WithWebhookSecret: %v", err)
	}
	var data struct {
		CardID int64 `json:"card_id"`
	}
	if err := json.Unmarshal(got.Data, &data); err != nil || data.CardID != cardID {
		t.Errorf("create-1 delivered for card %d (%v), want %d: %s", data.CardID, err, cardID, got.Data)
	}

	logged, err := ctr.Events(ctx, issuersim.EventQuery{Type: "create-1", CardID: cardID})
	if err != nil {
		t.Fatal(err)
	}
	if len(logged) != 1 || logged[0].ID != got.ID || !bytes.Equal(logged[0].Raw, got.Raw) {
		t.Errorf("the log's create-1 of card %d is not the delivered one byte for byte: logged %d events", cardID, len(logged))
	}

	// The admin API listens on the container's every interface: without the module's admin token it refuses.
	for _, auth := range []string{"", "Bearer wrong"} {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ctr.BaseURL()+"/_sim/fixtures", nil)
		if auth != "" {
			req.Header.Set("authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET /_sim/fixtures with authorization %q: %d, want 401", auth, resp.StatusCode)
		}
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ctr.BaseURL()+"/_sim/fixtures", nil)
	req.Header.Set("authorization", "Bearer "+ctr.AdminToken())
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("GET /_sim/fixtures with the module's admin token: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	if err := ctr.Terminate(ctx); err != nil {
		t.Fatalf("terminate: %v", err)
	}
	if _, err := ctr.State(ctx); err == nil {
		t.Errorf("the container still exists after Terminate")
	}
}

// TestRunOptions starts one container with serve's defaults and one with every option set, and reads each
// setting back through the admin API or the log.
func TestRunOptions(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	fixtures := filepath.Join(t.TempDir(), "fixtures.json")
	dataset, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "default.json"))
	if err != nil {
		t.Skipf("the repository's fixtures are not here: %v", err)
	}
	dataset = bytes.Replace(dataset, []byte(`"Sandbox Bank"`), []byte(`"Container Test Bank"`), 1)
	if err := os.WriteFile(fixtures, dataset, 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)

	tests := []struct {
		name    string
		opts    []testcontainers.ContainerCustomizer
		virtual bool
		orgName string
		ttl     time.Duration
		debug   bool
	}{
		{name: "defaults", virtual: false, orgName: "Sandbox Bank", ttl: time.Hour},
		{name: "every option", opts: []testcontainers.ContainerCustomizer{
			issuersim.WithSeed(7),
			issuersim.WithClock(start),
			issuersim.WithFixtures(fixtures),
			issuersim.WithTokenTTL(720 * time.Hour),
			issuersim.WithLogLevel("debug"),
		}, virtual: true, orgName: "Container Test Bank", ttl: 720 * time.Hour, debug: true},
	}
	tenants := map[string]string{} // case -> id of the tenant named "same" under its seed
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctr, err := issuersim.Run(ctx, testImage, tt.opts...)
			testcontainers.CleanupContainer(t, ctr)
			if err != nil {
				t.Fatal(err)
			}
			admin := ctr.Admin()

			health, err := admin.GetHealthWithResponse(ctx)
			if err != nil || health.JSON200 == nil {
				t.Fatalf("health: %v", err)
			}
			if health.JSON200.Version != issuersim.Version {
				t.Errorf("the image reports version %s, the module is %s: release them together", health.JSON200.Version, issuersim.Version)
			}

			clk, err := admin.GetClockWithResponse(ctx, nil)
			if err != nil || clk.JSON200 == nil {
				t.Fatalf("clock: %v", err)
			}
			if clk.JSON200.Virtual != tt.virtual {
				t.Errorf("virtual clock = %v, want %v", clk.JSON200.Virtual, tt.virtual)
			}
			if tt.virtual && !clk.JSON200.Now.Equal(start) {
				t.Errorf("the virtual clock reads %s, want %s", clk.JSON200.Now, start)
			}

			fx, err := admin.ListFixturesWithResponse(ctx)
			if err != nil || fx.JSON200 == nil {
				t.Fatalf("fixtures: %v", err)
			}
			if !bytes.Contains(fx.Body, []byte(`"`+tt.orgName+`"`)) {
				t.Errorf("the loaded fixtures do not name %q", tt.orgName)
			}

			account := issuersim.FixtureAccountID
			tok, err := admin.IssueTestTokenWithResponse(ctx, simadminclient.TokenRequest{AccountId: &account})
			if err != nil || tok.JSON200 == nil {
				t.Fatalf("token: %v", err)
			}
			if tt.virtual {
				if got := tok.JSON200.ExpiresAt.Sub(start); got != tt.ttl {
					t.Errorf("token lives %s on the virtual clock, want %s", got, tt.ttl)
				}
				if err := ctr.AdvanceClock(ctx, "", 90*time.Minute); err != nil {
					t.Errorf("advance: %v", err)
				}
			} else if err := ctr.AdvanceClock(ctx, "", time.Minute); err == nil {
				t.Errorf("advancing the real clock succeeded")
			}

			if tenants[tt.name], err = ctr.NewTenant(ctx, "same"); err != nil {
				t.Fatal(err)
			}

			logs, err := ctr.Logs(ctx)
			if err != nil {
				t.Fatal(err)
			}
			out, _ := io.ReadAll(logs)
			logs.Close()
			if got := bytes.Contains(out, []byte("level=DEBUG")); got != tt.debug {
				t.Errorf("debug lines in the log: %v, want %v", got, tt.debug)
			}
		})
	}
	if tenants["defaults"] != "" && tenants["defaults"] == tenants["every option"] {
		t.Errorf("seeds 1 and 7 named the same tenant %s: the seed did not reach the simulator", tenants["defaults"])
	}
}

// BenchmarkRun times Run, from the request to a healthy /_sim/health, one container at a time; terminating
// it is not timed. docs/container.md has the figures.
func BenchmarkRun(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		ctr, err := issuersim.Run(ctx, testImage)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if err := ctr.Terminate(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
