package sim_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"

	"github.com/issuersim/issuersim/sim"
	"github.com/issuersim/issuersim/sim/simtest"
)

// syncBuffer is a bytes.Buffer a server's goroutines may write to while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestRequestLogLevels: a container's HEALTHCHECK polls /_sim/health every second, so those requests log at
// debug while every other request logs at info.
func TestRequestLogLevels(t *testing.T) {
	var out syncBuffer
	log := slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := simtest.Start(t, sim.Config{Seed: 1, Logger: log})
	tests := []struct {
		path  string
		route string
		level string
	}{
		{"/_sim/health", "GET /_sim/health", "DEBUG"},
		{"/_sim/jobs", "GET /_sim/jobs", "INFO"},
		{"/wallet/v1/cards/1", "GET /wallet/v1/cards/{cardId}", "INFO"},
	}
	for _, tt := range tests {
		resp, err := srv.Client().Get(srv.URL + tt.path)
		if err != nil {
			t.Fatalf("GET %s: %v", tt.path, err)
		}
		resp.Body.Close()
	}
	levels := map[string]string{} // route -> level of its request line
	sc := bufio.NewScanner(bytes.NewReader([]byte(out.String())))
	for sc.Scan() {
		var line struct {
			Msg, Level, Route string
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "request" {
			levels[line.Route] = line.Level
		}
	}
	for _, tt := range tests {
		if got := levels[tt.route]; got != tt.level {
			t.Errorf("request line of %s: level %q, want %q (routes logged: %v)", tt.path, got, tt.level, levels)
		}
	}
}
