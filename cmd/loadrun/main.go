// Command loadrun is the side-by-side load run of docs/performance.md: it starts the issuersim binary and a
// bare net/http baseline (this binary with -baseline), drives both with the same bounded load for create card,
// get card, list cards and status change, and prints one table: req/s, ratio to the baseline, p50, p99, server
// CPU per request, resident memory and errors. It stops every process it started.
//
//	make load                      # builds ./issuersim, then runs this
//	go run ./cmd/loadrun -bin ./issuersim -conns 32 -duration 8s -warmup 3s
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadrun:", err)
		os.Exit(1)
	}
}

func run() error {
	baseline := flag.Bool("baseline", false, "serve the bare net/http baseline on -addr and print its address (used by loadrun itself)")
	addr := flag.String("addr", "127.0.0.1:0", "the baseline's listen address")
	bin := flag.String("bin", "./issuersim", "the issuersim binary to run")
	conns := flag.Int("conns", 32, "concurrent keep-alive connections")
	duration := flag.Duration("duration", 8*time.Second, "measured time per scenario and target")
	warmup := flag.Duration("warmup", 3*time.Second, "unmeasured load before each measurement")
	starts := flag.Int("starts", 10, "times to start the binary for the start-up figures (0 skips them)")
	flag.Parse()
	if *baseline {
		return serveBaseline(*addr)
	}
	if *starts > 0 {
		if err := startup(*bin, *starts); err != nil {
			return err
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	sim, err := start(*bin, "serve", "--addr", "127.0.0.1:0", "--log-level", "error", "--token-ttl", "24h")
	if err != nil {
		return fmt.Errorf("start %s: %w", *bin, err)
	}
	defer sim.stop()
	base, err := start(self, "-baseline")
	if err != nil {
		return fmt.Errorf("start the baseline: %w", err)
	}
	defer base.stop()
	fmt.Printf("issuersim at %s (pid %d), baseline at %s (pid %d); %d connections, %s warm-up, %s measured\n\n",
		sim.url, sim.cmd.Process.Pid, base.url, base.cmd.Process.Pid, *conns, *warmup, *duration)
	s, err := setup(sim.url, *conns)
	if err != nil {
		return fmt.Errorf("set up the scenarios: %w", err)
	}
	fmt.Println("| scenario | target | req/s | × baseline | p50 | p99 | server CPU µs/req | RSS after | errors |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	for _, sc := range s.scenarios() {
		b := measure(base, sc, *conns, *warmup, *duration)
		r := measure(sim, sc, *conns, *warmup, *duration)
		for _, row := range []struct {
			name string
			res  result
		}{{"bare net/http", b}, {"issuersim", r}} {
			fmt.Printf("| %s | %s | %.0f | %.2f | %s | %s | %.0f | %d MB | %d |\n", sc.name, row.name, row.res.rps, row.res.rps/b.rps,
				row.res.p50.Round(time.Microsecond), row.res.p99.Round(time.Microsecond), row.res.cpuPerReq, row.res.rssMB, row.res.errors)
		}
	}
	return nil
}

// startup starts the binary n times and prints the median and spread of three points of its start: its
// address printed, its first healthy answer (GET /_sim/health, which waits for the admin contract), and its
// first answer from a vendor API (an unauthenticated GET of the Cards API, 401 once its contract has loaded).
func startup(bin string, n int) error {
	var listen, healthy, api []time.Duration
	client := &http.Client{Timeout: 5 * time.Second}
	poll := func(url string, want int) error {
		for range 5000 {
			resp, err := client.Get(url)
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == want {
					return nil
				}
			}
			time.Sleep(200 * time.Microsecond)
		}
		return fmt.Errorf("%s never answered %d", url, want)
	}
	for range n {
		t0 := time.Now()
		p, err := start(bin, "serve", "--addr", "127.0.0.1:0", "--log-level", "error")
		if err != nil {
			return fmt.Errorf("start %s: %w", bin, err)
		}
		listen = append(listen, time.Since(t0))
		err = poll(p.url+"/_sim/health", http.StatusOK)
		healthy = append(healthy, time.Since(t0))
		if err == nil {
			err = poll(p.url+"/wallet/v1/cards/1", http.StatusUnauthorized)
			api = append(api, time.Since(t0))
		}
		p.stop()
		if err != nil {
			return err
		}
	}
	spread := func(d []time.Duration) string {
		slices.Sort(d)
		ms := func(x time.Duration) string { return fmt.Sprintf("%.1f", float64(x.Microseconds())/1000) }
		return ms(d[0]) + " / " + ms(d[len(d)/2]) + " / " + ms(d[len(d)-1]) + " ms"
	}
	fmt.Printf("start-up, %d starts (min / median / max from exec): address printed %s; first healthy answer %s; first Cards API answer %s\n\n",
		n, spread(listen), spread(healthy), spread(api))
	return nil
}

// proc is a server process loadrun started.
type proc struct {
	cmd *exec.Cmd
	url string
}

var servingOn = regexp.MustCompile(`(?:serving on|baseline on) (http://[0-9.:]+)`)

// start runs a server and waits for the line naming its address.
func start(bin string, args ...string) (*proc, error) {
	cmd := exec.Command(bin, args...)
	dieWithParent(cmd)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{cmd: cmd}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := servingOn.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case p.url = <-found:
		return p, nil
	case <-time.After(30 * time.Second):
		p.stop()
		return nil, fmt.Errorf("%s did not say where it serves within 30s", bin)
	}
}

// stop ends the process loadrun started, by its pid.
func (p *proc) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
	}
}

