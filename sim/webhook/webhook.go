// Package webhook delivers committed events to a receiver by HTTP POST, signed as Standard Webhooks specifies,
// and retries failures on the simulator's clock.
package webhook

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/issuersim/issuersim/sim/clock"
	"github.com/issuersim/issuersim/sim/event"
)

// DefaultBackoff is the wait before each retry of a failed delivery, on the simulator's clock.
var DefaultBackoff = []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour}

// Config configures a Dispatcher.
type Config struct {
	// URL receives every event; required.
	URL string
	// Secret signs deliveries: base64, with or without the whsec_ prefix.
	Secret string
	// Clock schedules retries; Wall stamps webhook-timestamp with real time so receivers can check their
	// usual tolerance even when the simulator's clock is virtual. Wall defaults to time.Now.
	Clock clock.Clock
	Wall  func() time.Time
	// Client sends the requests; default a client with a 10-second timeout.
	Client *http.Client
	// Backoff lists the waits before retries; default DefaultBackoff.
	Backoff []time.Duration
	Logger  *slog.Logger
}

// Attempt is one try at delivering an event.
type Attempt struct {
	Number int
	At     time.Time
	Status int    // HTTP status, 0 when no response came
	Error  string // transport error or non-2xx summary
}

// Dispatcher delivers events in commit order, one at a time, and keeps one record per attempt.
type Dispatcher struct {
	cfg  Config
	hook *standardwebhooks.Webhook

	mu       sync.Mutex
	queue    []delivery
	wake     chan struct{}
	attempts map[string][]Attempt
}

type delivery struct {
	record  event.Record
	attempt int
}

// New returns a Dispatcher, or an error naming the bad setting.
func New(cfg Config) (*Dispatcher, error) {
	if cfg.URL == "" {
		return nil, fmt.Errorf("webhook url: required")
	}
	hook, err := standardwebhooks.NewWebhook(cfg.Secret)
	if err != nil {
		return nil, fmt.Errorf("webhook secret: must be base64, optionally prefixed whsec_: %w", err)
	}
	if cfg.Wall == nil {
		cfg.Wall = time.Now
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Backoff == nil {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{cfg: cfg, hook: hook, wake: make(chan struct{}, 1), attempts: map[string][]Attempt{}}, nil
}

// Enqueue schedules a committed event for delivery; it never blocks.
func (d *Dispatcher) Enqueue(r event.Record) { d.push(delivery{record: r, attempt: 1}) }

func (d *Dispatcher) push(x delivery) {
	d.mu.Lock()
	d.queue = append(d.queue, x)
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Attempts returns the attempts made for an event so far.
func (d *Dispatcher) Attempts(eventID string) []Attempt {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Attempt(nil), d.attempts[eventID]...)
}

// Run delivers queued events until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) error {
	for {
		d.mu.Lock()
		if len(d.queue) == 0 {
			d.mu.Unlock()
			select {
			case <-ctx.Done():
				return nil
			case <-d.wake:
				continue
			}
		}
		next := d.queue[0]
		d.queue = d.queue[1:]
		d.mu.Unlock()
		d.deliver(ctx, next)
	}
}

func (d *Dispatcher) deliver(ctx context.Context, x delivery) {
	r := x.record
	a := Attempt{Number: x.attempt, At: d.cfg.Wall().UTC()}
	a.Status, a.Error = d.send(ctx, r, a.At)
	d.mu.Lock()
	d.attempts[r.ID] = append(d.attempts[r.ID], a)
	d.mu.Unlock()
	log := d.cfg.Logger.With("event_id", r.ID, "event_type", r.Type, "attempt", a.Number)
	if a.Error == "" {
		log.Debug("webhook delivered", "status", a.Status)
		return
	}
	if ctx.Err() != nil {
		return
	}
	if x.attempt > len(d.cfg.Backoff) {
		log.Error("webhook delivery failed for good", "status", a.Status, "err", a.Error)
		return
	}
	wait := d.cfg.Backoff[x.attempt-1]
	log.Warn("webhook delivery failed; will retry", "status", a.Status, "err", a.Error, "retry_in", wait)
	d.cfg.Clock.AfterFunc(wait, func() { d.push(delivery{record: r, attempt: x.attempt + 1}) })
}

// send posts the envelope bytes exactly as stored, signed over those bytes.
func (d *Dispatcher) send(ctx context.Context, r event.Record, at time.Time) (int, string) {
	sig, err := d.hook.Sign(r.ID, at, r.Envelope)
	if err != nil {
		return 0, "sign: " + err.Error()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.cfg.URL, bytes.NewReader(r.Envelope))
	if err != nil {
		return 0, "build request: " + err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "issuersim-webhook")
	req.Header.Set(standardwebhooks.HeaderWebhookID, r.ID)
	req.Header.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(at.Unix(), 10))
	req.Header.Set(standardwebhooks.HeaderWebhookSignature, sig)
	resp, err := d.cfg.Client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Sprintf("receiver answered %d", resp.StatusCode)
	}
	return resp.StatusCode, ""
}
