package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

// served is a serve command running for a test on a free port.
type served struct {
	base           string
	stdout, stderr *syncBuffer
	stop           func() error // cancels serve as SIGTERM would and returns what it returned
}

// startServe runs `serve args…` until the test ends (or stop is called), and waits for its serving line.
func startServe(t *testing.T, args ...string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve"}, args...), func(string) string { return "" }, s.stdout, s.stderr)
	}()
	var result error
	stopped := false
	s.stop = func() error {
		if !stopped {
			stopped = true
			cancel()
			select {
			case result = <-done:
			case <-time.After(20 * time.Second):
				result = fmt.Errorf("serve did not stop within 20 s")
			}
		}
		return result
	}
	t.Cleanup(func() { _ = s.stop() })
	addr := regexp.MustCompile(`serving on (http://[^ ]+) `)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := addr.FindStringSubmatch(s.stdout.String()); m != nil {
			s.base = m[1]
			return s
		}
		select {
		case err := <-done:
			stopped, result = true, err
			t.Fatalf("serve ended at start: %v; stderr %s", err, s.stderr.String())
		default:
		}
	}
	t.Fatalf("no serving line in %q", s.stdout.String())
	return nil
}

// call sends one request and returns its status and body.
func call(t *testing.T, method, url, body string, headers ...string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// TestServeOffLoopback: on 0.0.0.0 serve prints an address a user can open and a generated admin token, once;
// /_sim refuses calls without it (401), takes them with it, and keeps health open; the vendor APIs keep their
// own authentication; the CLI verbs send the token they are given.
func TestServeOffLoopback(t *testing.T) {
	s := startServe(t, "--addr", "0.0.0.0:0", "--clock", "2026-01-01T00:00:00Z", "--log-level", "error")
	if !strings.HasPrefix(s.base, "http://127.0.0.1:") || !strings.Contains(s.stdout.String(), "listening on every interface at 0.0.0.0:") {
		t.Errorf("serving line %q: want an address a user can open and the interfaces it listens on", s.stdout.String())
	}
	m := regexp.MustCompile(`needs a token: send -H 'authorization: Bearer ([0-9a-f]+)'`).FindStringSubmatch(s.stdout.String())
	if m == nil {
		t.Fatalf("the start-up lines do not say how to get the admin token: %q", s.stdout.String())
	}
	token := m[1]
	if n := strings.Count(s.stdout.String(), token); n != 1 {
		t.Errorf("the admin token is printed %d times, want once", n)
	}
	for _, tc := range []struct {
		name, method, path, body string
		headers                  []string
		want                     int
	}{
		{"tokens without the admin token", "POST", "/_sim/tokens", `{"account_id":8675309}`, nil, 401},
		{"tokens with a wrong one", "POST", "/_sim/tokens", `{"account_id":8675309}`, []string{"Authorization", "Bearer nope"}, 401},
		{"the credentials without it", "GET", "/_sim/fixtures", "", nil, 401},
		{"events without it", "GET", "/_sim/events", "", nil, 401},
		{"tokens with it", "POST", "/_sim/tokens", `{"account_id":8675309}`, []string{"Authorization", "Bearer " + token}, 200},
		{"the credentials with it", "GET", "/_sim/fixtures", "", []string{"Authorization", "Bearer " + token}, 200},
		{"health, open", "GET", "/_sim/health", "", nil, 200},
		{"the vendor's token endpoint, its own credentials", "POST", "/passport/v2/s2s/access-token",
			`{"server_key":"sandbox-server-key","server_secret":"sandbox-server-secret","account_id":8675309}`, nil, 201},
		{"a vendor API with the admin token is not authenticated", "GET", "/wallet/v1/cards/1", "", []string{"Authorization", "Bearer " + token, "x-customer-id", "103625634"}, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := call(t, tc.method, s.base+tc.path, tc.body, tc.headers...)
			if status != tc.want {
				t.Fatalf("%d %s, want %d", status, body, tc.want)
			}
			if status == 401 && strings.HasPrefix(tc.path, "/_sim") && !strings.Contains(string(body), "admin token") {
				t.Errorf("the 401 does not say what is needed: %s", body)
			}
		})
	}
	var out bytes.Buffer
	getenv := func(k string) string {
		if k == "ISSUERSIM_URL" {
			return s.base
		}
		return ""
	}
	if err := run(context.Background(), []string{"jobs"}, getenv, &out, io.Discard); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("jobs without the token: %v", err)
	}
	if err := run(context.Background(), []string{"jobs", "--admin-token", token}, getenv, &out, io.Discard); err != nil {
		t.Errorf("jobs with the token: %v", err)
	}
	if err := s.stop(); err != nil {
		t.Fatalf("serve returned %v", err)
	}
}

