package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestParseServeFlags checks defaults, environment overrides and that every bad value names its flag.
func TestParseServeFlags(t *testing.T) {
	noEnv := func(string) string { return "" }
	f, err := parseServeFlags(nil, noEnv, io.Discard)
	if err != nil || f.addr != "127.0.0.1:8080" || f.seed != 1 || f.clock != "" || f.pciDelay != 0 || f.tokenTTL != time.Hour {
		t.Fatalf("defaults = %+v, %v", f, err)
	}
	env := map[string]string{"ISSUERSIM_ADDR": "127.0.0.1:9090", "ISSUERSIM_SEED": "7", "ISSUERSIM_CLOCK": "2026-01-01T00:00:00Z", "ISSUERSIM_TOKEN_TTL": "720h"}
	f, err = parseServeFlags([]string{"--seed", "9"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil || f.addr != "127.0.0.1:9090" || f.seed != 9 || f.clock != "2026-01-01T00:00:00Z" || f.tokenTTL != 720*time.Hour {
		t.Fatalf("env and flags = %+v, %v", f, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--seed", "-1"}, "--seed"},
		{[]string{"--clock", "yesterday"}, "--clock"},
		{[]string{"--pci-delay", "soon"}, "--pci-delay"},
		{[]string{"--token-ttl", "0s"}, "--token-ttl"},
		{[]string{"--webhook", "ftp://x"}, "--webhook"},
		{[]string{"--addr", "8080"}, "--addr"},
		{[]string{"--log-format", "xml"}, "--log-format"},
		{[]string{"--log-level", "loud"}, "--log-level"},
		{[]string{"--clock", "10000-01-01T00:00:00Z"}, "--clock"},
		{[]string{"--webhook-secret", "whsec_c2VjcmV0"}, "--webhook-secret"},
		{[]string{"--webhook-secret", "not-a-secret"}, "--webhook-secret"},
		{[]string{"--webhook", "http://127.0.0.1:9/hook", "--webhook-secret", "whsec_***"}, "--webhook-secret"},
		{[]string{"--max-body", "0"}, "--max-body"},
		{[]string{"--max-body", "1GB"}, "--max-body"},
		{[]string{"--read-timeout", "0s"}, "--read-timeout"},
		{[]string{"--read-header-timeout", "soon"}, "--read-header-timeout"},
		{[]string{"--write-timeout", "-1s"}, "--write-timeout"},
		{[]string{"--idle-timeout", "x"}, "--idle-timeout"},
		{[]string{"--shutdown-timeout", "0"}, "--shutdown-timeout"},
		{[]string{"--admin-token", "two words"}, "--admin-token"},
		{[]string{"extra"}, "no arguments"},
	} {
		if _, err := parseServeFlags(tc.args, noEnv, io.Discard); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want it to name %s", tc.args, err, tc.want)
		}
	}
}

// TestBadEnvironmentNamesTheVariable: a bad value from the environment is blamed on the variable, a bad flag
// on the flag, and a secret is never echoed.
func TestBadEnvironmentNamesTheVariable(t *testing.T) {
	for _, tc := range []struct {
		env, value, want string
	}{
		{"ISSUERSIM_SEED", "abc", `ISSUERSIM_SEED "abc"`},
		{"ISSUERSIM_CLOCK", "yesterday", `ISSUERSIM_CLOCK "yesterday"`},
		{"ISSUERSIM_ADDR", "8080", `ISSUERSIM_ADDR "8080"`},
		{"ISSUERSIM_PCI_DELAY", "soon", "ISSUERSIM_PCI_DELAY"},
		{"ISSUERSIM_TOKEN_TTL", "0s", "ISSUERSIM_TOKEN_TTL"},
		{"ISSUERSIM_LOG_FORMAT", "xml", "ISSUERSIM_LOG_FORMAT"},
		{"ISSUERSIM_LOG_LEVEL", "loud", "ISSUERSIM_LOG_LEVEL"},
		{"ISSUERSIM_MAX_BODY", "lots", "ISSUERSIM_MAX_BODY"},
		{"ISSUERSIM_READ_TIMEOUT", "x", "ISSUERSIM_READ_TIMEOUT"},
		{"ISSUERSIM_WEBHOOK", "ftp://x", "ISSUERSIM_WEBHOOK"},
		{"ISSUERSIM_WEBHOOK_SECRET", "whsec_c2VjcmV0", "ISSUERSIM_WEBHOOK_SECRET: must be whsec_"},
	} {
		t.Run(tc.env, func(t *testing.T) {
			_, err := parseServeFlags(nil, func(k string) string {
				if k == tc.env {
					return tc.value
				}
				return ""
			}, io.Discard)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "--") {
				t.Fatalf("err = %v, want it to start with %s and name no flag", err, tc.want)
			}
			if strings.Contains(tc.env, "SECRET") && strings.Contains(err.Error(), tc.value) {
				t.Errorf("the error echoes the secret: %v", err)
			}
		})
	}
	env := map[string]string{"ISSUERSIM_SEED": "abc"}
	if _, err := parseServeFlags([]string{"--seed", "xyz"}, func(k string) string { return env[k] }, io.Discard); err == nil || !strings.HasPrefix(err.Error(), `--seed "xyz"`) {
		t.Fatalf("a flag over a bad variable: err = %v, want the flag named", err)
	}
	if _, err := parseServeFlags([]string{"--seed", "5"}, func(k string) string { return env[k] }, io.Discard); err != nil {
		t.Fatalf("a good flag over a bad variable: %v", err)
	}
}

// TestLimitsFlags: the limits' defaults, and values read from flags and environment.
func TestLimitsFlags(t *testing.T) {
	f, err := parseServeFlags(nil, func(string) string { return "" }, io.Discard)
	if err != nil || f.maxBody != 1<<20 || f.limits.ReadHeaderTimeout != 10*time.Second || f.limits.ReadTimeout != 30*time.Second ||
		f.limits.WriteTimeout != time.Minute || f.limits.IdleTimeout != 2*time.Minute || f.shutdownTimeout != 10*time.Second || f.adminToken != "" {
		t.Fatalf("defaults = %+v, %v", f, err)
	}
	env := map[string]string{"ISSUERSIM_MAX_BODY": "64KiB", "ISSUERSIM_ADMIN_TOKEN": "t0ken"}
	f, err = parseServeFlags([]string{"--read-timeout", "5s", "--idle-timeout", "1m"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil || f.maxBody != 64<<10 || f.limits.ReadTimeout != 5*time.Second || f.limits.IdleTimeout != time.Minute || f.adminToken != "t0ken" {
		t.Fatalf("flags and env = %+v, %v", f, err)
	}
}

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1", 1, true}, {"65536", 65536, true}, {"1KiB", 1024, true}, {"1MiB", 1 << 20, true}, {"0", 0, true},
		{"", 0, false}, {"MiB", 0, false}, {"-1", 0, false}, {"+1", 0, false}, {"1.5MiB", 0, false}, {"1 MiB", 0, false},
		{"1GB", 0, false}, {"9223372036854775807", 1<<63 - 1, true}, {"9223372036854775807KiB", 0, false}, {"99999999999999999999", 0, false},
	} {
		got, err := parseSize(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestLoopbackAndOpenable(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:8080": true, "localhost:8080": true, "[::1]:8080": true, "127.1.2.3:80": true,
		"0.0.0.0:8080": false, ":8080": false, "[::]:8080": false, "192.168.1.10:8080": false, "example.com:80": false, "nonsense": false} {
		if got := loopback(addr); got != want {
			t.Errorf("loopback(%q) = %v, want %v", addr, got, want)
		}
	}
	for _, tc := range []struct {
		requested string
		bound     net.Addr
		want      string
	}{
		{"0.0.0.0:0", &net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, "http://127.0.0.1:8080"},
		{":8080", &net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, "http://127.0.0.1:8080"},
		{"[::]:8080", &net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, "http://[::1]:8080"},
		{"127.0.0.1:0", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9}, "http://127.0.0.1:9"},
		{"10.0.0.2:9", &net.TCPAddr{IP: net.IPv4(10, 0, 0, 2), Port: 9}, "http://10.0.0.2:9"},
	} {
		if got := openable(tc.requested, tc.bound); got != tc.want {
			t.Errorf("openable(%s, %v) = %s, want %s", tc.requested, tc.bound, got, tc.want)
		}
	}
}

// TestServeStartsAndStops runs the real serve command on a free port, calls health, and stops it through its
// context as a SIGTERM would.
func TestServeStartsAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--clock", "2026-01-01T00:00:00Z", "--pci-delay", "2s", "--log-level", "error"}, func(string) string { return "" }, out, io.Discard)
	}()
	addr := regexp.MustCompile(`serving on (http://[0-9.:]+)`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("no serving line in %q", out.String())
	}
	resp, err := http.Get(base + "/_sim/health")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"clock":"2026-01-01T00:00:00Z"`) {
		t.Errorf("health: %d %s", resp.StatusCode, body)
	}
	if !strings.Contains(out.String(), "/passport/v2/s2s/access-token") {
		t.Errorf("startup does not show how to get a token: %q", out.String())
	}
	adminVerbs(t, base)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// TestUnknownCommand proves a wrong command prints the usage and fails.
func TestUnknownCommand(t *testing.T) {
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"serv"}, func(string) string { return "" }, io.Discard, &stderr); !errors.Is(err, errUsage) || !strings.Contains(stderr.String(), "Usage") {
		t.Fatalf("err = %v, stderr %q", err, stderr.String())
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}
func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }

// adminVerbs drives health, jobs and advance against a served simulator started with a 2s PCI delay: a new
// card's numbering job is listed, an advance runs it and reports it, and the list is empty after.
func adminVerbs(t *testing.T, base string) {
	t.Helper()
	env := func(k string) string {
		if k == "ISSUERSIM_URL" {
			return base
		}
		return ""
	}
	verb := func(args ...string) string {
		t.Helper()
		var stdout bytes.Buffer
		if err := run(context.Background(), args, env, &stdout, io.Discard); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return stdout.String()
	}
	if got := verb("health"); !strings.HasPrefix(got, "ok issuersim ") || !strings.Contains(got, "clock 2026-01-01T00:00:00Z") {
		t.Errorf("health printed %q", got)
	}
	resp, err := http.Post(base+"/_sim/tokens", "application/json", strings.NewReader(`{"account_id":8675309}`))
	if err != nil {
		t.Fatal(err)
	}
	var tok struct{ Token string }
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	req, _ := http.NewRequest("POST", base+"/wallet/v2/cards", strings.NewReader(`{"name":"cli","type":"VIRTUAL"}`))
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-customer-id", "103625634")
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("create card: %v %v", resp, err)
	}
	resp.Body.Close()
	if got := verb("jobs"); !strings.Contains(got, "1 job(s)") || !strings.Contains(got, "card.number card:1 due 2026-01-01T00:00:02Z pending") {
		t.Errorf("jobs printed %q", got)
	}
	if got := verb("advance", "--by", "5s"); !strings.Contains(got, "now at 2026-01-01T00:00:05Z; 1 job(s) ran") || !strings.Contains(got, "card.number card:1") || !strings.Contains(got, " done") {
		t.Errorf("advance printed %q", got)
	}
	if got := verb("jobs"); !strings.Contains(got, "0 job(s)") {
		t.Errorf("jobs after the advance printed %q", got)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"advance"}, "--by"},
		{[]string{"advance", "--by", "soon"}, "--by"},
		{[]string{"jobs", "--tenant", "TN-00000000-0000-4000-8000-000000000000"}, "404"},
		{[]string{"health", "--url", "ftp://x"}, "--url"},
	} {
		if err := run(context.Background(), tc.args, env, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want it to name %s", tc.args, err, tc.want)
		}
	}
}

// FuzzParseSize: a size parseSize accepts is a byte count that fits in an int64 and reads back from digits.
func FuzzParseSize(f *testing.F) {
	for _, seed := range []string{"1", "1MiB", "512KiB", "0", "-1", "+1", "1.5MiB", "9223372036854775807", "9223372036854775807KiB", "MiB", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseSize(s)
		if err != nil {
			return
		}
		digits := strings.TrimSuffix(strings.TrimSuffix(s, "MiB"), "KiB")
		if n < 0 || digits == "" || strings.Trim(digits, "0123456789") != "" {
			t.Fatalf("parseSize(%q) = %d", s, n)
		}
	})
}