// serveBaseline is the bare handler: it reads the body, decodes JSON when there is one, and answers a small
// JSON object, which is the least any API server does.
func serveBaseline(addr string) error {
	var n atomic.Int64
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("baseline on http://%s\n", ln.Addr())
	return http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if r.ContentLength != 0 {
			_ = json.NewDecoder(r.Body).Decode(&body)
		}
		w.Header().Set("Content-Type", "application/json")
		status := http.StatusOK
		if r.Method == http.MethodPost {
			status = http.StatusCreated
		}
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{"id": n.Add(1), "status": "NORMAL", "name": body["name"]})
	}))
}

// scenarioSet is what the scenarios share: a token and one card per connection.
type scenarioSet struct {
	token string
	cards []int64
	flips []atomic.Int64 // status changes sent per connection's card, across warm-up and measurement
}

const (
	account  = 8675309
	customer = 103625634
)

func setup(base string, conns int) (*scenarioSet, error) {
	var tok struct {
		Token string `json:"token"`
	}
	if err := call(http.DefaultClient, "POST", base+"/_sim/tokens", "", map[string]any{"account_id": account}, &tok); err != nil {
		return nil, err
	}
	s := &scenarioSet{token: tok.Token, flips: make([]atomic.Int64, conns)}
	for i := range conns {
		var c struct {
			ID int64 `json:"id"`
		}
		if err := call(http.DefaultClient, "POST", base+"/wallet/v2/cards", tok.Token, map[string]any{"name": fmt.Sprint("setup ", i), "type": "VIRTUAL"}, &c); err != nil {
			return nil, err
		}
		s.cards = append(s.cards, c.ID)
	}
	return s, nil
}

// scenario builds the next request of a connection.
type scenario struct {
	name string
	next func(conn, i int) (method, path string, body any)
}

func (s *scenarioSet) scenarios() []scenario {
	var names atomic.Int64
	return []scenario{
		{"create card", func(int, int) (string, string, any) {
			return "POST", "/wallet/v2/cards", map[string]any{"name": fmt.Sprint("load ", names.Add(1)), "type": "VIRTUAL"}
		}},
		{"get card", func(conn, _ int) (string, string, any) {
			return "GET", fmt.Sprintf("/wallet/v1/cards/%d", s.cards[conn]), nil
		}},
		{"list cards (first page)", func(int, int) (string, string, any) {
			return "GET", fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards?format=paged&page=0&perPage=10", customer, account), nil
		}},
		{"status change", func(conn, _ int) (string, string, any) {
			status := "BLOCKED"
			if s.flips[conn].Add(1)%2 == 0 {
				status = "NORMAL"
			}
			return "PUT", fmt.Sprintf("/wallet/v1/customers/%d/accounts/%d/cards/%d/status", customer, account, s.cards[conn]), map[string]any{"status": status}
		}},
	}
}

type result struct {
	rps       float64
	p50, p99  time.Duration
	cpuPerReq float64
	rssMB     int64
	errors    int64
}

// measure loads one target with one scenario: a warm-up, then the measured window.
func measure(p *proc, sc scenario, conns int, warmup, window time.Duration) result {
	tok := tokenFor(p)
	load(p.url, tok, sc, conns, warmup, nil)
	cpu0 := cpuTime(p.cmd.Process.Pid)
	var lat []time.Duration
	var mu sync.Mutex
	var errs atomic.Int64
	start := time.Now()
	n := load(p.url, tok, sc, conns, window, func(d time.Duration, ok bool) {
		if !ok {
			errs.Add(1)
		}
		mu.Lock()
		lat = append(lat, d)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	cpu := cpuTime(p.cmd.Process.Pid) - cpu0
	slices.Sort(lat)
	r := result{rps: float64(n) / elapsed.Seconds(), errors: errs.Load(), rssMB: rss(p.cmd.Process.Pid) >> 20}
	if len(lat) > 0 {
		r.p50, r.p99 = lat[len(lat)/2], lat[len(lat)*99/100]
		r.cpuPerReq = float64(cpu.Microseconds()) / float64(n)
	}
	return r
}

var tokens sync.Map

// tokenFor is the scenario's token for issuersim; the baseline ignores it.
func tokenFor(p *proc) string {
	if t, ok := tokens.Load(p.url); ok {
		return t.(string)
	}
	var tok struct {
		Token string `json:"token"`
	}
	_ = call(http.DefaultClient, "POST", p.url+"/_sim/tokens", "", map[string]any{"account_id": account}, &tok) // the baseline answers anything
	tokens.Store(p.url, tok.Token)
	return tok.Token
}

// load runs conns connections for d, each sending the scenario's requests back to back; it returns how many
// requests completed and reports each to rec.
func load(base, token string, sc scenario, conns int, d time.Duration, rec func(time.Duration, bool)) int64 {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var total atomic.Int64
	var wg sync.WaitGroup
	for c := range conns {
		wg.Go(func() {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}, Timeout: 10 * time.Second}
			for i := 0; ctx.Err() == nil; i++ {
				method, path, body := sc.next(c, i)
				t0 := time.Now()
				err := call(client, method, base+path, token, body, nil)
				if ctx.Err() != nil && err != nil {
					return // cut off by the end of the window
				}
				total.Add(1)
				if rec != nil {
					rec(time.Since(t0), err == nil)
				}
			}
		})
	}
	wg.Wait()
	return total.Load()
}

// call sends one request; a non-2xx answer is an error.
func call(c *http.Client, method, url, token string, body, out any) error {
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("x-customer-id", strconv.Itoa(customer))
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, bytes.TrimSpace(raw))
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// cpuTime is a process's user plus system CPU time, from /proc (Linux).
func cpuTime(pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(raw)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ is 100 on Linux
}

// rss is a process's resident memory in bytes, from /proc (Linux).
func rss(pid int) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
