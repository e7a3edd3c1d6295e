package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
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
	"github.com/issuersim/issuersim/sim/httpapi"
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
	// adminToken guards /_sim; empty leaves it open on loopback and has serve generate one elsewhere.
	adminToken      string
	maxBody         int64
	limits          httpapi.Limits
	shutdownTimeout time.Duration
}

// parseServeFlags reads flags over environment defaults and checks every value, naming where the bad value
// came from: the flag when it was given, otherwise its environment variable.
func parseServeFlags(args []string, getenv func(string) string, stderr io.Writer) (serveFlags, error) {
	fromEnv := map[string]string{} // flag name -> its environment variable
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	str := func(p *string, name, envName, def, usage string) {
		fromEnv[name] = envName
		if v := getenv(envName); v != "" {
			def = v
		}
		fs.StringVar(p, name, def, usage+" ("+envName+")")
	}
	var f serveFlags
	var seed, delay, ttl, clk, maxBody, readHeader, read, write, idle, shutdown string
	str(&f.addr, "addr", "ISSUERSIM_ADDR", "127.0.0.1:8080", "host:port to listen on")
	str(&seed, "seed", "ISSUERSIM_SEED", "1", "seed of every generated value")
	str(&clk, "clock", "ISSUERSIM_CLOCK", "", "start a virtual clock at this RFC 3339 time; empty for the real clock")
	str(&f.webhook, "webhook", "ISSUERSIM_WEBHOOK", "", "URL that receives every event by POST")
	str(&f.webhookSecret, "webhook-secret", "ISSUERSIM_WEBHOOK_SECRET", "", "Standard Webhooks secret (whsec_<base64>); derived from the seed when empty")
	str(&f.fixtures, "fixtures", "ISSUERSIM_FIXTURES", "", "fixture dataset file; empty for the embedded default")
	str(&delay, "pci-delay", "ISSUERSIM_PCI_DELAY", "0s", "delay of a new card's PCI data and create-1 on the simulator's clock")
	str(&ttl, "token-ttl", "ISSUERSIM_TOKEN_TTL", "1h", "how long issued tokens live on their tenant's clock, as the vendor's do")
	str(&f.logLevel, "log-level", "ISSUERSIM_LOG_LEVEL", "info", "debug, info, warn or error")
	str(&f.logFormat, "log-format", "ISSUERSIM_LOG_FORMAT", "text", "text or json")
	str(&f.adminToken, "admin-token", "ISSUERSIM_ADMIN_TOKEN", "", "bearer token the admin API (/_sim) requires; off loopback one is generated and printed when empty")
	str(&maxBody, "max-body", "ISSUERSIM_MAX_BODY", "1MiB", "largest request body, in bytes or with KiB or MiB (413 beyond it)")
	str(&readHeader, "read-header-timeout", "ISSUERSIM_READ_HEADER_TIMEOUT", "10s", "time a client has to send a request's headers")
	str(&read, "read-timeout", "ISSUERSIM_READ_TIMEOUT", "30s", "time a client has to send a whole request, body included")
	str(&write, "write-timeout", "ISSUERSIM_WRITE_TIMEOUT", "60s", "time to write a response (the event stream is exempt)")
	str(&idle, "idle-timeout", "ISSUERSIM_IDLE_TIMEOUT", "2m", "how long an idle keep-alive connection stays open")
	str(&shutdown, "shutdown-timeout", "ISSUERSIM_SHUTDOWN_TIMEOUT", "10s", "how long SIGTERM waits for requests in flight")
	str(&f.pprof, "pprof", "ISSUERSIM_PPROF", "", "serve Go profiles on this loopback host:port, such as 127.0.0.1:6060; off when empty")
	str(&f.store, "store", "ISSUERSIM_STORE", "", "empty to keep state in memory, or a postgres:// URL of a database that keeps it across restarts and replicas")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return f, flag.ErrHelp
		}
		return f, errUsage
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("serve takes no arguments, got %q", fs.Args())
	}
	given := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { given[fl.Name] = true })
	// bad names the source of a value: --flag when it was given, its environment variable otherwise.
	source := func(name string) string {
		if given[name] {
			return "--" + name
		}
		return fromEnv[name]
	}
	bad := func(name, value, rule string, args ...any) error {
		return fmt.Errorf("%s %q: %s", source(name), value, fmt.Sprintf(rule, args...))
	}
	// badSecret is bad for a value that must not be echoed.
	badSecret := func(name, rule string, args ...any) error {
		return fmt.Errorf("%s: %s", source(name), fmt.Sprintf(rule, args...))
	}
	var err error
	if f.seed, err = strconv.ParseUint(seed, 10, 64); err != nil {
		return f, bad("seed", seed, "must be a whole number from 0 to %d", uint64(1<<64-1))
	}
	if f.pciDelay, err = time.ParseDuration(delay); err != nil || f.pciDelay < 0 {
		return f, bad("pci-delay", delay, "must be a duration of zero or more, such as 2s")
	}
	if f.tokenTTL, err = time.ParseDuration(ttl); err != nil || f.tokenTTL < time.Second {
		return f, bad("token-ttl", ttl, "must be a duration of a second or more, such as 1h or 720h")
	}
	if clk != "" {
		start, err := clock.ParseStart(clk)
		if err != nil {
			return f, bad("clock", clk, "must be an RFC 3339 time from the year 1 to 9999, such as 2026-01-01T00:00:00Z")
		}
		f.clock = start.Format(time.RFC3339Nano)
	}
	if f.webhook != "" {
		u, err := url.Parse(f.webhook)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return f, bad("webhook", f.webhook, "must be an http or https URL")
		}
	}
	// Checked whether or not --webhook is set: subscriptions made later through the admin API sign with it too.
	if f.webhookSecret != "" && !validWebhookSecret(f.webhookSecret) {
		return f, badSecret("webhook-secret", "must be whsec_ followed by the base64 of 24 to 64 random bytes, such as whsec_%s",
			base64.StdEncoding.EncodeToString([]byte("0123456789abcdefghijklmn")))
	}
	if _, _, err := net.SplitHostPort(f.addr); err != nil {
		return f, bad("addr", f.addr, "must be host:port: %v", err)
	}
	switch f.logFormat {
	case "text", "json":
	default:
		return f, bad("log-format", f.logFormat, "must be text or json")
	}
	var level slog.Level
	if level.UnmarshalText([]byte(f.logLevel)) != nil {
		return f, bad("log-level", f.logLevel, "must be debug, info, warn or error")
	}
	if strings.ContainsAny(f.adminToken, " \t\r\n") {
		return f, badSecret("admin-token", "must not hold spaces or line breaks")
	}
	if f.maxBody, err = parseSize(maxBody); err != nil || f.maxBody < 1 {
		return f, bad("max-body", maxBody, "must be a size of a byte or more, such as 1MiB, 512KiB or 65536")
	}
	timeouts := []struct {
		name, value string
		into        *time.Duration
	}{
		{"read-header-timeout", readHeader, &f.limits.ReadHeaderTimeout},
		{"read-timeout", read, &f.limits.ReadTimeout},
		{"write-timeout", write, &f.limits.WriteTimeout},
		{"idle-timeout", idle, &f.limits.IdleTimeout},
		{"shutdown-timeout", shutdown, &f.shutdownTimeout},
	}
	for _, t := range timeouts {
		if *t.into, err = time.ParseDuration(t.value); err != nil || *t.into <= 0 {
			return f, bad(t.name, t.value, "must be a positive duration, such as 30s")
		}
	}
	if f.store != "" && !sim.IsPostgres(f.store) {
		return f, fmt.Errorf("--store: must be empty (state in memory) or a postgres:// URL")
	}
	return f, nil
}