// TestServeAdminTokenOnLoopback: on loopback the admin API stays open, unless --admin-token asks for a token;
// a token the user chose is not printed.
func TestServeAdminTokenOnLoopback(t *testing.T) {
	open := startServe(t, "--addr", "127.0.0.1:0", "--log-level", "error")
	if status, body := call(t, "POST", open.base+"/_sim/tokens", `{"account_id":8675309}`); status != 200 {
		t.Fatalf("loopback without a token: %d %s", status, body)
	}
	if strings.Contains(open.stdout.String(), "admin API") {
		t.Errorf("loopback start-up speaks of an admin token: %q", open.stdout.String())
	}
	chosen := startServe(t, "--addr", "127.0.0.1:0", "--admin-token", "my-own-token", "--log-level", "error")
	if status, _ := call(t, "POST", chosen.base+"/_sim/tokens", `{"account_id":8675309}`); status != 401 {
		t.Fatalf("--admin-token on loopback without it: %d", status)
	}
	if status, body := call(t, "POST", chosen.base+"/_sim/tokens", `{"account_id":8675309}`, "Authorization", "Bearer my-own-token"); status != 200 {
		t.Fatalf("--admin-token with it: %d %s", status, body)
	}
	if strings.Contains(chosen.stdout.String(), "my-own-token") {
		t.Errorf("a chosen token is printed: %q", chosen.stdout.String())
	}
}

