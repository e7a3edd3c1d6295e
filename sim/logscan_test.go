package sim_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
)

// Every simulator the tests start logs here, at debug level, and every PAN, PIN, CVV and PIN block that
// crosses the wire in either direction is remembered: after the whole run, none may appear in the log.
var (
	logMu    sync.Mutex
	logBuf   bytes.Buffer
	secretMu sync.Mutex
	secrets  = map[string]string{} // value -> field it was seen in
)

type logWriter struct{}

func (logWriter) Write(p []byte) (int, error) {
	logMu.Lock()
	defer logMu.Unlock()
	return logBuf.Write(p)
}

// testLogger is the logger of every harness simulator.
var testLogger = slog.New(slog.NewJSONHandler(logWriter{}, &slog.HandlerOptions{Level: slog.LevelDebug}))

// secretFields are the JSON fields whose values are PCI data.
var secretFields = map[string]bool{"card_number": true, "cvv": true, "pin": true, "pinblock": true, "pin_block": true,
	"access_token": true, "assertion": true, "encryptedData": true,
	"otp_value": true, "otp": true}

// remember records the PCI values of a JSON body.
func remember(body []byte) {
	var doc any
	if json.Unmarshal(body, &doc) != nil {
		return
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				if s, ok := val.(string); ok && secretFields[k] && len(s) >= 3 {
					secretMu.Lock()
					secrets[s] = k
					secretMu.Unlock()
				}
				walk(val)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc)
}

func TestMain(m *testing.M) {
	code := m.Run()
	logMu.Lock()
	log := logBuf.String()
	logMu.Unlock()
	leaked := 0
	for i, line := range strings.Split(strings.TrimRight(log, "\n"), "\n") {
		if line != "" && !json.Valid([]byte(line)) {
			fmt.Fprintf(os.Stderr, "log line %d is not JSON: %.200q\n", i+1, line)
			leaked++
		}
	}
	for value, field := range secrets {
		// A long value must not appear as a whole token (a six-digit OTP may well appear inside a duration in
		// nanoseconds); a short one not as a JSON string.
		if len(value) >= 6 && containsToken(log, value) || len(value) < 6 && strings.Contains(log, `"`+value+`"`) {
			fmt.Fprintf(os.Stderr, "a %s seen on the wire appears in the simulator's log\n", field)
			leaked++
		}
	}
	if code == 0 && leaked > 0 {
		code = 1
	}
	// A whole run that saw no PCI data means the scan lost its input; a run of chosen tests (-run) may well
	// see none.
	if code == 0 && len(secrets) == 0 && flag.Lookup("test.run").Value.String() == "" {
		fmt.Fprintln(os.Stderr, "the log scan saw no PCI data on the wire: it proves nothing")
		code = 1
	}
	os.Exit(code)
}

// containsToken reports whether value appears in log as a whole token, not inside a longer run of letters and
// digits.
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
