package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/issuersim/issuersim/sim"
	"github.com/issuersim/issuersim/sim/clock"
)

// serveFlags are serve's options. Each has an ISSUERSIM_* environment variable that sets its default.
type serveFlags struct {
	pprof         string // loopback address of the profiles, or empty
	addr          string
	seed          uint64
	clock         string
	webhook       string
	webhookSecret string
	fixtures      string
	pciDelay      time.Duration
	tokenTTL      time.Duration
	logLevel      string
	logFormat     string
	store         string
}

// parseServeFlags reads flags over environment defaults and checks every value, naming the flag at fault.
func parseServeFlags(args []string, getenv func(string) string, stderr io.Writer) (serveFlags, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var f serveFlags
	var seed, delay, ttl string
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.addr, "addr", env("ISSUERSIM_ADDR", "127.0.0.1:8080"), "host:port to listen on (ISSUERSIM_ADDR)")
	fs.StringVar(&seed, "seed", env("ISSUERSIM_SEED", "1"), "seed of every generated value (ISSUERSIM_SEED)")
	fs.StringVar(&f.clock, "clock", env("ISSUERSIM_CLOCK", ""), "start a virtual clock at this RFC 3339 time; empty for the real clock (ISSUERSIM_CLOCK)")
	fs.StringVar(&f.webhook, "webhook", env("ISSUERSIM_WEBHOOK", ""), "URL that receives every event by POST (ISSUERSIM_WEBHOOK)")
	fs.StringVar(&f.webhookSecret, "webhook-secret", env("ISSUERSIM_WEBHOOK_SECRET", ""), "Standard Webhooks secret (whsec_<base64>); derived from the seed when empty (ISSUERSIM_WEBHOOK_SECRET)")
	fs.StringVar(&f.fixtures, "fixtures", env("ISSUERSIM_FIXTURES", ""), "fixture dataset file; empty for the embedded default (ISSUERSIM_FIXTURES)")
	fs.StringVar(&delay, "pci-delay", env("ISSUERSIM_PCI_DELAY", "0s"), "delay of a new card's PCI data and create-1 on the simulator's clock (ISSUERSIM_PCI_DELAY)")
	fs.StringVar(&ttl, "token-ttl", env("ISSUERSIM_TOKEN_TTL", "1h"), "how long issued tokens live on their tenant's clock, as the vendor's do (ISSUERSIM_TOKEN_TTL)")
	fs.StringVar(&f.logLevel, "log-level", env("ISSUERSIM_LOG_LEVEL", "info"), "debug, info, warn or error (ISSUERSIM_LOG_LEVEL)")
	fs.StringVar(&f.logFormat, "log-format", env("ISSUERSIM_LOG_FORMAT", "text"), "text or json (ISSUERSIM_LOG_FORMAT)")
	fs.StringVar(&f.pprof, "pprof", env("ISSUERSIM_PPROF", ""), "serve Go profiles on this loopback host:port, such as 127.0.0.1:6060; off when empty (ISSUERSIM_PPROF)")
	fs.StringVar(&f.store, "store", env("ISSUERSIM_STORE", ""), "empty to keep state in memory, or a postgres:// URL of a database that keeps it across restarts and replicas (ISSUERSIM_STORE)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return f, flag.ErrHelp
		}
		return f, errUsage
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("serve takes no arguments, got %q", fs.Args())
	}
	var err error
	if f.seed, err = strconv.ParseUint(seed, 10, 64); err != nil {
		return f, fmt.Errorf("--seed %q: must be a whole number from 0 to %d", seed, uint64(1<<64-1))
	}
	if f.pciDelay, err = time.ParseDuration(delay); err != nil || f.pciDelay < 0 {
		return f, fmt.Errorf("--pci-delay %q: must be a duration of zero or more, such as 2s", delay)
	}
	if f.tokenTTL, err = time.ParseDuration(ttl); err != nil || f.tokenTTL < time.Second {
		return f, fmt.Errorf("--token-ttl %q: must be a duration of a second or more, such as 1h or 720h", ttl)
	}
	if f.clock != "" {
		if _, err := time.Parse(time.RFC3339, f.clock); err != nil {
			return f, fmt.Errorf("--clock %q: must be an RFC 3339 time such as 2026-01-01T00:00:00Z", f.clock)
		}
	}
	if f.webhook != "" {
		u, err := url.Parse(f.webhook)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return f, fmt.Errorf("--webhook %q: must be an http or https URL", f.webhook)
		}
	}
	if _, _, err := net.SplitHostPort(f.addr); err != nil {
		return f, fmt.Errorf("--addr %q: must be host:port: %v", f.addr, err)
	}
	switch f.logFormat {
	case "text", "json":
	default:
		return f, fmt.Errorf("--log-format %q: must be text or json", f.logFormat)
	}
	if f.store != "" && !sim.IsPostgres(f.store) {
		return f, fmt.Errorf("--store: must be empty (state in memory) or a postgres:// URL")
	}
	return f, nil
}

func (f serveFlags) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level %q: must be debug, info, warn or error", f.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	if f.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	f, err := parseServeFlags(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	log, err := f.logger(stderr)
	if err != nil {
		return err
	}
	cfg := sim.Config{Seed: f.seed, WebhookURL: f.webhook, WebhookSecret: f.webhookSecret, PCIDelay: f.pciDelay, TokenTTL: f.tokenTTL, Logger: log}
	cfg.Store = f.store
	clockDesc := "real clock"
	if f.clock != "" {
		start, _ := time.Parse(time.RFC3339, f.clock)
		cfg.Clock = clock.NewVirtual(start)
		clockDesc = "virtual clock at " + start.UTC().Format(time.RFC3339)
	}
	if f.fixtures != "" {
		if cfg.Fixtures, err = os.ReadFile(f.fixtures); err != nil {
			return fmt.Errorf("--fixtures: %w", err)
		}
	}
	s, err := sim.New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", f.addr, err)
	}
	if f.pprof != "" {
		at, stop, err := startPprof(f.pprof)
		if err != nil {
			_ = ln.Close()
			return err
		}
		defer stop()
		fmt.Fprintf(stdout, "profiles on http://%s/debug/pprof/\n", at)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	base := "http://" + ln.Addr().String()
	org := s.Dataset().Orgs[0]
	fmt.Fprintf(stdout, "issuersim %s serving on %s (seed %d, %s, %d orgs)\n", sim.Version, base, f.seed, clockDesc, len(s.Dataset().Orgs))
	if len(org.Credentials) > 0 && len(org.Accounts) > 0 {
		fmt.Fprintf(stdout, "get a token:  curl -s -X POST %s/passport/v2/s2s/access-token -H 'content-type: application/json' -d '{\"server_key\":%q,\"server_secret\":%q,\"account_id\":%d}'\n",
			base, org.Credentials[0].ServerKey, org.Credentials[0].ServerSecret, org.Accounts[0].ID)
	}
	if f.webhook != "" {
		fmt.Fprintf(stdout, "events go to %s, signed with %s\n", f.webhook, strings.TrimSpace(s.WebhookSecret()))
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Run(runCtx) }()
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	cancel()
	<-done
	s.Close()
	return nil
}
