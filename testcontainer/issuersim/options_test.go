package issuersim

import (
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestOptionsEnv: each option becomes the serve flag's environment variable, and only the seed, token TTL
// and log level are always written.
func TestOptionsEnv(t *testing.T) {
	fixtures := filepath.Join(t.TempDir(), "fixtures.json")
	if err := os.WriteFile(fixtures, []byte(`{"orgs":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	base := map[string]string{"ISSUERSIM_SEED": "1", "ISSUERSIM_TOKEN_TTL": "1h0m0s", "ISSUERSIM_LOG_LEVEL": "info"}
	with := func(extra map[string]string) map[string]string {
		m := maps.Clone(base)
		maps.Copy(m, extra)
		return m
	}
	tests := []struct {
		name        string
		opts        []Option
		env         map[string]string
		hostGateway bool
	}{
		{"defaults", nil, base, false},
		{"seed", []Option{WithSeed(7)}, with(map[string]string{"ISSUERSIM_SEED": "7"}), false},
		{"clock in UTC", []Option{WithClock(time.Date(2026, 1, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600)))},
			with(map[string]string{"ISSUERSIM_CLOCK": "2026-01-01T00:00:00Z"}), false},
		{"fixtures copied to a fixed path", []Option{WithFixtures(fixtures)}, with(map[string]string{"ISSUERSIM_FIXTURES": "/fixtures.json"}), false},
		{"webhook as given", []Option{WithWebhook("http://receiver:9000/hook")},
			with(map[string]string{"ISSUERSIM_WEBHOOK": "http://receiver:9000/hook"}), false},
		{"host webhook through the host gateway", []Option{WithHostWebhook("http://172.17.0.1:41234/hook?x=1")},
			with(map[string]string{"ISSUERSIM_WEBHOOK": "http://host.docker.internal:41234/hook?x=1"}), true},
		{"webhook secret", []Option{WithWebhookSecret("whsec_c2ltdWxhdG9yLXRlc3Qtc2VjcmV0LTEyMzQ1Ng==")}, with(map[string]string{"ISSUERSIM_WEBHOOK_SECRET": "whsec_c2ltdWxhdG9yLXRlc3Qtc2VjcmV0LTEyMzQ1Ng=="}), false},
		{"admin token", []Option{WithAdminToken("t0ken")}, with(map[string]string{"ISSUERSIM_ADMIN_TOKEN": "t0ken"}), false},
		{"token TTL", []Option{WithTokenTTL(720 * time.Hour)}, with(map[string]string{"ISSUERSIM_TOKEN_TTL": "720h0m0s"}), false},
		{"PCI delay", []Option{WithPCIDelay(2 * time.Second)}, with(map[string]string{"ISSUERSIM_PCI_DELAY": "2s"}), false},
		{"log level", []Option{WithLogLevel("debug")}, with(map[string]string{"ISSUERSIM_LOG_LEVEL": "debug"}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := defaultOptions()
			for _, opt := range tt.opts {
				if err := opt(&o); err != nil {
					t.Fatalf("option refused: %v", err)
				}
			}
			if got := o.env(); !maps.Equal(got, tt.env) {
				t.Errorf("env = %v, want %v", got, tt.env)
			}
			if o.hostGateway != tt.hostGateway {
				t.Errorf("hostGateway = %v, want %v", o.hostGateway, tt.hostGateway)
			}
		})
	}
}

// TestOptionsRefused: a bad value is refused by its option, before any container starts.
func TestOptionsRefused(t *testing.T) {
	tests := []struct {
		name string
		opt  Option
	}{
		{"zero clock", WithClock(time.Time{})},
		{"missing fixtures", WithFixtures(filepath.Join(t.TempDir(), "none.json"))},
		{"fixtures directory", WithFixtures(t.TempDir())},
		{"webhook not http", WithWebhook("ftp://receiver/hook")},
		{"webhook relative", WithWebhook("/hook")},
		{"host webhook without port", WithHostWebhook("http://172.17.0.1/hook")},
		{"secret without whsec_", WithWebhookSecret("c2VjcmV0")},
		{"token TTL under a second", WithTokenTTL(time.Millisecond)},
		{"negative PCI delay", WithPCIDelay(-time.Second)},
		{"log level", WithLogLevel("verbose")},
		{"startup timeout", WithStartupTimeout(0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := defaultOptions()
			if err := tt.opt(&o); err == nil {
				t.Errorf("accepted; want an error")
			}
		})
	}
}