// validWebhookSecret reports whether s is a Standard Webhooks secret: whsec_, then the base64 of 24 to 64 bytes.
func validWebhookSecret(s string) bool {
	key, ok := strings.CutPrefix(s, "whsec_")
	if !ok {
		return false
	}
	b, err := base64.StdEncoding.DecodeString(key)
	return err == nil && len(b) >= 24 && len(b) <= 64
}

func (f serveFlags) logger(w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(f.logLevel)) // checked by parseServeFlags
	opts := &slog.HandlerOptions{Level: level}
	if f.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// loopback reports whether a listen address reaches only this machine: localhost or a loopback IP. An empty
// host, 0.0.0.0, :: or any other name listens where others may connect.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// openable is a URL a user on this machine can open for a listener bound at bound for the requested address: a
// wildcard (0.0.0.0, ::, or no host) is not one, so it becomes the loopback address of the family asked for.
// Go binds 0.0.0.0 to the dual-stack wildcard, [::], which is why the request decides the family.
func openable(requested string, bound net.Addr) string {
	tcp, ok := bound.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return "http://" + bound.String()
	}
	host := "127.0.0.1"
	if h, _, err := net.SplitHostPort(requested); err == nil && strings.Contains(h, ":") {
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(tcp.Port))
}

// newAdminToken returns a token nobody can guess: it is not derived from the seed, which a test suite shares.
func newAdminToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate an admin token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	f, err := parseServeFlags(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	log := f.logger(stderr)
	adminToken, generated := f.adminToken, false
	if adminToken == "" && !loopback(f.addr) {
		if adminToken, err = newAdminToken(); err != nil {
			return err
		}
		generated = true
	}
	cfg := sim.Config{Seed: f.seed, WebhookURL: f.webhook, WebhookSecret: f.webhookSecret, PCIDelay: f.pciDelay, TokenTTL: f.tokenTTL, Logger: log,
		AdminToken: adminToken, MaxBodyBytes: f.maxBody, Store: f.store}
	clockDesc := "real clock"
	if f.clock != "" {
		start, _ := time.Parse(time.RFC3339Nano, f.clock)
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
	srv := httpapi.NewServer(s.Handler(), f.limits, log)
	base := openable(f.addr, ln.Addr())
	org := s.Dataset().Orgs[0]
	listening := ""
	if b := "http://" + ln.Addr().String(); b != base {
		host, _, _ := net.SplitHostPort(f.addr)
		listening = ", listening on every interface at " + net.JoinHostPort(host, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	}
	fmt.Fprintf(stdout, "issuersim %s serving on %s (seed %d, %s, %d orgs%s)\n", sim.Version, base, f.seed, clockDesc, len(s.Dataset().Orgs), listening)
	if len(org.Credentials) > 0 && len(org.Accounts) > 0 {
		fmt.Fprintf(stdout, "get a token:  curl -s -X POST %s/passport/v2/s2s/access-token -H 'content-type: application/json' -d '{\"server_key\":%q,\"server_secret\":%q,\"account_id\":%d}'\n",
			base, org.Credentials[0].ServerKey, org.Credentials[0].ServerSecret, org.Accounts[0].ID)
	}
	switch {
	case generated:
		fmt.Fprintf(stdout, "the admin API (/_sim) is not on loopback, so it needs a token: send -H 'authorization: Bearer %s' (printed once; choose your own with --admin-token or ISSUERSIM_ADMIN_TOKEN)\n", adminToken)
	case adminToken != "":
		fmt.Fprintln(stdout, "the admin API (/_sim) needs the token of --admin-token: send it as -H 'authorization: Bearer <token>'")
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
	// The contracts load while serve already answers (each request waits for its own API's); one that cannot
	// load is a broken build, reported and fatal.
	loadErr := make(chan error, 1)
	go func() {
		if err := s.Ready(runCtx); err != nil && runCtx.Err() == nil {
			loadErr <- err
		}
	}()
	select {
	case err := <-serveErr:
		cancel()
		<-done
		return fmt.Errorf("serve: %w", err)
	case err := <-loadErr:
		_ = srv.Close()
		cancel()
		<-done
		s.Close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: answering the requests in flight, refusing new connections")
	shutdownCtx, stop := context.WithTimeout(context.Background(), f.shutdownTimeout)
	defer stop()
	shutdownErr := srv.Shutdown(shutdownCtx)
	if errors.Is(shutdownErr, context.DeadlineExceeded) {
		_ = srv.Close()
	}
	cancel()
	<-done
	s.Close()
	if shutdownErr != nil && !errors.Is(shutdownErr, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: requests still in flight after --shutdown-timeout %s: %w", f.shutdownTimeout, shutdownErr)
	}
	return nil
}