// TestServeJSONLogs runs a full flow against serve with debug JSON logs (tokens from the vendor's endpoint, a
// card, its PAN and CVV, a PIN and a PIN block, webhook deliveries, refusals, a HEAD, a broken chunked body, a
// client gone mid-response) and checks that every line the process logged parses as JSON, that none is an
// error, and that none holds a PAN, CVV, PIN, PIN block, token or secret seen on the wire.
func TestServeJSONLogs(t *testing.T) {
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.Copy(io.Discard, r.Body) }))
	defer hook.Close()
	const secret = "whsec_c2ltdWxhdG9yLXRlc3Qtc2VjcmV0LTEyMzQ1Ng=="
	s := startServe(t, "--addr", "127.0.0.1:0", "--clock", "2026-01-01T00:00:00Z", "--log-format", "json", "--log-level", "debug",
		"--webhook", hook.URL+"/hook", "--webhook-secret", secret, "--admin-token", "admin-secret-token")
	secrets := map[string]string{secret: "webhook secret", "admin-secret-token": "admin token", "sandbox-server-secret": "server secret"}
	admin := []string{"Authorization", "Bearer admin-secret-token"}
	// seen remembers the secret fields of a response body.
	seen := func(body []byte) {
		var doc map[string]any
		if json.Unmarshal(body, &doc) != nil {
			return
		}
		for _, k := range []string{"card_number", "cvv", "pin", "pinblock", "token", "access_token"} {
			if v, ok := doc[k].(string); ok && len(v) >= 3 {
				secrets[v] = k
			}
		}
	}
	status, body := call(t, "POST", s.base+"/passport/v2/s2s/access-token", `{"server_key":"sandbox-server-key","server_secret":"sandbox-server-secret","account_id":8675309}`)
	if status != 201 {
		t.Fatalf("passport: %d %s", status, body)
	}
	seen(body)
	var tok struct{ Token string }
	_ = json.Unmarshal(body, &tok)
	user := []string{"Authorization", "Bearer " + tok.Token, "x-customer-id", "103625634"}
	for i := range 40 {
		status, body := call(t, "POST", s.base+"/wallet/v2/cards", fmt.Sprintf(`{"name":"Card %d","type":"VIRTUAL","metadata":{"note":%q}}`, i, strings.Repeat("n", 3000)), user...)
		if status != 201 {
			t.Fatalf("create: %d %s", status, body)
		}
	}
	status, body = call(t, "GET", s.base+"/pcicards/v2/pcicards/info/1", "", user...)
	if status != 200 {
		t.Fatalf("PCI info: %d %s", status, body)
	}
	seen(body)
	if status, body = call(t, "PUT", s.base+"/pcicards/v2/pcicards/card/1", `{"pin":"2468"}`, user...); status >= 300 {
		t.Fatalf("set PIN: %d %s", status, body)
	}
	secrets["2468"] = "pin"
	status, body = call(t, "GET", s.base+"/pcicards/v1/pcicards/1/pinblock?key-id=7d14ca2e-1057-11ee-8cee-060f666de710", "", user...)
	seen(body)
	// Refusals, odd methods and broken transports log too.
	call(t, "POST", s.base+"/wallet/v2/cards", `{"name":"x","type":"VIRTUAL"} trailing`, user...)
	call(t, "GET", s.base+"/wallet/v1/cards/01", "", user...)
	call(t, "HEAD", s.base+"/_sim/health", "")
	call(t, "GET", s.base+"/nothing/here", "")
	call(t, "POST", s.base+"/_sim/tokens", `{"account_id":8675309}`) // no admin token
	rawRequest(t, s.base, "POST /wallet/v2/cards HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+tok.Token+"\r\nx-customer-id: 103625634\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", true)
	list := "GET /wallet/v1/customers/103625634/accounts/8675309/cards?status=ALL HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tok.Token + "\r\n\r\n"
	for range 20 {
		rawRequest(t, s.base, list, false) // hang up before reading a 120 kB answer
	}
	status, body = call(t, "GET", s.base+"/_sim/events", "", admin...)
	if status != 200 {
		t.Fatalf("events: %d %s", status, body)
	}
	if err := s.stop(); err != nil {
		t.Fatalf("serve returned %v", err)
	}
	logged := s.stderr.String()
	lines := strings.Split(strings.TrimRight(logged, "\n"), "\n")
	if len(lines) < 50 {
		t.Fatalf("only %d log lines: %s", len(lines), logged)
	}
	levels := map[string]int{}
	for i, line := range lines {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Errorf("log line %d is not JSON: %q", i+1, line)
			continue
		}
		level, _ := entry["level"].(string)
		levels[level]++
		if level == "ERROR" {
			t.Errorf("log line %d is an error: %s", i+1, line)
		}
	}
	for value, what := range secrets {
		if value != "" && containsToken(logged, value) {
			t.Errorf("a %s seen on the wire is in the log", what)
		}
	}
	if len(secrets) < 8 {
		t.Errorf("the flow saw only %d secrets: it proves little", len(secrets))
	}
	kinds := make([]string, 0, len(secrets))
	for _, what := range secrets {
		kinds = append(kinds, what)
	}
	t.Logf("%d log lines by level %v; secrets looked for: %v", len(lines), levels, kinds)
	if !strings.Contains(logged, `"msg":"client gone before the response was written"`) {
		t.Errorf("none of 20 clients that hung up mid-response was logged as gone")
	}
}

// containsToken reports whether value appears in log as a whole token: not as part of a longer run of letters
// and digits, so that a four-digit PIN does not match inside a duration in nanoseconds.
func containsToken(log, value string) bool {
	alnum := func(b byte) bool { return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
	for i := 0; ; {
		j := strings.Index(log[i:], value)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(value)
		if (start == 0 || !alnum(log[start-1])) && (end == len(log) || !alnum(log[end])) {
			return true
		}
		i = start + 1
	}
}

// rawRequest writes a request on a connection of its own; with read it reads the answer, without it hangs up
// at once, resetting the connection, as a client that gave up would.
func rawRequest(t *testing.T, base, request string, read bool) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	if read {
		if resp, err := http.ReadResponse(bufio.NewReader(conn), nil); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
}
