package httpapi

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestResponseErrorAfterTheResponseStarted: an error once the answer is on its way is the client gone: one
// debug line, nothing written again (net/http would log a superfluous WriteHeader), no error logged.
func TestResponseErrorAfterTheResponseStarted(t *testing.T) {
	for _, tc := range []struct {
		name    string
		started bool
		ctx     func() context.Context
		err     error
		level   string
		status  int
	}{
		{"a write that failed mid-response", true, context.Background, errors.New("write tcp: broken pipe"), "DEBUG", 200},
		{"a request the client gave up", false, func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, context.Canceled, "DEBUG", 200},
		{"a failure of the simulator", false, context.Background, errors.New("store broke"), "ERROR", 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := &handlers{log: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
			w := httptest.NewRecorder()
			rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK, ctx: context.Background(), cidHeader: "x-cid"}
			if tc.started {
				rec.WriteHeader(http.StatusOK)
			}
			r := httptest.NewRequestWithContext(tc.ctx(), "GET", "/wallet/v1/cards/1", nil)
			h.responseError(&Surface{Name: "cards", Shape: ProcessorShape})(rec, r, tc.err)
			lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], `"level":"`+tc.level+`"`) {
				t.Fatalf("logged %q, want one %s line", logs.String(), tc.level)
			}
			if w.Code != tc.status || (tc.level == "DEBUG" && w.Body.Len() != 0) {
				t.Fatalf("wrote %d %q", w.Code, w.Body.String())
			}
		})
	}
}
